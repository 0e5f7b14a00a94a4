"""Staff: registering a ticket for a caller, the full record, calendars and deadlines, units."""

import re
from datetime import date, time
from typing import Annotated, Any, Literal

from hotline.domain.base.calendar import WorkingCalendar
from hotline.domain.base.clock import UtcDatetime, to_iso_z
from hotline.domain.config.admin import Deadline
from hotline.domain.config.units import Unit
from hotline.domain.intake.reads import TicketRecord
from hotline.domain.tickets.ticket import Actor, Counts, ExtensionRequest, Resolution, Ticket, TicketDraft, TicketEvent
from hotline.domain.tickets.view import TicketView
from pydantic import BaseModel, BeforeValidator, Field, PlainSerializer, WithJsonSchema

from functions.api.schemas.common import TimerView


class StaffTicketIn(TicketDraft):
    """A ticket an agent registers for a caller, a letter, a visit …"""

    channel: Literal["phone", "letter", "visit", "email", "regulator"]


class TimelineEntry(BaseModel):
    id: str
    type: str
    actor: Actor
    at: UtcDatetime
    data: dict[str, Any]

    @classmethod
    def of(cls, event: TicketEvent) -> "TimelineEntry":
        return cls.model_validate(event.model_dump(include=set(cls.model_fields)))


class HandlingView(BaseModel):
    deadlines: list[TimerView]
    overdue: bool
    escalation_level: int = Field(description="0 none, 1 unit manager, 2 hotline office, 3 leadership, 4 HQ.")
    counts: Counts
    extension: ExtensionRequest | None = Field(description="An extension request waiting for a decision.")
    supervised: bool
    result: str | None
    cause_code: str | None
    resolution: Resolution | None
    next_wake: UtcDatetime | None = Field(description="When the ticket clock next checks this ticket.")

    @classmethod
    def of(cls, ticket: Ticket) -> "HandlingView":
        h = ticket.handling
        return cls(
            deadlines=TimerView.all_of(ticket),
            overdue=ticket.overdue,
            escalation_level=h.escalation_level,
            counts=h.counts,
            extension=h.extension,
            supervised=h.supervised,
            result=h.result,
            cause_code=h.cause_code,
            resolution=h.resolution,
            next_wake=h.clock.wake_at,
        )


class StaffTicketView(TicketView):
    partner_id: str | None
    public: bool = Field(description="Shown on the public map (Open311), coarsened; see the `publish` action.")
    version: int = Field(description="Send it back as `version` with an action to guard against concurrent changes.")
    handling: HandlingView
    timeline: list[TimelineEntry]

    @classmethod
    def of_record(cls, record: TicketRecord) -> "StaffTicketView":
        ticket = record.ticket
        return cls(
            **TicketView.of(ticket).model_dump(),
            partner_id=ticket.partner_id,
            public=ticket.public,
            version=ticket.version,
            handling=HandlingView.of(ticket),
            timeline=[TimelineEntry.of(e) for e in record.timeline],
        )


class DeadlineView(BaseModel):
    due: str = Field(description="UTC, e.g. 2026-10-10T10:00:00.000Z")
    due_local: str = Field(description="In the calendar's zone, e.g. 2026-10-10T18:00:00.000+08:00")

    @classmethod
    def of(cls, deadline: Deadline) -> "DeadlineView":
        return cls(due=to_iso_z(deadline.due), due_local=deadline.due_local.isoformat(timespec="milliseconds"))


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


class UnitChain(BaseModel):
    items: list[Unit]
