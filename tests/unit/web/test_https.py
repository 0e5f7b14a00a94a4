"""The webhook transport on loopback sockets: it calls only the address it checked, verifies TLS for the host name,
and logs failure classes. The resolver and the connection opener are its ports, faked where DNS would be needed."""

import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from hotline.domain.webhooks.delivery import Failure
from hotline.web.https import HttpTransport, LoopbackAllowed

from tests.support.http_server import serving

HOST = "hooks.example.test"
PUBLIC = "93.184.216.34"
HEADERS = {"Content-Type": "application/json"}


@dataclass
class Endpoint:
    port: int
    requests: list[tuple[str, str]] = field(default_factory=list)
    """(Host header, path) of each request received."""
    server_names: list[str | None] = field(default_factory=list)
    """The TLS server name (SNI) each handshake asked for."""


@contextmanager
def endpoint(tls: ssl.SSLContext | None = None) -> Iterator[Endpoint]:
    """A webhook receiver on 127.0.0.1 answering 204, over TLS when given a server context."""
    state = Endpoint(port=0)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append((self.headers["Host"], self.path))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    if tls is not None:
        tls.sni_callback = lambda _sock, name, _context: state.server_names.append(name)  # type: ignore[func-returns-value]
    with serving(Handler, tls) as server:
        server.handle_error = lambda *args: None  # type: ignore[method-assign]  # refused handshakes are expected
        state.port = server.server_address[1]
        yield state


