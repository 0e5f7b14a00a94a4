"""Request and response bodies of the HTTP API (the OpenAPI document is generated from these)."""

from typing import Annotated, Any, Literal

from hotline.domain.catalog import Catalog, Channel, Priority, TicketType
from hotline.domain.clock import UtcDatetime
from hotline.domain.queries import TicketRecord
from hotline.domain.tickets import Actor, Attachment, Contact, Location, Status, Ticket, TicketDraft, TicketEvent
from pydantic import BaseModel, Field


class FormTicketIn(TicketDraft):
    """A ticket submitted by a citizen through the web or mobile form."""

    channel: Literal["web", "mobile"] = "web"


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
            timeline=events,
        )


class TicketView(BaseModel):
    """The full ticket, for its partner and for staff."""

    number: str
    status: Status
    channel: Channel
    type: TicketType
    category: str
    priority: Priority
    subject: str
    description: str
    location: Location | None
    contact: Contact | None
    demands: str | None
    attachments: list[Attachment]
    external_ref: str | None
    received_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, ticket: Ticket) -> "TicketView":
        return cls.model_validate(ticket.model_dump(include=set(cls.model_fields)))


class TimelineEntry(BaseModel):
    id: str
    type: str
    actor: Actor
    at: UtcDatetime
    data: dict[str, Any]

    @classmethod
    def of(cls, event: TicketEvent) -> "TimelineEntry":
        return cls.model_validate(event.model_dump(include=set(cls.model_fields)))


class StaffTicketView(TicketView):
    partner_id: str | None
    unit_id: str | None
    version: int
    timeline: list[TimelineEntry]

    @classmethod
    def of_record(cls, record: TicketRecord) -> "StaffTicketView":
        ticket = record.ticket
        fields = ticket.model_dump(include=set(cls.model_fields) - {"timeline"})
        return cls.model_validate({**fields, "timeline": [TimelineEntry.of(e).model_dump() for e in record.timeline]})


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
