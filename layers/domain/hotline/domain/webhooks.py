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
from datetime import timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from hotline.domain.clock import UtcDatetime
from hotline.domain.errors import FieldProblem, InvalidInput
from hotline.domain.publication import PublishedEvent
from hotline.domain.ticket_view import TicketView

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


def check_url(url: str, allow_loopback: bool) -> str:
    """An endpoint we may POST to: HTTPS on a public host. The local cloud also allows http on loopback."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    ip = _ip(host)
    loopback = host == "localhost" or (ip is not None and ip.is_loopback)
    problem = None
    if parts.scheme not in ("https", "http") or not host:
        problem = "must be an absolute https:// URL"
    elif parts.username or parts.password:
        problem = "must not carry a user name or password"
    elif parts.scheme == "http" and not (loopback and allow_loopback):
        problem = "must use https"
    elif loopback and not allow_loopback:
        problem = "must name a public host, not this machine"
    elif ip is not None:
        problem = address_problem(host, allow_loopback)
    if problem:
        raise InvalidInput("the webhook URL is not usable", [FieldProblem(field="url", problem=problem)])
    return url


def address_problem(address: str, allow_loopback: bool) -> str | None:
    """Why an endpoint's IP address may not be called: deliveries never reach into private networks."""
    ip = ipaddress.ip_address(address)
    if ip.is_loopback:
        return None if allow_loopback else "must name a public host, not this machine"
    if ip.is_private or ip.is_link_local or ip.is_reserved or ip.is_multicast or ip.is_unspecified:
        return "must name a public host, not a private address"
    return None


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


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
    error: str | None = None
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
    """What came back from one POST: a status code, or the error that prevented one."""

    status_code: int | None
    error: str | None = None
    duration_ms: int
