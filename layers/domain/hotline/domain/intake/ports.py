"""Ports: public reads. Adapters implement these; unit tests use fakes."""

from datetime import datetime
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
