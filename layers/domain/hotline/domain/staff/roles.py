"""Staff identities and what each role may do (roles are Cognito groups)."""

from enum import StrEnum

from pydantic import BaseModel

from hotline.domain.base.errors import Forbidden
from hotline.domain.tickets.ticket import Actor, Ticket


class Role(StrEnum):
    AGENT = "agent"
    DISPATCHER = "dispatcher"
    UNIT = "unit"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    KNOWLEDGE = "knowledge"
    """Keeps the knowledge base (知识库): writes, revises and retires articles."""


# The one set of role constants: the domain checks them, and the API declares them as each route's security.

CENTRE_ROLES = frozenset({Role.AGENT, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN})
"""Hotline centre staff: they see every ticket (a unit handler sees only its unit's), register phone, letter
and visit tickets on a customer's behalf, urge, close and change priorities."""

UNIT_WORK_ROLES = frozenset({Role.UNIT, Role.SUPERVISOR, Role.ADMIN})
"""Who works a dispatched ticket: its unit, or a supervisor or admin acting for it."""

SUPERVISION_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
"""Who supervises (督办) and decides extensions."""

KNOWLEDGE_EDITORS = frozenset({Role.KNOWLEDGE, Role.SUPERVISOR, Role.ADMIN})
"""Who writes, revises and retires knowledge articles; every staff role may search and read them."""

ADMIN_ROLES = frozenset({Role.ADMIN})
"""Who may change configuration: calendars, policies, the ladder, routing, units, partners."""

REPORT_READERS = frozenset({Role.UNIT, Role.SUPERVISOR, Role.ADMIN})
"""Who reads reports and the dashboard: supervisors and admins every unit's figures (and order reports), a unit
handler only its own unit's (`StaffMember.figures_of`)."""


class StaffMember(BaseModel):
    id: str
    username: str
    roles: frozenset[Role]
    unit_id: str | None = None

    @property
    def actor(self) -> Actor:
        # The highest role names the actor on the timeline.
        for role in (Role.ADMIN, Role.SUPERVISOR, Role.DISPATCHER, Role.AGENT, Role.KNOWLEDGE, Role.UNIT):
            if role in self.roles:
                return Actor(role=role.value, id=self.username)
        return Actor(role="staff", id=self.username)

    def require_any(self, allowed: frozenset[Role], action: str) -> None:
        if not self.roles & allowed:
            needed = ", ".join(sorted(allowed))
            raise Forbidden(f"{action} needs one of the roles: {needed}")

    @property
    def sees_all_tickets(self) -> bool:
        return bool(self.roles & CENTRE_ROLES)

    def figures_of(self, unit_id: str | None) -> str | None:
        """Whose figures this member reads when asking for `unit_id` (None: the whole centre): supervisors and admins
        any unit's or the centre's, a unit handler its own unit's only (asking for no unit gets it too)."""
        self.require_any(REPORT_READERS, "reading reports")
        if self.roles & SUPERVISION_ROLES:
            return unit_id
        if self.unit_id is None or unit_id not in (None, self.unit_id):
            raise Forbidden("a unit handler reads only the figures of its own unit")
        return self.unit_id

    def can_see(self, ticket: Ticket) -> bool:
        return self.sees_all_tickets or (self.unit_id is not None and ticket.unit_id == self.unit_id)
