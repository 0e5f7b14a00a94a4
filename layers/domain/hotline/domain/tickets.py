"""The ticket (工单): what a customer asked, where it stands, and what happened to it."""

from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from hotline.domain.catalog import Channel, Priority, TicketType
from hotline.domain.clock import UtcDatetime

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Status(StrEnum):
    RECEIVED = "received"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    AWAITING_CUSTOMER = "awaiting_customer"
    REPLIED = "replied"
    CLOSED = "closed"


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


class TicketEvent(BaseModel):
    id: str
    type: str
    number: str
    actor: Actor
    at: UtcDatetime
    data: dict[str, Any] = Field(default_factory=dict)


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
    received_at: UtcDatetime
    updated_at: UtcDatetime
    version: int = 0
