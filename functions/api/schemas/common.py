"""Bodies several audiences share: a new ticket's receipt, a page of tickets, a deadline."""

from zoneinfo import ZoneInfo

from hotline.domain.base.clock import UtcDatetime
from hotline.domain.tickets.ticket import Status, Ticket
from hotline.domain.tickets.timers import Timer, TimerName
from hotline.domain.tickets.view import TicketView
from pydantic import BaseModel, Field


class TicketCreated(BaseModel):
    number: str = Field(examples=["2611-000123"])
    access_code: str = Field(description="Lets the customer track the ticket; shown only now.")
    status: Status
    received_at: UtcDatetime


class TicketList(BaseModel):
    items: list[TicketView]
    next: str | None = Field(default=None, description="Pass as `next` to get the following page.")


class TimerView(BaseModel):
    """One deadline: due in UTC and in the calendar's zone, and how it ended or stands."""

    name: TimerName
    started_at: UtcDatetime
    due: UtcDatetime
    due_local: str = Field(examples=["2026-10-10T18:00:00+08:00"])
    original_due: UtcDatetime | None = Field(description="The due before an approved extension.")
    met_at: UtcDatetime | None
    breached_at: UtcDatetime | None
    paused: bool
    reminders_sent: list[float]

    @classmethod
    def all_of(cls, ticket: Ticket) -> list["TimerView"]:
        return [cls.of(name, timer) for name, timer in ticket.handling.timers.items() if timer.cancelled_at is None]

    @classmethod
    def of(cls, name: TimerName, timer: Timer) -> "TimerView":
        local = timer.due.astimezone(ZoneInfo(timer.time_zone)).isoformat(timespec="seconds")
        return cls(
            name=name,
            started_at=timer.started_at,
            due=timer.due,
            due_local=local,
            original_due=timer.original_due,
            met_at=timer.met_at,
            breached_at=timer.breached_at,
            paused=timer.paused_at is not None,
            reminders_sent=timer.reminded,
        )
