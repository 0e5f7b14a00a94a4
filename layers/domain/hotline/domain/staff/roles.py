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


# The one set of role constants: the domain checks them, and the API declares them as each route's security.

CENTRE_ROLES = frozenset({Role.AGENT, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN})
"""Hotline centre staff: they see every ticket (a unit handler sees only its unit's), register phone, letter
and visit tickets on a customer's behalf, urge, close and change priorities."""

UNIT_WORK_ROLES = frozenset({Role.UNIT, Role.SUPERVISOR, Role.ADMIN})
"""Who works a dispatched ticket: its unit, or a supervisor or admin acting for it."""

SUPERVISION_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
"""Who supervises (督办) and decides extensions."""

ADMIN_ROLES = frozenset({Role.ADMIN})
"""Who may change configuration: calendars, policies, the ladder, routing, units, partners."""


class StaffMember(BaseModel):
    id: str
    username: str
    roles: frozenset[Role]
    unit_id: str | None = None

    @property
    def actor(self) -> Actor:
        # The highest role names the actor on the timeline.
        for role in (Role.ADMIN, Role.SUPERVISOR, Role.DISPATCHER, Role.AGENT, Role.UNIT):
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

    def can_see(self, ticket: Ticket) -> bool:
        return self.sees_all_tickets or (self.unit_id is not None and ticket.unit_id == self.unit_id)