@dataclass(frozen=True)
class Certificates:
    authority: str
    """PEM of the test certificate authority, which the client trusts."""
    directory: Path

    def server(self, name: str) -> ssl.SSLContext:
        """A server context with a certificate for `name`, signed by the authority."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.directory / f"{name}.pem", self.directory / f"{name}.key")
        return context

    def client(self) -> ssl.SSLContext:
        return ssl.create_default_context(cadata=self.authority)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    directory = tmp_path_factory.mktemp("tls")
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Hotline test CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    authority = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )  # certificate and CRL signing
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    for name in (HOST, "other.example.test"):
        key = ec.generate_private_key(ec.SECP256R1())
        leaf = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        (directory / f"{name}.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
        (directory / f"{name}.key").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    return Certificates(authority.public_bytes(serialization.Encoding.PEM).decode(), directory)


@dataclass
class Resolver:
    """DNS that answers each lookup with the next list of addresses (the last one repeats)."""

    answers: list[list[str]]
    lookups: list[str] = field(default_factory=list)

    def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


@dataclass
class Wire:
    """Records the address the transport dials and connects to the loopback endpoint instead."""

    port: int
    dialled: list[tuple[str, int]] = field(default_factory=list)

    def __call__(self, address: tuple[str, int], timeout: float | None) -> socket.socket:
        self.dialled.append(address)
        return socket.create_connection(("127.0.0.1", self.port), timeout)


def test_a_delivery_dials_the_checked_address_and_verifies_tls_for_the_host_name(certificates: Certificates) -> None:
    with endpoint(certificates.server(HOST)) as received:
        resolver, wire = Resolver([[PUBLIC]]), Wire(received.port)
        transport = HttpTransport(5, resolver=resolver, connect=wire, tls=certificates.client())
        response = transport.post(f"https://{HOST}/hooks?source=hotline", b"{}", HEADERS)
    assert response.status_code == 204 and response.error is None
    assert wire.dialled == [(PUBLIC, 443)]
    assert received.server_names == [HOST] and received.requests == [(HOST, "/hooks?source=hotline")]


def test_the_alternative_port_is_named_in_the_host_header(certificates: Certificates) -> None:
    with endpoint(certificates.server(HOST)) as received:
        wire = Wire(received.port)
        transport = HttpTransport(5, resolver=Resolver([[PUBLIC]]), connect=wire, tls=certificates.client())
        assert transport.post(f"https://{HOST}:8443/", b"{}", HEADERS).status_code == 204
    assert wire.dialled == [(PUBLIC, 8443)] and received.requests == [(f"{HOST}:8443", "/")]


def test_a_name_that_rebinds_to_a_private_address_is_never_fetched_from_it(certificates: Certificates) -> None:
    # The old transport resolved for its check and urllib resolved again to connect: public, then 127.0.0.1.
    with endpoint(certificates.server(HOST)) as received:
        resolver, wire = Resolver([[PUBLIC], ["127.0.0.1"]]), Wire(received.port)
        transport = HttpTransport(5, resolver=resolver, connect=wire, tls=certificates.client())
        assert transport.post(f"https://{HOST}/", b"{}", HEADERS).status_code == 204
        assert transport.post(f"https://{HOST}/", b"{}", HEADERS).error is Failure.FORBIDDEN_ADDRESS
    assert resolver.lookups == [HOST, HOST] and wire.dialled == [(PUBLIC, 443)]


@pytest.mark.parametrize(
    "addresses", [["10.0.0.8"], [PUBLIC, "169.254.169.254"], ["100.64.0.1"], ["2002:a9fe:a9fe::"], ["::1"]]
)
def test_a_name_resolving_to_any_private_address_is_not_called(addresses: list[str]) -> None:
    wire = Wire(port=9)
    response = HttpTransport(5, resolver=Resolver([addresses]), connect=wire).post(f"https://{HOST}/", b"{}", HEADERS)
    assert response.error is Failure.FORBIDDEN_ADDRESS and response.status_code is None and wire.dialled == []


def test_a_url_registered_before_the_rules_is_not_called() -> None:
    resolver, wire = Resolver([[PUBLIC]]), Wire(port=9)
    response = HttpTransport(5, resolver=resolver, connect=wire).post(f"https://{HOST}:6379/", b"{}", HEADERS)
    assert response.error is Failure.FORBIDDEN_ADDRESS and resolver.lookups == [] and wire.dialled == []


def test_a_certificate_for_another_name_is_a_tls_error(certificates: Certificates) -> None:
    with endpoint(certificates.server("other.example.test")) as received:
        wire = Wire(received.port)
        transport = HttpTransport(5, resolver=Resolver([[PUBLIC]]), connect=wire, tls=certificates.client())
        response = transport.post(f"https://{HOST}/", b"{}", HEADERS)
    assert response.error is Failure.TLS_ERROR and received.requests == []


def test_an_unknown_name_is_a_dns_error() -> None:
    def unknown(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    response = HttpTransport(5, resolver=unknown).post(f"https://{HOST}/", b"{}", HEADERS)
    assert response.error is Failure.DNS_ERROR and response.status_code is None


@contextmanager
def raw_server(answer: bytes | None) -> Iterator[int]:
    """A TCP server on loopback that reads the request, then sends `answer` and closes (None: never answers)."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            if answer is None:
                stop.wait(5)
            else:
                connection.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def _closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize(
    ("answer", "failure"),
    [
        (None, Failure.TIMEOUT),
        (b"", Failure.CONNECTION_CLOSED),
        (b"SSH-2.0-OpenSSH_9.6\r\n", Failure.PROTOCOL_ERROR),
    ],
)
def test_failures_are_logged_as_classes_not_system_errors(answer: bytes | None, failure: Failure) -> None:
    with raw_server(answer) as port:
        response = HttpTransport(0.5, LoopbackAllowed()).post(f"http://127.0.0.1:{port}/", b"{}", HEADERS)
    assert response.error is failure and response.status_code is None


def test_a_closed_port_is_connection_refused() -> None:
    response = HttpTransport(2, LoopbackAllowed()).post(f"http://127.0.0.1:{_closed_port()}/", b"{}", HEADERS)
    assert response.error is Failure.CONNECTION_REFUSED


def test_a_server_that_does_not_speak_tls_is_a_tls_error() -> None:
    with raw_server(b"HTTP/1.1 200 OK\r\n\r\n") as port:
        transport = HttpTransport(2, resolver=Resolver([[PUBLIC]]), connect=Wire(port))
        assert transport.post(f"https://{HOST}/", b"{}", HEADERS).error is Failure.TLS_ERROR


def test_the_local_cloud_posts_to_loopback_over_http() -> None:
    with endpoint() as received:
        response = HttpTransport(5, LoopbackAllowed()).post(f"http://127.0.0.1:{received.port}/h", b"{}", HEADERS)
    assert response.status_code == 204 and received.requests == [(f"127.0.0.1:{received.port}", "/h")]
