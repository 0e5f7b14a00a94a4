"""One change to a ticket: the edited copy, the timeline events it produces, the notifications to send to units and
the messages to send to the customer."""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from hotline.domain.base.clock import Clock
from hotline.domain.base.errors import Conflict
from hotline.domain.config.handling import HandlingConfig
from hotline.domain.config.ladder import LEVEL_NAMES, Counter
from hotline.domain.tickets.customer_message import CustomerMessage
from hotline.domain.tickets.notification import Notification
from hotline.domain.tickets.ports import TicketRepository, TicketWrite
from hotline.domain.tickets.ticket import Actor, Handling, Ticket, TicketEvent, new_event_id
from hotline.domain.tickets.timers import TimerName


@dataclass
class Change:
    ticket: Ticket
    actor: Actor
    now: datetime
    rules: HandlingConfig
    new_id: Callable[[datetime], str]
    events: list[TicketEvent] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    messages: list[CustomerMessage] = field(default_factory=list)
    """Texts to the customer that this write sends (those held back by quiet hours wait on the ticket)."""

    @classmethod
    def of(
        cls, ticket: Ticket, actor: Actor, now: datetime, rules: HandlingConfig, new_id: Callable[[datetime], str]
    ) -> "Change":
        return cls(ticket.model_copy(deep=True), actor, now, rules, new_id)

    @property
    def handling(self) -> Handling:
        return self.ticket.handling

    def record(self, event_type: str, **data: Any) -> None:
        number, at = self.ticket.number, self.now
        event = TicketEvent(id=self.new_id(at), type=event_type, number=number, actor=self.actor, at=at, data=data)
        self.events.append(event)

    def notify(self, kind: str, level: int, message: str, timer: TimerName | None = None) -> list[str]:
        """Notify the unit `level` steps up the ticket's chain (level 1: the unit itself); returns its id. The callback
        timer's chain starts at the dispatch desk: calling the customer back is the centre's work, not the unit's."""
        chain = self.rules.chain(None if timer is TimerName.CALLBACK else self.ticket.unit_id)
        if not chain:
            return []
        unit = chain[min(max(level, 1), len(chain)) - 1]
        self.notifications.append(
            Notification(
                id=self.new_id(self.now),
                number=self.ticket.number,
                kind=kind,
                at=self.now,
                recipients=[unit.id],
                contacts=unit.contacts,
                message=message,
                level=level if kind == "escalation" else None,
                timer=timer,
            )
        )
        return [unit.id]

    def escalate(self, level: int, reason: str, timer: TimerName | None = None) -> None:
        """Raise the ticket to `level` (never lower) and tell that level's recipient."""
        if level <= self.handling.escalation_level:
            return
        self.handling.escalation_level = level
        message = f"Ticket {self.ticket.number} escalated to {LEVEL_NAMES[level]}: {reason}"
        to = self.notify("escalation", level, message, timer)
        self.record("ticket.escalated", level=level, reason=reason, timer=timer, to=to)

    def escalate_on_count(self, counter: Counter, count: int) -> None:
        level = self.rules.ladder.counted(counter, count)
        if level:
            self.escalate(level, f"{counter.value} {count} times")

    # -- timers ------------------------------------------------------------------------------------

    def meet(self, name: TimerName) -> None:
        """The timer's goal is reached now; met after its due, it stays breached too (on-time rates stay honest)."""
        timer = self.handling.timers.get(name)
        if timer is not None and timer.open:
            timer.met_at = self.now
            timer.paused_at = None
            if timer.breached_at is None and self.now > timer.due:
                timer.breached_at = timer.due

    def cancel(self, *names: TimerName) -> None:
        """The timers end without their goal (a return, a close)."""
        for name in names:
            timer = self.handling.timers.get(name)
            if timer is not None and timer.open:
                timer.cancelled_at = self.now
                timer.paused_at = None

    def move_due(self, name: TimerName, due: datetime) -> None:
        """A later due lifts a breach it has not reached yet: the ladder starts over if the new due passes too."""
        timer = self.handling.timers[name]
        timer.due = due
        if timer.breached_at is not None and due > self.now:
            timer.breached_at, timer.level = None, 0

    def finish(self) -> Ticket:
        self.ticket.updated_at = self.now
        return self.ticket


T = TypeVar("T")

SAVE_ATTEMPTS = 12
"""How often a change is made again on the newest ticket when another writer saved first."""
BACKOFF_BASE_SECONDS = 0.01
BACKOFF_CAP_SECONDS = 0.4


def jittered_pause(attempt: int) -> None:
    """Exponential backoff with full jitter: writers that collided spread out instead of colliding again
    (20 concurrent urges of one ticket on moto: each saved by its 7th attempt; all pauses add up to 3 s at most)."""
    time.sleep(random.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt)))


@dataclass
class Workshop:
    """What every change to a ticket needs: the store, the configuration and the time."""

    tickets: TicketRepository
    rules: Callable[[], HandlingConfig]
    clock: Clock
    new_id: Callable[[datetime], str] = field(default=new_event_id, kw_only=True)
    pause: Callable[[int], None] = field(default=jittered_pause, kw_only=True)
    """Waits before attempt `n + 1` of a change that lost a race (unit tests pass a recorder)."""

    def retrying(self, attempt: Callable[[HandlingConfig], T]) -> T:
        """Run `attempt` (read the ticket, change it under the rules, commit) until no other writer saved in
        between, at most SAVE_ATTEMPTS times; the last `version_mismatch` Conflict is raised. The rules are
        read once, before: between reading the ticket and saving it, the fewer reads the fewer lost races."""
        rules = self.rules()
        for tried in range(1, SAVE_ATTEMPTS + 1):
            try:
                return attempt(rules)
            except Conflict as conflict:
                if conflict.code != "version_mismatch" or tried == SAVE_ATTEMPTS:
                    raise
                self.pause(tried)
        raise AssertionError("unreachable")

    def begin(self, ticket: Ticket, actor: Actor, rules: HandlingConfig) -> Change:
        return Change.of(ticket, actor, self.clock.now(), rules, self.new_id)

    def commit(self, change: Change) -> Ticket:
        """Store the change with its events and notifications (Conflict if the ticket changed meanwhile). Nothing is
        sent from here: the table stream's consumer sends what the stored write carries, so a change that is
        stored is never lost to a failed send, nor answered with an error."""
        return self.tickets.save(change.finish(), change.events, change.notifications, change.messages)

    def commit_all(self, *changes: Change) -> list[Ticket]:
        """Store changes to several tickets in one transaction (a binding changes two): all or none."""
        return self.tickets.save_all([TicketWrite(c.finish(), c.events, c.notifications, c.messages) for c in changes])
