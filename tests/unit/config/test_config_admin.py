"""Configuration administration over the fakes: only admins change calendars, policies, the ladder, routing
and units, and a change naming a calendar or unit that does not exist is refused before it is stored."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hotline.domain.base.calendar import Duration, DurationUnit
from hotline.domain.base.errors import FieldProblem, Forbidden, InvalidInput, NotFound
from hotline.domain.base.paging import PageRequest
from hotline.domain.config.admin import ConfigAdmin
from hotline.domain.config.ladder import DEFAULT_LADDER
from hotline.domain.config.policies import DEFAULT_POLICIES
from hotline.domain.config.routing import DEFAULT_ROUTING
from hotline.domain.config.units import Unit
from hotline.domain.staff.roles import Role

from tests.unit.fakes import FakeCalendarRepository, FakeHandlingConfigRepository, FakeUnitRepository
from tests.unit.ticket_world import AGENT, SUPERVISOR, staff

ADMIN = staff(Role.ADMIN, username="admin1")
WATER = Unit(id="water-bureau", name="Water bureau", name_zh="水务局", parent_id="hotline-office")
CALENDAR = {"name": "Test", "time_zone": "Asia/Shanghai", "weekend": [6, 7]}


def _admin() -> ConfigAdmin:
    return ConfigAdmin(FakeCalendarRepository(), FakeHandlingConfigRepository(), FakeUnitRepository())


CHANGES: dict[str, Callable[[ConfigAdmin, Any], object]] = {
    "calendar": lambda admin, by: admin.replace_calendar(by, "test", CALENDAR),
    "days": lambda admin, by: admin.change_days(by, "cn", [date(2027, 1, 4)], [], []),
    "policies": lambda admin, by: admin.replace_policies(by, DEFAULT_POLICIES),
    "ladder": lambda admin, by: admin.replace_ladder(by, DEFAULT_LADDER),
    "routing": lambda admin, by: admin.replace_routing(by, DEFAULT_ROUTING),
    "unit": lambda admin, by: admin.replace_unit(by, WATER.id, WATER),
}


@pytest.mark.parametrize("change", CHANGES)
def test_only_admins_change_the_configuration_and_a_refused_change_stores_nothing(change: str) -> None:
    calendars, handling, units = FakeCalendarRepository(), FakeHandlingConfigRepository(), FakeUnitRepository()
    admin = ConfigAdmin(calendars, handling, units)
    stored = (dict(calendars.calendars), dict(handling.documents), dict(units.units))
    for who in (AGENT, SUPERVISOR):
        with pytest.raises(Forbidden, match="changing the configuration needs one of the roles: admin"):
            CHANGES[change](admin, who)
    assert (calendars.calendars, handling.documents, units.units) == stored
    CHANGES[change](admin, ADMIN)
    assert (calendars.calendars, handling.documents, units.units) != stored


def test_any_staff_reads_the_configuration_as_stored() -> None:
    admin = _admin()
    admin.replace_ladder(ADMIN, DEFAULT_LADDER.model_copy(update={"dispatch_desk": "leadership"}))
    assert admin.ladder().dispatch_desk == "leadership"
    assert (admin.policies(), admin.routing()) == (DEFAULT_POLICIES, DEFAULT_ROUTING)
    assert admin.calendar("cn").id == "cn"


def test_a_calendar_is_stored_under_the_paths_id_with_defaults_for_what_is_left_out() -> None:
    admin = _admin()
    saved = admin.replace_calendar(ADMIN, "test", {**CALENDAR, "id": "test"})
    assert admin.calendar("test") == saved and saved.id == "test" and saved.working_hours


def test_any_staff_lists_the_calendars_by_id_page_by_page() -> None:
    admin = _admin()
    admin.replace_calendar(ADMIN, "hk", {**CALENDAR, "holidays": ["2026-12-25", "2027-01-01"]})
    admin.replace_calendar(ADMIN, "a-test", CALENDAR)

    first = admin.calendars_page(PageRequest(limit=2))
    assert [c.id for c in first.items] == ["a-test", "cn"] and first.next
    rest = admin.calendars_page(PageRequest(limit=2, token=first.next))
    assert [(c.id, c.years) for c in rest.items] == [("hk", [2026, 2027])] and rest.next is None


def test_a_calendar_with_another_id_or_invalid_values_is_refused_naming_the_fields() -> None:
    admin = _admin()
    with pytest.raises(InvalidInput) as other_id:
        admin.replace_calendar(ADMIN, "test", {**CALENDAR, "id": "other"})
    assert other_id.value.fields == [FieldProblem("id", "must be 'test'")]
    with pytest.raises(InvalidInput, match="the calendar has invalid values") as invalid:
        admin.replace_calendar(ADMIN, "test", {**CALENDAR, "time_zone": "Mars/Olympus"})
    assert [problem.field for problem in invalid.value.fields] == ["time_zone"]
    with pytest.raises(NotFound):
        admin.calendar("test")


def test_days_change_a_stored_calendar_and_deadlines_follow() -> None:
    admin = _admin()
    friday_noon = datetime(2027, 1, 1, 4, tzinfo=UTC)  # 12:00 in Shanghai, a Friday
    one_day = Duration(amount=1, unit=DurationUnit.WORKING_DAYS)
    before = admin.deadline("cn", friday_noon, one_day)
    admin.change_days(ADMIN, "cn", holidays=[date(2027, 1, 4)], workdays=[], remove=[])
    after = admin.deadline("cn", friday_noon, one_day)
    assert after.due > before.due
    assert after.due_local == after.due and after.due_local.isoformat().endswith("+08:00")  # the same instant, local
    with pytest.raises(NotFound, match="no calendar 'moon'"):
        admin.change_days(ADMIN, "moon", [], [], [])


def test_policies_ladder_routing_and_units_must_name_what_exists() -> None:
    admin = _admin()
    policy = DEFAULT_POLICIES.policies[0].model_copy(update={"calendar": "moon"})
    with pytest.raises(InvalidInput) as policies:
        admin.replace_policies(ADMIN, DEFAULT_POLICIES.model_copy(update={"policies": [policy]}))
    assert policies.value.fields == [FieldProblem("policies.0.calendar", "no calendar 'moon'")]

    with pytest.raises(InvalidInput) as ladder:
        admin.replace_ladder(ADMIN, DEFAULT_LADDER.model_copy(update={"dispatch_desk": "nowhere"}))
    assert ladder.value.fields == [FieldProblem("dispatch_desk", "no unit 'nowhere'")]

    rule = DEFAULT_ROUTING.rules[0].model_copy(update={"unit_id": "nowhere"})
    with pytest.raises(InvalidInput) as routing:
        admin.replace_routing(ADMIN, DEFAULT_ROUTING.model_copy(update={"rules": [rule]}))
    assert routing.value.fields == [FieldProblem("rules.0.unit_id", "no unit 'nowhere'")]

    with pytest.raises(InvalidInput) as orphan:
        admin.replace_unit(ADMIN, "orphan", WATER.model_copy(update={"id": "orphan", "parent_id": "nowhere"}))
    assert orphan.value.fields == [FieldProblem("parent_id", "no unit 'nowhere'")]
    with pytest.raises(InvalidInput) as other_id:
        admin.replace_unit(ADMIN, "other", WATER)
    assert other_id.value.fields == [FieldProblem("id", "must be 'other'")]
    assert (admin.policies(), admin.ladder(), admin.routing()) == (DEFAULT_POLICIES, DEFAULT_LADDER, DEFAULT_ROUTING)


def test_a_unit_joins_the_chain_that_escalations_climb() -> None:
    admin = _admin()
    admin.replace_unit(ADMIN, WATER.id, WATER)
    assert [unit.id for unit in admin.unit_chain(WATER.id)] == [
        "water-bureau",
        "hotline-office",
        "leadership",
        "headquarters",
    ]
    with pytest.raises(NotFound, match="no unit 'nowhere'"):
        admin.unit_chain("nowhere")
