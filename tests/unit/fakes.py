"""In-memory stand-ins for the storage ports (unit tests only; the real store is tested against moto)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hotline.domain.base.calendar import china_calendar
from hotline.domain.base.errors import Conflict
from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.base.privacy import Pepper
from hotline.domain.config.handling import HandlingConfig
from hotline.domain.config.ladder import DEFAULT_LADDER, Ladder
from hotline.domain.config.policies import DEFAULT_POLICIES, PolicyBook
from hotline.domain.config.routing import DEFAULT_ROUTING, RoutingTable
from hotline.domain.config.units import DEMO_UNITS
from hotline.domain.handling.relay import Write
from hotline.domain.tickets.catalog import DEFAULT_CATALOG, Catalog
from hotline.domain.tickets.notification import Notification
from hotline.domain.tickets.numbering import format_number
from hotline.domain.tickets.ports import ClockNotStarted, TicketFilter
from hotline.domain.tickets.publication import PublishedEvent
from hotline.domain.tickets.ticket import Ticket, TicketEvent


@dataclass
class FakeTicketRepository:
    """Keeps tickets and timelines in dicts and numbers tickets per month like the DynamoDB store."""

    tickets: dict[str, Ticket] = field(default_factory=dict)
    events: dict[str, list[TicketEvent]] = field(default_factory=dict)
    serials: dict[str, int] = field(default_factory=dict)
    gets: list[str] = field(default_factory=list)
    """Every number `get` was asked for, so tests can see what reached storage."""
    stream: list[Write] = field(default_factory=list)
    """Every write, in order, as the table's stream hands it to the relay."""

    @property
    def notifications(self) -> list[Notification]:
        """What the stored writes carry for the relay to send, in order."""
        return [notification for write in self.stream for notification in write.notifications]

    def create(self, ticket: Ticket, event: TicketEvent, month: str) -> Ticket:
        serial = self.serials.get(month, 0) + 1
        number = format_number(month, serial)
        if number in self.tickets:
            raise AssertionError(f"number {number} allocated twice")
        self.serials[month] = serial
        numbered = ticket.model_copy(update={"number": number, "version": 1}, deep=True)
        self.tickets[number] = numbered
        self.events[number] = [event.model_copy(update={"number": number}, deep=True)]
        self.stream.append(Write(numbered.model_copy(deep=True), self.events[number][:], []))
        return numbered.model_copy(deep=True)

    def save(self, ticket: Ticket, events: list[TicketEvent], notifications: Sequence[Notification] = ()) -> Ticket:
        stored = self.tickets[ticket.number]
        if stored.version != ticket.version:
            raise Conflict("changed meanwhile", "version_mismatch", stored.status.value)
        saved = ticket.model_copy(update={"version": ticket.version + 1}, deep=True)
        self.tickets[ticket.number] = saved
        self.events[ticket.number].extend(e.model_copy(deep=True) for e in events)
        copies = [n.model_copy(deep=True) for n in notifications]
        self.stream.append(Write(saved.model_copy(deep=True), [e.model_copy(deep=True) for e in events], copies))
        return saved.model_copy(deep=True)

    def get(self, number: str, *, consistent: bool = False) -> Ticket | None:
        self.gets.append(number)
        ticket = self.tickets.get(number)
        return ticket.model_copy(deep=True) if ticket else None

    def timeline(self, number: str) -> list[TicketEvent]:
        return [event.model_copy(deep=True) for event in self.events.get(number, [])]

    def list(self, where: TicketFilter, page: PageRequest) -> Page[Ticket]:
        matching = [t for t in self.tickets.values() if _matches(t, where)]
        if where.partner_id is not None:
            # As the store does: a partner syncs forward, oldest change first.
            matching.sort(key=lambda t: (t.updated_at, t.number))
        else:
            matching.sort(key=lambda t: (t.received_at, t.number), reverse=True)
        start = int(page.token) if page.token else 0
        chunk = matching[start : start + page.limit]
        more = start + page.limit < len(matching)
        return Page[Ticket](
            items=[t.model_copy(deep=True) for t in chunk], next=str(start + page.limit) if more else None
        )

    def assign(self, number: str, unit_id: str) -> None:
        """Stands in for dispatch, which is not built yet: the ticket now belongs to a unit."""
        self.tickets[number] = self.tickets[number].model_copy(update={"unit_id": unit_id})


def _matches(ticket: Ticket, where: TicketFilter) -> bool:
    wanted = {
        "status": ticket.status,
        "channel": ticket.channel,
        "type": ticket.type,
        "unit_id": ticket.unit_id,
        "partner_id": ticket.partner_id,
        "phone_hash": ticket.phone_hash,
        "overdue": ticket.overdue,
    }
    if any(getattr(where, name) is not None and getattr(where, name) != value for name, value in wanted.items()):
        return False
    return where.updated_since is None or ticket.updated_at > where.updated_since


@dataclass
class FakeCatalogRepository:
    catalog: Catalog = field(default_factory=lambda: DEFAULT_CATALOG)

    def get(self) -> Catalog:
        return self.catalog


class FixedClock:
    """Stands still unless a test moves it."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


@dataclass
class FakeRunner:
    """Records each clock restart as (number, generation, wake_at); while `down`, refuses them as Step Functions
    would when unavailable."""

    restarts: list[tuple[str, int, datetime | None]] = field(default_factory=list)
    down: bool = False

    def restart(self, number: str, generation: int, wake_at: datetime | None) -> None:
        if self.down:
            raise ClockNotStarted(f"{number} generation {generation}")
        self.restarts.append((number, generation, wake_at))


TEST_KEY = b"unit-test hash key, 32 bytes or more"
TEST_PEPPER = Pepper(lambda: TEST_KEY)


@dataclass
class FakeCodeAttempts:
    """Wrong access codes per ticket number as (count, window end), like the DynamoDB store."""

    windows: dict[str, tuple[int, datetime]] = field(default_factory=dict)

    def failures(self, number: str, at: datetime) -> int:
        failures, ends = self.windows.get(number, (0, at))
        return failures if ends > at else 0

    def fail(self, number: str, at: datetime, window: timedelta) -> None:
        failures = self.failures(number, at)
        ends = self.windows[number][1] if failures else at + window
        self.windows[number] = (failures + 1, ends)


@dataclass
class FakeNotifier:
    """Records what it sent; while `down`, refuses as SNS would when unavailable."""

    sent: list[Notification] = field(default_factory=list)
    down: bool = False

    def send(self, notifications: Sequence[Notification]) -> None:
        if self.down:
            raise ConnectionError("SNS is unavailable")
        self.sent.extend(notifications)


@dataclass
class FakeBus:
    published: list[PublishedEvent] = field(default_factory=list)

    def publish(self, events: list[PublishedEvent]) -> None:
        self.published.extend(events)


def demo_rules(
    policies: PolicyBook = DEFAULT_POLICIES, ladder: Ladder = DEFAULT_LADDER, routing: RoutingTable = DEFAULT_ROUTING
) -> HandlingConfig:
    units = {unit.id: unit for unit in DEMO_UNITS}
    calendars = {"cn": china_calendar()}
    return HandlingConfig(policies, ladder, routing, calendars.get, units.get)
