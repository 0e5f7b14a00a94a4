"""One HTTP POST to a partner's endpoint, refusing private addresses and redirects."""

import socket
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from hotline.domain.webhooks import Response, address_problem

READ_LIMIT = 4096  # the endpoint's answer is not used; read a little so the connection closes cleanly


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect is the endpoint's answer (a failure), never followed


class HttpTransport:
    def __init__(self, timeout_seconds: float, allow_loopback: bool) -> None:
        self._timeout = timeout_seconds
        self._allow_loopback = allow_loopback
        self._opener = urllib.request.build_opener(_NoRedirects)

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Response:
        started = time.monotonic()
        status: int | None = None
        error: str | None = self._refused(url)
        if error is None:
            request = urllib.request.Request(url, data=body, headers=headers, method="POST")
            try:
                with self._opener.open(request, timeout=self._timeout) as reply:
                    reply.read(READ_LIMIT)
                    status = reply.status
            except urllib.error.HTTPError as answer:
                status = answer.code
            except (urllib.error.URLError, OSError) as failure:
                error = str(getattr(failure, "reason", failure))
        return Response(status_code=status, error=error, duration_ms=round((time.monotonic() - started) * 1000))

    def _refused(self, url: str) -> str | None:
        """A host name may resolve to a private address even though the URL passed registration."""
        parts = urlsplit(url)
        try:
            resolved = socket.getaddrinfo(parts.hostname or "", parts.port or 443, proto=socket.IPPROTO_TCP)
        except OSError as failure:
            return f"cannot resolve {parts.hostname}: {failure}"
        for *_, address in resolved:
            problem = address_problem(str(address[0]), self._allow_loopback)
            if problem:
                return f"{parts.hostname} {problem}"
        return None
