"""A major incident (重大事件): its tickets, bound under a primary, the area and time they came from, and how it
ended."""

import hashlib
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hotline.domain.base.clock import UtcDatetime, to_iso_z
from hotline.domain.incidents.area import Area
from hotline.domain.tickets.ticket import Actor

SOURCE = "hotline.incidents"
"""The bus `source` of incident events; their `detail-type` is the event type (`incident.declared` …)."""


class IncidentStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"
    """A false alarm: its tickets were unbound and go on alone."""
    MERGED = "merged"
    """Its tickets and areas went to the incident named by `merged_into`."""


class Trigger(StrEnum):
    BURST = "burst"
    """`min_tickets` tickets of one category in one area within the window."""
    URGENT = "urgent"
    """One urgent ticket in a listed category."""
    MANUAL = "manual"
    """Declared by staff."""


class IncidentEvent(BaseModel):
    """`incident.declared`, `incident.resolved`, `incident.dismissed`, `incident.merged`: stored with the write that
    made it and published on the bus from the table stream, at least once (a repeat carries the same `id`)."""

    id: str
    type: str
    incident: str
    actor: Actor
    at: UtcDatetime
    data: dict[str, Any] = Field(default_factory=dict)

    def detail(self, incident: "Incident") -> dict[str, Any]:
        """The bus event's detail: the event with the incident as the write left it."""
        event = self.model_dump(mode="json", include={"id", "type", "actor", "data"})
        view = incident.model_dump(mode="json", exclude={"version", "pending"})
        return {**event, "time": to_iso_z(self.at), "incident": view}


class Scope(BaseModel):
    """A category in an area: an open incident takes the later tickets of each scope it holds."""

    model_config = ConfigDict(frozen=True)

    category: str
    area: Area


class Incident(BaseModel):
    id: str
    title: str
    category: str = Field(description="The primary's category.")
    area: Area | None = Field(description="Where it was declared; None when its tickets give no place.")
    holds: list[Scope] = Field(
        default_factory=list,
        description="Where it takes later tickets from while open: its own category and area (unless another incident "
        "held them when it was declared by hand) and those of the incidents merged into it.",
    )
    status: IncidentStatus = IncidentStatus.OPEN
    trigger: Trigger
    primary: str = Field(description="The ticket the others are bound to (参阅工单): the earliest.")
    tickets: list[str] = Field(description="Every ticket of the incident, the primary first.")
    pending: list[str] = Field(
        default_factory=list, description="Tickets it still has to bind under its primary (a declaration's, a merge's)."
    )
    first_seen: UtcDatetime
    last_seen: UtcDatetime
    declared_at: UtcDatetime
    declared_by: Actor
    ended_at: UtcDatetime | None = None
    ended_by: Actor | None = None
    result: str | None = Field(default=None, description="What resolving it told every ticket's customer.")
    reason: str | None = Field(default=None, description="Why it was dismissed.")
    merged_into: str | None = None
    version: int = 0

    @property
    def open(self) -> bool:
        return self.status is IncidentStatus.OPEN


def incident_id(first_seen: datetime, *parts: str) -> str:
    """Sorts by the first ticket's time; the same tickets, area and trigger always give the same id."""
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:6]
    return f"{first_seen.astimezone(UTC):%y%m%d-%H%M%S}-{digest}"


ID_PATTERN = r"^\d{6}-\d{6}-[0-9a-f]{6}$"
