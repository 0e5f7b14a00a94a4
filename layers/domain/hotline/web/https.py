"""One HTTP POST to a partner's endpoint, only ever to an address that was checked, never following redirects.

The host is resolved once and every address it resolves to is checked; the connection then goes to a checked
address, while TLS still verifies the certificate for the host name (SNI) and the Host header names it. Resolving
again to connect would let a name answer with a public address for the check and a private one for the
connection (DNS rebinding). Failures are logged as `Failure` classes, never as the system's error text.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from hotline.domain.webhooks.delivery import (
    PUBLIC_ENDPOINTS,
    THIS_MACHINE,
    EndpointPolicy,
    Failure,
    Response,
    address_problem,
    url_problem,
)

READ_LIMIT = 4096  # the endpoint's answer is not used; read a little so the connection closes cleanly

Resolve = Callable[[str, int], list[str]]
"""The IP addresses a host name resolves to (for tests, a fake resolver)."""
Connect = Callable[[tuple[str, int], float | None], socket.socket]
"""Open a TCP connection to one IP address and port."""


def resolve(host: str, port: int) -> list[str]:
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


class _Refused(Exception):
    def __init__(self, failure: Failure) -> None:
        super().__init__(failure)
        self.failure = failure


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to `host` that connects to the given, already checked, addresses."""

    def __init__(
        self,
        host: str,
        port: int,
        timeout: float,
        addresses: list[str],
        connect: Connect,
        tls: ssl.SSLContext | None,
    ) -> None:
        super().__init__(host, port, timeout=timeout)
        self.default_port = 443 if tls else 80  # so the Host header carries the port only when it is not 443
        self._addresses = addresses
        self._connect = connect
        self._tls = tls

    def connect(self) -> None:
        sock = self._open()
        if self._tls is None:
            self.sock = sock
            return
        try:  # SNI and certificate verification for the host name, not for the address connected to
            self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise

    def _open(self) -> socket.socket:
        last: OSError = OSError("no address")
        for address in self._addresses:  # the next one only if this one's network cannot be reached at all
            try:
                return self._connect((address, self.port), self.timeout)
            except TimeoutError:
                raise
            except OSError as failure:
                last = failure
        raise last


class LoopbackAllowed:
    """The local cloud's policy (HOTLINE_LOCAL_WEBHOOK_LOOPBACK): partners' endpoints there listen on this machine,
    so a URL whose only fault is naming it is allowed, over http too and on any port; the rest as in AWS."""

    def url_problem(self, url: str) -> str | None:
        problem = url_problem(url)
        if problem is None:
            return None
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018  # raises for a bad port, as the public rules say
        except ValueError:
            return problem
        host = parts.hostname or ""
        if parts.scheme not in ("http", "https") or "@" in parts.netloc:
            return problem
        as_public = f"https://[{host}]/" if ":" in host else f"https://{host}/"
        return None if url_problem(as_public) == THIS_MACHINE else problem

    def address_problem(self, address: str) -> str | None:
        return None if ipaddress.ip_address(address).is_loopback else address_problem(address)


class HttpTransport:
    def __init__(
        self,
        timeout_seconds: float,
        endpoints: EndpointPolicy = PUBLIC_ENDPOINTS,
        *,
        resolver: Resolve = resolve,
        connect: Connect = socket.create_connection,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self._timeout = timeout_seconds
        self._endpoints = endpoints
        self._resolve = resolver
        self._connect = connect
        self._tls = tls or ssl.create_default_context()

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Response:
        started = time.monotonic()
        status: int | None = None
        failure: Failure | None = None
        try:
            status = self._post(url, body, headers)
        except _Refused as refused:
            failure = refused.failure
        except (OSError, http.client.HTTPException) as error:
            failure = _failure(error)
        return Response(status_code=status, error=failure, duration_ms=round((time.monotonic() - started) * 1000))

    def _post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        if self._endpoints.url_problem(url):  # registered before the rules it breaks
            raise _Refused(Failure.FORBIDDEN_ADDRESS)
        parts = urlsplit(url)
        host, https = parts.hostname or "", parts.scheme == "https"
        port = parts.port or (443 if https else 80)
        addresses = self._checked(host, port)
        connection = _PinnedConnection(
            host, port, self._timeout, addresses, self._connect, self._tls if https else None
        )
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("POST", target, body=body, headers=headers)
            with connection.getresponse() as reply:
                reply.read(READ_LIMIT)
                return reply.status
        finally:
            connection.close()

    def _checked(self, host: str, port: int) -> list[str]:
        """Every address the host resolves to, if all of them may be called."""
        try:
            addresses = self._resolve(host, port)
        except (OSError, UnicodeError) as failure:
            raise _Refused(Failure.DNS_ERROR) from failure
        if not addresses:
            raise _Refused(Failure.DNS_ERROR)
        if any(self._endpoints.address_problem(address) for address in addresses):
            raise _Refused(Failure.FORBIDDEN_ADDRESS)
        return addresses


def _failure(error: OSError | http.client.HTTPException) -> Failure:
    if isinstance(error, TimeoutError):
        return Failure.TIMEOUT
    if isinstance(error, ssl.SSLError):
        return Failure.TLS_ERROR
    if isinstance(error, ConnectionRefusedError):
        return Failure.CONNECTION_REFUSED
    if isinstance(error, ConnectionError):  # reset, aborted, broken pipe; RemoteDisconnected is one too
        return Failure.CONNECTION_CLOSED
    if isinstance(error, http.client.HTTPException):
        return Failure.PROTOCOL_ERROR
    return Failure.CONNECTION_FAILED
