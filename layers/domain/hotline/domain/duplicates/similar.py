"""Open tickets likely to be the same matter as a ticket, or as the call an agent is registering: the same category,
received within the rules' window, scored by place and words (duplicates/similarity.py), best first.

Reads are bounded: one category's tickets received since the window's start, from the `by_category` index (a Query,
never a Scan), at most MAX_READ of them, newest first.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from hotline.domain.base.clock import Clock
from hotline.domain.base.errors import NotFound
from hotline.domain.base.paging import MAX_LIMIT, PageRequest
from hotline.domain.duplicates.rules import DuplicateRules
from hotline.domain.duplicates.similarity import Likeness, Matter, likeness
from hotline.domain.staff.roles import CENTRE_ROLES, StaffMember
from hotline.domain.tickets.numbering import UNKNOWN, is_number
from hotline.domain.tickets.ports import TicketFilter, TicketRepository
from hotline.domain.tickets.ticket import Location, Status, Ticket

MAX_READ = 600
"""The most tickets one suggestion reads (a busy category's week): three pages of the index."""


class MatterDraft(BaseModel):
    """The call an agent is registering, as far as it goes: what to compare with the open tickets."""

    model_config = ConfigDict(extra="forbid")

    category: Annotated[str, Field(min_length=1, max_length=64)]
    subject: Annotated[str, Field(max_length=200)] = ""
    description: Annotated[str, Field(max_length=4000)] = ""
    location: Location | None = None


@dataclass(frozen=True)
class Similar:
    ticket: Ticket
    likeness: Likeness


@dataclass
class SimilarTickets:
    tickets: TicketRepository
    rules: Callable[[], DuplicateRules]
    clock: Clock

    def of_ticket(self, number: str, staff: StaffMember, limit: int) -> list[Similar]:
        """Open tickets like `number`, received within the window before or after it."""
        staff.require_any(CENTRE_ROLES, "finding similar tickets")
        ticket = self.tickets.get(number) if is_number(number) else None
        if ticket is None:
            raise NotFound(UNKNOWN)
        window = timedelta(days=self.rules().window_days)
        return self._best(
            ticket, ticket.category, ticket.received_at - window, ticket.received_at + window, limit, {number}
        )

    def of_draft(self, draft: MatterDraft, staff: StaffMember, limit: int) -> list[Similar]:
        """Open tickets like the call being registered, received within the window until now."""
        staff.require_any(CENTRE_ROLES, "finding similar tickets")
        now = self.clock.now()
        return self._best(draft, draft.category, now - timedelta(days=self.rules().window_days), now, limit, set())

    def _best(
        self, matter: Matter, category: str, since: datetime, until: datetime, limit: int, skip: set[str]
    ) -> list[Similar]:
        rules = self.rules()
        found = [
            Similar(candidate, likeness(matter, candidate, rules.near_metres))
            for candidate in recent(self.tickets, TicketFilter(category=category, received_since=since), MAX_READ)
            if candidate.number not in skip and candidate.status is not Status.CLOSED and candidate.received_at <= until
        ]
        kept = [s for s in found if s.likeness.place > 0 and s.likeness.score >= rules.min_score]
        kept.sort(key=lambda s: (-s.likeness.score, -s.ticket.received_at.timestamp(), s.ticket.number))
        return kept[:limit]


def recent(tickets: TicketRepository, where: TicketFilter, most: int) -> list[Ticket]:
    """The tickets `where` selects, newest first, at most `most` of them (page by page)."""
    found: list[Ticket] = []
    token: str | None = None
    while len(found) < most:
        page = tickets.list(where, PageRequest(limit=min(MAX_LIMIT, most - len(found)), token=token))
        found.extend(page.items)
        if page.next is None:
            break
        token = page.next
    return found
