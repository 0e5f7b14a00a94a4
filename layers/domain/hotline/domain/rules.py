"""The configuration a ticket is handled under, loaded once per request: policies, ladder, routing, calendars, units."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from hotline.domain.calendar import WorkingCalendar
from hotline.domain.errors import FieldProblem, InvalidInput
from hotline.domain.ladder import Ladder
from hotline.domain.policies import PolicyBook, SlaPolicy, TimerName
from hotline.domain.routing import RoutingTable
from hotline.domain.tickets import Ticket
from hotline.domain.timers import Timer
from hotline.domain.units import Unit


@dataclass(frozen=True)
class Rules:
    policies: PolicyBook
    ladder: Ladder
    routing: RoutingTable
    calendar_of: Callable[[str], WorkingCalendar | None]
    unit_of: Callable[[str], Unit | None]

    def policy(self, ticket: Ticket) -> SlaPolicy:
        return self.policies.for_ticket(ticket.type, ticket.priority)

    def calendar(self, ticket: Ticket) -> WorkingCalendar:
        name = self.policy(ticket).calendar
        calendar = self.calendar_of(name)
        if calendar is None:
            raise LookupError(f"the SLA policy names calendar '{name}', which does not exist")
        return calendar

    def start_timer(self, ticket: Ticket, name: TimerName, at: datetime) -> Timer:
        target = self.policy(ticket).targets[name]
        return Timer(started_at=at, due=self.calendar(ticket).deadline(at, target), unit=target.unit)

    def unit(self, unit_id: str, field: str = "unit_id") -> Unit:
        unit = self.unit_of(unit_id)
        if unit is None:
            raise InvalidInput("unknown unit", [FieldProblem(field, f"no unit '{unit_id}'")])
        return unit

    def chain(self, unit_id: str | None) -> list[Unit]:
        """The unit and those above it, nearest first (from the dispatch desk when no unit holds the ticket)."""
        chain: list[Unit] = []
        next_id: str | None = unit_id or self.ladder.dispatch_desk
        while next_id is not None and len(chain) < 16:
            unit = self.unit_of(next_id)
            if unit is None or unit in chain:
                break
            chain.append(unit)
            next_id = unit.parent_id
        return chain
