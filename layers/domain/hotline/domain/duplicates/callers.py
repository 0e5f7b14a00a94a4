"""Repeat callers: the customer file of a ticket's caller (by the keyed hash of the phone, never the number) and the
repeat complaints (重复投诉) among their tickets.

A ticket repeats the caller's earlier ticket received within the rules' `repeat_window_days` before it when both
are about the same matter: the same category, or words at least `repeat_text_score` alike. Praise repeats nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from hotline.domain.base.clock import Clock
from hotline.domain.base.errors import NotFound
from hotline.domain.duplicates.rules import FILE_DAYS, DuplicateRules
from hotline.domain.duplicates.similar import recent
from hotline.domain.duplicates.similarity import text_score
from hotline.domain.staff.roles import CENTRE_ROLES, StaffMember
from hotline.domain.tickets.catalog import TicketType
from hotline.domain.tickets.numbering import UNKNOWN, is_number
from hotline.domain.tickets.ports import TicketFilter, TicketRepository
from hotline.domain.tickets.survey import Grade
from hotline.domain.tickets.ticket import Ticket

MAX_READ = 400
"""The most of one caller's tickets a file reads (the last 90 days'): its counts stop there."""
SHOWN = 50
"""The newest tickets a file lists."""


@dataclass(frozen=True)
class CustomerFile:
    known: bool
    """False when the ticket has no phone: no file can be found."""
    tickets: list[Ticket]
    """The caller's tickets of the last 90 days, newest first (at most SHOWN)."""
    last_30_days: int
    last_90_days: int
    repeat_complaints: int
    """Tickets of the last 90 days flagged as repeat complaints."""
    last_grade: Grade | None
    last_graded_at: datetime | None


NO_FILE = CustomerFile(False, [], 0, 0, 0, None, None)


@dataclass
class CustomerFiles:
    tickets: TicketRepository
    clock: Clock

    def of_ticket(self, number: str, staff: StaffMember) -> CustomerFile:
        staff.require_any(CENTRE_ROLES, "reading a customer file")
        ticket = self.tickets.get(number) if is_number(number) else None
        if ticket is None:
            raise NotFound(UNKNOWN)
        return self.of(ticket)

    def shown_to(self, staff: StaffMember, ticket: Ticket) -> CustomerFile | None:
        """The file beside the ticket's record, for the centre's staff (a unit handler sees only its unit's work)."""
        return self.of(ticket) if staff.roles & CENTRE_ROLES else None

    def of(self, ticket: Ticket) -> CustomerFile:
        if ticket.phone_hash is None:
            return NO_FILE
        now = self.clock.now()
        where = TicketFilter(phone_hash=ticket.phone_hash, received_since=now - timedelta(days=FILE_DAYS))
        found = recent(self.tickets, where, MAX_READ)
        graded = [t.handling.survey for t in found if t.handling.survey and t.handling.survey.grade]
        last = max(graded, key=lambda s: s.answered_at or s.opened_at, default=None)
        return CustomerFile(
            known=True,
            tickets=found[:SHOWN],
            last_30_days=sum(1 for t in found if t.received_at >= now - timedelta(days=30)),
            last_90_days=len(found),
            repeat_complaints=sum(1 for t in found if t.handling.repeat_of),
            last_grade=last.grade if last else None,
            last_graded_at=last.answered_at if last else None,
        )


def repeat_of(ticket: Ticket, earlier: Iterable[Ticket], rules: DuplicateRules) -> list[str]:
    """The numbers of the caller's earlier tickets that `ticket` repeats, oldest first."""
    if ticket.type is TicketType.PRAISE:
        return []
    since = ticket.received_at - timedelta(days=rules.repeat_window_days)
    before = sorted(
        (t for t in earlier if t.type is not TicketType.PRAISE and (t.received_at, t.number) < _order(ticket)),
        key=_order,
    )
    return [
        t.number
        for t in before
        if t.received_at >= since
        and (t.category == ticket.category or text_score(ticket, t) >= rules.repeat_text_score)
    ]


def _order(ticket: Ticket) -> tuple[datetime, str]:
    return ticket.received_at, ticket.number
