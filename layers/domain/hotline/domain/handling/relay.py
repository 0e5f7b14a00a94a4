"""The outbox relay: what the table stream's consumer does with each stored write of a ticket.

A change is stored together with the events and notifications it produced, on the ticket item, replacing the
previous write's (hotline/store/tickets.py); the request that made it sends nothing. The stream then hands each write
here. A failure raises and the stream retries the write, so everything is handed on at least once: a retry
repeats what already went out, under the same ids, and whoever reads it drops repeats by id. Texts to the customer
go last, so only a failure in sending them texts anyone twice.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from hotline.domain.customers.ports import Texter
from hotline.domain.handling.ports import EventBus, Notifier
from hotline.domain.tickets.customer_message import CustomerMessage
from hotline.domain.tickets.notification import Notification
from hotline.domain.tickets.ports import ClockRunner
from hotline.domain.tickets.publication import publications
from hotline.domain.tickets.ticket import Ticket, TicketEvent


class Write(NamedTuple):
    """One stored write of a ticket: the ticket as written, the events it appended, the notifications to units and the
    texts to the customer it made."""

    ticket: Ticket
    events: list[TicketEvent]
    notifications: list[Notification]
    messages: Sequence[CustomerMessage] = ()


@dataclass(frozen=True)
class Relay:
    runner: ClockRunner
    bus: EventBus
    notifier: Notifier
    texter: Texter

    def hand_on(self, write: Write, before: Ticket | None) -> None:
        """`before`: the ticket as the previous write left it (None for a new ticket)."""
        ticket, clock = write.ticket, write.ticket.handling.clock
        if clock.generation != (before.handling.clock.generation if before else 0):
            # The request that committed this write (re)started the clock already, unless Step Functions failed
            # it then; restarting is idempotent, and a failure here retries the write until the clock runs.
            self.runner.restart(ticket.number, clock.generation, clock.wake_at)
        self.bus.publish(publications(ticket, write.events))
        # Sent after the events: a write that fails before this repeats only events (dropped by id), not messages
        # people read; and texts to customers, who cannot drop a repeat, go last of all.
        self.notifier.send(write.notifications)
        self.texter.send(write.messages)
