"""The ticket (工单): what a customer asked, where it stands, and what happened to it."""

import secrets
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from hotline.domain.base.clock import UtcDatetime
from hotline.domain.tickets.catalog import Channel, Priority, TicketType
from hotline.domain.tickets.customer_message import CustomerMessage
from hotline.domain.tickets.survey import Survey, SurveyChannel
from hotline.domain.tickets.timers import Timer, TimerName

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Status(StrEnum):
    RECEIVED = "received"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    AWAITING_CUSTOMER = "awaiting_customer"
    REPLIED = "replied"
    CLOSED = "closed"


class Resolution(StrEnum):
    RESOLVED = "resolved"
    DIRECT_ANSWER = "direct_answer"
    REFERRED = "referred"
    DUPLICATE = "duplicate"
    NO_RESPONSE = "no_response"


class Location(BaseModel):
    model_config = ConfigDict(extra="forbid")

    address: Annotated[Text, Field(max_length=300)] | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    long: float | None = Field(default=None, ge=-180, le=180)
    region: Annotated[Text, Field(max_length=64)] | None = Field(
        default=None, description="Administrative region code, e.g. a district."
    )

    @model_validator(mode="after")
    def _coordinates_come_in_pairs(self) -> Self:
        if (self.lat is None) != (self.long is None):
            raise ValueError("lat and long must be given together")
        return self


class Contact(BaseModel):
    """Customer contact details: PII, never logged in clear."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[Text, Field(max_length=50)] | None = None
    phone: Annotated[str, Field(pattern=r"^\+?[0-9][0-9 -]{4,19}$")] | None = None
    email: Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None


class Attachment(BaseModel):
    """A reference to a file stored elsewhere (an object key or an https URL); never the bytes."""

    model_config = ConfigDict(extra="forbid")

    ref: Annotated[Text, Field(max_length=1024)]
    name: Annotated[Text, Field(max_length=200)] | None = None
    content_type: Annotated[Text, Field(max_length=100)] | None = None


class TicketDraft(BaseModel):
    """What every intake channel supplies; the channel and submitter come from the request's context."""

    model_config = ConfigDict(extra="forbid")

    type: TicketType
    category: Annotated[str, Field(min_length=1, max_length=64)]
    priority: Priority = Priority.NORMAL
    subject: Annotated[Text, Field(max_length=200)]
    description: Annotated[Text, Field(max_length=4000)]
    location: Location | None = None
    contact: Contact | None = None
    demands: Annotated[Text, Field(max_length=2000)] | None = Field(
        default=None, description="What the customer asks for (诉求)."
    )
    attachments: list[Attachment] = Field(default_factory=list, max_length=10)


class Actor(BaseModel):
    """Who did something: a role and an id, or the system."""

    role: str
    id: str | None = None


SYSTEM = Actor(role="system")
CUSTOMER = Actor(role="customer")
"""The ticket's customer, acting with its number and access code."""


def new_event_id(at: datetime) -> str:
    """32 hex digits that sort by time (milliseconds, then 80 random bits): logs keyed by it list in order."""
    return f"{round(at.timestamp() * 1000):012x}{secrets.token_hex(10)}"


class TicketEvent(BaseModel):
    id: str
    type: str
    number: str
    actor: Actor
    at: UtcDatetime
    data: dict[str, Any] = Field(default_factory=dict)


class Counts(BaseModel):
    returned: int = 0
    reopened: int = Field(default=0, description="Reworks (发回重办): reopened after a reply, by survey or by staff.")
    replies: int = 0
    dissatisfied: int = 0
    urged: int = 0
    extensions: int = 0


class ExtensionRequest(BaseModel):
    requested_by: Actor
    requested_at: UtcDatetime
    due: UtcDatetime = Field(description="The resolve due the unit asks for.")
    reason: str


class CustomerWait(BaseModel):
    """The unit asked the customer something and waits for the answer (awaiting_customer)."""

    since: UtcDatetime
    limit_at: UtcDatetime = Field(
        description="The policy's awaiting_customer_limit from `since`: the unit is reminded then, and may then close "
        "the ticket `no_response`."
    )
    reminded_at: UtcDatetime | None = None


