"""Ports: storing incidents and their claims, and what goes out when one is declared or ends. Adapters implement
these; unit tests use fakes."""

from collections.abc import Mapping, Sequence
from typing import NamedTuple, Protocol

from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.incidents.incident import Incident, IncidentEvent, IncidentStatus, Scope
from hotline.domain.incidents.rules import IncidentRules
from hotline.domain.tickets.notification import Notification


class Hold(NamedTuple):
    """A scope an open incident holds: while it does, no other incident there is declared, and later tickets from it
    join this one."""

    scope: Scope
    incident: str


class IncidentWrite(NamedTuple):
    """One incident as changed, with what the write carries and the claims it takes or gives up, all or none."""

    incident: Incident
    events: Sequence[IncidentEvent] = ()
    notifications: Sequence[Notification] = ()
    claim: Mapping[str, str | None] = {}
    """Ticket number -> the ended incident it takes the ticket over from (None: no incident may have claimed it): a
    ticket is counted into one incident only."""
    hold: Mapping[Scope, str | None] = {}
    """Scopes it holds from now on -> the incident it takes each over from (None: nobody may hold it now)."""
    free: Sequence[tuple[str, str]] = ()
    """(category, area key) that nobody may hold: the cells around a new circle."""
    release: Sequence[Scope] = ()
    """Scopes it holds no longer."""


class Taken(Exception):
    """Another incident claimed a ticket or holds an area this write needed: look again."""


class IncidentStore(Protocol):
    def rules(self) -> IncidentRules:
        """The stored rules, or the defaults until a supervisor stores some."""
        ...

    def save_rules(self, rules: IncidentRules) -> None: ...

    def get(self, incident_id: str, *, consistent: bool = False) -> Incident | None: ...

    def listing(self, status: IncidentStatus | None, page: PageRequest) -> Page[Incident]:
        """Newest first (by the first ticket's time)."""
        ...

    def claims(self, numbers: Sequence[str]) -> dict[str, str]:
        """The incident that claimed each of these tickets (those claimed only), read consistently."""
        ...

    def holds(self, category: str) -> list[Hold]:
        """The scopes of the category that open incidents hold, read consistently."""
        ...

    def write(self, writes: Sequence[IncidentWrite]) -> list[Incident]:
        """Store the incidents (each new one's version 0, each stored one's the version read) with their events and
        notifications, and their claims, in one transaction; the incidents as stored. Conflict `version_mismatch`
        when an incident changed meanwhile, Taken when a claim or an area is not as the write expects."""
        ...


class IncidentBus(Protocol):
    def announce(self, incident: Incident, events: Sequence[IncidentEvent]) -> None:
        """Put the events on the bus with the incident as their write left it; raises if the bus refused any."""
        ...


class Notifier(Protocol):
    def send(self, notifications: Sequence[Notification]) -> None: ...


class Meter(Protocol):
    def declared(self, count: int) -> None:
        """Count major incidents declared (the metric ops are paged on)."""
        ...
