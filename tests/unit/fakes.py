"""In-memory stand-ins for the storage ports (unit tests only; the real store is tested against moto)."""

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import Any, TypeVar

from hotline.domain.base.calendar import WorkingCalendar, china_calendar
from hotline.domain.base.errors import Conflict
from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.base.privacy import Pepper
from hotline.domain.config.causes import DEFAULT_CAUSES, CauseCatalog
from hotline.domain.config.handling import HandlingConfig
from hotline.domain.config.ladder import DEFAULT_LADDER, Ladder
from hotline.domain.config.messages import DEFAULT_TEMPLATES, MessageTemplates
from hotline.domain.config.policies import DEFAULT_POLICIES, PolicyBook
from hotline.domain.config.routing import DEFAULT_ROUTING, RoutingTable
from hotline.domain.config.units import Unit
from hotline.domain.handling.relay import Write
from hotline.domain.incidents.incident import Incident, IncidentEvent, IncidentStatus
from hotline.domain.incidents.ports import Hold, IncidentWrite, Taken
from hotline.domain.incidents.rules import DEFAULT_RULES, IncidentRules
from hotline.domain.intake.public_reports import PublicReport
from hotline.domain.knowledge.article import Article, Entry, StoredArticle
from hotline.domain.knowledge.ports import Change, StaleWrite
from hotline.domain.partners.partner import Partner
from hotline.domain.reports.figures import Count, Daily
from hotline.domain.reports.tally import ALL, Tally
from hotline.domain.tickets.catalog import DEFAULT_CATALOG, Catalog
from hotline.domain.tickets.customer_message import CustomerMessage
from hotline.domain.tickets.notification import Notification
from hotline.domain.tickets.numbering import format_number
from hotline.domain.tickets.ports import ClockNotStarted, Numbered, TicketFilter, TicketWrite
from hotline.domain.tickets.publication import PublishedEvent
from hotline.domain.tickets.ticket import Ticket, TicketEvent
from hotline.domain.uploads.ports import PostForm, StoredFile

from infra.local.units import DEMO_UNITS

T = TypeVar("T")


@dataclass
class FakeTicketRepository:
    """Keeps tickets and timelines in dicts and numbers tickets per month like the DynamoDB store."""

    tickets: dict[str, Ticket] = field(default_factory=dict)
    events: dict[str, list[TicketEvent]] = field(default_factory=dict)
    serials: dict[str, int] = field(default_factory=dict)
    gets: list[str] = field(default_factory=list)
    """Every number `get` was asked for, so tests can see what reached storage."""
    listed: list[TicketFilter] = field(default_factory=list)
    """Every listing's filter, likewise."""
    stream: list[Write] = field(default_factory=list)
    """Every write, in order, as the table's stream hands it to the relay."""

    @property
    def notifications(self) -> list[Notification]:
        """What the stored writes carry for the relay to send, in order."""
        return [notification for write in self.stream for notification in write.notifications]

    @property
    def messages(self) -> list[CustomerMessage]:
        """What the stored writes carry for the relay to text the customers, in order."""
        return [message for write in self.stream for message in write.messages]

    def create(
        self, ticket: Ticket, events: Sequence[TicketEvent], month: str, finish: Numbered | None = None
    ) -> Ticket:
        serial = self.serials.get(month, 0) + 1
        number = format_number(month, serial)
        if number in self.tickets:
            raise AssertionError(f"number {number} allocated twice")
        self.serials[month] = serial
        numbered = ticket.model_copy(update={"number": number, "version": 1}, deep=True)
        texts: Sequence[CustomerMessage] = ()
        if finish is not None:
            numbered, texts = finish(numbered)
        self.tickets[number] = numbered
        self.events[number] = [event.model_copy(update={"number": number}, deep=True) for event in events]
        self.stream.append(Write(numbered.model_copy(deep=True), self.events[number][:], [], list(texts)))
        return numbered.model_copy(deep=True)

    def save(
        self,
        ticket: Ticket,
        events: list[TicketEvent],
        notifications: Sequence[Notification] = (),
        messages: Sequence[CustomerMessage] = (),
    ) -> Ticket:
        stored = self.tickets[ticket.number]
        if stored.version != ticket.version:
            raise Conflict("changed meanwhile", "version_mismatch", stored.status.value)
        saved = ticket.model_copy(update={"version": ticket.version + 1}, deep=True)
        self.tickets[ticket.number] = saved
        self.events[ticket.number].extend(e.model_copy(deep=True) for e in events)
        copies = [n.model_copy(deep=True) for n in notifications]
        texts = [m.model_copy(deep=True) for m in messages]
        self.stream.append(Write(saved.model_copy(deep=True), [e.model_copy(deep=True) for e in events], copies, texts))
        return saved.model_copy(deep=True)

    def save_all(self, writes: Sequence[TicketWrite]) -> list[Ticket]:
        for write in writes:  # all or none, as one transaction
            stored = self.tickets[write.ticket.number]
            if stored.version != write.ticket.version:
                raise Conflict("changed meanwhile", "version_mismatch", stored.status.value)
        return [self.save(*write) for write in writes]

    def get(self, number: str, *, consistent: bool = False) -> Ticket | None:
        self.gets.append(number)
        ticket = self.tickets.get(number)
        return ticket.model_copy(deep=True) if ticket else None

    def timeline(self, number: str) -> list[TicketEvent]:
        return [event.model_copy(deep=True) for event in self.events.get(number, [])]

    def list(self, where: TicketFilter, page: PageRequest) -> Page[Ticket]:
        self.listed.append(where)
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

    def customer_due(self, until: datetime, page: PageRequest) -> Page[str]:
        due = sorted((t.customer_due, t.number) for t in self.tickets.values() if t.customer_due)
        return _paged([number for at, number in due if at <= until], page)

    def callbacks(self, page: PageRequest) -> Page[Ticket]:
        """The callback queue (hotline.domain.surveys.ports.CallbackQueue), oldest callback due first."""
        due = sorted((t.callback_due, t.number) for t in self.tickets.values() if t.callback_due)
        return _paged([self.tickets[number].model_copy(deep=True) for _, number in due], page)

    def assign(self, number: str, unit_id: str) -> None:
        """Hands the ticket to a unit directly, for tests that need tickets in units' inboxes but not dispatch."""
        self.tickets[number] = self.tickets[number].model_copy(update={"unit_id": unit_id})


