"""Partner administration over in-memory fakes of the partner directory and the gateway's keys."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import Any

import pytest
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyInconsistentStateError,
)
from hotline.domain.base.errors import Conflict, Forbidden, NotFound
from hotline.domain.base.paging import PageRequest
from hotline.domain.partners.admin import PartnerAdmin
from hotline.domain.partners.partner import DayUsage, IssuedKey, KeyUsage, Partner, Quota
from hotline.domain.staff.roles import Role, StaffMember

from functions.api import idempotency
from tests.support.clock import FixedClock
from tests.unit.fakes import FakePartnerDirectory

NOW = datetime(2026, 11, 21, 23, 30, tzinfo=UTC)
ADMIN = StaffMember(id="a", username="admin1", roles=frozenset({Role.ADMIN}))


@dataclass
class FakePartnerKeys:
    """Keys by id with their plan; `live` is what the gateway would accept."""

    live: dict[str, str] = field(default_factory=dict)  # key id -> plan id
    values: dict[str, str] = field(default_factory=dict)  # key id -> value
    plans: set[str] = field(default_factory=set)
    calls: list[str] = field(default_factory=list)
    windows: list[tuple[date, date]] = field(default_factory=list)
    ids: Any = field(default_factory=lambda: count(1))
    meanwhile: list[Callable[[], Any]] = field(default_factory=list)
    """Run once each while a rotation is at the gateway: what another request does at that moment."""

    def _key(self, plan: str) -> IssuedKey:
        n = next(self.ids)
        key = IssuedKey(key_id=f"k{n}", value=f"secret-value-{n}", usage_plan_id=plan)
        self.live[key.key_id] = plan
        self.values[key.key_id] = key.value
        return key

    def issue(self, partner: Partner) -> IssuedKey:
        self.calls.append(f"issue {partner.id}")
        plan = f"plan-{partner.id}"
        self.plans.add(plan)
        return self._key(plan)

    def rotate(self, partner: Partner) -> IssuedKey:
        self.calls.append(f"rotate {partner.id}")
        assert partner.usage_plan_id in self.plans
        while self.meanwhile:
            self.meanwhile.pop(0)()
        return self._key(partner.usage_plan_id)

    def revoke(self, key_id: str, usage_plan_id: str | None) -> None:
        self.calls.append(f"revoke {key_id}")
        self.live.pop(key_id, None)

    def discard(self, issued: IssuedKey) -> None:
        self.calls.append(f"discard {issued.key_id}")
        self.live.pop(issued.key_id, None)
        self.plans.discard(issued.usage_plan_id)

    def usage(self, partner: Partner, first_day: date, last_day: date) -> KeyUsage:
        self.windows.append((first_day, last_day))
        return KeyUsage(available=True, days=[DayUsage(day=first_day, used=3), DayUsage(day=last_day, used=4)])


@pytest.fixture
def directory() -> FakePartnerDirectory:
    return FakePartnerDirectory()


@pytest.fixture
def keys() -> FakePartnerKeys:
    return FakePartnerKeys()


@pytest.fixture
def admin(directory: FakePartnerDirectory, keys: FakePartnerKeys) -> PartnerAdmin:
    return PartnerAdmin(partners=directory, keys=keys, clock=FixedClock(NOW))


def _create(admin: PartnerAdmin, partner_id: str = "city-app") -> Any:
    return admin.create(ADMIN, partner_id, "City app", "ops@city.example", Quota(requests_per_day=500, burst=5))


def test_create_issues_a_plan_and_key_and_returns_the_value_once(
    admin: PartnerAdmin, directory: FakePartnerDirectory, keys: FakePartnerKeys
) -> None:
    keyed = _create(admin)
    assert keyed.api_key == keys.values[keyed.partner.api_key_id]
    stored = directory.partners["city-app"]
    assert stored.usage_plan_id == "plan-city-app" and stored.active
    assert stored.quota == Quota(requests_per_day=500, burst=5)
    assert stored.created_at == stored.key_issued_at == NOW
    assert keyed.api_key not in stored.model_dump_json()  # never stored …
    issued = IssuedKey(key_id="k1", value=keyed.api_key, usage_plan_id="plan-city-app")
    assert keyed.api_key not in repr(keyed) and keyed.api_key not in repr(issued)  # … or shown in logs
    assert directory.by_api_key_id(stored.api_key_id or "") is not None


def test_only_admins_administer_partners(admin: PartnerAdmin, keys: FakePartnerKeys) -> None:
    _create(admin)
    for role in set(Role) - {Role.ADMIN}:
        someone = StaffMember(id="x", username="x", roles=frozenset({role}))
        with pytest.raises(Forbidden):
            admin.create(someone, "other", "O", None, Quota())
        with pytest.raises(Forbidden):
            admin.rotate(someone, "city-app")
        with pytest.raises(Forbidden):
            admin.revoke(someone, "city-app")
        with pytest.raises(Forbidden):
            admin.get(someone, "city-app")
        with pytest.raises(Forbidden):
            admin.list(someone, PageRequest())
    assert keys.calls == ["issue city-app"]


def test_a_taken_id_is_a_conflict_and_issues_nothing(admin: PartnerAdmin, keys: FakePartnerKeys) -> None:
    _create(admin)
    with pytest.raises(Conflict) as error:
        _create(admin)
    assert error.value.code == "partner_exists"
    assert keys.calls == ["issue city-app"]


def test_losing_the_race_for_an_id_discards_what_was_issued(
    admin: PartnerAdmin, directory: FakePartnerDirectory, keys: FakePartnerKeys
) -> None:
    directory.race = True
    with pytest.raises(Conflict):
        _create(admin)
    assert keys.calls == ["issue city-app", "discard k1"]
    assert not keys.live and not keys.plans


def test_rotate_puts_a_new_key_on_the_same_plan_and_revokes_the_old_one(
    admin: PartnerAdmin, directory: FakePartnerDirectory, keys: FakePartnerKeys
) -> None:
    first = _create(admin)
    later = NOW + timedelta(days=30)
    admin.clock = FixedClock(later)
    rotated = admin.rotate(ADMIN, "city-app")
    assert rotated.api_key != first.api_key
    assert rotated.partner.usage_plan_id == first.partner.usage_plan_id
    assert rotated.partner.key_issued_at == later and rotated.partner.created_at == NOW
    assert set(keys.live) == {rotated.partner.api_key_id}
    # The record moved to the new key before the old one was revoked at the gateway.
    assert keys.calls == ["issue city-app", "rotate city-app", "revoke k1"]
    assert directory.by_api_key_id("k1") is None and directory.by_api_key_id("k2") is not None


def test_revoke_stops_the_key_at_once_is_repeatable_and_rotate_reinstates(
    admin: PartnerAdmin, directory: FakePartnerDirectory, keys: FakePartnerKeys
) -> None:
    _create(admin)
    revoked = admin.revoke(ADMIN, "city-app")
    assert not revoked.active and revoked.revoked_at == NOW
    assert not keys.live and directory.by_api_key_id("k1") is None
    assert admin.revoke(ADMIN, "city-app").revoked_at == NOW  # harmless again
    back = admin.rotate(ADMIN, "city-app")
    assert back.partner.active and back.partner.revoked_at is None
    assert directory.by_api_key_id(back.partner.api_key_id or "") is not None


def test_a_key_change_while_another_holds_the_partner_is_refused_and_issues_nothing(
    admin: PartnerAdmin, directory: FakePartnerDirectory, keys: FakePartnerKeys
) -> None:
    first = _create(admin)
    outcomes: list[Any] = []

    def concurrently(action: Callable[[], Any]) -> Callable[[], None]:
        def run() -> None:
            try:
                outcomes.append(action())
            except Conflict as error:
                outcomes.append(error.code)

        return run

    # Two more changes arrive while the first rotation is at the gateway.
    keys.meanwhile = [
        concurrently(lambda: admin.rotate(ADMIN, "city-app")),
        concurrently(lambda: admin.revoke(ADMIN, "city-app")),
    ]
    rotated = admin.rotate(ADMIN, "city-app")
    assert outcomes == ["rotation_in_progress", "rotation_in_progress"]
    assert keys.calls == ["issue city-app", "rotate city-app", "revoke k1"]  # one new key, the old one revoked
    assert set(keys.live) == {rotated.partner.api_key_id} != {first.partner.api_key_id}
    assert directory.partners["city-app"].api_key_id == rotated.partner.api_key_id
    assert not directory.leases  # released: the next change may go ahead
    assert admin.revoke(ADMIN, "city-app").active is False


def test_a_rotation_that_lost_its_lease_discards_its_key_and_changes_nothing(
    admin: PartnerAdmin, directory: FakePartnerDirectory, keys: FakePartnerKeys
) -> None:
    first = _create(admin)
    # The holder stalled past its lease, which another change then took.
    keys.meanwhile = [lambda: directory.leases.update({"city-app": "someone-else"})]
    with pytest.raises(Conflict) as error:
        admin.rotate(ADMIN, "city-app")
    assert error.value.code == "rotation_in_progress"
    assert set(keys.live) == {first.partner.api_key_id}  # the new key is gone, the old one untouched
    assert directory.partners["city-app"] == first.partner
    assert directory.leases == {"city-app": "someone-else"}  # not ours to release


def test_unknown_partners_are_404(admin: PartnerAdmin, directory: FakePartnerDirectory) -> None:
    for action in (
        lambda: admin.rotate(ADMIN, "nobody"),
        lambda: admin.revoke(ADMIN, "nobody"),
        lambda: admin.get(ADMIN, "nobody"),
    ):
        with pytest.raises(NotFound):
            action()
    assert not directory.leases


def test_usage_covers_the_last_days_in_utc(admin: PartnerAdmin, keys: FakePartnerKeys) -> None:
    _create(admin, "a-partner")
    _create(admin, "b-partner")
    page = admin.list(ADMIN, PageRequest(limit=1))
    assert [s.partner.id for s in page.items] == ["a-partner"] and page.next
    assert page.items[0].usage.total == 7
    assert keys.windows[-1] == (date(2026, 11, 15), date(2026, 11, 21))
    admin.get(ADMIN, "b-partner", days=1)
    assert keys.windows[-1] == (date(2026, 11, 21), date(2026, 11, 21))
    admin.get(ADMIN, "b-partner", days=500)
    assert keys.windows[-1][0] == date(2026, 11, 21) - timedelta(days=89)


# -- a retry that meets the first request still running waits for its result ---------------------------


class Timeline:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_a_concurrent_retry_waits_then_replays(monkeypatch: pytest.MonkeyPatch) -> None:
    time = Timeline()
    monkeypatch.setattr(idempotency.time, "monotonic", lambda: time.now)
    outcomes: list[Any] = [
        IdempotencyAlreadyInProgressError("busy"),
        IdempotencyInconsistentStateError("changed"),
        {"number": "2611-000001"},
    ]

    def run(partner: str, key: str, body: dict[str, Any]) -> dict[str, Any]:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return dict(outcome)

    assert idempotency.waiting(run, sleep=time.sleep)("p", "k", {}) == {"number": "2611-000001"}
    assert time.slept == [idempotency.FIRST_POLL, idempotency.FIRST_POLL * 2]


def test_the_wait_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    time = Timeline()
    monkeypatch.setattr(idempotency.time, "monotonic", lambda: time.now)

    def busy(partner: str, key: str, body: dict[str, Any]) -> dict[str, Any]:
        raise IdempotencyAlreadyInProgressError("busy")

    with pytest.raises(IdempotencyAlreadyInProgressError):
        idempotency.waiting(busy, sleep=time.sleep)("p", "k", {})
    assert idempotency.WAIT_SECONDS - idempotency.LAST_POLL <= time.now <= idempotency.WAIT_SECONDS
    assert max(time.slept) == idempotency.LAST_POLL
