"""The callback survey (反馈回访) of one reply round: how it reaches the customer and what they answered."""

from enum import StrEnum

from pydantic import BaseModel, Field

from hotline.domain.base.clock import UtcDatetime


class Grade(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"


class SurveyChannel(StrEnum):
    SMS = "sms"
    """A text with a one-time link (web, mobile and Open311 tickets with a phone)."""
    PARTNER = "partner"
    """A `survey.sent` webhook; the partner submits the answer."""
    CALL = "call"
    """An agent calls the customer back from the callback queue (phone, letter, visit, or no phone)."""


class Survey(BaseModel):
    round: int = Field(ge=1, description="The reply round it asks about (1 for the first reply).")
    channel: SurveyChannel
    opened_at: UtcDatetime = Field(description="When the reply opened it.")
    send_at: UtcDatetime | None = Field(default=None, description="When it goes out (quiet hours may hold it).")
    sent_at: UtcDatetime | None = None
    expires_at: UtcDatetime | None = Field(default=None, description="Unanswered by then, the ticket closes.")
    token_hash: str | None = Field(default=None, description="Keyed hash of the one-time link's token.")
    attempts: int = Field(default=0, description="Callback calls that could not reach the customer.")
    answered_at: UtcDatetime | None = None
    grade: Grade | None = None
    solved: bool | None = None
    comment: str | None = None
    expired_at: UtcDatetime | None = None

    @property
    def open(self) -> bool:
        return self.answered_at is None and self.expired_at is None