def _paged(items: list[T], page: PageRequest) -> Page[T]:
    start = int(page.token or 0)
    more = start + page.limit < len(items)
    return Page[T](items=items[start : start + page.limit], next=str(start + page.limit) if more else None)


def _matches(ticket: Ticket, where: TicketFilter) -> bool:
    wanted = {
        "status": ticket.status,
        "channel": ticket.channel,
        "type": ticket.type,
        "unit_id": ticket.unit_id,
        "partner_id": ticket.partner_id,
        "phone_hash": ticket.phone_hash,
        "category": ticket.category,
        "overdue": ticket.overdue,
        "problem": ticket.handling.problem,
    }
    if any(getattr(where, name) is not None and getattr(where, name) != value for name, value in wanted.items()):
        return False
    if (where.extension_pending and ticket.handling.extension is None) or (
        where.supervised and not ticket.under_supervision
    ):
        return False
    if where.received_since is not None and ticket.received_at < where.received_since:
        return False
    return where.updated_since is None or ticket.updated_at > where.updated_since


@dataclass
class FakeCatalogRepository:
    catalog: Catalog = field(default_factory=lambda: DEFAULT_CATALOG)

    def get(self) -> Catalog:
        return self.catalog


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
class FakeTexter:
    """Records the texts it sent; while `down`, refuses as SNS would when unavailable."""

    sent: list[CustomerMessage] = field(default_factory=list)
    down: bool = False

    def send(self, messages: Sequence[CustomerMessage]) -> None:
        if self.down:
            raise ConnectionError("SNS is unavailable")
        self.sent.extend(messages)


@dataclass
class FakeBus:
    published: list[PublishedEvent] = field(default_factory=list)

    def publish(self, events: list[PublishedEvent]) -> None:
        self.published.extend(events)


def demo_rules(
    policies: PolicyBook = DEFAULT_POLICIES,
    ladder: Ladder = DEFAULT_LADDER,
    routing: RoutingTable = DEFAULT_ROUTING,
    templates: MessageTemplates = DEFAULT_TEMPLATES,
    causes: CauseCatalog = DEFAULT_CAUSES,
) -> HandlingConfig:
    units = {unit.id: unit for unit in DEMO_UNITS}
    calendars = {"cn": china_calendar()}
    return HandlingConfig(policies, ladder, routing, calendars.get, units.get, lambda: templates, lambda: causes)


