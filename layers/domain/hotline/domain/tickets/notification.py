"""What the units concerned are told (reminders, breaches, escalations, urging, supervision)."""

from pydantic import BaseModel

from hotline.domain.base.clock import UtcDatetime
from hotline.domain.tickets.timers import TimerName


class Notification(BaseModel):
    """Sent through SNS to the units concerned; also recorded on the timeline. Stored with the change that made
    it and sent from the table stream, at least once: a repeat carries the same `id`."""

    id: str
    number: str
    kind: str
    at: UtcDatetime
    recipients: list[str]
    contacts: list[str]
    message: str
    level: int | None = None
    timer: TimerName | None = None
