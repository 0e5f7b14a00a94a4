"""Webhooks: a partner's HTTPS endpoint, the signed events it receives, and the log of each delivery.

A delivery is a POST of `WebhookPayload` as JSON with three headers:
  Hotline-Event-Id   the event id (the same event may arrive twice: drop ids you have seen)
  Hotline-Timestamp  Unix seconds when this attempt was signed
  Hotline-Signature  `v1=` + hex HMAC-SHA256 with the partner's secret over `<timestamp>.<raw body>`
Signing the timestamp with the body lets the receiver refuse old or replayed requests.
"""

import hashlib
import hmac
import ipaddress
import re
from datetime import timedelta
from enum import StrEnum
from typing import Protocol
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from hotline.domain.base.clock import UtcDatetime
from hotline.domain.base.errors import FieldProblem, InvalidInput
from hotline.domain.tickets.publication import PublishedEvent
from hotline.domain.tickets.view import TicketView

EVENT_ID_HEADER = "Hotline-Event-Id"
TIMESTAMP_HEADER = "Hotline-Timestamp"
SIGNATURE_HEADER = "Hotline-Signature"
SIGNATURE_VERSION = "v1"

RETRY_AFTER = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
"""Waits after the 1st … 5th failed attempt; the 6th failure sends the event to the dead-letter queue."""
MAX_ATTEMPTS = len(RETRY_AFTER) + 1
KEPT_ATTEMPTS = 10
"""Attempts a delivery record keeps (the newest), including those of redeliveries."""
LOG_RETENTION = timedelta(days=30)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def retry_after(attempt: int) -> timedelta | None:
    """How long to wait after failed attempt number `attempt` (1-based); None once attempts are used up."""
    return RETRY_AFTER[attempt - 1] if 1 <= attempt <= len(RETRY_AFTER) else None


ALLOWED_PORTS = (443, 8443)
"""HTTPS's port and its common alternative: any other port would let a registration probe other services."""

EMBEDDED_IPV4 = tuple(
    ipaddress.IPv6Network(network)
    for network in (
        "::ffff:0:0/96",  # IPv4-mapped
        "::/96",  # IPv4-compatible (deprecated)
        "::ffff:0:0:0/96",  # IPv4-translated (SIIT)
        "64:ff9b::/96",  # NAT64, well-known prefix
        "64:ff9b:1::/48",  # NAT64, local use
        "2002::/16",  # 6to4
        "2001::/32",  # Teredo
    )
)
"""IPv6 ranges that carry an IPv4 address (2002:a9fe:a9fe:: is 169.254.169.254 through 6to4). They are refused
whatever the IPv4 address: no endpoint needs them, and Python's `is_global` for them differs between versions."""

_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_NUMBER = re.compile(r"[0-9]+|0x[0-9a-f]*")
"""A last label like this makes the resolver read the host as an IPv4 address (127.1, 0x7f.1, 2130706433)."""

_NOT_PUBLIC = "must name a public host, not a private or reserved address"
THIS_MACHINE = "must name a public host, not this machine"


class Failure(StrEnum):
    """Why an attempt got no HTTP answer. The delivery log shows the class, never the system's error text,
    which would let a partner map hosts and ports through its endpoint URL."""

    FORBIDDEN_ADDRESS = "forbidden_address"  # the URL or an address its host resolves to is not allowed
    DNS_ERROR = "dns_error"
    TIMEOUT = "timeout"
    CONNECTION_REFUSED = "connection_refused"
    CONNECTION_CLOSED = "connection_closed"  # reset or closed before a whole answer
    CONNECTION_FAILED = "connection_failed"  # network or host unreachable, any other socket error
    TLS_ERROR = "tls_error"  # the handshake failed or the certificate is not the host's
    PROTOCOL_ERROR = "protocol_error"  # the answer was not HTTP


class EndpointPolicy(Protocol):
    """Which endpoints deliveries may reach: checked at registration and again before every attempt."""

    def url_problem(self, url: str) -> str | None: ...

    def address_problem(self, address: str) -> str | None: ...


def check_url(url: str, endpoints: EndpointPolicy) -> str:
    """An endpoint we may POST to; refused with 422 naming `url` otherwise."""
    problem = endpoints.url_problem(url)
    if problem:
        raise InvalidInput("the webhook URL is not usable", [FieldProblem(field="url", problem=problem)])
    return url