@dataclass
class FakePublicStore:
    """Tickets by number; counts what each read costs."""

    tickets_by_number: dict[str, Ticket] = field(default_factory=dict)
    batches: list[list[str]] = field(default_factory=list)
    pages_read: list[int] = field(default_factory=list)

    def reports(self, numbers: list[str]) -> list[PublicReport]:
        self.batches.append(numbers)
        found = [self.tickets_by_number[n] for n in numbers if n in self.tickets_by_number]
        return [PublicReport.of(t) for t in found if t.public]

    def tickets(self, numbers: list[str]) -> list[Ticket]:
        self.batches.append(numbers)
        return [self.tickets_by_number[n] for n in numbers if n in self.tickets_by_number]

    def report_page(self, received_from: datetime, received_until: datetime, page: PageRequest) -> Page[PublicReport]:
        public = [t for t in self.tickets_by_number.values() if t.public]
        public = [t for t in public if received_from <= t.received_at <= received_until]
        public.sort(key=lambda t: t.received_at, reverse=True)
        start = int(page.token or 0)
        chunk = public[start : start + page.limit]
        self.pages_read.append(len(chunk))
        more = start + page.limit < len(public)
        return Page[PublicReport](
            items=[PublicReport.of(t) for t in chunk], next=str(start + page.limit) if more else None
        )


@dataclass
class FakePartnerDirectory:
    partners: dict[str, Partner] = field(default_factory=dict)
    race: bool = False
    """When set, `add` finds the id taken (another admin got there first)."""
    leases: dict[str, str] = field(default_factory=dict)
    """Partner id -> the holder of its lease; a second change is refused at once (the store waits a while first)."""
    holders: Any = field(default_factory=lambda: count(1))

    def get(self, partner_id: str, *, consistent: bool = False) -> Partner | None:
        partner = self.partners.get(partner_id)
        return partner.model_copy(deep=True) if partner else None

    def lease(self, partner_id: str) -> str:
        if partner_id in self.leases:
            raise Conflict("busy", code="rotation_in_progress")
        self.leases[partner_id] = f"holder-{next(self.holders)}"
        return self.leases[partner_id]

    def release(self, partner_id: str, lease: str) -> None:
        if self.leases.get(partner_id) == lease:
            del self.leases[partner_id]

    def by_api_key_id(self, api_key_id: str) -> Partner | None:
        found = [p for p in self.partners.values() if p.api_key_id == api_key_id and p.active]
        return found[0] if found else None

    def by_api_key_hash(self, key_hash: str) -> Partner | None:
        found = [p for p in self.partners.values() if p.api_key_hash == key_hash and p.active]
        return found[0] if found else None

    def save(self, partner: Partner, *, lease: str | None = None) -> None:
        if lease is not None and self.leases.get(partner.id) != lease:
            raise Conflict("lease lost", code="rotation_in_progress")
        self.partners[partner.id] = partner.model_copy(deep=True)

    def add(self, partner: Partner) -> None:
        if self.race or partner.id in self.partners:
            raise Conflict("taken", code="partner_exists")
        self.save(partner)

    def list(self, page: PageRequest) -> Page[Partner]:
        ordered = sorted(self.partners.values(), key=lambda p: p.id)
        start = int(page.token or 0)
        more = start + page.limit < len(ordered)
        return Page[Partner](items=ordered[start : start + page.limit], next=str(start + page.limit) if more else None)


@dataclass
class FakeCalendarRepository:
    """Stored calendars by id; `cn` is the built-in China calendar until one is stored, as in the store."""

    calendars: dict[str, WorkingCalendar] = field(default_factory=lambda: {"cn": china_calendar()})

    def get(self, calendar_id: str) -> WorkingCalendar | None:
        return self.calendars.get(calendar_id)

    def save(self, calendar: WorkingCalendar) -> None:
        self.calendars[calendar.id] = calendar

    def list(self, page: PageRequest) -> Page[WorkingCalendar]:
        return _paged(sorted(self.calendars.values(), key=lambda c: c.id), page)


@dataclass
class FakeHandlingConfigRepository:
    """The stored documents by name; the defaults until one is saved, as in the store."""

    documents: dict[str, PolicyBook | Ladder | RoutingTable | MessageTemplates | CauseCatalog] = field(
        default_factory=dict
    )

    def policies(self) -> PolicyBook:
        return PolicyBook.model_validate(self.documents.get("policies", DEFAULT_POLICIES))

    def ladder(self) -> Ladder:
        return Ladder.model_validate(self.documents.get("ladder", DEFAULT_LADDER))

    def routing(self) -> RoutingTable:
        return RoutingTable.model_validate(self.documents.get("routing", DEFAULT_ROUTING))

    def messages(self) -> MessageTemplates:
        return MessageTemplates.model_validate(self.documents.get("messages", DEFAULT_TEMPLATES))

    def causes(self) -> CauseCatalog:
        return CauseCatalog.model_validate(self.documents.get("causes", DEFAULT_CAUSES))

    def save(self, name: str, document: PolicyBook | Ladder | RoutingTable | MessageTemplates | CauseCatalog) -> None:
        self.documents[name] = document


