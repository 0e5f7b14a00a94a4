"""Staff: registering a ticket for a caller, the full record, calendars and deadlines, units."""

import re
from collections.abc import Mapping
from datetime import date, time
from typing import Annotated, Any, Literal

from hotline.domain.base.calendar import WorkingCalendar
from hotline.domain.base.clock import UtcDatetime, to_iso_z
from hotline.domain.config.admin import Deadline
from hotline.domain.config.units import Unit
from hotline.domain.duplicates.linking import link_actions
from hotline.domain.handling.lifecycle import allowed
from hotline.domain.intake.reads import TicketRecord
from hotline.domain.staff.roles import StaffMember
from hotline.domain.surveys.answering import may_record_call
from hotline.domain.tickets.disposition import Disposition
from hotline.domain.tickets.survey import Grade, Survey, SurveyChannel
from hotline.domain.tickets.ticket import (
    Actor,
    Attachment,
    Counts,
    CustomerWait,
    ExtensionRequest,
    Resolution,
    Ticket,
    TicketDraft,
    TicketEvent,
)
from hotline.domain.tickets.view import TicketView
from pydantic import BaseModel, BeforeValidator, Field, PlainSerializer, WithJsonSchema

from functions.api.schemas.common import TimerView
from functions.api.schemas.duplicates import CustomerSummary