def url_problem(url: str) -> str | None:
    """Why `url` may not be called: it must be https on port 443 or 8443, naming a host by DNS name, dotted-quad
    IPv4 or bracketed IPv6, and never a private address or this machine. A name is only checked here; what it
    resolves to is checked at every delivery (`address_problem`)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is not a number below 65536, unbalanced brackets
        return "must be an absolute https:// URL"
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or not host:
        return "must be an absolute https:// URL"
    if "@" in parts.netloc:
        return "must not carry a user name or password"
    ip, problem = _host(host)
    if problem:
        return problem
    if parts.scheme == "http":
        return "must use https"
    if host == "localhost" or host.endswith(".localhost") or (ip is not None and ip.is_loopback):
        return THIS_MACHINE
    if (443 if port is None else port) not in ALLOWED_PORTS:
        return "must use port 443 or 8443"
    return None if ip is None else address_problem(str(ip))


def address_problem(address: str) -> str | None:
    """Why an IP address may not be called: deliveries reach only globally routable addresses."""
    ip = ipaddress.ip_address(address)
    if ip.is_loopback:
        return THIS_MACHINE
    if isinstance(ip, ipaddress.IPv6Address) and any(ip in network for network in EMBEDDED_IPV4):
        return "must name a public host, not an IPv6 address carrying an IPv4 one (mapped, 6to4, Teredo, NAT64)"
    if not ip.is_global or ip.is_multicast or ip.is_reserved:  # is_global alone lets multicast through
        return _NOT_PUBLIC
    return None


class PublicEndpoints:
    """Public HTTPS hosts only (`url_problem`, `address_problem`): what every deployment allows."""

    def url_problem(self, url: str) -> str | None:
        return url_problem(url)

    def address_problem(self, address: str) -> str | None:
        return address_problem(address)


PUBLIC_ENDPOINTS = PublicEndpoints()


def _host(host: str) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address | None, str | None]:
    """The address a URL's host names literally, or a problem. urlsplit lowercases the host and strips the
    brackets, so only an IPv6 literal contains a colon."""
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host), None
        except ValueError:
            return None, "must be a valid IPv6 address"
    if _NUMBER.fullmatch(host.rsplit(".", 1)[-1]):
        # The resolver reads 127.1, 0x7f.0.0.1, 017700000001 or 2130706433 as 127.0.0.1: accept only the
        # form ipaddress parses the same way, so the address checked is the address called.
        try:
            ipv4 = ipaddress.IPv4Address(host)
        except ValueError:
            ipv4 = None
        if ipv4 is None or str(ipv4) != host:
            return None, "must write an IPv4 address as four decimal numbers (a.b.c.d)"
        return ipv4, None
    if len(host) > 253 or not all(_LABEL.fullmatch(label) for label in host.split(".")):
        return None, "must name a host with letters, digits and hyphens (punycode for other scripts)"
    return None, None


class Subscription(BaseModel):
    """A partner's registered endpoint. The secret signs every delivery; it is shown once, at registration."""

    model_config = ConfigDict(frozen=True)

    partner_id: str
    url: str
    secret: str = Field(repr=False)
    created_at: UtcDatetime


class WebhookPayload(BaseModel):
    """The JSON body a partner receives."""

    id: str = Field(description="The event id; the same event may be delivered more than once.")
    type: str = Field(examples=["ticket.replied"])
    time: UtcDatetime = Field(description="When it happened.")
    ticket_number: str
    ticket: TicketView = Field(description="The ticket as this event left it.")

    @classmethod
    def of(cls, event: PublishedEvent) -> "WebhookPayload":
        return cls(id=event.id, type=event.type, time=event.time, ticket_number=event.number, ticket=event.ticket)

    def body(self) -> bytes:
        return self.model_dump_json().encode()


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # queued: a first attempt or a redelivery has not run yet
    RETRYING = "retrying"  # failed; another attempt follows at next_attempt_at
    DELIVERED = "delivered"
    FAILED = "failed"  # attempts used up: the event is in the dead-letter queue until redelivered


class Attempt(BaseModel):
    at: UtcDatetime
    url: str
    status_code: int | None = Field(description="The endpoint's HTTP status; None when no response came.")
    error: str | None = Field(
        default=None,
        description="Why the attempt failed: `http_<status>` for an answer other than 2xx, else "
        + ", ".join(f"`{failure}`" for failure in Failure)
        + ". None when delivered.",
        examples=["http_503", "timeout"],
    )
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class Delivery(BaseModel):
    """One event's delivery to one partner, across its attempts and redeliveries."""

    partner_id: str
    status: DeliveryStatus
    attempt_count: int = 0
    attempts: list[Attempt] = Field(default_factory=list, description="The newest attempts, oldest first.")
    next_attempt_at: UtcDatetime | None = None
    delivered_at: UtcDatetime | None = None
    payload: WebhookPayload

    @property
    def event_id(self) -> str:
        return self.payload.id

    @classmethod
    def first(cls, partner_id: str, payload: WebhookPayload) -> "Delivery":
        return cls(partner_id=partner_id, status=DeliveryStatus.PENDING, payload=payload)

    def tried(self, attempt: Attempt, status: DeliveryStatus, next_attempt_at: UtcDatetime | None) -> "Delivery":
        return self.model_copy(
            update={
                "status": status,
                "attempt_count": self.attempt_count + 1,
                "attempts": [*self.attempts, attempt][-KEPT_ATTEMPTS:],
                "next_attempt_at": next_attempt_at,
                "delivered_at": attempt.at if status is DeliveryStatus.DELIVERED else self.delivered_at,
            }
        )


class Response(BaseModel):
    """What came back from one POST: a status code, or the failure that prevented one."""

    status_code: int | None
    error: Failure | None = None
    duration_ms: int

    @property
    def failure(self) -> str | None:
        """The attempt's failure class: the transport's, or `http_<status>` for an answer other than 2xx."""
        if self.error is not None:
            return self.error.value
        if self.status_code is not None and not 200 <= self.status_code < 300:
            return f"http_{self.status_code}"
        return None
