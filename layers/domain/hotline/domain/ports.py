"""What the domain needs from storage. The DynamoDB store implements these; unit tests use fakes."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Protocol

from pydantic import BaseModel

from hotline.domain.calendar import WorkingCalendar
from hotline.domain.catalog import Catalog, Channel, TicketType
from hotline.domain.ladder import Ladder
from hotline.domain.notifications import Notification
from hotline.domain.paging import Page, PageRequest
from hotline.domain.partners import IssuedKey, KeyUsage, Partner
from hotline.domain.policies import PolicyBook
from hotline.domain.public_reports import PublicReport
from hotline.domain.publication import PublishedEvent
from hotline.domain.routing import RoutingTable
from hotline.domain.tickets import Status, Ticket, TicketEvent
from hotline.domain.units import Unit
from hotline.domain.webhooks import Delivery, Response, Subscription


class TicketFilter(BaseModel):
    status: Status | None = None
    channel: Channel | None = None
    type: TicketType | None = None
    unit_id: str | None = None
    partner_id: str | None = None
    phone_hash: str | None = None
    updated_since: datetime | None = None
    overdue: bool | None = None


class TicketRepository(Protocol):
    def create(self, ticket: Ticket, event: TicketEvent, month: str) -> Ticket:
        """Allocate the month's next serial and store ticket and event in one transaction.

        Returns the ticket carrying its number; serials are unique and gap-free per month.
        """
        ...

    def save(self, ticket: Ticket, events: list[TicketEvent], notifications: Sequence[Notification] = ()) -> Ticket:
        """Store a changed ticket with its new events and the notifications to send, in one transaction; the table
        stream's consumer publishes the events and sends the notifications of each write.

        Raises Conflict when the stored ticket's version is no longer `ticket.version` (someone else changed it).
        """
        ...

    def get(self, number: str, *, consistent: bool = False) -> Ticket | None:
        """`consistent` for a read that a write depends on: it sees every write acknowledged before it."""
        ...

    def timeline(self, number: str) -> list[TicketEvent]: ...

    def list(self, where: TicketFilter, page: PageRequest) -> Page[Ticket]:
        """Newest receipt first; a partner's listing (`partner_id`) runs oldest change first, for syncing."""
        ...


class ClockNotStarted(Exception):
    """The ticket clock's service refused or could not be reached (the runner has logged why)."""


class PublicReportStore(Protocol):
    """Batched and sparse reads for the public map: only public tickets are read in their public form."""

    def reports(self, numbers: list[str]) -> list[PublicReport]:
        """The public ones among these tickets, in one batched read of their public form."""
        ...

    def tickets(self, numbers: list[str]) -> list[Ticket]:
        """These tickets in full (those that exist), in one batched read."""
        ...

    def report_page(self, received_from: datetime, received_until: datetime, page: PageRequest) -> Page[PublicReport]:
        """Public tickets received in the window, newest first, without reading any other ticket."""
        ...


class CodeAttempts(Protocol):
    """Wrong access codes per ticket, counted in a window that the first wrong one opens."""

    def failures(self, number: str, at: datetime) -> int:
        """Wrong codes in the ticket's window open at `at`; 0 when none is open."""
        ...

    def fail(self, number: str, at: datetime, window: timedelta) -> None:
        """Count a wrong code; without an open window, this one opens a window of `window` from `at`."""
        ...


class ClockRunner(Protocol):
    def restart(self, number: str, generation: int, wake_at: datetime | None) -> None:
        """Stop the ticket's previous clock and, unless `wake_at` is None, run one that wakes then.

        Idempotent: a generation that already runs, or ran, counts as started. Raises ClockNotStarted.
        """
        ...


class Notifier(Protocol):
    def send(self, notifications: Sequence[Notification]) -> None:
        """Send every notification, or raise (the stream then retries the whole write)."""
        ...


class RulesRepository(Protocol):
    """Handling configuration stored as data (defaults until an admin stores its own)."""

    def policies(self) -> PolicyBook: ...

    def ladder(self) -> Ladder: ...

    def routing(self) -> RoutingTable: ...


class UnitRepository(Protocol):
    def get(self, unit_id: str) -> Unit | None: ...


class CatalogRepository(Protocol):
    def get(self) -> Catalog: ...


class PartnerRepository(Protocol):
    def by_api_key_id(self, api_key_id: str) -> Partner | None: ...

    def save(self, partner: Partner) -> None: ...


class CalendarRepository(Protocol):
    def get(self, calendar_id: str) -> WorkingCalendar | None:
        """The stored calendar; `cn` falls back to the built-in China calendar until one is stored."""
        ...

    def save(self, calendar: WorkingCalendar) -> None: ...


class PartnerDirectory(PartnerRepository, Protocol):
    """The partners an admin manages (PartnerRepository is what the partner routes need)."""

    def get(self, partner_id: str, *, consistent: bool = False) -> Partner | None: ...

    def save(self, partner: Partner, *, lease: str | None = None) -> None:
        """With a lease: only while it is still held, else Conflict (code `rotation_in_progress`)."""
        ...

    def lease(self, partner_id: str) -> str:
        """The sole right to change the partner's key for a short while (rotate, revoke). Waits a few seconds
        while another change holds it, then raises Conflict (code `rotation_in_progress`)."""
        ...

    def release(self, partner_id: str, lease: str) -> None:
        """Give the lease up if it is still ours (it also lapses by itself)."""
        ...

    def add(self, partner: Partner) -> None:
        """Store a new partner; raises Conflict (code `partner_exists`) when the id is taken."""
        ...

    def list(self, page: PageRequest) -> Page[Partner]:
        """Every partner, by id."""
        ...


class PartnerKeys(Protocol):
    """API keys and usage plans at the gateway. A key's value is returned once and never kept."""

    def issue(self, partner: Partner) -> IssuedKey:
        """A new usage plan with the partner's quota, bound to the API's stage, and a new key on it."""
        ...

    def rotate(self, partner: Partner) -> IssuedKey:
        """A new key on the partner's existing usage plan; the caller then revokes the old key."""
        ...

    def revoke(self, key_id: str, usage_plan_id: str | None) -> None:
        """The key stops working at once (disabled, detached, deleted). Revoking a gone key is a no-op."""
        ...

    def discard(self, issued: IssuedKey) -> None:
        """Undo `issue` (key and plan) when the partner could not be stored."""
        ...

    def usage(self, partner: Partner, first_day: date, last_day: date) -> KeyUsage:
        """Requests per UTC day on the partner's plan; `available=False` where the gateway does not report it."""
        ...


class EventBus(Protocol):
    def publish(self, events: list[PublishedEvent]) -> None:
        """Put every event on the bus, or raise (the stream then retries the whole write)."""
        ...


class WebhookSubscriptions(Protocol):
    def get(self, partner_id: str) -> Subscription | None: ...

    def put(self, subscription: Subscription) -> None: ...

    def delete(self, partner_id: str) -> None: ...


class DeliveryLog(Protocol):
    def get(self, partner_id: str, event_id: str) -> Delivery | None: ...

    def put(self, delivery: Delivery) -> None: ...

    def list(self, partner_id: str, page: PageRequest) -> Page[Delivery]:
        """Newest event first."""
        ...


class WebhookTransport(Protocol):
    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Response:
        """POST once (no redirects followed) to an address checked with `address_problem`; a failure to get an
        answer is a Response with its `Failure` class and no status code."""
        ...


class RedeliveryQueue(Protocol):
    def redeliver(self, partner_id: str, event_id: str) -> None:
        """Queue another delivery of a logged event (it then retries and dead-letters like the first)."""
        ...