class StaffTicketIn(TicketDraft):
    """A ticket an agent registers for a caller, a letter, a visit …"""

    channel: Literal["phone", "letter", "visit", "email", "regulator"]
    disposition: Disposition | None = Field(
        default=None,
        description="Settled on the call (直办): `direct_answer` with the `answer` (and the knowledge `articles` "
        "it cites) or `referred` with the `agency` (12348, 110 …). The ticket is stored closed, never routed.",
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


class SurveyView(BaseModel):
    """The latest reply round's survey (its one-time link's token hash is never shown)."""

    round: int
    channel: SurveyChannel
    opened_at: UtcDatetime
    send_at: UtcDatetime | None = Field(description="When its text goes out, if quiet hours held it.")
    sent_at: UtcDatetime | None
    expires_at: UtcDatetime | None = Field(description="Unanswered by then, the ticket closes `no_response`.")
    attempts: int = Field(description="Callback calls that did not reach the customer.")
    answered_at: UtcDatetime | None
    grade: Grade | None
    solved: bool | None
    comment: str | None
    expired_at: UtcDatetime | None

    @classmethod
    def of(cls, survey: Survey | None) -> "SurveyView | None":
        return cls.model_validate(survey.model_dump(exclude={"token_hash"})) if survey else None


class HandlingView(BaseModel):
    deadlines: list[TimerView]
    overdue: bool
    escalation_level: int = Field(description="0 none, 1 unit manager, 2 hotline office, 3 leadership, 4 HQ.")
    counts: Counts
    extension: ExtensionRequest | None = Field(description="An extension request waiting for a decision.")
    customer_wait: CustomerWait | None = Field(
        description="While awaiting the customer's answer: since when, and when the unit may close it `no_response`."
    )
    supervised: bool
    problem: bool = Field(description="A problem ticket (问题工单): reworked the ladder's `problem_reworks` times.")
    survey: SurveyView | None = Field(description="The callback survey of the latest reply.")
    result: str | None
    cause_code: str | None
    resolution: Resolution | None
    next_wake: UtcDatetime | None = Field(description="When the ticket clock next checks this ticket.")
    primary: str | None = Field(
        description="Bound to this primary (参阅工单): handled together with it, its clock stopped until the primary's "
        "reply reaches it."
    )
    bound: list[str] = Field(description="A primary's bound tickets, which its reply reaches, oldest first.")
    repeat_of: list[str] = Field(
        description="A repeat complaint (重复投诉): the same caller's earlier tickets about the same matter."
    )

    @classmethod
    def of(cls, ticket: Ticket) -> "HandlingView":
        h = ticket.handling
        return cls(
            deadlines=TimerView.all_of(ticket),
            overdue=ticket.overdue,
            escalation_level=h.escalation_level,
            counts=h.counts,
            extension=h.extension,
            customer_wait=h.customer_wait,
            supervised=h.supervised,
            problem=h.problem,
            survey=SurveyView.of(h.survey),
            result=h.result,
            cause_code=h.cause_code,
            resolution=h.resolution,
            next_wake=h.clock.wake_at,
            primary=h.primary,
            bound=h.bound,
            repeat_of=h.repeat_of,
        )


class StaffTicketSummary(TicketView):
    """A ticket as staff list it: what its partner sees, and how far it is escalated."""

    escalation_level: int = Field(description="0 none, 1 unit manager, 2 hotline office, 3 leadership, 4 HQ.")
    next_deadline: TimerView | None = Field(description="The open deadline due first, for the queues; null when none.")

    @classmethod
    def of(cls, ticket: Ticket) -> "StaffTicketSummary":
        timers = [(name, timer) for name, timer in ticket.handling.timers.items() if timer.open]
        first = min(timers, key=lambda named: named[1].due, default=None)
        return cls(
            **TicketView.of(ticket).model_dump(),
            escalation_level=ticket.handling.escalation_level,
            next_deadline=TimerView.of(*first) if first else None,
        )


class StaffTicketList(BaseModel):
    items: list[StaffTicketSummary]
    next: str | None = Field(default=None, description="Pass as `next` to get the following page.")


class StaffAttachment(Attachment):
    url: str | None = Field(
        description="A link to the uploaded file for 5 minutes (reading the ticket again makes new ones); null for a "
        "partner's https link, which is the `ref` itself."
    )


class StaffTicketView(StaffTicketSummary):
    attachments: list[StaffAttachment]  # type: ignore[assignment]  # the summary's, each with its link
    partner_id: str | None
    public: bool = Field(description="Shown on the public map (Open311), coarsened; see the `publish` action.")
    version: int = Field(description="Send it back as `version` with an action to guard against concurrent changes.")
    handling: HandlingView
    actions: list[str] = Field(
        description="What the signed-in staff member may do to the ticket now, by role and status: the names of "
        "`POST …/{number}/{action}` (`dispatch`, `accept` …, `callback`, `link`, `unlink`). An action may still be "
        "refused on finer state (409), e.g. `decide-extension` without a waiting request."
    )
    timeline: list[TimelineEntry]
    customer: CustomerSummary | None = Field(
        default=None,
        description="The caller's file in figures (`GET …/customer` lists it), on reading the ticket: null for a unit "
        "handler and in the answers to actions.",
    )

    @classmethod
    def of_record(
        cls,
        record: TicketRecord,
        staff: StaffMember,
        customer: CustomerSummary | None = None,
        *,
        links: Mapping[str, str],
    ) -> "StaffTicketView":
        """`links`: the uploaded files' short-lived links, by key (hotline.domain.uploads)."""
        ticket = record.ticket
        callback = ["callback"] if may_record_call(staff, ticket) else []
        return cls(
            **StaffTicketSummary.of(ticket).model_dump(exclude={"attachments"}),
            attachments=[StaffAttachment(**a.model_dump(), url=links.get(a.ref)) for a in ticket.attachments],
            partner_id=ticket.partner_id,
            public=ticket.public,
            version=ticket.version,
            handling=HandlingView.of(ticket),
            actions=[*allowed(staff, ticket), *callback, *link_actions(staff, ticket)],
            timeline=[TimelineEntry.of(e) for e in record.timeline],
            customer=customer,
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


class CalendarSummary(BaseModel):
    id: str
    name: str
    time_zone: str
    years: list[int] = Field(
        description="The years it has holidays or make-up workdays for, in order; in any other year only the weekend "
        "is off"
    )

    @classmethod
    def of(cls, calendar: WorkingCalendar) -> "CalendarSummary":
        return cls(id=calendar.id, name=calendar.name, time_zone=calendar.time_zone, years=calendar.years)


class CalendarList(BaseModel):
    items: list[CalendarSummary] = Field(description="By id: the stored calendars and the built-in ones (`cn`).")
    next: str | None = None


class UnitChain(BaseModel):
    items: list[Unit]


class UnitList(BaseModel):
    items: list[Unit] = Field(description="By id.")
    next: str | None = None


class CallbackItem(StaffTicketSummary):
    """A ticket in the callback queue: whom to call (the contact), about what (the result), since when."""

    callback_due: UtcDatetime = Field(description="When the callback is due (the callback timer).")
    survey_round: int = Field(description="The reply round (1 for the first reply, more after reworks).")
    attempts: int = Field(description="Calls that did not reach the customer so far.")

    @classmethod
    def of(cls, ticket: Ticket) -> "CallbackItem":
        survey, due = ticket.pending_survey, ticket.callback_due
        assert survey is not None and due is not None, "the queue holds only tickets waiting for a call"
        return cls(
            **StaffTicketSummary.of(ticket).model_dump(),
            callback_due=due,
            survey_round=survey.round,
            attempts=survey.attempts,
        )


class CallbackList(BaseModel):
    items: list[CallbackItem]
    next: str | None = Field(default=None, description="Pass as `next` to get the following page.")
