"""Configuration administration: working calendars, SLA policies, the escalation ladder, routing rules, units, the
templates of the texts to customers.

Any staff member reads them; only admins (ADMIN_ROLES) change them. A change is checked against what it
names before it is stored — the calendars policies count in, the units routing and the ladder send tickets
to, a unit's parent — and applies to the next action or wake-up.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from hotline.domain.base.calendar import Duration, WorkingCalendar
from hotline.domain.base.errors import FieldProblem, InvalidInput, NotFound
from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.config.causes import CauseCatalog
from hotline.domain.config.ladder import Ladder
from hotline.domain.config.messages import MessageTemplates
from hotline.domain.config.policies import PolicyBook
from hotline.domain.config.ports import CalendarRepository, HandlingConfigRepository, UnitRepository
from hotline.domain.config.routing import RoutingTable
from hotline.domain.config.units import Unit, climb
from hotline.domain.staff.roles import ADMIN_ROLES, StaffMember


@dataclass(frozen=True)
class Deadline:
    due: datetime
    """In UTC."""
    due_local: datetime
    """The same instant in the calendar's zone."""


@dataclass
class ConfigAdmin:
    calendars: CalendarRepository
    handling: HandlingConfigRepository
    units: UnitRepository

    # -- calendars ----------------------------------------------------------------------------------------

    def calendars_page(self, page: PageRequest) -> Page[WorkingCalendar]:
        """Every calendar, by id (any staff member: the calendars page, the policies' calendar)."""
        return self.calendars.list(page)

    def calendar(self, calendar_id: str) -> WorkingCalendar:
        found = self.calendars.get(calendar_id)
        if found is None:
            raise NotFound(f"no calendar {calendar_id!r}")
        return found

    def deadline(self, calendar_id: str, start: datetime, duration: Duration) -> Deadline:
        """When `duration` from `start` runs out in the calendar."""
        calendar = self.calendar(calendar_id)
        due = calendar.deadline(start, duration)
        return Deadline(due=due, due_local=calendar.local(due))

    def replace_calendar(self, by: StaffMember, calendar_id: str, fields: Mapping[str, Any]) -> WorkingCalendar:
        """Store the calendar `fields` describe (an `id` among them must be `calendar_id`; what they leave out
        takes the calendar's defaults)."""
        _require_admin(by)
        sent_id = fields.get("id")
        if sent_id is not None and sent_id != calendar_id:
            raise InvalidInput(
                "the id in the body differs from the path", [FieldProblem("id", f"must be {calendar_id!r}")]
            )
        try:
            calendar = WorkingCalendar.model_validate({**fields, "id": calendar_id})
        except ValidationError as error:
            problems = [
                FieldProblem(field=".".join(str(p) for p in e["loc"]) or "calendar", problem=str(e["msg"]))
                for e in error.errors()
            ]
            raise InvalidInput("the calendar has invalid values", problems) from None
        self.calendars.save(calendar)
        return calendar

    def change_days(
        self, by: StaffMember, calendar_id: str, holidays: list[date], workdays: list[date], remove: list[date]
    ) -> WorkingCalendar:
        """Add holidays and make-up workdays, and drop the `remove` dates from both."""
        _require_admin(by)
        changed = self.calendar(calendar_id).with_days(
            holidays_add=holidays, workdays_add=workdays, holidays_remove=remove, workdays_remove=remove
        )
        self.calendars.save(changed)
        return changed

    # -- handling configuration ---------------------------------------------------------------------------

    def policies(self) -> PolicyBook:
        return self.handling.policies()

    def replace_policies(self, by: StaffMember, book: PolicyBook) -> PolicyBook:
        _require_admin(by)
        missing = [
            FieldProblem(f"policies.{i}.calendar", f"no calendar '{policy.calendar}'")
            for i, policy in enumerate(book.policies)
            if self.calendars.get(policy.calendar) is None
        ]
        if missing:
            raise InvalidInput("unknown calendar", missing)
        self.handling.save("policies", book)
        return book

    def ladder(self) -> Ladder:
        return self.handling.ladder()

    def replace_ladder(self, by: StaffMember, ladder: Ladder) -> Ladder:
        _require_admin(by)
        self._units_exist([("dispatch_desk", ladder.dispatch_desk)])
        self.handling.save("ladder", ladder)
        return ladder

    def routing(self) -> RoutingTable:
        return self.handling.routing()

    def replace_routing(self, by: StaffMember, table: RoutingTable) -> RoutingTable:
        _require_admin(by)
        self._units_exist((f"rules.{i}.unit_id", rule.unit_id) for i, rule in enumerate(table.rules))
        self.handling.save("routing", table)
        return table

    def messages(self, by: StaffMember) -> MessageTemplates:
        _require_admin(by)
        return self.handling.messages()

    def replace_messages(self, by: StaffMember, templates: MessageTemplates) -> MessageTemplates:
        """Checked as the model is: each template non-empty, at most 300 characters, its placeholders its kind's."""
        _require_admin(by)
        self.handling.save("messages", templates)
        return templates

    def causes(self) -> CauseCatalog:
        return self.handling.causes()

    def replace_causes(self, by: StaffMember, catalog: CauseCatalog) -> CauseCatalog:
        """Replies from now on must name one of these causes; replies already given keep theirs (reports show a code
        the catalogue no longer has as the code itself)."""
        _require_admin(by)
        self.handling.save("causes", catalog)
        return catalog

    # -- units --------------------------------------------------------------------------------------------

    def unit_chain(self, unit_id: str) -> list[Unit]:
        """The unit and the units above it, nearest first."""
        chain = climb(unit_id, self.units.get)
        if not chain:
            raise NotFound(f"no unit '{unit_id}'")
        return chain

    def units_page(self, page: PageRequest) -> Page[Unit]:
        """Every unit, by id (any staff member: pickers and the organisation chart)."""
        return self.units.list(page)

    def replace_unit(self, by: StaffMember, unit_id: str, unit: Unit) -> Unit:
        _require_admin(by)
        if unit.id != unit_id:
            raise InvalidInput("the id in the body differs from the path", [FieldProblem("id", f"must be '{unit_id}'")])
        if unit.parent_id is not None:
            self._units_exist([("parent_id", unit.parent_id)])
        self.units.save(unit)
        return unit

    def _units_exist(self, named: Iterable[tuple[str, str]]) -> None:
        """Refuse a change naming a unit that does not exist; `named` holds (field, unit id) pairs."""
        problems = [
            FieldProblem(field, f"no unit '{unit_id}'") for field, unit_id in named if not self.units.get(unit_id)
        ]
        if problems:
            raise InvalidInput("unknown unit", problems)


def _require_admin(by: StaffMember) -> None:
    by.require_any(ADMIN_ROLES, "changing the configuration")
