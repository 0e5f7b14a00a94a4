"""The ticket clock's wake-up (one Step Functions execution per ticket waits between these).

Each wake-up routes a new ticket once, then handles every point that has come due — reminders,
the breach, ladder steps — and says when to wake next. A wake-up for an older generation, or one
that finds nothing due, changes nothing, so a late or repeated wake-up is harmless.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from hotline.domain.base.clock import to_iso_z
from hotline.domain.base.errors import Conflict
from hotline.domain.base.paging import PageRequest
from hotline.domain.changes.change import Change, Workshop
from hotline.domain.changes.direct import close_directly
from hotline.domain.changes.due_points import DuePoint, PointKind, due_points, next_wake
from hotline.domain.config.handling import HandlingConfig
from hotline.domain.config.ladder import Counter
from hotline.domain.tickets.catalog import TicketType
from hotline.domain.tickets.disposition import Disposition
from hotline.domain.tickets.ports import TicketFilter
from hotline.domain.tickets.ticket import SYSTEM, Resolution, Status
from hotline.domain.tickets.timers import TimerName

PRAISE = "感谢您的表扬，已转达承办单位。"
"""The result a praise closes with, once its unit has it."""


@dataclass(frozen=True)
class Wake:
    wake_at: datetime | None
    """The next due point; None when nothing more is due."""

    @property
    def done(self) -> bool:
        return self.wake_at is None


@dataclass
class ClockWakeUp(Workshop):
    def wake(self, number: str, generation: int) -> Wake:
        try:
            return self.retrying(lambda rules: self._wake_once(number, generation, rules))  # staff acted first
        except Conflict as conflict:
            raise RuntimeError(f"ticket {number} kept changing during the clock's wake-up") from conflict

    def _wake_once(self, number: str, generation: int, rules: HandlingConfig) -> Wake:
        ticket = self.tickets.get(number, consistent=True)
        if ticket is None or ticket.handling.clock.generation != generation:
            return Wake(None)
        change = self.begin(ticket, SYSTEM, rules)
        self._route_once(change)
        _handle_due(change)
        wake_at = next_wake(change.ticket, change.rules)
        change.handling.clock.wake_at = wake_at
        if change.handling != ticket.handling:
            self.commit(change)
        return Wake(wake_at)

    def _route_once(self, change: Change) -> None:
        clock = change.handling.clock
        if clock.routed:
            return
        clock.routed = True
        ticket = change.ticket
        if ticket.status is Status.RECEIVED and ticket.unit_id is None:
            unit_id = change.rules.routing.route(ticket)
            if unit_id is not None and change.rules.unit_of(unit_id) is not None:
                dispatch(change, unit_id, auto=True)
        if ticket.phone_hash:
            self._count_repeat_calls(change)

    def _count_repeat_calls(self, change: Change) -> None:
        ladder = change.rules.ladder
        since = change.now - timedelta(days=ladder.repeat_window_days)
        page = self.tickets.list(TicketFilter(phone_hash=change.ticket.phone_hash), PageRequest(limit=50))
        calls = sum(1 for t in page.items if t.received_at >= since)
        level = ladder.counted(Counter.REPEAT_CALLER, calls)
        if level:
            change.escalate(level, f"repeat caller: {calls} tickets in {ladder.repeat_window_days} days")


def dispatch(change: Change, unit_id: str, auto: bool = False, note: str | None = None) -> None:
    """Hand the ticket to a unit: the dispatch timer is met, accept and resolve start (again, after a return).
    A praise (表扬) asks nothing of the unit: it is delivered to it and closed, with no timer to accept or resolve."""
    ticket, timers = change.ticket, change.handling.timers
    ticket.unit_id = unit_id
    ticket.status = Status.DISPATCHED
    change.meet(TimerName.DISPATCH)
    if ticket.type is TicketType.PRAISE:
        to = change.notify("praise", 1, f"Ticket {ticket.number}: praise for your unit (表扬): {ticket.subject}")
        change.record("ticket.dispatched", unit_id=unit_id, auto=auto, note=note, to=to)
        close_directly(change, Disposition(resolution=Resolution.DIRECT_ANSWER, answer=PRAISE, note="praise recorded"))
        return
    for name in (TimerName.ACCEPT, TimerName.RESOLVE):
        timers[name] = change.rules.start_timer(ticket, name, change.now)
    change.record("ticket.dispatched", unit_id=unit_id, auto=auto, note=note)


def _handle_due(change: Change) -> None:
    # Handling a breach makes its ladder steps pending, so look again until nothing more is due.
    while True:
        due = [p for p in due_points(change.ticket, change.rules) if p.at <= change.now]
        if not due:
            return
        _handle(change, due[0])


def _handle(change: Change, point: DuePoint) -> None:
    if point.kind is PointKind.WAIT_LIMIT:
        _remind_of_the_wait(change)
        return
    timer = change.handling.timers[point.timer]
    name = point.timer
    if point.kind is PointKind.REMINDER:
        timer.reminded.append(point.fraction)
        percent = round(point.fraction * 100)
        message = f"Ticket {change.ticket.number}: {percent}% of the {name} time used; due {timer.due.isoformat()}"
        to = change.notify("reminder", 1, message, name)
        change.record("ticket.reminded", timer=name, fraction=point.fraction, due=_iso(timer.due), to=to)
    elif point.kind is PointKind.BREACH:
        timer.breached_at = timer.due
        message = f"Ticket {change.ticket.number}: the {name} deadline {timer.due.isoformat()} has passed"
        to = change.notify("breach", 1, message, name)
        change.record("ticket.breached", timer=name, due=_iso(timer.due), to=to)
    else:
        timer.level = point.level
        change.escalate(point.level, f"{name} overdue since {_iso(timer.breached_at)}", name)


AWAITING_CUSTOMER = "awaiting_customer"
"""The `timer` a reminder of an unanswered question names: the wait, not one of the ticket's timers."""


def _remind_of_the_wait(change: Change) -> None:
    """The customer has not answered within the policy's limit: the unit may now reply or close `no_response`."""
    wait = change.handling.customer_wait
    assert wait is not None
    wait.reminded_at = change.now
    message = (
        f"Ticket {change.ticket.number}: the customer has not answered your question since {wait.since.isoformat()}; "
        "reply with a result, or close it as no_response"
    )
    to = change.notify("reminder", 1, message)
    change.record("ticket.reminded", timer=AWAITING_CUSTOMER, since=_iso(wait.since), limit=_iso(wait.limit_at), to=to)


def _iso(moment: datetime | None) -> str | None:
    return to_iso_z(moment) if moment else None
