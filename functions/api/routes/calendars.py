"""Staff: working calendars (holidays, make-up working days) and the deadlines they give."""

import re
from datetime import date, time
from typing import Annotated, Any, Self

from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from hotline.domain.base.calendar import Duration, DurationUnit, WorkingCalendar
from hotline.domain.base.clock import to_iso_z
from hotline.domain.base.errors import FieldProblem, InvalidInput, NotFound
from hotline.domain.staff.roles import ADMIN_ROLES
from hotline.services import services
from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    PlainSerializer,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from functions.api.identity import STAFF, staff_roles
from functions.api.routes.common import Moment

router = APIGatewayRouter()

MAX_DAYS = 1000


# --- request and response bodies ---------------------------------------------------------------------


class DeadlineView(BaseModel):
    due: str = Field(description="UTC, e.g. 2026-10-10T10:00:00.000Z")
    due_local: str = Field(description="In the calendar's zone, e.g. 2026-10-10T18:00:00.000+08:00")


CLOCK_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


def _clock_time(value: Any) -> Any:
    if isinstance(value, time) or (isinstance(value, str) and CLOCK_TIME.fullmatch(value)):
        return value
    raise ValueError("use HH:MM, e.g. 09:00")


ClockTime = Annotated[
    time,
    BeforeValidator(_clock_time),
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str),
    WithJsonSchema({"type": "string", "pattern": f"^{CLOCK_TIME.pattern}$", "examples": ["09:00"]}),
]
"""A time of day as HH:MM, local to the calendar's zone."""


class PeriodBody(BaseModel):
    start: ClockTime
    end: ClockTime


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
        periods = [period.model_dump() for period in calendar.working_hours]  # times, not "09:00:00" strings
        return cls.model_validate({**calendar.model_dump(mode="json"), "working_hours": periods})


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
    Moment,
    BeforeValidator(_restore_plus),
    Query(alias="from", description="Receipt time, ISO-8601 with an offset or Z, between 1970 and 2999"),
]


# --- helpers -----------------------------------------------------------------------------------------


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
    "/v1/staff/calendars/<calendar>/deadline",
    summary="When a duration from a time runs out",
    tags=["calendars"],
    security=STAFF,
)
def deadline(
    calendar: str,
    start: From,
    amount: Annotated[int, Query(ge=0, le=100_000, description="How many units")],
    unit: Annotated[DurationUnit, Query(description="minutes, hours, working_hours or working_days")],
) -> DeadlineView:
    found = _calendar(calendar)
    due = found.deadline(start, Duration(amount=amount, unit=unit))
    return DeadlineView(due=to_iso_z(due), due_local=found.local(due).isoformat(timespec="milliseconds"))


@router.get("/v1/staff/calendars/<calendar>", summary="A working calendar", tags=["calendars"], security=STAFF)
def read(calendar: str) -> CalendarView:
    return CalendarView.of(_calendar(calendar))


@router.put(
    "/v1/staff/calendars/<calendar>",
    summary="Create or replace a working calendar",
    tags=["calendars"],
    security=staff_roles(ADMIN_ROLES),
)
def replace(calendar: str, body: Annotated[CalendarIn, Body()]) -> CalendarView:
    if body.id is not None and body.id != calendar:
        raise InvalidInput("the id in the body differs from the path", [FieldProblem("id", f"must be {calendar!r}")])
    data = body.model_dump(exclude={"id"}, exclude_none=True)
    saved = _validated({**data, "id": calendar})
    services().calendars.save(saved)
    return CalendarView.of(saved)


@router.post(
    "/v1/staff/calendars/<calendar>/days",
    summary="Add or remove holidays and workdays",
    tags=["calendars"],
    security=staff_roles(ADMIN_ROLES),
)
def days(calendar: str, body: Annotated[DaysIn, Body()]) -> CalendarView:
    changed = _calendar(calendar).with_days(
        holidays_add=body.holidays,
        workdays_add=body.workdays,
        holidays_remove=body.remove,
        workdays_remove=body.remove,
    )
    services().calendars.save(changed)
    return CalendarView.of(changed)
