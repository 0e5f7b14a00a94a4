"""Ports: public reads and access-code attempts. Adapters implement these; unit tests use fakes."""

from datetime import datetime, timedelta
from typing import Protocol

from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.intake.public_reports import PublicReport
from hotline.domain.tickets.ticket import Ticket


class PublicReportStore(Protocol):
    """Batched and sparse reads for the public map: only public tickets are read in their public form."""

    def reports(self, numbers: list[str]) -> list[PublicReport]:
        """The public ones among these tickets, in one batched read of their public form."""
        ...

    def tickets(self, numbers: list[str]) -> list[Ticket]:
        """These tickets in full (those that exist), in one batched read."""
        ...

    def report_page(self, received_from: datetime, received_until: datetime, page: PageRequest) -> Page[PublicReport]:
        """Public tickets received in the window, newest first, without reading any other ticket."""
        ...


class CodeAttempts(Protocol):
    """Wrong access codes per ticket, counted in a window that the first wrong one opens."""

    def failures(self, number: str, at: datetime) -> int:
        """Wrong codes in the ticket's window open at `at`; 0 when none is open."""
        ...

    def fail(self, number: str, at: datetime, window: timedelta) -> None:
        """Count a wrong code; without an open window, this one opens a window of `window` from `at`."""
        ...
