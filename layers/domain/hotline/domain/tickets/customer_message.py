"""What the customer is told by text message (SMS): at receipt, at a question, at the reply, the survey."""

from enum import StrEnum

from pydantic import BaseModel, Field

from hotline.domain.base.clock import UtcDatetime


class MessageKind(StrEnum):
    RECEIPT = "receipt"
    """The number, the access code and the tracking link."""
    QUESTION = "question"
    """The unit asks the customer something (request-info)."""
    REPLY = "reply"
    """The unit's result (with the survey link when the survey goes by SMS)."""
    SURVEY = "survey"
    """The survey link on its own (a reminder, or a survey sent without a reply text)."""


class CustomerMessage(BaseModel):
    """One text to the customer's phone (PII: never logged, never in a public view). Stored with the change that made
    it — on the ticket while quiet hours hold it back — and sent from the table stream, at least once: a repeat
    carries the same `id`."""

    id: str
    number: str
    kind: MessageKind
    to: str = Field(description="E.164 phone number.")
    text: str
    at: UtcDatetime = Field(description="When it was written.")
    not_before: UtcDatetime = Field(description="Not sent before this instant (quiet hours end).")
