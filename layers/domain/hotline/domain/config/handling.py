"""The configuration a ticket is handled under, loaded once per request: policies, ladder, routing, calendars, units,
the templates of the texts to customers."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from hotline.domain.base.calendar import WorkingCalendar
from hotline.domain.base.errors import FieldProblem, InvalidInput
from hotline.domain.config.causes import Cause, CauseCatalog
from hotline.domain.config.ladder import Ladder
from hotline.domain.config.messages import MessageTemplates
from hotline.domain.config.policies import PolicyBook, SlaPolicy
from hotline.domain.config.routing import RoutingTable
from hotline.domain.config.units import Unit, climb
from hotline.domain.tickets.customer_message import MessageKind
from hotline.domain.tickets.ticket import Ticket
from hotline.domain.tickets.timers import Timer, TimerName


@dataclass(frozen=True)
class HandlingConfig:
    policies: PolicyBook
    ladder: Ladder
    routing: RoutingTable
    calendar_of: Callable[[str], WorkingCalendar | None]
    unit_of: Callable[[str], Unit | None]
    templates_of: Callable[[], MessageTemplates]
    """Read only by a change that texts the customer, once."""
    causes_of: Callable[[], CauseCatalog]
    """Read only by a reply (its cause must be in the catalogue), once."""

    def __post_init__(self) -> None:
        # One request or wake-up asks for the same calendar and units many times: read each once.
        object.__setattr__(self, "calendar_of", cache(self.calendar_of))
        object.__setattr__(self, "unit_of", cache(self.unit_of))
        object.__setattr__(self, "templates_of", cache(self.templates_of))
        object.__setattr__(self, "causes_of", cache(self.causes_of))

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
        calendar = self.calendar(ticket)
        return Timer(started_at=at, due=calendar.deadline(at, target), unit=target.unit, time_zone=calendar.time_zone)

    def template(self, kind: MessageKind) -> str:
        return self.templates_of().of(kind)

    def cause(self, code_or_name: str) -> Cause:
        """The catalogue's cause by code or Chinese name; 422 naming `cause_code` when there is none."""
        return self.causes_of().checked(code_or_name)

    def unit(self, unit_id: str, field: str = "unit_id") -> Unit:
        unit = self.unit_of(unit_id)
        if unit is None:
            raise InvalidInput("unknown unit", [FieldProblem(field, f"no unit '{unit_id}'")])
        return unit

    def chain(self, unit_id: str | None) -> list[Unit]:
        """Who hears at each escalation level, level 1 first: the unit and those above it.

        A ticket no unit holds is the dispatch desk's: the desk answers for both level 1 (its team lead)
        and level 2 (the hotline office it belongs to), so levels keep their names (DESIGN.md §8).
        """
        if unit_id is None:
            desk = climb(self.ladder.dispatch_desk, self.unit_of)
            return desk[:1] + desk
        return climb(unit_id, self.unit_of)