@dataclass
class FakeUnitRepository:
    units: dict[str, Unit] = field(default_factory=lambda: {unit.id: unit for unit in DEMO_UNITS})

    def get(self, unit_id: str) -> Unit | None:
        return self.units.get(unit_id)

    def save(self, unit: Unit) -> None:
        self.units[unit.id] = unit

    def list(self, page: PageRequest) -> Page[Unit]:
        return _paged(sorted(self.units.values(), key=lambda u: u.id), page)


@dataclass
class FakeArticleStore:
    """Article versions, the index's entries and change log, and citations, as the DynamoDB store keeps them."""

    history: dict[str, list[Article]] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)
    log: list[Change] = field(default_factory=list)
    cited: dict[str, set[str]] = field(default_factory=dict)
    head: int = 0
    """The latest write's revision (the log may have lost its older part)."""
    snapshots: int = 0
    """How often the whole knowledge base was read (a container's index build)."""

    def get(self, article_id: str, *, consistent: bool = False) -> StoredArticle | None:
        versions = self.history.get(article_id)
        if not versions:
            return None
        return StoredArticle(article=versions[-1], citations=len(self.cited.get(article_id, ())))

    def versions(self, article_id: str, page: PageRequest) -> Page[Article]:
        return _paged(list(reversed(self.history.get(article_id, []))), page)

    def revision(self) -> int:
        return self.head

    def commit(self, article: Article, entry: Entry, revision: int) -> None:
        versions = self.history.setdefault(article.id, [])
        if revision != self.head or any(v.version == article.version for v in versions):
            raise StaleWrite
        versions.append(article)
        self.entries[article.id] = entry
        self.head += 1
        self.log.append(Change(self.head, entry))

    def snapshot(self) -> tuple[int, list[Entry]]:
        self.snapshots += 1
        return self.revision(), list(self.entries.values())

    def changes_since(self, revision: int) -> list[Change]:
        return [change for change in self.log if change.revision > revision]

    def cite(self, article_id: str, number: str) -> bool:
        if article_id not in self.entries or number in self.cited.get(article_id, set()):
            return False
        self.cited.setdefault(article_id, set()).add(number)
        return True


@dataclass
class FakeArticleShelf:
    """The knowledge articles direct answers may cite, by id: whether each is retired."""

    articles: dict[str, bool] = field(default_factory=dict)

    def retired(self, article_ids: Sequence[str]) -> dict[str, bool]:
        return {i: self.articles[i] for i in article_ids if i in self.articles}


@dataclass
class FakeIndexImages:
    """The stored image of the knowledge search index (an S3 object in AWS)."""

    image: bytes | None = None
    saves: int = 0

    def load(self) -> bytes | None:
        return self.image

    def save(self, image: bytes) -> None:
        self.image = image
        self.saves += 1


