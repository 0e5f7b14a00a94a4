"""The web pages' build (web/dist, `make web`) and what browsers are told about it: one definition for CloudFront
(infra/constructs/site.py) and the local cloud (infra/local/site.py), so the pages meet the same rules in both."""

from collections.abc import Iterable
from pathlib import Path

DIST = Path(__file__).resolve().parent.parent / "web" / "dist"
CONSOLE = "console"
"""The staff console's folder: /console/… is its app, every other page path the citizen app."""
ASSETS = "assets"
"""Vite's output with content hashes in the names: a changed file is a new name, so it may be cached for good."""
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
"""index.html and config.json: asked again each time, so a deployment reaches browsers at once."""
HSTS_SECONDS = 2 * 365 * 24 * 3600
REFERRER_POLICY = "strict-origin-when-cross-origin"


class NotBuilt(RuntimeError):
    def __init__(self) -> None:
        super().__init__(f"{DIST / 'index.html'} is missing: build the web pages with `make web` first")


def built() -> Path:
    """web/dist, once `make web` has built it."""
    if not (DIST / "index.html").is_file() or not (DIST / CONSOLE / "index.html").is_file():
        raise NotBuilt()
    return DIST


def content_security_policy(*, connect: Iterable[str] = (), images: Iterable[str] = ()) -> str:
    """Only the site's own scripts and styles (no inline code, no eval); requests to the site and the origins given
    (the API, Cognito and the uploads bucket where they are not the site's own origin); pictures from the site and
    the uploads bucket. Values may be CDK tokens."""
    directives = {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *images],
        "connect-src": ["'self'", *connect],
        "font-src": ["'self'"],
        "manifest-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
    }
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


def security_headers(csp: str) -> dict[str, str]:
    """The headers CloudFront's response headers policy adds to every page and file of the site."""
    return {
        "Content-Security-Policy": csp,
        "Strict-Transport-Security": f"max-age={HSTS_SECONDS}; includeSubDomains",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": REFERRER_POLICY,
    }
