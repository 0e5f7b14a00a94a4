"""In-memory stand-ins for the storage ports (unit tests only; the real store is tested against moto)."""

from dataclasses import dataclass, field

from hotline.domain.catalog import DEFAULT_CATALOG, Catalog
from hotline.domain.numbering import format_number
from hotline.domain.paging import Page, PageRequest
from hotline.domain.ports import TicketFilter
from hotline.domain.tickets import Ticket, TicketEvent


@dataclass
class FakeTicketRepository:
    """Keeps tickets and timelines in dicts and numbers tickets per month like the DynamoDB store."""

    tickets: dict[str, Ticket] = field(default_factory=dict)
    events: dict[str, list[TicketEvent]] = field(default_factory=dict)
    serials: dict[str, int] = field(default_factory=dict)
    gets: list[str] = field(default_factory=list)
    """Every number `get` was asked for, so tests can see what reached storage."""

    def create(self, ticket: Ticket, event: TicketEvent, month: str) -> Ticket:
        serial = self.serials.get(month, 0) + 1
        number = format_number(month, serial)
        if number in self.tickets:
            raise AssertionError(f"number {number} allocated twice")
        self.serials[month] = serial
        numbered = ticket.model_copy(update={"number": number}, deep=True)
        self.tickets[number] = numbered
        self.events[number] = [event.model_copy(update={"number": number}, deep=True)]
        return numbered.model_copy(deep=True)

    def get(self, number: str) -> Ticket | None:
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
    }
    if any(getattr(where, name) is not None and getattr(where, name) != value for name, value in wanted.items()):
        return False
    return where.updated_since is None or ticket.updated_at > where.updated_since


@dataclass
class FakeCatalogRepository:
    catalog: Catalog = field(default_factory=lambda: DEFAULT_CATALOG)

    def get(self) -> Catalog:
        return self.catalog
