"""Staff actions on a ticket and the handling configuration, through the real API handler on moto's DynamoDB.

No state machine is configured here, so the ticket clock's runner is off: the routes still work, and where a
test needs the clock's verdict (a breach, the first routing) it calls the clock's wake-up itself.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from hotline.domain.tickets.timers import TimerName
from hotline.services import api_services, clock_services

from infra.local import atomic
from tests.integration.conftest import Api, Reply, staff_claims
from tests.support.forms import FORM
from tests.support.services import seed_units

URBAN = "district-urban-management"
MARKET = "district-market-regulation"
AGENT = staff_claims("agent", username="agent1")
DISPATCHER = staff_claims("dispatcher", username="dispatcher1")
UNIT = staff_claims("unit", unit=URBAN, username="unit1")
OTHER_UNIT = staff_claims("unit", unit=MARKET, username="unit2")
SUPERVISOR = staff_claims("supervisor", username="supervisor1")
ADMIN = staff_claims("admin", username="admin1")
PHONE_CALL = {**FORM, "channel": "phone"}


@pytest.fixture
def units(api: Api) -> Api:
    seed_units()
    return api


def register(api: Api) -> tuple[str, str]:
    created = api.call("POST", "/v1/staff/tickets", PHONE_CALL, claims=AGENT)
    assert created.status == 201, created.body
    return created.body["number"], created.body["access_code"]


def act(api: Api, number: str, action: str, body: dict[str, Any], claims: dict[str, Any]) -> Reply:
    return api.call("POST", f"/v1/staff/tickets/{number}/{action}", body, claims=claims)


def ok(reply: Reply) -> dict[str, Any]:
    assert reply.status == 200, reply.body
    body: dict[str, Any] = reply.body
    return body


def dispatched(api: Api, unit_id: str = URBAN) -> str:
    number, _ = register(api)
    ok(act(api, number, "dispatch", {"unit_id": unit_id}, DISPATCHER))
    return number


def deadline(view: dict[str, Any], name: str) -> dict[str, Any]:
    deadlines: list[dict[str, Any]] = view["deadlines"] if "deadlines" in view else view["handling"]["deadlines"]
    return next(d for d in deadlines if d["name"] == name)


def field_of(reply: Reply) -> list[str]:
    assert reply.status == 422, reply.body
    return [f["field"] for f in reply.body["error"]["fields"]]


# -- the manual path ---------------------------------------------------------------------------------


def test_full_manual_path_from_phone_call_to_resolved(units: Api) -> None:
    api = units
    number, code = register(api)

    view = ok(act(api, number, "dispatch", {"unit_id": URBAN, "note": "工地噪音"}, DISPATCHER))
    assert (view["status"], view["unit_id"]) == ("dispatched", URBAN)
    assert deadline(view, "dispatch")["met_at"] is not None
    accept = deadline(view, "accept")
    assert accept["met_at"] is None and accept["due_local"].endswith("+08:00")
    assert view["handling"]["escalation_level"] == 0

    view = ok(act(api, number, "accept", {}, UNIT))
    assert view["status"] == "in_progress"
    assert deadline(view, "accept")["met_at"] is not None

    view = ok(act(api, number, "request-info", {"question": "请提供施工单位名称"}, UNIT))
    assert view["status"] == "awaiting_customer"
    assert deadline(view, "resolve")["paused"] is True
    customer = api.call("GET", f"/v1/tickets/{number}", query=f"code={code}")
    assert customer.status == 200
    assert customer.body["status"] == "awaiting_customer"
    assert customer.body["note"] == "请提供施工单位名称"
    assert customer.body["status_label"] == "待补充材料"
    assert customer.body["reply_by"] == deadline(view, "resolve")["due"]

    view = ok(act(api, number, "info-received", {"note": "市民来电补充：某某建筑公司"}, AGENT))
    assert view["status"] == "in_progress"
    assert deadline(view, "resolve")["paused"] is False

    view = ok(act(api, number, "reply", {"result": "已责令停止夜间施工", "cause_code": "construction.permit"}, UNIT))
    assert view["status"] == "replied"
    assert view["handling"]["result"] == "已责令停止夜间施工"
    assert view["handling"]["cause_code"] == "construction.permit"
    assert deadline(view, "resolve")["met_at"] is not None
    callback = deadline(view, "callback")
    assert callback["met_at"] is None
    assert callback["due_local"].endswith("+08:00") and callback["due"].endswith("Z")

    view = ok(act(api, number, "close", {"resolution": "resolved", "note": "回访满意"}, AGENT))
    assert view["status"] == "closed"
    assert view["handling"]["resolution"] == "resolved"
    assert deadline(view, "callback")["met_at"] is not None
    assert view["handling"]["next_wake"] is None

    staff = ok(api.call("GET", f"/v1/staff/tickets/{number}", claims=AGENT))
    assert [e["type"] for e in staff["timeline"]] == [
        "ticket.created",
        "ticket.dispatched",
        "ticket.accepted",
        "ticket.info_requested",
        "ticket.info_received",
        "ticket.replied",
        "ticket.closed",
    ]
    assert [e["actor"] for e in staff["timeline"][1:3]] == [
        {"role": "dispatcher", "id": "dispatcher1"},
        {"role": "unit", "id": "unit1"},
    ]
    times = [e["at"] for e in staff["timeline"]]
    assert times == sorted(times)
    assert staff["timeline"][1]["data"]["auto"] is False

    customer = api.call("GET", f"/v1/tickets/{number}", query=f"code={code}").body
    assert customer["status"] == "closed"
    assert customer["resolution"] == "resolved"
    assert customer["note"] == "已责令停止夜间施工"
    assert "cause_code" not in str(customer)
    assert [e["type"] for e in customer["timeline"]][-1] == "ticket.closed"


def test_the_record_lists_what_its_reader_may_do_now(units: Api) -> None:
    api = units
    number, _ = register(api)

    def actions(claims: dict[str, Any]) -> list[str]:
        listed: list[str] = ok(api.call("GET", f"/v1/staff/tickets/{number}", claims=claims))["actions"]
        return listed

    assert actions(DISPATCHER) == ["dispatch", "urge", "close", "change-priority", "link"]
    view = ok(act(api, number, "dispatch", {"unit_id": URBAN}, DISPATCHER))
    assert view["actions"] == ["urge", "change-priority", "link"]  # the acting member's, in the action's answer too
    assert actions(UNIT) == ["accept", "return", "request-extension"]
    ok(act(api, number, "accept", {}, UNIT))
    ok(act(api, number, "reply", {"result": "已责令停止夜间施工", "cause_code": "construction.permit"}, UNIT))
    assert actions(UNIT) == []
    assert actions(AGENT) == ["urge", "close", "reopen", "publish", "callback", "link"]  # a phone call's survey: a call


def test_return_sends_back_to_dispatch_and_reopen_resumes_the_unit(units: Api) -> None:
    api = units
    number = dispatched(api)
    view = ok(act(api, number, "return", {"reason": "不属于本单位职责"}, UNIT))
    assert (view["status"], view["unit_id"]) == ("received", None)
    assert view["handling"]["counts"]["returned"] == 1
    assert {d["name"] for d in view["handling"]["deadlines"]} == {"dispatch"}  # cancelled ones are not shown
    assert deadline(view, "dispatch")["met_at"] is None

    ok(act(api, number, "dispatch", {"unit_id": URBAN}, DISPATCHER))
    ok(act(api, number, "accept", {}, UNIT))
    ok(act(api, number, "reply", {"result": "已处理", "cause_code": "construction.site"}, UNIT))
    view = ok(act(api, number, "reopen", {"reason": "市民表示问题仍在"}, AGENT))
    assert view["status"] == "in_progress"
    assert view["handling"]["counts"]["reopened"] == 1
    assert deadline(view, "resolve")["met_at"] is None


def test_extension_request_and_approval_move_the_resolve_due(units: Api) -> None:
    api = units
    number = dispatched(api)
    ok(act(api, number, "accept", {}, UNIT))
    before = deadline(ok(api.call("GET", f"/v1/staff/tickets/{number}", claims=UNIT)), "resolve")["due"]
    view = ok(
        act(
            api,
            number,
            "request-extension",
            {"extend_by": {"amount": 2, "unit": "working_days"}, "reason": "需协调"},
            UNIT,
        )
    )
    assert view["handling"]["extension"]["reason"] == "需协调"
    again = act(api, number, "request-extension", {"extend_by": {"amount": 1, "unit": "hours"}, "reason": "x"}, UNIT)
    assert again.status == 409 and again.body["error"]["code"] == "extension_pending"

    assert act(api, number, "decide-extension", {"approve": True}, UNIT).status == 403
    view = ok(act(api, number, "decide-extension", {"approve": True, "note": "同意"}, SUPERVISOR))
    resolve = deadline(view, "resolve")
    assert resolve["original_due"] == before
    assert resolve["due"] > before
    assert view["handling"]["extension"] is None
    assert view["handling"]["counts"]["extensions"] == 1


def test_supervision_escalates_to_the_hotline_office_and_urging_counts(units: Api) -> None:
    api = units
    number, code = register(api)
    view = ok(act(api, number, "urge", {"note": "请尽快派单"}, AGENT))
    assert view["handling"]["counts"]["urged"] == 1
    view = ok(act(api, number, "supervise", {"note": "重点督办"}, SUPERVISOR))
    assert view["handling"]["supervised"] is True
    assert view["handling"]["escalation_level"] == 2
    assert [e["type"] for e in view["timeline"]][-3:] == ["ticket.urged", "ticket.supervised", "ticket.escalated"]
    customer = api.call("GET", f"/v1/tickets/{number}", query=f"code={code}").body
    assert "escalation_level" not in customer  # the centre's supervision is its own business
    assert [e["type"] for e in customer["timeline"]] == ["ticket.created"]


def test_change_priority_moves_the_open_deadlines(units: Api) -> None:
    api = units
    number, _ = register(api)
    before = deadline(ok(api.call("GET", f"/v1/staff/tickets/{number}", claims=AGENT)), "dispatch")["due"]
    view = ok(act(api, number, "change-priority", {"priority": "urgent", "reason": "涉及安全"}, AGENT))
    assert view["priority"] == "urgent"
    assert deadline(view, "dispatch")["due"] < before  # urgent: 10 minutes instead of 30
    assert view["timeline"][-1]["data"] == {"before": "normal", "after": "urgent", "reason": "涉及安全"}


def test_close_as_duplicate_names_the_original(units: Api) -> None:
    api = units
    original, _ = register(api)
    number, _ = register(api)
    view = ok(act(api, number, "close", {"resolution": "duplicate", "duplicate_of": original}, AGENT))
    assert view["handling"]["resolution"] == "duplicate"
    assert view["timeline"][-1]["data"]["duplicate_of"] == original


# -- refusals ----------------------------------------------------------------------------------------


def test_bad_bodies_are_422_naming_the_field(units: Api) -> None:
    api = units
    number, _ = register(api)
    assert field_of(act(api, number, "reopen", {}, AGENT)) == ["reason"]
    assert field_of(act(api, number, "dispatch", {"unit_id": "no-such-unit"}, DISPATCHER)) == ["unit_id"]
    assert field_of(act(api, number, "dispatch", {"unit_id": "Not A Unit!"}, DISPATCHER)) == ["unit_id"]
    assert field_of(act(api, number, "close", {"resolution": "resolved"}, AGENT)) == ["resolution"]
    assert field_of(act(api, number, "close", {"resolution": "duplicate"}, AGENT)) == ["duplicate_of"]
    assert field_of(act(api, number, "close", {"resolution": "duplicate", "duplicate_of": number}, AGENT)) == [
        "duplicate_of"
    ]
    assert field_of(act(api, number, "urge", {"shout": True}, AGENT)) == ["shout"]
    assert field_of(act(api, number, "change-priority", {"priority": "asap", "reason": "x"}, AGENT)) == ["priority"]

    ok(act(api, number, "dispatch", {"unit_id": URBAN}, DISPATCHER))
    ok(act(api, number, "accept", {}, UNIT))
    bad_unit = {"extend_by": {"amount": 2, "unit": "fortnights"}, "reason": "需协调"}
    assert field_of(act(api, number, "request-extension", bad_unit, UNIT)) == ["extend_by.unit"]
    assert field_of(act(api, number, "reply", {"result": "已处理"}, UNIT)) == ["cause_code"]

    view = ok(api.call("GET", f"/v1/staff/tickets/{number}", claims=AGENT))
    assert view["status"] == "in_progress"
    assert [e["type"] for e in view["timeline"]] == ["ticket.created", "ticket.dispatched", "ticket.accepted"]


def test_invalid_transition_is_409_with_the_current_status(units: Api) -> None:
    api = units
    number, _ = register(api)
    reply = act(api, number, "accept", {}, SUPERVISOR)
    assert reply.status == 409
    assert reply.body["error"]["code"] == "invalid_transition"
    assert reply.body["error"]["current_status"] == "received"

    ok(act(api, number, "close", {"resolution": "direct_answer", "answer": "已当场解答"}, AGENT))
    for action, body in [("urge", {}), ("change-priority", {"priority": "high", "reason": "x"})]:
        reply = act(api, number, action, body, AGENT)
        assert reply.status == 409, action
        assert reply.body["error"]["current_status"] == "closed"


def test_stale_version_is_409_and_changes_nothing(units: Api) -> None:
    api = units
    number, _ = register(api)
    read = ok(api.call("GET", f"/v1/staff/tickets/{number}", claims=DISPATCHER))
    version = read["version"]
    ok(act(api, number, "urge", {"version": version}, AGENT))

    reply = act(api, number, "dispatch", {"unit_id": URBAN, "version": version}, DISPATCHER)
    assert reply.status == 409
    assert reply.body["error"]["code"] == "version_mismatch"
    assert reply.body["error"]["current_status"] == "received"
    after = ok(api.call("GET", f"/v1/staff/tickets/{number}", claims=DISPATCHER))
    assert after["status"] == "received"
    assert after["version"] == version + 1

    ok(act(api, number, "dispatch", {"unit_id": URBAN, "version": after["version"]}, DISPATCHER))


def test_twenty_concurrent_urges_without_a_version_all_apply(units: Api) -> None:
    """README: without `version` the action applies to the ticket as it is now, however many act at once."""
    atomic.install()  # DynamoDB applies each write atomically; moto needs the local cloud's lock to do the same
    api = units
    number, _ = register(api)
    version = ok(api.call("GET", f"/v1/staff/tickets/{number}", claims=AGENT))["version"]
    barrier = threading.Barrier(20)

    def urge(index: int) -> Reply:
        barrier.wait()
        return act(api, number, "urge", {"note": f"第{index}次来电"}, AGENT)

    with ThreadPoolExecutor(max_workers=20) as pool:
        replies = list(pool.map(urge, range(20)))

    assert [r.status for r in replies] == [200] * 20, [r.body for r in replies if r.status != 200]
    after = ok(api.call("GET", f"/v1/staff/tickets/{number}", claims=AGENT))
    assert after["handling"]["counts"]["urged"] == 20
    assert after["version"] == version + 20
    assert [e["type"] for e in after["timeline"]].count("ticket.urged") == 20
    # With the version it read, the 21st is refused: 409, not applied to a ticket it has not seen.
    stale = act(api, number, "urge", {"version": version}, AGENT)
    assert (stale.status, stale.body["error"]["code"]) == (409, "version_mismatch")


def test_a_role_that_may_not_act_is_403(units: Api) -> None:
    api = units
    number, _ = register(api)
    reply = act(api, number, "dispatch", {"unit_id": URBAN}, AGENT)
    assert reply.status == 403
    assert act(api, number, "supervise", {"note": "督办"}, AGENT).status == 403
    ok(act(api, number, "dispatch", {"unit_id": URBAN}, DISPATCHER))
    assert act(api, number, "accept", {}, DISPATCHER).status == 403
    assert ok(api.call("GET", f"/v1/staff/tickets/{number}", claims=AGENT))["status"] == "dispatched"


def test_not_yours_unknown_and_no_such_action_are_404(units: Api) -> None:
    api = units
    number = dispatched(api)
    reply = act(api, number, "accept", {}, OTHER_UNIT)
    assert reply.status == 404
    unknown = act(api, "2601-999999", "accept", {}, UNIT)
    assert unknown.status == 404
    assert unknown.body["error"]["code"] == reply.body["error"]["code"]  # not yours ≡ unknown
    assert act(api, "not-a-number", "urge", {}, AGENT).status == 404
    assert act(api, number, "escalate", {}, SUPERVISOR).status == 404
    assert ok(api.call("GET", f"/v1/staff/tickets/{number}", claims=UNIT))["status"] == "dispatched"


# -- listing: overdue and unit inboxes ---------------------------------------------------------------


def breach_accept(number: str) -> None:
    """Move the accept deadline into the past through the store, then let the clock's wake-up judge it."""
    tickets = api_services().lifecycle.tickets
    ticket = tickets.get(number)
    assert ticket is not None
    now = api_services().lifecycle.clock.now()
    timer = ticket.handling.timers[TimerName.ACCEPT]
    timer.started_at, timer.due = now - timedelta(hours=2), now - timedelta(minutes=1)
    tickets.save(ticket, [])
    clock_services().wake_up.wake(number, ticket.handling.clock.generation)


