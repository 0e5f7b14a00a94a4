"""Staff: working calendars (holidays, make-up working days) and the deadlines they give."""

import re
from datetime import date, time
from typing import Annotated, Any, Self

from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from hotline.domain.calendar import Duration, DurationUnit, WorkingCalendar
from hotline.domain.clock import to_iso_z
from hotline.domain.errors import FieldProblem, InvalidInput, NotFound
from hotline.domain.staff import ADMIN_ROLES, StaffMember
from hotline.services import services
from pydantic import AwareDatetime, BaseModel, BeforeValidator, Field, ValidationError, model_validator

from functions.api.identity import staff_of

router = APIGatewayRouter()

MAX_DAYS = 1000


# --- request and response bodies ---------------------------------------------------------------------


class DeadlineView(BaseModel):
    due: str = Field(description="UTC, e.g. 2026-10-10T10:00:00.000Z")
    due_local: str = Field(description="In the calendar's zone, e.g. 2026-10-10T18:00:00.000+08:00")


class PeriodBody(BaseModel):
    start: time
    end: time


class CalendarView(BaseModel):
    id: str
    name: str
    time_zone: str
    working_hours: list[PeriodBody]
    weekend: list[int] = Field(description="ISO weekdays, 1 = Monday")
    holidays: list[date] = Field(description="Statutory days off, sorted")
    workdays: list[date] = Field(description="Make-up working days (调休), sorted")

    @classmethod
    def of(cls, calendar: WorkingCalendar) -> "CalendarView":
        return cls.model_validate(calendar.model_dump(mode="json"))


class CalendarIn(BaseModel):
    id: str | None = Field(default=None, description="Optional; must equal the id in the path")
    name: str
    time_zone: str = "Asia/Shanghai"
    working_hours: list[PeriodBody] | None = Field(default=None, description="Default 09:00–12:00, 13:30–18:00")
    weekend: list[int] = Field(default=[6, 7], max_length=7)
    holidays: list[date] = Field(default=[], max_length=20 * MAX_DAYS)
    workdays: list[date] = Field(default=[], max_length=20 * MAX_DAYS)


class DaysIn(BaseModel):
    holidays: list[date] = Field(default=[], max_length=MAX_DAYS, description="Dates to make days off")
    workdays: list[date] = Field(default=[], max_length=MAX_DAYS, description="Dates to make working days")
    remove: list[date] = Field(default=[], max_length=MAX_DAYS, description="Dates to drop from both lists")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        added = set(self.holidays) | set(self.workdays)
        if set(self.holidays) & set(self.workdays):
            raise ValueError("a date cannot be added as both a holiday and a working day")
        if added & set(self.remove):
            raise ValueError("a date cannot be both added and removed")
        return self


def _restore_plus(value: Any) -> Any:
    # An unencoded `+08:00` in a query string arrives as ` 08:00`.
    return re.sub(r" (\d{2}(:?\d{2})?)$", r"+\1", value) if isinstance(value, str) else value


From = Annotated[
    AwareDatetime,
    BeforeValidator(_restore_plus),
    Query(alias="from", description="Receipt time, ISO-8601 with an offset or Z"),
]


# --- helpers -----------------------------------------------------------------------------------------


def _staff() -> StaffMember:
    return staff_of(router.current_event)


def _calendar(calendar_id: str) -> WorkingCalendar:
    found = services().calendars.get(calendar_id)
    if found is None:
        raise NotFound(f"no calendar {calendar_id!r}")
    return found


def _validated(data: dict[str, Any]) -> WorkingCalendar:
    try:
        return WorkingCalendar.model_validate(data)
    except ValidationError as error:
        problems = [
            FieldProblem(field=".".join(str(p) for p in e["loc"]) or "calendar", problem=str(e["msg"]))
            for e in error.errors()
        ]
        raise InvalidInput("the calendar has invalid values", problems) from None


# --- routes ------------------------------------------------------------------------------------------


@router.get(
    "/v1/staff/calendars/<calendar>/deadline", summary="When a duration from a time runs out", tags=["calendars"]
)
def deadline(
    calendar: str,
    start: From,
    amount: Annotated[int, Query(ge=0, le=100_000, description="How many units")],
    unit: Annotated[DurationUnit, Query(description="minutes, hours, working_hours or working_days")],
) -> DeadlineView:
    _staff()
    found = _calendar(calendar)
    due = found.deadline(start, Duration(amount=amount, unit=unit))
    return DeadlineView(due=to_iso_z(due), due_local=found.local(due).isoformat(timespec="milliseconds"))


@router.get("/v1/staff/calendars/<calendar>", summary="A working calendar", tags=["calendars"])
def read(calendar: str) -> CalendarView:
    _staff()
    return CalendarView.of(_calendar(calendar))


@router.put("/v1/staff/calendars/<calendar>", summary="Create or replace a working calendar", tags=["calendars"])
def replace(calendar: str, body: Annotated[CalendarIn, Body()]) -> CalendarView:
    _staff().require_any(ADMIN_ROLES, "changing a calendar")
    if body.id is not None and body.id != calendar:
        raise InvalidInput("the id in the body differs from the path", [FieldProblem("id", f"must be {calendar!r}")])
    data = body.model_dump(exclude={"id"}, exclude_none=True)
    saved = _validated({**data, "id": calendar})
    services().calendars.save(saved)
    return CalendarView.of(saved)


@router.post("/v1/staff/calendars/<calendar>/days", summary="Add or remove holidays and workdays", tags=["calendars"])
def days(calendar: str, body: Annotated[DaysIn, Body()]) -> CalendarView:
    _staff().require_any(ADMIN_ROLES, "changing a calendar")
    changed = _calendar(calendar).with_days(
        holidays_add=body.holidays,
        workdays_add=body.workdays,
        holidays_remove=body.remove,
        workdays_remove=body.remove,
    )
    services().calendars.save(changed)
    return CalendarView.of(changed)
