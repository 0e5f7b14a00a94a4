"""Roles: the centre sees every ticket, a unit only its own; actions check roles."""

from datetime import UTC, datetime

import pytest
from hotline.domain.base.errors import Forbidden
from hotline.domain.staff.roles import CENTRE_ROLES, Role, StaffMember
from hotline.domain.tickets.catalog import Channel, TicketType
from hotline.domain.tickets.ticket import Ticket

NOW = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)


def _ticket(unit_id: str | None) -> Ticket:
    return Ticket(
        id="t1",
        number="2611-000001",
        access_code_hash="x",
        channel=Channel.WEB,
        type=TicketType.COMPLAINT,
        category="urban.noise",
        subject="s",
        description="d",
        unit_id=unit_id,
        received_at=NOW,
        updated_at=NOW,
    )


def _staff(*roles: Role, unit_id: str | None = None) -> StaffMember:
    return StaffMember(id="sub", username="li.si", roles=frozenset(roles), unit_id=unit_id)


def test_unit_handler_sees_only_its_own_units_tickets() -> None:
    handler = _staff(Role.UNIT, unit_id="water")
    assert handler.can_see(_ticket("water"))
    assert not handler.can_see(_ticket("power"))
    assert not handler.can_see(_ticket(None))
    assert not handler.sees_all_tickets


def test_unit_handler_without_a_unit_sees_nothing_not_even_unassigned_tickets() -> None:
    handler = _staff(Role.UNIT)
    assert not handler.can_see(_ticket(None))
    assert not handler.can_see(_ticket("water"))


@pytest.mark.parametrize("role", [Role.AGENT, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN])
def test_centre_staff_see_every_ticket(role: Role) -> None:
    member = _staff(role, unit_id="water")
    assert member.sees_all_tickets
    assert all(member.can_see(_ticket(unit)) for unit in ("water", "power", None))


def test_require_any_refuses_a_role_outside_the_set() -> None:
    with pytest.raises(Forbidden, match="registering a ticket needs one of the roles: admin, agent"):
        _staff(Role.UNIT, unit_id="water").require_any(CENTRE_ROLES, "registering a ticket")


@pytest.mark.parametrize("role", sorted(CENTRE_ROLES))
def test_require_any_lets_any_listed_role_through(role: Role) -> None:
    _staff(Role.UNIT, role).require_any(CENTRE_ROLES, "registering a ticket")


def test_the_highest_role_names_the_actor() -> None:
    actor = _staff(Role.AGENT, Role.SUPERVISOR, Role.UNIT).actor
    assert (actor.role, actor.id) == ("supervisor", "li.si")
    assert _staff(Role.UNIT, unit_id="water").actor.role == "unit"
    assert _staff().actor.role == "staff"
