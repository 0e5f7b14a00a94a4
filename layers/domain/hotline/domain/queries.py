"""Reading tickets: each audience sees only what is theirs, and "not yours" looks like "unknown"."""

from dataclasses import dataclass
from datetime import datetime

from hotline.domain.errors import NotFound
from hotline.domain.numbering import access_code_matches, is_number
from hotline.domain.paging import Page, PageRequest
from hotline.domain.partners import Partner
from hotline.domain.ports import TicketFilter, TicketRepository
from hotline.domain.staff import StaffMember
from hotline.domain.tickets import Ticket, TicketEvent

UNKNOWN = "no ticket with that number"


@dataclass(frozen=True)
class TicketRecord:
    ticket: Ticket
    timeline: list[TicketEvent]


@dataclass
class TicketQueries:
    tickets: TicketRepository

    def for_customer(self, number: str, code: str) -> TicketRecord:
        ticket = self._get(number)
        if ticket is None or not access_code_matches(ticket.id, code, ticket.access_code_hash):
            raise NotFound(UNKNOWN)
        return TicketRecord(ticket, self.tickets.timeline(number))

    def for_partner(self, number: str, partner: Partner) -> Ticket:
        ticket = self._get(number)
        if ticket is None or ticket.partner_id != partner.id:
            raise NotFound(UNKNOWN)
        return ticket

    def partner_list(self, partner: Partner, updated_since: datetime | None, page: PageRequest) -> Page[Ticket]:
        return self.tickets.list(TicketFilter(partner_id=partner.id, updated_since=updated_since), page)

    def for_staff(self, number: str, staff: StaffMember) -> TicketRecord:
        ticket = self._get(number)
        if ticket is None or not staff.can_see(ticket):
            raise NotFound(UNKNOWN)
        return TicketRecord(ticket, self.tickets.timeline(number))

    def with_timeline(self, ticket: Ticket) -> TicketRecord:
        return TicketRecord(ticket, self.tickets.timeline(ticket.number))

    def staff_list(self, staff: StaffMember, where: TicketFilter, page: PageRequest) -> Page[Ticket]:
        if not staff.sees_all_tickets:
            # A unit handler's listing is its own inbox, whatever filter it asked for.
            where = where.model_copy(update={"unit_id": staff.unit_id or "-"})
        return self.tickets.list(where, page)

    def _get(self, number: str) -> Ticket | None:
        return self.tickets.get(number) if is_number(number) else None