def test_overdue_and_unit_filters(units: Api) -> None:
    api = units
    late = dispatched(api, URBAN)
    on_time = dispatched(api, URBAN)
    market = dispatched(api, MARKET)
    waiting, _ = register(api)
    breach_accept(late)

    def numbers(query: str, claims: dict[str, Any] = SUPERVISOR) -> set[str]:
        reply = api.call("GET", "/v1/staff/tickets", query=query, claims=claims)
        assert reply.status == 200, reply.body
        return {item["number"] for item in reply.body["items"]}

    assert numbers("overdue=true") == {late}
    assert numbers("overdue=false") == {on_time, market, waiting}
    assert numbers(f"unit={URBAN}") == {late, on_time}
    assert numbers(f"unit={URBAN}&overdue=true") == {late}
    assert numbers(f"unit={MARKET}&overdue=true") == set()
    assert numbers("overdue=true", claims=OTHER_UNIT) == set()
    assert numbers("", claims=OTHER_UNIT) == {market}

    listed = api.call("GET", "/v1/staff/tickets", query="overdue=true", claims=SUPERVISOR).body["items"][0]
    assert listed["overdue"] is True and listed["escalation_level"] == 1

    view = ok(api.call("GET", f"/v1/staff/tickets/{late}", claims=UNIT))
    assert view["handling"]["overdue"] is True
    assert deadline(view, "accept")["breached_at"] is not None
    assert {"ticket.breached", "ticket.escalated"} <= {e["type"] for e in view["timeline"]}

    # Accepting meets the timer: the ticket leaves the overdue list.
    ok(act(api, late, "accept", {}, UNIT))
    assert numbers("overdue=true") == set()


