"""When the ticket clock must next wake: reminders, breaches and ladder steps of the running timers, and the end of the
time a unit waits for the customer's answer."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from hotline.domain.changes.change import Change
from hotline.domain.config.handling import HandlingConfig
from hotline.domain.tickets.ticket import Ticket
from hotline.domain.tickets.timers import TimerName

CLOCKED = (TimerName.DISPATCH, TimerName.ACCEPT, TimerName.RESOLVE, TimerName.CALLBACK)


class PointKind(StrEnum):
    # Declared in the order points due at the same instant are handled.
    REMINDER = "reminder"
    BREACH = "breach"
    STEP = "step"
    WAIT_LIMIT = "wait_limit"
    """The customer has not answered the unit's question within the policy's awaiting_customer_limit."""


@dataclass(frozen=True, order=True)
class DuePoint:
    at: datetime
    order: int
    timer: TimerName
    kind: PointKind
    fraction: float = 0.0
    level: int = 0


def due_points(ticket: Ticket, rules: HandlingConfig) -> list[DuePoint]:
    """Every pending point of the ticket's running timers, earliest first; none while it waits for the primary it is
    bound to (changes/binding.py)."""
    if ticket.handling.waits_for_primary:
        return []
    policy = rules.policy(ticket)
    calendar = rules.calendar(ticket)
    points: list[DuePoint] = []
    wait = ticket.handling.customer_wait
    if wait is not None and wait.reminded_at is None:
        # The resolve timer is paused meanwhile: this is the one point a waiting ticket has.
        points.append(DuePoint(wait.limit_at, 0, TimerName.RESOLVE, PointKind.WAIT_LIMIT))
    for name in CLOCKED:
        timer = ticket.handling.timers.get(name)
        if timer is None or not timer.running:
            continue
        if timer.breached_at is None:
            for fraction in policy.reminders:
                if fraction not in timer.reminded:
                    at = calendar.point_between(timer.started_at, timer.due, timer.unit, fraction)
                    points.append(DuePoint(at, 0, name, PointKind.REMINDER, fraction=fraction))
            points.append(DuePoint(timer.due, 1, name, PointKind.BREACH))
            continue
        # Steps come in level order: one whose time comes sooner (a week can pass before 2 working
        # days over a holiday) waits for the level below, so no level is skipped.
        previous = timer.breached_at
        for step in sorted(rules.ladder.time_steps, key=lambda s: s.level):
            at = max(calendar.deadline(timer.breached_at, step.after), previous)
            previous = at
            if step.level > timer.level:
                points.append(DuePoint(at, 2, name, PointKind.STEP, level=step.level))
    return sorted(points)


def next_wake(ticket: Ticket, rules: HandlingConfig) -> datetime | None:
    points = due_points(ticket, rules)
    return points[0].at if points else None


def reschedule(change: Change) -> bool:
    """A moved due point takes effect at once: a new clock generation that wakes at the new point. True when the
    clock must restart (once the change is stored)."""
    clock = change.handling.clock
    wake_at = next_wake(change.ticket, change.rules)
    if wake_at == clock.wake_at:
        return False
    clock.generation += 1
    clock.wake_at = wake_at
    return True
