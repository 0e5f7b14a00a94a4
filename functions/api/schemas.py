"""Request and response bodies of the HTTP API (the OpenAPI document is generated from these)."""

from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from hotline.domain.base.clock import UtcDatetime
from hotline.domain.intake.reads import TicketRecord
from hotline.domain.tickets.catalog import Catalog, Channel, TicketType
from hotline.domain.tickets.ticket import (
    Actor,
    Counts,
    ExtensionRequest,
    Resolution,
    Status,
    Ticket,
    TicketDraft,
    TicketEvent,
)
from hotline.domain.tickets.timers import Timer, TimerName
from hotline.domain.tickets.view import TicketView
from pydantic import BaseModel, Field


class FormTicketIn(TicketDraft):
    """A ticket submitted by a citizen through the web or mobile form."""

    channel: Literal["web", "mobile"] = "web"
    public: bool = Field(
        default=False,
        description="Publish my report on the public map: its street (no house number), its place to about "
        "100 m, category and progress; never my name, contact, words or pictures.",
    )


class PartnerTicketIn(TicketDraft):
    external_ref: Annotated[str, Field(min_length=1, max_length=128)] | None = Field(
        default=None, description="Your own reference for this ticket."
    )


class StaffTicketIn(TicketDraft):
    """A ticket an agent registers for a caller, a letter, a visit …"""

    channel: Literal["phone", "letter", "visit", "email", "regulator"]


class TicketCreated(BaseModel):
    number: str = Field(examples=["2611-000123"])
    access_code: str = Field(description="Lets the customer track the ticket; shown only now.")
    status: Status
    received_at: UtcDatetime


class TimerView(BaseModel):
    """One deadline: due in UTC and in the calendar's zone, and how it ended or stands."""

    name: TimerName
    started_at: UtcDatetime
    due: UtcDatetime
    due_local: str = Field(examples=["2026-10-10T18:00:00+08:00"])
    original_due: UtcDatetime | None = Field(description="The due before an approved extension.")
    met_at: UtcDatetime | None
    breached_at: UtcDatetime | None
    paused: bool
    reminders_sent: list[float]

    @classmethod
    def all_of(cls, ticket: Ticket) -> list["TimerView"]:
        return [cls.of(name, timer) for name, timer in ticket.handling.timers.items() if timer.cancelled_at is None]

    @classmethod
    def of(cls, name: TimerName, timer: Timer) -> "TimerView":
        local = timer.due.astimezone(ZoneInfo(timer.time_zone)).isoformat(timespec="seconds")
        return cls(
            name=name,
            started_at=timer.started_at,
            due=timer.due,
            due_local=local,
            original_due=timer.original_due,
            met_at=timer.met_at,
            breached_at=timer.breached_at,
            paused=timer.paused_at is not None,
            reminders_sent=timer.reminded,
        )


class PublicEvent(BaseModel):
    type: str
    at: UtcDatetime


class CustomerTicketView(BaseModel):
    """What a customer sees with the number and access code: progress, never staff details."""

    number: str
    status: Status
    type: TicketType
    category: str
    subject: str
    received_at: UtcDatetime
    updated_at: UtcDatetime
    deadlines: list[TimerView]
    escalation_level: int
    note: str | None = Field(description="The latest note for the customer (a question, or the result).")
    resolution: Resolution | None
    timeline: list[PublicEvent]

    @classmethod
    def of(cls, record: TicketRecord) -> "CustomerTicketView":
        t = record.ticket
        events = [PublicEvent(type=e.type, at=e.at) for e in record.timeline]
        return cls(
            number=t.number,
            status=t.status,
            type=t.type,
            category=t.category,
            subject=t.subject,
            received_at=t.received_at,
            updated_at=t.updated_at,
            deadlines=TimerView.all_of(t),
            escalation_level=t.handling.escalation_level,
            note=t.handling.public_note,
            resolution=t.handling.resolution,
            timeline=events,
        )


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


class TicketList(BaseModel):
    items: list[TicketView]
    next: str | None = Field(default=None, description="Pass as `next` to get the following page.")


class CatalogView(Catalog):
    channels: list[Channel]


class ErrorField(BaseModel):
    field: str
    problem: str


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: list[ErrorField] | None = None
    current_status: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail
