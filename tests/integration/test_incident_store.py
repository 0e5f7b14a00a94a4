"""The incident store on moto's DynamoDB: each write one transaction whose claims make one incident per burst."""

from datetime import UTC, datetime, timedelta

import pytest
from hotline.domain.base.errors import Conflict
from hotline.domain.base.paging import PageRequest
from hotline.domain.incidents.area import Area
from hotline.domain.incidents.incident import Incident, IncidentStatus, Scope, Trigger, incident_id
from hotline.domain.incidents.ports import IncidentWrite, Taken
from hotline.domain.incidents.rules import IncidentRules
from hotline.domain.tickets.ticket import SYSTEM
from hotline.store.incidents import DynamoIncidentStore
from hotline.store.models import bind

AT = datetime(2026, 11, 23, 2, tzinfo=UTC)
CHAOYANG = Scope(category="housing.power", area=Area.of_region("chaoyang"))


@pytest.fixture
def store(table_name: str) -> DynamoIncidentStore:
    return DynamoIncidentStore(bind(table_name, "us-east-1"))


def _incident(primary: str, tickets: list[str], at: datetime = AT, scope: Scope = CHAOYANG) -> Incident:
    return Incident(
        id=incident_id(at, "burst", scope.category, scope.area.key, primary),
        title="供电（chaoyang）",
        category=scope.category,
        area=scope.area,
        holds=[scope],
        trigger=Trigger.BURST,
        primary=primary,
        tickets=tickets,
        first_seen=at,
        last_seen=at,
        declared_at=at,
        declared_by=SYSTEM,
    )


def _declare(store: DynamoIncidentStore, incident: Incident, free: list[tuple[str, str]] | None = None) -> Incident:
    claims, holds = dict.fromkeys(incident.tickets), dict.fromkeys(incident.holds)
    (stored,) = store.write([IncidentWrite(incident, claim=claims, hold=holds, free=free or [])])
    return stored


def test_a_declaration_claims_its_tickets_and_its_scope_once(store: DynamoIncidentStore) -> None:
    first = _declare(store, _incident("2611-000001", ["2611-000001", "2611-000002"]))

    for rival in (
        _incident("2611-000001", ["2611-000001"]),  # the same burst again: the same id
        _incident("2611-000003", ["2611-000003", "2611-000002"], AT + timedelta(seconds=1)),  # a ticket taken
        _incident("2611-000004", ["2611-000004"], AT + timedelta(seconds=2)),  # the scope held
    ):
        with pytest.raises(Taken):
            _declare(store, rival)

    assert store.get(first.id, consistent=True) == first and first.version == 1
    assert store.claims(["2611-000001", "2611-000002", "2611-000004"]) == {
        "2611-000001": first.id,
        "2611-000002": first.id,
    }
    assert [(h.scope, h.incident) for h in store.holds("housing.power")] == [(CHAOYANG, first.id)]


def test_a_circle_needs_the_cells_around_it_free(store: DynamoIncidentStore) -> None:
    here = Scope(category="housing.power", area=Area.around(39.9087, 116.4605, 500))
    near = Scope(category="housing.power", area=Area.around(39.9087 + 400 / 111_320, 116.4605, 500))
    _declare(store, _incident("2611-000001", ["2611-000001"], scope=here))

    with pytest.raises(Taken):
        _declare(
            store,
            _incident("2611-000002", ["2611-000002"], AT + timedelta(seconds=1), scope=near),
            free=[(near.category, cell) for cell in near.area.neighbours()],
        )
    assert store.claims(["2611-000002"]) == {}  # nothing of a cancelled transaction stays


def test_a_stale_version_is_a_conflict_and_releasing_frees_the_scope(store: DynamoIncidentStore) -> None:
    declared = _declare(store, _incident("2611-000001", ["2611-000001"]))
    grown = declared.model_copy(update={"tickets": ["2611-000001", "2611-000002"]})
    store.write([IncidentWrite(grown, claim={"2611-000002": None})])

    with pytest.raises(Conflict) as stale:
        store.write([IncidentWrite(declared.model_copy(update={"title": "旧的"}))])
    assert stale.value.code == "version_mismatch"

    current = store.get(declared.id, consistent=True)
    assert current is not None and current.version == 2 and current.tickets == ["2611-000001", "2611-000002"]
    ended = current.model_copy(update={"status": IncidentStatus.RESOLVED, "holds": []})
    store.write([IncidentWrite(ended, release=[CHAOYANG])])
    assert store.holds("housing.power") == []
    assert store.claims(["2611-000002"]) == {"2611-000002": declared.id}  # a ticket counts towards one incident only


def test_incidents_are_listed_newest_first_by_status_and_the_rules_default(store: DynamoIncidentStore) -> None:
    older = _declare(store, _incident("2611-000001", ["2611-000001"]))
    newer_scope = Scope(category="housing.water", area=Area.of_region("chaoyang"))
    newer = _declare(store, _incident("2611-000002", ["2611-000002"], AT + timedelta(hours=1), newer_scope))
    store.write(
        [IncidentWrite(older.model_copy(update={"status": IncidentStatus.DISMISSED, "holds": []}), release=[CHAOYANG])]
    )

    assert [i.id for i in store.listing(None, PageRequest()).items] == [newer.id, older.id]
    assert [i.id for i in store.listing(IncidentStatus.OPEN, PageRequest()).items] == [newer.id]
    page = store.listing(None, PageRequest(limit=1))
    assert [i.id for i in store.listing(None, PageRequest(limit=1, token=page.next)).items] == [older.id]
    assert store.rules() == IncidentRules()
    store.save_rules(IncidentRules(min_tickets=3))
    assert store.rules().min_tickets == 3
