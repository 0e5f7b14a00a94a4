"""One change to a ticket: the edited copy, the timeline events it produces and the notifications to send."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hotline.domain.clock import Clock
from hotline.domain.ladder import LEVEL_NAMES
from hotline.domain.notifications import Notification
from hotline.domain.policies import TimerName
from hotline.domain.ports import Notifier, TicketRepository
from hotline.domain.rules import Rules
from hotline.domain.tickets import Actor, Handling, Ticket, TicketEvent, new_event_id


@dataclass
class Change:
    ticket: Ticket
    actor: Actor
    now: datetime
    rules: Rules
    new_id: Callable[[datetime], str]
    events: list[TicketEvent] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)

    @classmethod
    def of(
        cls, ticket: Ticket, actor: Actor, now: datetime, rules: Rules, new_id: Callable[[datetime], str]
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
        """Notify the unit `level` steps up the ticket's chain (level 1: the unit itself); returns its id."""
        chain = self.rules.chain(self.ticket.unit_id)
        if not chain:
            return []
        unit = chain[min(max(level, 1), len(chain)) - 1]
        self.notifications.append(
            Notification(
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

    def finish(self) -> Ticket:
        self.ticket.updated_at = self.now
        return self.ticket


@dataclass
class Workshop:
    """What every change to a ticket needs: the store, the configuration, the notifier and the time."""

    tickets: TicketRepository
    rules: Callable[[], Rules]
    notifier: Notifier
    clock: Clock
    new_id: Callable[[datetime], str] = field(default=new_event_id, kw_only=True)

    def begin(self, ticket: Ticket, actor: Actor) -> Change:
        return Change.of(ticket, actor, self.clock.now(), self.rules(), self.new_id)

    def commit(self, change: Change) -> Ticket:
        """Store the change with its events (Conflict if the ticket changed meanwhile), then notify."""
        saved = self.tickets.save(change.finish(), change.events)
        self.notifier.send(change.notifications)
        return saved