# -- configuration -----------------------------------------------------------------------------------


def test_any_staff_reads_the_configuration(units: Api) -> None:
    api = units
    for claims in (AGENT, UNIT, ADMIN):
        for what in ("policies", "ladder", "routing"):
            assert api.call("GET", f"/v1/staff/config/{what}", claims=claims).status == 200, (what, claims)
    assert api.call("GET", "/v1/staff/config/routing").status == 401
    routing = api.call("GET", "/v1/staff/config/routing", claims=AGENT).body
    assert {rule["unit_id"] for rule in routing["rules"]} == {URBAN, MARKET}


def test_only_admins_change_the_configuration(units: Api) -> None:
    api = units
    for what in ("policies", "ladder", "routing"):
        current = api.call("GET", f"/v1/staff/config/{what}", claims=AGENT).body
        for claims in (AGENT, SUPERVISOR, UNIT):
            assert api.call("PUT", f"/v1/staff/config/{what}", current, claims=claims).status == 403, (what, claims)
        assert api.call("PUT", f"/v1/staff/config/{what}", current, claims=ADMIN).status == 200, what


def test_config_naming_unknown_units_or_calendars_is_422(units: Api) -> None:
    api = units
    routing = {"rules": [{"unit_id": "nowhere", "categories": ["urban"]}, {"unit_id": URBAN}]}
    assert field_of(api.call("PUT", "/v1/staff/config/routing", routing, claims=ADMIN)) == ["rules.0.unit_id"]

    book = api.call("GET", "/v1/staff/config/policies", claims=ADMIN).body
    book["policies"][0]["calendar"] = "atlantis"
    assert field_of(api.call("PUT", "/v1/staff/config/policies", book, claims=ADMIN)) == ["policies.0.calendar"]

    ladder = api.call("GET", "/v1/staff/config/ladder", claims=ADMIN).body
    assert field_of(
        api.call("PUT", "/v1/staff/config/ladder", {**ladder, "dispatch_desk": "nowhere"}, claims=ADMIN)
    ) == ["dispatch_desk"]
    # Nothing was stored.
    assert api.call("GET", "/v1/staff/config/routing", claims=ADMIN).body["rules"][0]["unit_id"] == MARKET
    assert api.call("GET", "/v1/staff/config/policies", claims=ADMIN).body["policies"][0]["calendar"] == "cn"


