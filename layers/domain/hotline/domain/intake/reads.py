"""Reading tickets: each audience sees only what is theirs, and "not yours" looks like "unknown".

A customer reads a ticket with its access code or the text's survey link, within the limit on wrong codes
(hotline.domain.customers.access).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from hotline.domain.base.clock import Clock
from hotline.domain.base.errors import FieldProblem, InvalidInput, NotFound
from hotline.domain.base.paging import MAX_LIMIT, Page, PageRequest
from hotline.domain.base.privacy import Pepper
from hotline.domain.customers.access import admit
from hotline.domain.customers.ports import CodeAttempts
from hotline.domain.intake.ports import PublicReportStore
from hotline.domain.intake.public_reports import PublicReport
from hotline.domain.partners.partner import Partner
from hotline.domain.staff.roles import StaffMember
from hotline.domain.tickets.numbering import UNKNOWN, is_number
from hotline.domain.tickets.ports import CatalogRepository, TicketFilter, TicketRepository
from hotline.domain.tickets.ticket import Ticket, TicketEvent


@dataclass(frozen=True)
class TicketRecord:
    ticket: Ticket
    timeline: list[TicketEvent]


@dataclass
class TicketQueries:
    tickets: TicketRepository
    pepper: Pepper
    attempts: CodeAttempts
    clock: Clock
    catalog: CatalogRepository

    def for_customer(self, number: str, code: str) -> TicketRecord:
        ticket = admit(self._get(number), code, self.pepper, self.attempts, self.clock.now(), survey_link=True)
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
        if where.category is not None and not self.catalog.get().knows(where.category):
            problem = f"'{where.category}' is not in the catalogue"
            raise InvalidInput("unknown category", [FieldProblem("category", problem)])
        if not staff.sees_all_tickets:
            # A unit handler's listing is its own inbox, whatever filter it asked for.
            where = where.model_copy(update={"unit_id": staff.unit_id or "-"})
        return self.tickets.list(where, page)

    def _get(self, number: str) -> Ticket | None:
        return self.tickets.get(number) if is_number(number) else None


Shown = Ticket | PublicReport
"""What a public read returns: the reading partner's own ticket in full, or anyone's public report."""


@dataclass
class PublicReads:
    """The public map: everyone sees public tickets coarsened; a partner sees its own tickets in full."""

    store: PublicReportStore

    def lookup(self, numbers: list[str], reader: Partner | None, max_numbers: int) -> list[Shown]:
        """The visible ones among these numbers (in the order asked), in one batched read."""
        distinct = list(dict.fromkeys(numbers))
        if len(distinct) > max_numbers:
            problem = f"at most {max_numbers} numbers per request, {len(distinct)} given"
            raise InvalidInput(problem, [FieldProblem("service_request_id", problem)])
        wanted = [number for number in distinct if is_number(number)]
        if reader is None:
            return list(self.store.reports(wanted))
        shown: list[Shown] = []
        for ticket in self.store.tickets(wanted):
            if ticket.partner_id == reader.id:
                shown.append(ticket)
            elif ticket.public:
                shown.append(PublicReport.of(ticket))
        return shown

    def listing(
        self,
        received_from: datetime,
        received_until: datetime,
        keep: Callable[[PublicReport], bool],
        reader: Partner | None,
        *,
        limit: int,
        max_read: int,
    ) -> list[Shown]:
        """Public tickets received in the window that `keep` accepts, newest first.

        Reads only public tickets, and at most `max_read` of them: what was found by then is the answer.
        """
        found: list[PublicReport] = []
        read, token = 0, None
        while len(found) < limit and read < max_read:
            request = PageRequest(limit=min(MAX_LIMIT, max_read - read), token=token)
            page = self.store.report_page(received_from, received_until, request)
            read += len(page.items)
            found.extend(report for report in page.items if keep(report))
            if page.next is None:
                break
            token = page.next
        found = found[:limit]
        if reader is None:
            return list(found)
        own = [report.number for report in found if report.partner_id == reader.id]
        full = {ticket.number: ticket for ticket in self.store.tickets(own)} if own else {}
        return [full.get(report.number, report) for report in found]
