"""The full ticket as its partner sees it: the API's partner and staff reads, and every webhook's snapshot.

It carries the outcome (result, resolution, cause, the survey's grade) but nothing of the centre's own handling:
no staff ids, no escalation level."""

from pydantic import BaseModel, Field

from hotline.domain.base.clock import UtcDatetime
from hotline.domain.tickets.catalog import Channel, Priority, TicketType
from hotline.domain.tickets.survey import Grade
from hotline.domain.tickets.ticket import Attachment, Contact, Location, Resolution, Status, Ticket


class SurveyOutcome(BaseModel):
    """The customer's answer to the latest reply round's survey (反馈回访)."""

    grade: Grade | None = Field(description="satisfied, basically_satisfied or dissatisfied; None until answered.")
    solved: bool | None = Field(description="Whether the customer says the problem is solved; None until answered.")
    answered_at: UtcDatetime | None


class TicketView(BaseModel):
    """The full ticket, for its partner and for staff."""

    number: str
    status: Status
    unit_id: str | None = Field(description="The unit handling it, once dispatched.")
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
    result: str | None = Field(description="The result given (the reply, or the direct answer).")
    resolution: Resolution | None = Field(description="How it was closed.")
    cause_code: str | None = Field(description="Why the problem arose, as the unit classified it.")
    referred_to: str | None = Field(description="The agency a `referred` ticket was sent to.")
    survey: SurveyOutcome | None = Field(description="The latest survey round, once one is open.")

    @classmethod
    def of(cls, ticket: Ticket) -> "TicketView":
        handling, survey = ticket.handling, ticket.handling.survey
        outcome = handling.model_dump(include={"result", "resolution", "cause_code", "referred_to"})
        return cls.model_validate(
            {
                **ticket.model_dump(include=set(cls.model_fields)),
                **outcome,
                "overdue": ticket.overdue,
                "survey": survey.model_dump(include=set(SurveyOutcome.model_fields)) if survey else None,
            }
        )
