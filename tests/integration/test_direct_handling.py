"""Direct handling (直办) end to end: the real API, clock and stream handlers on moto with the real ASL.

A call the agent settles at intake is stored closed and never clocked, so routing cannot win a race against the
agent; a praise is delivered to its unit and closed without timers to accept or resolve.
"""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.clock_harness import ClockHarness, clock_harness
from tests.integration.conftest import staff_claims
from tests.support.forms import FORM

AGENT = staff_claims("agent", username="agent1")
DISPATCHER = staff_claims("dispatcher", username="dispatcher1")
URBAN = "district-urban-management"
CALL = {**FORM, "channel": "phone"}  # urban.noise: the seeded routing sends it to district urban management
ANSWER = "夜间22时至次日6时禁止产生噪声的施工作业，已告知可向城管执法部门举报。"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[ClockHarness]:
    with clock_harness(monkeypatch, time_scale=60) as harness:
        yield harness


def register(clock: ClockHarness, body: dict[str, Any]) -> dict[str, Any]:
    reply = clock.api.call("POST", "/v1/staff/tickets", body, claims=AGENT)
    assert reply.status == 201, reply.body
    return dict(reply.body)


def test_a_call_answered_at_intake_is_closed_at_once_and_never_routed(clock: ClockHarness) -> None:
    article = {"title": "夜间施工噪音", "body": ANSWER, "category": "urban.noise", "keywords": [], "public": True}
    written = clock.api.call("POST", "/v1/staff/knowledge", article, claims=staff_claims("knowledge"))
    assert written.status == 201, written.body
    cited = written.body["id"]
    disposition = {"resolution": "direct_answer", "answer": ANSWER, "articles": [cited]}
    settled = register(clock, {**CALL, "disposition": disposition})
    assert settled["status"] == "closed"
    number = settled["number"]

    # The same call without a disposition is routed by its clock's first wake-up …
    routed = register(clock, CALL)["number"]
    clock.wait_for(routed, DISPATCHER, lambda t: t["status"] == "dispatched")

    # … while the answered one has no clock at all, and stays as the agent left it.
    ticket = clock.ticket(number, DISPATCHER)
    assert (ticket["status"], ticket["unit_id"]) == ("closed", None)
    assert ticket["handling"]["resolution"] == "direct_answer"
    assert ticket["handling"]["result"] == ANSWER
    assert ticket["handling"]["deadlines"] == []
    assert [e["type"] for e in ticket["timeline"]] == ["ticket.created", "ticket.closed"]
    assert ticket["timeline"][1]["data"]["articles"] == [cited]
    assert clock.executions(number) == []

    customer = clock.api.call("GET", f"/v1/tickets/{number}", query=f"code={settled['access_code']}").body
    assert (customer["status_label"], customer["resolution_label"]) == ("已办结", "直接答复")
    assert [(e["label"], e["text"]) for e in customer["timeline"]] == [("已受理", None), ("已办结（直接答复）", ANSWER)]


def test_a_call_referred_at_intake_records_the_agency(clock: ClockHarness) -> None:
    settled = register(clock, {**CALL, "disposition": {"resolution": "referred", "agency": "12348"}})

    ticket = clock.ticket(settled["number"], DISPATCHER)
    assert (ticket["status"], ticket["handling"]["resolution"]) == ("closed", "referred")
    assert ticket["referred_to"] == "12348" and "12348" in ticket["result"]
    assert clock.executions(settled["number"]) == []


@pytest.mark.parametrize(
    ("disposition", "field"),
    [
        ({"resolution": "direct_answer", "articles": ["kb-1"]}, "disposition.answer"),
        ({"resolution": "referred"}, "disposition.agency"),
    ],
)
def test_a_disposition_without_its_answer_or_agency_is_422_and_creates_nothing(
    clock: ClockHarness, disposition: dict[str, Any], field: str
) -> None:
    reply = clock.api.call("POST", "/v1/staff/tickets", {**CALL, "disposition": disposition}, claims=AGENT)

    assert reply.status == 422, reply.body
    assert [f["field"] for f in reply.body["error"]["fields"]] == [field]
    assert clock.api.call("GET", "/v1/staff/tickets", claims=DISPATCHER).body["items"] == []


@pytest.mark.parametrize(("resolution", "field"), [("direct_answer", "answer"), ("referred", "agency")])
def test_closing_a_received_ticket_directly_needs_the_answer_or_the_agency(
    clock: ClockHarness, resolution: str, field: str
) -> None:
    number = register(clock, {**CALL, "type": "consultation", "category": "service.policy"})["number"]

    reply = clock.api.call(
        "POST", f"/v1/staff/tickets/{number}/close", {"resolution": resolution, "note": "已解答"}, claims=AGENT
    )

    assert reply.status == 422, reply.body
    assert [f["field"] for f in reply.body["error"]["fields"]] == [field]
    assert clock.ticket(number, DISPATCHER)["status"] == "received"


def test_a_praise_is_delivered_to_its_unit_and_closed_without_accept_or_resolve_timers(clock: ClockHarness) -> None:
    praise = {
        "type": "praise",
        "category": "urban.sanitation",
        "subject": "表扬环卫工人",
        "description": "每天清扫很干净",
    }
    number = clock.api.call("POST", "/v1/tickets", praise).body["number"]

    ticket = clock.wait_for(number, DISPATCHER, lambda t: t["status"] == "closed")

    assert (ticket["unit_id"], ticket["handling"]["resolution"]) == (URBAN, "direct_answer")
    assert [d["name"] for d in ticket["handling"]["deadlines"]] == ["dispatch"]
    assert [e["type"] for e in ticket["timeline"]] == ["ticket.created", "ticket.dispatched", "ticket.closed"]
    assert ticket["handling"]["next_wake"] is None
    clock.consume_stream()
    [delivered] = [n for n in clock.notifications({"praise"}) if n["kind"] == "praise"]
    assert delivered["recipients"] == [URBAN] and delivered["number"] == number
