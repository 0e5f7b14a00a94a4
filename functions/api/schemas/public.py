"""The citizen's web and mobile forms: a submission, the customer's view of a ticket, the catalogue."""

from typing import Annotated, Literal

from hotline.domain.base.clock import UtcDatetime
from hotline.domain.intake.reads import TicketRecord
from hotline.domain.tickets.catalog import Catalog, Channel, TicketType
from hotline.domain.tickets.progress import RESOLUTION_LABELS, STATUS_LABELS, PublicEntry, public_timeline
from hotline.domain.tickets.ticket import Attachment, Resolution, Status, Text, TicketDraft
from hotline.domain.tickets.timers import TimerName
from hotline.domain.uploads.rules import MAX_FILES
from pydantic import BaseModel, ConfigDict, Field


class FormTicketIn(TicketDraft):
    """A ticket submitted by a citizen through the web or mobile form."""

    channel: Literal["web", "mobile"] = "web"
    attachments: list[Attachment] = Field(
        default_factory=list,
        max_length=MAX_FILES,
        description="Photos and PDFs uploaded with `POST /v1/uploads`: `ref` is the upload's `key` (never a link), "
        "`name` the file's name, `content_type` its type.",
    )
    public: bool = Field(
        default=False,
        description="Publish my report on the public map: its street (no house number), its place to about "
        "100 m, category and progress; never my name, contact, words or pictures.",
    )


class CustomerTicketView(BaseModel):
    """What a customer sees with the number and access code: progress in Chinese, never the centre's internals
    (no staff, escalation levels, reminders or notes)."""

    number: str
    status: Status = Field(description="The machine-readable status; `status_label` says it in Chinese.")
    status_label: str = Field(examples=["办理中"])
    resolution: Resolution | None
    resolution_label: str | None = Field(examples=["直接答复"])
    type: TicketType
    category: str
    subject: str
    received_at: UtcDatetime
    updated_at: UtcDatetime
    reply_by: UtcDatetime | None = Field(description="When the unit must reply by, while it is handling the ticket.")
    note: str | None = Field(description="The latest note for the customer (a question, or the result).")
    handled_with: str | None = Field(
        description="Handled together with this ticket about the same matter (合并办理): its reply is this one's too."
    )
    timeline: list[PublicEntry] = Field(description="What happened that concerns the customer, oldest first.")
    attachments: list[str] = Field(
        description="The names of the files sent with the ticket (the files themselves are shown to staff only)."
    )

    @classmethod
    def of(cls, record: TicketRecord) -> "CustomerTicketView":
        t, handling = record.ticket, record.ticket.handling
        resolve = handling.timers.get(TimerName.RESOLVE)
        return cls(
            number=t.number,
            status=t.status,
            status_label=STATUS_LABELS[t.status],
            resolution=handling.resolution,
            resolution_label=RESOLUTION_LABELS[handling.resolution] if handling.resolution else None,
            type=t.type,
            category=t.category,
            subject=t.subject,
            received_at=t.received_at,
            updated_at=t.updated_at,
            reply_by=resolve.due if resolve is not None and resolve.open and not handling.waits_for_primary else None,
            note=handling.public_note,
            handled_with=handling.primary,
            timeline=public_timeline(record.timeline),
            attachments=[a.name or f"附件{i}" for i, a in enumerate(t.attachments, 1)],
        )


class CustomerInfoIn(BaseModel):
    """The customer's answer to the unit's question."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[Text, Field(max_length=2000)] = Field(description="Shown to the unit on the ticket's timeline.")


class CatalogView(Catalog):
    channels: list[Channel]
