"""Partner systems: a submission, and the webhook — its registration and delivery log."""

from typing import Annotated

from hotline.domain.base.clock import UtcDatetime
from hotline.domain.tickets.ticket import TicketDraft
from hotline.domain.webhooks.delivery import (
    EVENT_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    Attempt,
    Delivery,
    DeliveryStatus,
    Subscription,
    WebhookPayload,
)
from pydantic import BaseModel, ConfigDict, Field

SIGNING = (
    f"Each POST carries {EVENT_ID_HEADER}, {TIMESTAMP_HEADER} (Unix seconds) and {SIGNATURE_HEADER}: "
    "`v1=` + hex HMAC-SHA256 with this secret over `<timestamp>.<raw body>`."
)


class PartnerTicketIn(TicketDraft):
    external_ref: Annotated[str, Field(min_length=1, max_length=128)] | None = Field(
        default=None, description="Your own reference for this ticket."
    )


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=8, max_length=2048, examples=["https://crm.example.com/hotline/events"])


class WebhookView(BaseModel):
    url: str
    created_at: UtcDatetime

    @classmethod
    def of(cls, subscription: Subscription) -> "WebhookView":
        return cls(url=subscription.url, created_at=subscription.created_at)


class WebhookRegistered(WebhookView):
    secret: str = Field(description="Verifies our signatures. Shown only now: store it safely.")
    signing: str = Field(default=SIGNING)

    @classmethod
    def of_new(cls, subscription: Subscription) -> "WebhookRegistered":
        return cls(url=subscription.url, created_at=subscription.created_at, secret=subscription.secret)


class DeliveryView(BaseModel):
    event_id: str
    type: str
    ticket_number: str
    status: DeliveryStatus = Field(description="pending, retrying, delivered, or failed (attempts used up).")
    attempt_count: int
    attempts: list[Attempt] = Field(description="The latest attempts, oldest first.")
    next_attempt_at: UtcDatetime | None
    delivered_at: UtcDatetime | None
    payload: WebhookPayload = Field(description="The body that is sent (signed anew on each attempt).")

    @classmethod
    def of(cls, delivery: Delivery) -> "DeliveryView":
        payload = delivery.payload
        kept = delivery.model_dump(include=set(cls.model_fields))
        return cls.model_validate(
            {**kept, "event_id": payload.id, "type": payload.type, "ticket_number": payload.ticket_number}
        )


class DeliveryList(BaseModel):
    items: list[DeliveryView] = Field(description="Newest event first.")
    next: str | None = None
