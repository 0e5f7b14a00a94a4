"""Ports: the callback queue. Adapters implement these; unit tests use fakes."""

from typing import Protocol

from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.tickets.ticket import Ticket


class CallbackQueue(Protocol):
    def callbacks(self, page: PageRequest) -> Page[Ticket]:
        """Replied tickets whose pending survey is a `call`, oldest callback due first, without reading others."""
        ...
