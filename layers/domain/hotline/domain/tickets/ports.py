"""Ports: storing tickets and running their clocks. Adapters implement these; unit tests use fakes."""

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel

from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.tickets.catalog import Catalog, Channel, TicketType
from hotline.domain.tickets.customer_message import CustomerMessage
from hotline.domain.tickets.notification import Notification
from hotline.domain.tickets.ticket import Status, Ticket, TicketEvent


class TicketFilter(BaseModel):
    status: Status | None = None
    channel: Channel | None = None
    type: TicketType | None = None
    unit_id: str | None = None
    partner_id: str | None = None
    phone_hash: str | None = None
    updated_since: datetime | None = None
    overdue: bool | None = None


class TicketRepository(Protocol):
    def create(self, ticket: Ticket, event: TicketEvent, month: str) -> Ticket:
        """Allocate the month's next serial and store ticket and event in one transaction.

        Returns the ticket carrying its number; serials are unique and gap-free per month.
        """
        ...

    def save(
        self,
        ticket: Ticket,
        events: list[TicketEvent],
        notifications: Sequence[Notification] = (),
        messages: Sequence[CustomerMessage] = (),
    ) -> Ticket:
        """Store a changed ticket with its new events, the notifications to units and the texts to the customer, in
        one transaction; the table stream's consumer publishes the events and sends the rest of each write.

        Raises Conflict when the stored ticket's version is no longer `ticket.version` (someone else changed it).
        """
        ...

    def get(self, number: str, *, consistent: bool = False) -> Ticket | None:
        """`consistent` for a read that a write depends on: it sees every write acknowledged before it."""
        ...

    def timeline(self, number: str) -> list[TicketEvent]: ...

    def list(self, where: TicketFilter, page: PageRequest) -> Page[Ticket]:
        """Newest receipt first; a partner's listing (`partner_id`) runs oldest change first, for syncing."""
        ...


class ClockNotStarted(Exception):
    """The ticket clock's service refused or could not be reached (the runner has logged why)."""


class ClockRunner(Protocol):
    def restart(self, number: str, generation: int, wake_at: datetime | None) -> None:
        """Stop the ticket's previous clock and, unless `wake_at` is None, run one that wakes then.

        Idempotent: a generation that already runs, or ran, counts as started. Raises ClockNotStarted.
        """
        ...


class CatalogRepository(Protocol):
    def get(self) -> Catalog: ...

    def save(self, catalog: Catalog) -> None: ...
