"""Staff: working calendars (holidays, make-up working days) and the deadlines they give."""

import re
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from hotline.domain.base.calendar import Duration, DurationUnit
from hotline.domain.staff.roles import ADMIN_ROLES, StaffMember
from hotline.services import api_services
from pydantic import BeforeValidator

from functions.api.identity import STAFF, staff_of, staff_roles
from functions.api.routes.common import Limit, Moment, NextToken, page_request
from functions.api.schemas.admin import CalendarIn, DaysIn
from functions.api.schemas.staff import CalendarList, CalendarSummary, CalendarView, DeadlineView

router = APIGatewayRouter()
TAGS = ["calendars"]


def _restore_plus(value: Any) -> Any:
    # An unencoded `+08:00` in a query string arrives as ` 08:00`.
    return re.sub(r" (\d{2}(:?\d{2})?)$", r"+\1", value) if isinstance(value, str) else value


From = Annotated[
    Moment,
    BeforeValidator(_restore_plus),
    Query(alias="from", description="Receipt time, ISO-8601 with an offset or Z, between 1970 and 2999"),
]


def _admin() -> StaffMember:
    return staff_of(router.current_event)


@router.get("/v1/staff/calendars", summary="Every working calendar, by id", tags=TAGS, security=STAFF)
def calendars(limit: Limit = 50, next_token: NextToken = None) -> CalendarList:
    page = api_services().config_admin.calendars_page(page_request(limit, next_token))
    return CalendarList(items=[CalendarSummary.of(calendar) for calendar in page.items], next=page.next)


@router.get(
    "/v1/staff/calendars/<calendar>/deadline", summary="When a duration from a time runs out", tags=TAGS, security=STAFF
)
def deadline(
    calendar: str,
    start: From,
    amount: Annotated[int, Query(ge=0, le=100_000, description="How many units")],
    unit: Annotated[DurationUnit, Query(description="minutes, hours, working_hours or working_days")],
) -> DeadlineView:
    return DeadlineView.of(api_services().config_admin.deadline(calendar, start, Duration(amount=amount, unit=unit)))


@router.get("/v1/staff/calendars/<calendar>", summary="A working calendar", tags=TAGS, security=STAFF)
def read(calendar: str) -> CalendarView:
    return CalendarView.of(api_services().config_admin.calendar(calendar))


@router.put(
    "/v1/staff/calendars/<calendar>",
    summary="Create or replace a working calendar",
    tags=TAGS,
    security=staff_roles(ADMIN_ROLES),
)
def replace(calendar: str, body: Annotated[CalendarIn, Body()]) -> CalendarView:
    fields = body.model_dump(exclude_none=True)
    return CalendarView.of(api_services().config_admin.replace_calendar(_admin(), calendar, fields))


@router.post(
    "/v1/staff/calendars/<calendar>/days",
    summary="Add or remove holidays and workdays",
    tags=TAGS,
    security=staff_roles(ADMIN_ROLES),
)
def days(calendar: str, body: Annotated[DaysIn, Body()]) -> CalendarView:
    changed = api_services().config_admin.change_days(_admin(), calendar, body.holidays, body.workdays, body.remove)
    return CalendarView.of(changed)
