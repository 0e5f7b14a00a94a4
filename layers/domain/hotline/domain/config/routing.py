"""Routing rules (分类派单): type, category, region and keywords decide the unit; no match → the dispatch queue."""

from pydantic import BaseModel, Field

from hotline.domain.tickets.catalog import TicketType
from hotline.domain.tickets.ticket import Ticket


class RoutingRule(BaseModel):
    """Every condition given must hold; an empty list means "any"."""

    unit_id: str = Field(pattern=r"^[a-z0-9-]{2,64}$")
    types: list[TicketType] = Field(default_factory=list)
    categories: list[str] = Field(
        default_factory=list, description="Category codes; a code also matches its children ('urban' ⊃ 'urban.noise')."
    )
    regions: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list, description="Any of them in the subject or description.")

    def matches(self, ticket: Ticket) -> bool:
        region = ticket.location.region if ticket.location else None
        text = f"{ticket.subject}\n{ticket.description}".casefold()
        return (
            (not self.types or ticket.type in self.types)
            and (not self.categories or any(_within(ticket.category, code) for code in self.categories))
            and (not self.regions or region in self.regions)
            and (not self.keywords or any(word.casefold() in text for word in self.keywords))
        )


def _within(category: str, code: str) -> bool:
    return category == code or category.startswith(f"{code}.")


class RoutingTable(BaseModel):
    rules: list[RoutingRule] = Field(default_factory=list, description="Tried in order; the first match wins.")

    def route(self, ticket: Ticket) -> str | None:
        return next((rule.unit_id for rule in self.rules if rule.matches(ticket)), None)


DEFAULT_ROUTING = RoutingTable(
    rules=[
        RoutingRule(unit_id="district-market-regulation", categories=["market"]),
        RoutingRule(unit_id="district-urban-management", categories=["urban"]),
        RoutingRule(unit_id="district-urban-management", keywords=["占道", "噪音", "垃圾"]),
    ]
)
"""Seeded with the demo units; admins replace the table as data."""
