"""The staff console's queues through the real API on moto's DynamoDB: the listing's filters select exactly their
tickets, page on, and a filter the API does not know is refused rather than ignored."""

from typing import Any

import pytest

from tests.integration.conftest import Api, staff_claims
from tests.support.forms import BUS, FORM
from tests.support.services import seed_units

URBAN = "district-urban-management"
MARKET = "district-market-regulation"
AGENT = staff_claims("agent", username="agent1")
DISPATCHER = staff_claims("dispatcher", username="dispatcher1")
SUPERVISOR = staff_claims("supervisor", username="supervisor1")
HANDLERS = {URBAN: staff_claims("unit", unit=URBAN, username="unit1"), MARKET: staff_claims("unit", unit=MARKET)}
EXTEND = {"extend_by": {"amount": 2, "unit": "working_days"}, "reason": "需协调"}


def register(api: Api, form: dict[str, Any]) -> str:
    created = api.call("POST", "/v1/staff/tickets", {**form, "channel": "phone"}, claims=AGENT)
    assert created.status == 201, created.body
    number: str = created.body["number"]
    return number


def act(api: Api, number: str, action: str, body: dict[str, Any], claims: dict[str, Any]) -> None:
    reply = api.call("POST", f"/v1/staff/tickets/{number}/{action}", body, claims=claims)
    assert reply.status == 200, reply.body


def handled(api: Api, unit: str, *, extension: bool) -> str:
    """A noise complaint dispatched to `unit` and accepted there, with an extension requested when asked."""
    number = register(api, FORM)
    act(api, number, "dispatch", {"unit_id": unit}, DISPATCHER)
    act(api, number, "accept", {}, HANDLERS[unit])
    if extension:
        act(api, number, "request-extension", EXTEND, HANDLERS[unit])
    return number


@pytest.fixture
def tickets(api: Api) -> dict[str, str]:
    seed_units()
    numbers = {
        "received": register(api, FORM),
        "bus": register(api, BUS),
        "urban pending": handled(api, URBAN, extension=True),
        "market pending supervised": handled(api, MARKET, extension=True),
        "urban decided supervised": handled(api, URBAN, extension=True),
        "market plain": handled(api, MARKET, extension=False),
    }
    act(
        api, numbers["urban decided supervised"], "decide-extension", {"approve": False, "note": "不予延期"}, SUPERVISOR
    )
    for name in ("market pending supervised", "urban decided supervised"):
        act(api, numbers[name], "supervise", {"note": "重点督办"}, SUPERVISOR)
    return numbers


def listed(api: Api, query: str, claims: dict[str, Any] = SUPERVISOR) -> list[str]:
    """Every ticket the listing gives, following `next` page after page."""
    numbers: list[str] = []
    token: str | None = None
    while True:
        reply = api.call("GET", "/v1/staff/tickets", query=query + (f"&next={token}" if token else ""), claims=claims)
        assert reply.status == 200, reply.body
        numbers += [item["number"] for item in reply.body["items"]]
        token = reply.body.get("next")
        if token is None:
            return numbers


def refused(api: Api, path: str, query: str) -> list[dict[str, str]]:
    reply = api.call("GET", path, query=query, claims=SUPERVISOR)
    assert reply.status == 422, reply.body
    fields: list[dict[str, str]] = reply.body["error"]["fields"]
    return fields


def test_each_queue_filter_selects_exactly_its_tickets(api: Api, tickets: dict[str, str]) -> None:
    def names(query: str, claims: dict[str, Any] = SUPERVISOR) -> set[str]:
        found = listed(api, query, claims)
        assert len(found) == len(set(found)), found
        return {name for name, number in tickets.items() if number in found}

    assert names("extension=pending") == {"urban pending", "market pending supervised"}
    assert names("supervised=true") == {"market pending supervised", "urban decided supervised"}
    assert names("extension=pending&supervised=true") == {"market pending supervised"}
    assert names(f"extension=pending&unit={URBAN}") == {"urban pending"}
    assert names("supervised=true&status=in_progress&type=complaint&channel=phone") == {
        "market pending supervised",
        "urban decided supervised",
    }
    assert names("supervised=true&category=transport.bus") == set()
    assert names("category=transport.bus") == {"bus"}
    assert names("category=urban.noise&status=received") == {"received"}
    assert names("category=urban.noise&extension=pending&overdue=false&problem=false") == {
        "urban pending",
        "market pending supervised",
    }
    # A unit's handlers get their own unit's queue, whatever they ask for.
    assert names("extension=pending", HANDLERS[URBAN]) == {"urban pending"}
    assert names("supervised=true", HANDLERS[MARKET]) == {"market pending supervised"}


