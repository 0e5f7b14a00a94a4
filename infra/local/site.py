"""The web pages on the local cloud's port, as CloudFront serves them in AWS (infra/constructs/site.py): the built
files of web/dist, the citizen app at / and the staff console at /console/ (single-page apps: a page path without a
file gets the app's index.html), /config.json, and a same-origin Cognito endpoint for the console's sign-in."""

import json
import mimetypes
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from infra import web

Answer = tuple[int, dict[str, str], bytes]

API_PREFIXES = ("v1", "open311")
SIGN_IN_PATH = "/cognito-idp"
# What a browser may ask Cognito through the site: signing in, and answering a challenge (a new password).
SIGN_IN_TARGETS = frozenset(
    f"AWSCognitoIdentityProviderService.{action}" for action in ("InitiateAuth", "RespondToAuthChallenge")
)
TYPES = {  # not left to the platform's mimetypes tables, which differ between machines
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".txt": "text/plain; charset=utf-8",
}


def is_api(path: str) -> bool:
    return any(path == f"/{prefix}" or path.startswith(f"/{prefix}/") for prefix in API_PREFIXES)


def _text(status: int, message: str) -> Answer:
    return status, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": web.REVALIDATE}, message.encode()


@dataclass
class Site:
    dist: Path
    config: dict[str, object]
    """/config.json: where the pages find the API and the staff sign-in."""
    moto_url: str
    csp: str
    headers: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.headers = web.security_headers(self.csp)

    def answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer | None:
        """The site's answer, or None for what is the API's to answer (its paths, and methods the site has not)."""
        if is_api(path):
            return None
        if path == SIGN_IN_PATH and method == "POST":
            return self._sign_in(headers, body)
        if method not in ("GET", "HEAD"):
            return None
        status, out, payload = self._get(path)
        return status, {**out, **self.headers}, payload

    def _get(self, path: str) -> Answer:
        if path == "/config.json":
            return (
                200,
                {"Content-Type": TYPES[".json"], "Cache-Control": web.REVALIDATE},
                json.dumps(self.config).encode(),
            )
        if path == f"/{web.CONSOLE}":
            return 301, {"Location": f"/{web.CONSOLE}/", "Cache-Control": web.REVALIDATE}, b""
        parts = unquote(path).split("/")[1:]
        # Decoded, so %2e%2e and %2f are seen for what they are; nothing outside web/dist is ever named.
        if any(p in (".", "..") or "\\" in p or "\0" in p for p in parts):
            return _text(400, "Bad path")
        file = self.dist.joinpath(*parts)
        if not file.is_file():
            if parts[0] == web.ASSETS or "." in parts[-1]:  # a file that is not there, not a page of an app
                return _text(404, "Not found")
            file = self.dist / (web.CONSOLE if parts[0] == web.CONSOLE else "") / "index.html"
        cache = web.IMMUTABLE if parts[0] == web.ASSETS else web.REVALIDATE
        kind = TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return 200, {"Content-Type": kind, "Cache-Control": cache}, file.read_bytes()

    def _sign_in(self, headers: dict[str, str], body: bytes) -> Answer:
        """Passed to moto's Cognito as the browser sent it (InitiateAuth is an unsigned call); tokens are signed with
        this process's key (infra/local/cognito.py), which the gateway's authorizer checks."""
        given = {k.lower(): v for k, v in headers.items()}
        target = given.get("x-amz-target", "")
        if target not in SIGN_IN_TARGETS:
            return _text(400, f"Only {', '.join(sorted(SIGN_IN_TARGETS))} are served here")
        content_type = given.get("content-type", "application/x-amz-json-1.1")
        request = urllib.request.Request(
            f"{self.moto_url}/",
            data=body,
            headers={"X-Amz-Target": target, "Content-Type": content_type},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                status, payload, kind = reply.status, reply.read(), reply.headers.get("Content-Type")
        except urllib.error.HTTPError as refused:  # a wrong password is Cognito's 400 NotAuthorizedException
            status, payload, kind = refused.code, refused.read(), refused.headers.get("Content-Type")
        return status, {"Content-Type": kind or content_type, "Cache-Control": "no-store"}, payload
