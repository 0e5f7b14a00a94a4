"""What the domain needs from storage. The DynamoDB store implements these; unit tests use fakes."""

from datetime import datetime
from typing import Protocol

from pydantic import BaseModel

from hotline.domain.catalog import Catalog, Channel, TicketType
from hotline.domain.paging import Page, PageRequest
from hotline.domain.partners import Partner
from hotline.domain.tickets import Status, Ticket, TicketEvent


class TicketFilter(BaseModel):
    status: Status | None = None
    channel: Channel | None = None
    type: TicketType | None = None
    unit_id: str | None = None
    partner_id: str | None = None
    phone_hash: str | None = None
    updated_since: datetime | None = None


class TicketRepository(Protocol):
    def create(self, ticket: Ticket, event: TicketEvent, month: str) -> Ticket:
        """Allocate the month's next serial and store ticket and event in one transaction.

        Returns the ticket carrying its number; serials are unique and gap-free per month.
        """
        ...

    def get(self, number: str) -> Ticket | None: ...

    def timeline(self, number: str) -> list[TicketEvent]: ...

    def list(self, where: TicketFilter, page: PageRequest) -> Page[Ticket]:
        """Newest receipt first; a partner's listing (`partner_id`) runs oldest change first, for syncing."""
        ...


class CatalogRepository(Protocol):
    def get(self) -> Catalog: ...


class PartnerRepository(Protocol):
    def by_api_key_id(self, api_key_id: str) -> Partner | None: ...

    def save(self, partner: Partner) -> None: ...


from hotline.domain.calendar import WorkingCalendar  # noqa: E402  (appended; belongs with the imports above)


class CalendarRepository(Protocol):
    def get(self, calendar_id: str) -> WorkingCalendar | None:
        """The stored calendar; `cn` falls back to the built-in China calendar until one is stored."""
        ...

    def save(self, calendar: WorkingCalendar) -> None: ...