def test_a_supervised_ticket_leaves_the_queue_when_it_closes_and_returns_when_reopened(
    api: Api, tickets: dict[str, str]
) -> None:
    number = tickets["urban decided supervised"]
    act(api, number, "reply", {"result": "已责令停止夜间施工", "cause_code": "construction.permit"}, HANDLERS[URBAN])
    assert number in listed(api, "supervised=true")  # replied, the customer not yet heard: still supervised
    act(api, number, "close", {"resolution": "resolved", "note": "回访满意"}, AGENT)

    assert number not in listed(api, "supervised=true")
    closed = api.call("GET", f"/v1/staff/tickets/{number}", claims=SUPERVISOR).body
    assert closed["handling"]["supervised"] is True and "ticket.supervised" in [e["type"] for e in closed["timeline"]]
    act(api, number, "reopen", {"reason": "群众反映仍在施工"}, SUPERVISOR)
    assert number in listed(api, "supervised=true")


def test_a_queue_pages_on_with_next(api: Api, tickets: dict[str, str]) -> None:
    first = api.call("GET", "/v1/staff/tickets", query="extension=pending&limit=1", claims=SUPERVISOR)
    assert first.status == 200 and len(first.body["items"]) == 1 and first.body["next"]
    everything = listed(api, "supervised=true&limit=1")
    assert sorted(everything) == sorted([tickets["market pending supervised"], tickets["urban decided supervised"]])
    assert listed(api, "extension=pending&limit=1") == listed(api, "extension=pending")  # newest first, as one page


def test_bad_filter_values_are_refused_naming_the_parameter(api: Api, tickets: dict[str, str]) -> None:
    path = "/v1/staff/tickets"
    assert [f["field"] for f in refused(api, path, "extension=approved")] == ["extension"]
    assert [f["field"] for f in refused(api, path, "supervised=false")] == ["supervised"]
    unknown = refused(api, path, "category=urban.nosie")
    assert [f["field"] for f in unknown] == ["category"] and "urban.nosie" in unknown[0]["problem"]


@pytest.mark.parametrize(
    ("path", "query", "names"),
    [
        ("/v1/staff/tickets", "categroy=transport.bus", ["categroy"]),
        ("/v1/staff/tickets", "foo=1", ["foo"]),
        ("/v1/staff/tickets", "status=received&foo=1&bar=", ["bar", "foo"]),
        ("/v1/catalog", "foo=1", ["foo"]),
        ("/v1/staff/callbacks", "lmit=5", ["lmit"]),
    ],
)
def test_an_unknown_query_parameter_is_refused_on_every_v1_route(
    api: Api, path: str, query: str, names: list[str]
) -> None:
    fields = refused(api, path, query)
    assert fields == [{"field": name, "problem": "unknown query parameter"} for name in names]


def test_a_refused_parameter_stores_nothing_and_open311_and_the_docs_keep_their_parameters(api: Api) -> None:
    submitted = api.call("POST", "/v1/tickets", FORM, query="foo=1")
    assert submitted.status == 422 and submitted.body["error"]["fields"][0]["field"] == "foo"
    assert listed(api, "") == []
    assert api.call("GET", "/open311/v2/services.json", query="jurisdiction_id=city.gov.cn").status == 200
    document = api.call("GET", "/v1/docs", query="format=json")
    assert document.status == 200 and document.body["openapi"].startswith("3.")
