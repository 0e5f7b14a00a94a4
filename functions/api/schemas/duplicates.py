"""Tickets about the same matter: binding under a primary (参阅工单), similar tickets, the caller's customer file."""

from typing import Annotated

from hotline.domain.base.clock import UtcDatetime
from hotline.domain.duplicates.callers import CustomerFile
from hotline.domain.duplicates.similar import Similar
from hotline.domain.tickets.catalog import TicketType
from hotline.domain.tickets.numbering import NUMBER_PATTERN
from hotline.domain.tickets.survey import Grade
from hotline.domain.tickets.ticket import Resolution, Status, Text, Ticket
from pydantic import BaseModel, ConfigDict, Field

Number = Annotated[str, Field(pattern=f"^{NUMBER_PATTERN.pattern}$", examples=["2611-000001"])]


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    primary: Number = Field(
        description="The ticket to handle this one together with; if it is bound itself, its primary is used."
    )


class UnlinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[Text, Field(max_length=2000)] | None = Field(default=None, description="Why, for the timeline.")


class SimilarItem(BaseModel):
    """An open ticket likely to be the same matter, with how alike it is (0 to 1)."""

    number: str
    status: Status
    category: str
    subject: str
    received_at: UtcDatetime
    unit_id: str | None
    primary: str | None = Field(description="The primary it is bound to, if it is bound.")
    bound: int = Field(description="How many tickets are bound to it (a primary).")
    score: float = Field(description="The mean of `text` and `place`; the list is sorted by it, best first.")
    text: float = Field(description="How alike subject and description are.")
    place: float = Field(description="How near: 1 the same spot, ½ `near_metres` apart or unknown, 0 far.")
    distance_m: float | None = Field(description="Metres apart, when both have lat/long.")

    @classmethod
    def of(cls, similar: Similar) -> "SimilarItem":
        ticket, like = similar.ticket, similar.likeness
        return cls(
            number=ticket.number,
            status=ticket.status,
            category=ticket.category,
            subject=ticket.subject,
            received_at=ticket.received_at,
            unit_id=ticket.unit_id,
            primary=ticket.handling.primary,
            bound=len(ticket.handling.bound),
            score=like.score,
            text=like.text,
            place=like.place,
            distance_m=like.distance_m,
        )


class SimilarList(BaseModel):
    items: list[SimilarItem]

    @classmethod
    def of(cls, found: list[Similar]) -> "SimilarList":
        return cls(items=[SimilarItem.of(s) for s in found])


class CallerTicket(BaseModel):
    number: str
    status: Status
    type: TicketType
    category: str
    subject: str
    received_at: UtcDatetime
    resolution: Resolution | None
    grade: Grade | None = Field(description="The latest survey's answer, once given.")
    repeat: bool = Field(description="Flagged as a repeat complaint (重复投诉).")

    @classmethod
    def of(cls, ticket: Ticket) -> "CallerTicket":
        survey = ticket.handling.survey
        return cls(
            number=ticket.number,
            status=ticket.status,
            type=ticket.type,
            category=ticket.category,
            subject=ticket.subject,
            received_at=ticket.received_at,
            resolution=ticket.handling.resolution,
            grade=survey.grade if survey else None,
            repeat=bool(ticket.handling.repeat_of),
        )


class CustomerSummary(BaseModel):
    """The caller's file in figures (by the keyed hash of the phone)."""

    known: bool = Field(description="False when the ticket has no phone: there is no file to find.")
    last_30_days: int = Field(description="The caller's tickets received in the last 30 days (this one included).")
    last_90_days: int
    repeat_complaints: int = Field(description="Of those of the last 90 days, flagged repeat complaints (重复投诉).")
    last_grade: Grade | None = Field(description="The caller's latest survey answer.")
    last_graded_at: UtcDatetime | None

    @classmethod
    def of(cls, file: CustomerFile) -> "CustomerSummary":
        return cls(
            known=file.known,
            last_30_days=file.last_30_days,
            last_90_days=file.last_90_days,
            repeat_complaints=file.repeat_complaints,
            last_grade=file.last_grade,
            last_graded_at=file.last_graded_at,
        )


class CustomerFileView(CustomerSummary):
    tickets: list[CallerTicket] = Field(description="The caller's tickets of the last 90 days, newest first (50).")

    @classmethod
    def of_file(cls, file: CustomerFile) -> "CustomerFileView":
        return cls(**CustomerSummary.of(file).model_dump(), tickets=[CallerTicket.of(t) for t in file.tickets])