class ClockState(BaseModel):
    """Where the ticket clock (one Step Functions execution at a time) stands."""

    generation: int = Field(default=0, description="Bumped whenever the clock restarts; older executions stop.")
    wake_at: UtcDatetime | None = Field(default=None, description="The next due point; None when nothing is due.")
    routed: bool = Field(default=False, description="Routing rules have been tried (only once, at intake).")


class Handling(BaseModel):
    """What happened to the ticket after intake: deadlines, escalation and outcome."""

    timers: dict[TimerName, Timer] = Field(default_factory=dict)
    escalation_level: int = Field(default=0, ge=0, le=4)
    counts: Counts = Field(default_factory=Counts)
    extension: ExtensionRequest | None = None
    customer_wait: CustomerWait | None = Field(default=None, description="While awaiting the customer's answer.")
    supervised: bool = False
    problem: bool = Field(
        default=False, description="A problem ticket (问题工单): reworked as often as the ladder's `problem_reworks`."
    )
    result: str | None = None
    cause_code: str | None = None
    resolution: Resolution | None = None
    referred_to: str | None = Field(default=None, description="The agency a referral sent the caller to (12348 …).")
    articles: list[str] = Field(default_factory=list, description="Knowledge articles a direct answer cites (ids).")
    public_note: str | None = Field(default=None, description="The latest note the customer may read.")
    clock: ClockState = Field(default_factory=ClockState)
    survey: Survey | None = Field(default=None, description="The callback survey of the latest reply round.")
    held_messages: list[CustomerMessage] = Field(
        default_factory=list, description="Texts to the customer that quiet hours hold back until `not_before`."
    )
    primary: str | None = Field(
        default=None,
        description="The primary ticket this one is bound to (参阅工单): handled together with it, its clock stopped "
        "until the primary's reply reaches it.",
    )
    bound: list[str] = Field(default_factory=list, description="On a primary: the tickets bound to it, oldest first.")
    primary_round: int | None = Field(
        default=None, description="The primary's reply round that last reached this bound ticket (None: none yet)."
    )
    repeat_of: list[str] = Field(
        default_factory=list,
        description="A repeat complaint (重复投诉): the same caller's earlier tickets about the same matter.",
    )

    @property
    def waits_for_primary(self) -> bool:
        """Bound, and the primary's reply has not reached it yet: its clock sleeps."""
        return self.primary is not None and self.primary_round is None


class Ticket(TicketDraft):
    model_config = ConfigDict(extra="forbid")

    id: str
    number: str
    access_code_hash: str
    channel: Channel
    status: Status = Status.RECEIVED
    partner_id: str | None = None
    external_ref: str | None = None
    unit_id: str | None = None
    phone_hash: str | None = None
    public: bool = Field(default=False, description="Shown on the public map (Open311), coarsened.")
    open311: bool = Field(default=False, description="Submitted through Open311: its customer is surveyed by text.")
    received_at: UtcDatetime
    updated_at: UtcDatetime
    handling: Handling = Field(default_factory=Handling)
    version: int = 0

    @property
    def customer_due(self) -> datetime | None:
        """When the survey sweep must next look at the ticket: a held text to send, a survey to send or to expire."""
        moments = [message.not_before for message in self.handling.held_messages]
        survey = self.pending_survey
        if survey is not None:
            moments += [m for m in (survey.send_at if survey.sent_at is None else None, survey.expires_at) if m]
        return min(moments, default=None)

    @property
    def callback_due(self) -> datetime | None:
        """When the pending survey's callback call is due (its place in the callback queue); None unless one waits."""
        survey = self.pending_survey
        if survey is None or survey.channel is not SurveyChannel.CALL:
            return None
        timer = self.handling.timers.get(TimerName.CALLBACK)
        return timer.due if timer else survey.opened_at

    @property
    def pending_survey(self) -> Survey | None:
        """The survey waiting for the customer's answer: its round's reply stands (a staff close or reopen ends it)."""
        survey = self.handling.survey
        return survey if survey is not None and survey.open and self.status is Status.REPLIED else None

    @property
    def overdue(self) -> bool:
        return any(timer.open and timer.breached_at is not None for timer in self.handling.timers.values())

    @property
    def under_supervision(self) -> bool:
        """Supervised (督办) and not yet closed: the supervisors' queue. `handling.supervised` stays as the record;
        a closed ticket reopened for rework is under supervision again."""
        return self.handling.supervised and self.status is not Status.CLOSED
