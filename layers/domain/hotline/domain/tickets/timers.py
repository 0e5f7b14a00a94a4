"""A ticket's timers (dispatch, accept, resolve, callback): each runs from a start to a due instant."""

from enum import StrEnum

from pydantic import BaseModel, Field

from hotline.domain.base.calendar import DurationUnit
from hotline.domain.base.clock import UtcDatetime


class TimerName(StrEnum):
    DISPATCH = "dispatch"
    """From receipt until a unit has the ticket."""
    ACCEPT = "accept"
    """From dispatch until the unit accepts it (first response)."""
    RESOLVE = "resolve"
    """From dispatch until the unit replies with the result."""
    CALLBACK = "callback"
    """From the reply until the customer has been called back (survey)."""


class Timer(BaseModel):
    started_at: UtcDatetime
    due: UtcDatetime
    unit: DurationUnit = Field(description="How the target counts time, so pauses and extensions count alike.")
    time_zone: str = Field(description="The zone of the calendar the timer counts in, for showing local times.")
    original_due: UtcDatetime | None = Field(default=None, description="The due before the first extension.")
    met_at: UtcDatetime | None = None
    breached_at: UtcDatetime | None = None
    cancelled_at: UtcDatetime | None = Field(default=None, description="Ended without its goal (return, close).")
    paused_at: UtcDatetime | None = None
    reminded: list[float] = Field(default_factory=list, description="Reminder fractions already sent.")
    level: int = Field(default=0, description="Escalation level this timer's breach has reached.")

    @property
    def open(self) -> bool:
        return self.met_at is None and self.cancelled_at is None

    @property
    def running(self) -> bool:
        return self.open and self.paused_at is None
