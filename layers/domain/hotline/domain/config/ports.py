"""Ports: the stored configuration. Adapters implement these; unit tests use fakes."""

from typing import Literal, Protocol

from hotline.domain.base.calendar import WorkingCalendar
from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.config.causes import CauseCatalog
from hotline.domain.config.ladder import Ladder
from hotline.domain.config.messages import MessageTemplates
from hotline.domain.config.policies import PolicyBook
from hotline.domain.config.routing import RoutingTable
from hotline.domain.config.units import Unit


class HandlingConfigRepository(Protocol):
    """Handling configuration stored as data (defaults until an admin stores its own), the texts' templates too."""

    def policies(self) -> PolicyBook: ...

    def ladder(self) -> Ladder: ...

    def routing(self) -> RoutingTable: ...

    def messages(self) -> MessageTemplates: ...

    def causes(self) -> CauseCatalog: ...

    def save(
        self,
        name: Literal["policies", "ladder", "routing", "messages", "causes"],
        document: PolicyBook | Ladder | RoutingTable | MessageTemplates | CauseCatalog,
    ) -> None:
        """Store `document` as the configuration called `name`, replacing the one in force."""
        ...


class UnitRepository(Protocol):
    def get(self, unit_id: str) -> Unit | None: ...

    def save(self, unit: Unit) -> None: ...

    def list(self, page: PageRequest) -> Page[Unit]:
        """Every unit, by id."""
        ...


class CalendarRepository(Protocol):
    def get(self, calendar_id: str) -> WorkingCalendar | None:
        """The stored calendar; `cn` falls back to the built-in China calendar until one is stored."""
        ...

    def save(self, calendar: WorkingCalendar) -> None: ...

    def list(self, page: PageRequest) -> Page[WorkingCalendar]:
        """Every calendar `get` gives, by id: the stored ones and the built-in ones not stored yet."""
        ...
