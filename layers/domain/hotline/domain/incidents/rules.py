"""When similar tickets make a major incident, as data (`GET`/`PUT /v1/staff/config/incidents`)."""

from datetime import timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from hotline.domain.config.ladder import Level
from hotline.domain.tickets.catalog import Priority
from hotline.domain.tickets.ticket import Ticket

CategoryCode = Annotated[str, Field(pattern=r"^[a-z0-9_.-]{1,64}$")]

MAX_DECLARED = 50
"""Tickets a declaration gathers at once (one transaction claims them); the rest join one by one."""


class IncidentRules(BaseModel):
    """Seed 000 (客服重大事件响应机制): many tickets about one category in one area within a short time, or one urgent
    ticket in a category where a single report already means an emergency."""

    model_config = ConfigDict(extra="forbid")

    min_tickets: int = Field(
        default=5, ge=2, le=MAX_DECLARED, description="Tickets of one category in one area that make an incident."
    )
    window_minutes: int = Field(
        default=60,
        ge=1,
        le=7 * 24 * 60,
        description="Within how long of each other they arrive; a later ticket joins an open incident when it "
        "arrives within this long of the incident's last ticket.",
    )
    same_region: bool = Field(default=True, description="Tickets giving the same region code are in one area.")
    radius_m: int | None = Field(
        default=500, ge=10, le=50_000, description="Tickets within this distance are in one area (None: never)."
    )
    urgent_categories: list[CategoryCode] = Field(
        default_factory=lambda: ["housing.power", "housing.water", "market.food_safety"],
        max_length=100,
        description="An `urgent` ticket in one of these categories is an incident by itself.",
    )
    notify_level: Level = Field(
        default=3,
        description="Who hears of a declaration and a resolution: the escalation ladder's level above the dispatch "
        "desk (3: leadership).",
    )

    @property
    def window(self) -> timedelta:
        return timedelta(minutes=self.window_minutes)

    def urgent(self, ticket: Ticket) -> bool:
        return ticket.priority is Priority.URGENT and ticket.category in self.urgent_categories


DEFAULT_RULES = IncidentRules()