def test_a_stored_routing_table_routes_the_next_intake(units: Api) -> None:
    api = units
    table = {"rules": [{"unit_id": MARKET, "categories": ["urban"]}]}
    assert api.call("PUT", "/v1/staff/config/routing", table, claims=ADMIN).status == 200
    assert api.call("GET", "/v1/staff/config/routing", claims=AGENT).body["rules"][0]["unit_id"] == MARKET

    number, _ = register(api)
    clock_services().wake_up.wake(number, 1)  # the first wake-up, which the state machine would run at once
    view = ok(api.call("GET", f"/v1/staff/tickets/{number}", claims=OTHER_UNIT))
    assert (view["status"], view["unit_id"]) == ("dispatched", MARKET)
    assert view["timeline"][-1]["type"] == "ticket.dispatched"
    assert view["timeline"][-1]["data"]["auto"] is True


def test_units_read_with_their_chain_and_admins_replace_them(units: Api) -> None:
    api = units
    chain = api.call("GET", f"/v1/staff/units/{URBAN}", claims=UNIT)
    assert chain.status == 200
    assert [u["id"] for u in chain.body["items"]] == [URBAN, "hotline-office", "leadership", "headquarters"]
    assert api.call("GET", "/v1/staff/units/nowhere", claims=AGENT).status == 404

    new = {"id": "district-water", "name": "District water", "name_zh": "区水务局", "parent_id": "hotline-office"}
    assert api.call("PUT", "/v1/staff/units/district-water", new, claims=SUPERVISOR).status == 403
    assert field_of(api.call("PUT", "/v1/staff/units/district-gas", new, claims=ADMIN)) == ["id"]
    assert field_of(
        api.call("PUT", "/v1/staff/units/district-water", {**new, "parent_id": "nowhere"}, claims=ADMIN)
    ) == ["parent_id"]
    assert api.call("GET", "/v1/staff/units/district-water", claims=AGENT).status == 404
    saved = api.call("PUT", "/v1/staff/units/district-water", new, claims=ADMIN)
    assert saved.status == 200 and saved.body["name_zh"] == "区水务局"
    chain = api.call("GET", "/v1/staff/units/district-water", claims=AGENT).body
    assert [u["id"] for u in chain["items"]] == ["district-water", "hotline-office", "leadership", "headquarters"]

    # A new unit can take tickets at once.
    number, _ = register(api)
    assert ok(act(api, number, "dispatch", {"unit_id": "district-water"}, DISPATCHER))["unit_id"] == "district-water"


def test_every_staff_member_lists_the_units_page_by_page(units: Api) -> None:
    api = units
    listed = ok(api.call("GET", "/v1/staff/units", claims=UNIT))
    assert [u["id"] for u in listed["items"]] == sorted(["headquarters", "leadership", "hotline-office", URBAN, MARKET])
    assert listed["next"] is None
    assert next(u for u in listed["items"] if u["id"] == URBAN)["name_zh"] == "区城管局"

    new = {"id": "district-water", "name": "District water", "name_zh": "区水务局", "parent_id": "hotline-office"}
    ok(api.call("PUT", "/v1/staff/units/district-water", new, claims=ADMIN))
    seen, token = [], None
    while True:
        page = ok(
            api.call("GET", "/v1/staff/units", query="limit=2" + (f"&next={token}" if token else ""), claims=AGENT)
        )
        assert len(page["items"]) <= 2
        seen += [u["id"] for u in page["items"]]
        if not (token := page["next"]):
            break
    assert seen == sorted([*(u["id"] for u in listed["items"]), "district-water"])
    assert api.call("GET", "/v1/staff/units", query="next=bogus", claims=AGENT).status == 400
    assert api.call("GET", "/v1/staff/units").status == 401
