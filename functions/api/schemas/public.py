"""The citizen's web and mobile forms: a submission, the customer's view of a ticket, the catalogue."""

from typing import Literal

from hotline.domain.base.clock import UtcDatetime
from hotline.domain.intake.reads import TicketRecord
from hotline.domain.tickets.catalog import Catalog, Channel, TicketType
from hotline.domain.tickets.ticket import Resolution, Status, TicketDraft
from pydantic import BaseModel, Field

from functions.api.schemas.common import TimerView


class FormTicketIn(TicketDraft):
    """A ticket submitted by a citizen through the web or mobile form."""

    channel: Literal["web", "mobile"] = "web"
    public: bool = Field(
        default=False,
        description="Publish my report on the public map: its street (no house number), its place to about "
        "100 m, category and progress; never my name, contact, words or pictures.",
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


class CatalogView(Catalog):
    channels: list[Channel]
