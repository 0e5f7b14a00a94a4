"""Ports: storing tickets and running their clocks. Adapters implement these; unit tests use fakes."""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import NamedTuple, Protocol

from pydantic import BaseModel, Field

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
    category: str | None = Field(default=None, description="Exactly this category code (not its children).")
    updated_since: datetime | None = None
    received_since: datetime | None = Field(default=None, description="Received at or after this instant.")
    overdue: bool | None = None
    problem: bool | None = None
    extension_pending: bool = Field(default=False, description="Only tickets whose extension awaits a decision.")
    supervised: bool = Field(default=False, description="Only tickets under supervision (督办) and not yet closed.")


class TicketWrite(NamedTuple):
    """A changed ticket with what its write carries: new events, notifications to units, texts to the customer."""

    ticket: Ticket
    events: list[TicketEvent]
    notifications: Sequence[Notification] = ()
    messages: Sequence[CustomerMessage] = ()


Numbered = Callable[[Ticket], tuple[Ticket, Sequence[CustomerMessage]]]
"""Completes a new ticket that has just been given its number: see `TicketRepository.create`."""


class TicketRepository(Protocol):
    def create(
        self, ticket: Ticket, events: Sequence[TicketEvent], month: str, finish: Numbered | None = None
    ) -> Ticket:
        """Allocate the month's next serial and store the ticket and its first events in one transaction.

        `finish` completes the ticket once it has its number, for this same write: it returns the ticket as it is to
        be stored and the texts to the customer the write sends (the receipt quotes the number). It runs again for
        each serial tried, so it must keep no state. Returns the ticket carrying its number; serials are unique and
        gap-free per month.
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

    def save_all(self, writes: Sequence[TicketWrite]) -> list[Ticket]:
        """Store several changed tickets in one transaction, all or none (binding changes the bound ticket and its
        primary together); Conflict `version_mismatch` when any of them changed meanwhile."""
        ...

    def get(self, number: str, *, consistent: bool = False) -> Ticket | None:
        """`consistent` for a read that a write depends on: it sees every write acknowledged before it."""
        ...

    def timeline(self, number: str) -> list[TicketEvent]: ...

    def list(self, where: TicketFilter, page: PageRequest) -> Page[Ticket]:
        """Newest receipt first; a partner's listing (`partner_id`) runs oldest change first, for syncing."""
        ...

    def customer_due(self, until: datetime, page: PageRequest) -> Page[str]:
        """The numbers of the tickets whose `Ticket.customer_due` is at or before `until`, soonest first, without
        reading any other ticket (the survey sweep's work list)."""
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


class ArticleShelf(Protocol):
    """The knowledge articles a direct answer may cite (the knowledge base keeps them: hotline/domain/knowledge)."""

    def retired(self, article_ids: Sequence[str]) -> dict[str, bool]:
        """Each of the ids that names an article, with whether it is retired; an unknown id is left out."""
        ...
