"""What the ticket store publishes on the event bus: every timeline event with the ticket as that write left it.

Each write of a ticket carries the events it appended (its outbox); the table's stream hands the write to
the events function, which publishes one `PublishedEvent` per event. A consumer that fails loses nothing:
the stream retries, and the event id lets consumers drop what they have already seen.
"""

from typing import Any

from pydantic import BaseModel

from hotline.domain.base.clock import UtcDatetime
from hotline.domain.tickets.ticket import Actor, Ticket, TicketEvent
from hotline.domain.tickets.view import TicketView

SOURCE = "hotline.tickets"
"""The bus `source` of ticket events; their `detail-type` is the event type (`ticket.replied` …)."""


class PublishedEvent(BaseModel):
    id: str
    type: str
    number: str
    time: UtcDatetime
    actor: Actor
    data: dict[str, Any]
    partner_id: str | None = None
    ticket: TicketView

    def detail(self) -> dict[str, Any]:
        """The bus event's detail. A citizen's ticket has no `partner_id` key at all: the webhook rule
        matches on the key existing, and EventBridge counts a null as existing."""
        return self.model_dump(mode="json", exclude={"partner_id"} if self.partner_id is None else set())


def publications(ticket: Ticket, events: list[TicketEvent]) -> list[PublishedEvent]:
    snapshot = TicketView.of(ticket)
    return [
        PublishedEvent(
            id=event.id,
            type=event.type,
            number=ticket.number,
            time=event.at,
            actor=event.actor,
            data=event.data,
            partner_id=ticket.partner_id,
            ticket=snapshot,
        )
        for event in events
    ]
