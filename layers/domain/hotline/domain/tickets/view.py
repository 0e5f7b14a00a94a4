"""The full ticket as its partner sees it: the API's partner and staff reads, and every webhook's snapshot."""

from pydantic import BaseModel, Field

from hotline.domain.base.clock import UtcDatetime
from hotline.domain.tickets.catalog import Channel, Priority, TicketType
from hotline.domain.tickets.ticket import Attachment, Contact, Location, Status, Ticket


class TicketView(BaseModel):
    """The full ticket, for its partner and for staff."""

    number: str
    status: Status
    unit_id: str | None = Field(description="The unit handling it, once dispatched.")
    escalation_level: int
    overdue: bool
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
        fields = ticket.model_dump(include=set(cls.model_fields))
        return cls.model_validate(
            {**fields, "escalation_level": ticket.handling.escalation_level, "overdue": ticket.overdue}
        )