@dataclass
class FakeAggregates:
    """The reports' counters by (day, dimension, value), each event counted once, as the DynamoDB store keeps them."""

    counters: dict[tuple[date, str, str], Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    seen: set[str] = field(default_factory=set)

    def add(self, tally: Tally) -> bool:
        if tally.event_id in self.seen:
            return False
        self.seen.add(tally.event_id)
        for (dimension, value), counts in tally.counts.items():
            self.counters[(tally.at, dimension, value)].update(counts)
        return True

    def totals(self, first: date, last: date) -> list[Count]:
        summed: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        for (day, dimension, value), counts in self.counters.items():
            if first <= day <= last:
                summed[(dimension, value)].update(counts)
        return [Count(dimension, value, dict(counts)) for (dimension, value), counts in sorted(summed.items())]

    def daily(self, first: date, last: date, dimension: str = ALL, value: str = ALL) -> Daily:
        return {
            day: dict(counts)
            for (day, kind, code), counts in self.counters.items()
            if first <= day <= last and (kind, code) == (dimension, value)
        }


@dataclass
class FakeIncidentStore:
    """Incidents, the tickets they claimed and the scopes they hold; each write all or none, checked as the DynamoDB
    store's transaction is. `writes` is what the table stream hands on, in order."""

    incidents: dict[str, Incident] = field(default_factory=dict)
    claimed: dict[str, str] = field(default_factory=dict)
    held: dict[tuple[str, str], Hold] = field(default_factory=dict)
    stored_rules: IncidentRules = field(default_factory=lambda: DEFAULT_RULES)
    writes: list[IncidentWrite] = field(default_factory=list)

    def rules(self) -> IncidentRules:
        return self.stored_rules

    def save_rules(self, rules: IncidentRules) -> None:
        self.stored_rules = rules

    def get(self, incident_id: str, *, consistent: bool = False) -> Incident | None:
        incident = self.incidents.get(incident_id)
        return incident.model_copy(deep=True) if incident else None

    def listing(self, status: IncidentStatus | None, page: PageRequest) -> Page[Incident]:
        found = sorted((i for i in self.incidents.values() if status in (None, i.status)), key=lambda i: i.id)
        return _paged([i.model_copy(deep=True) for i in reversed(found)], page)

    def claims(self, numbers: Sequence[str]) -> dict[str, str]:
        return {number: self.claimed[number] for number in numbers if number in self.claimed}

    def holds(self, category: str) -> list[Hold]:
        return [hold for (held, _), hold in self.held.items() if held == category]

    def write(self, writes: Sequence[IncidentWrite]) -> list[Incident]:
        for write in writes:
            self._check(write)
        stored = []
        for write in writes:
            incident = write.incident.model_copy(update={"version": write.incident.version + 1}, deep=True)
            self.incidents[incident.id] = incident
            self.claimed.update(dict.fromkeys(write.claim, incident.id))
            for scope in write.release:
                del self.held[(scope.category, scope.area.key)]
            for scope in write.hold:
                self.held[(scope.category, scope.area.key)] = Hold(scope, incident.id)
            self.writes.append(
                IncidentWrite(incident.model_copy(deep=True), list(write.events), list(write.notifications))
            )
            stored.append(incident.model_copy(deep=True))
        return stored

    def _check(self, write: IncidentWrite) -> None:
        incident, stored = write.incident, self.incidents.get(write.incident.id)
        if incident.version == 0 and stored is not None:
            raise Taken(f"incident {incident.id} exists")
        if incident.version and (stored is None or stored.version != incident.version):
            raise Conflict("the incident changed meanwhile", "version_mismatch")
        if any(self.claimed.get(number) != before for number, before in write.claim.items()):
            raise Taken("a ticket is claimed")
        for scope, before in write.hold.items():
            holder = self.held.get((scope.category, scope.area.key))
            if holder is not None and holder.incident != before:
                raise Taken("the scope is held")
        if any(key in self.held for key in write.free):
            raise Taken("a cell around is held")
        for scope in write.release:
            holder = self.held.get((scope.category, scope.area.key))
            if holder is None or holder.incident != incident.id:
                raise Taken("the scope is not held by this incident")


@dataclass
class FakeIncidentBus:
    announced: list[tuple[Incident, IncidentEvent]] = field(default_factory=list)

    def announce(self, incident: Incident, events: Sequence[IncidentEvent]) -> None:
        self.announced.extend((incident, event) for event in events)


@dataclass
class FakeMeter:
    declared_count: int = 0

    def declared(self, count: int) -> None:
        self.declared_count += count


@dataclass
class FakeFileStore:
    """The uploads bucket: a test puts a file where a browser would have posted it; forms and links spell out what
    they allow."""

    files: dict[str, StoredFile] = field(default_factory=dict)
    signed_at: datetime = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)

    def put(self, key: str, content_type: str = "image/jpeg", size: int = 2048) -> str:
        self.files[key] = StoredFile(content_type=content_type, size=size)
        return key

    def post_form(self, key: str, content_type: str, max_bytes: int, lifetime: timedelta) -> PostForm:
        fields = {"key": key, "Content-Type": content_type, "content-length-range": f"1,{max_bytes}"}
        return PostForm(url="https://uploads.example/", fields=fields, expires_at=self.signed_at + lifetime)

    def stat(self, key: str) -> StoredFile | None:
        return self.files.get(key)

    def link(self, key: str, name: str | None, content_type: str, inline: bool, lifetime: timedelta) -> str:
        shown = "inline" if inline else "attachment"
        return f"https://uploads.example/{key}?type={content_type}&{shown}={name}&seconds={lifetime.seconds}"
