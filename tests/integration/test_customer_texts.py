"""The customer's half through the real API handler on moto: the receipt text on the ticket's first write, the
customer's answer to a unit's question, and the texts' templates as admin data."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from hotline.domain.config.messages import DEFAULT_TEMPLATES
from hotline.services import api_services

from tests.integration.conftest import Api, staff_claims
from tests.support.forms import FORM
from tests.support.services import reset_caches, seed_units

URBAN = "district-urban-management"
DISPATCHER = staff_claims("dispatcher", username="dispatcher1")
UNIT = staff_claims("unit", unit=URBAN, username="unit1")
AGENT = staff_claims("agent", username="agent1")
ADMIN = staff_claims("admin", username="admin1")
SITE = "https://12345.example.gov.cn"  # tests/conftest.py sets SITE_URL to it
MORNING = datetime(2026, 11, 20, 2, tzinfo=UTC)  # Friday 10:00 in Shanghai
NIGHT = datetime(2026, 11, 20, 15, tzinfo=UTC)  # Friday 23:00 in Shanghai


def domain_time_from(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """Domain time starts at `moment` (and runs twice as fast): the local cloud's time settings, whose origin is set
    where twice the wall time less it lands on `moment` now."""
    now = datetime.now(UTC)
    monkeypatch.setenv("HOTLINE_LOCAL_TIME_SCALE", "2")
    monkeypatch.setenv("HOTLINE_LOCAL_TIME_ORIGIN", (now + (now - moment)).isoformat())
    reset_caches()


@pytest.fixture
def morning(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    domain_time_from(monkeypatch, MORNING)
    seed_units()
    yield api


def stored_item(number: str) -> dict[str, Any]:
    """The ticket's item as the table holds it (what the stream hands on), its JSON attributes read."""
    table = boto3.resource("dynamodb", region_name="us-east-1").Table(api_services().settings.table_name)
    item = table.get_item(Key={"pk": f"TICKET#{number}", "sk": "TICKET"}, ConsistentRead=True)["Item"]
    return {name: json.loads(item[name]) if name in item else None for name in ("doc", "messages", "notifications")}


def submit(api: Api) -> tuple[str, str]:
    created = api.call("POST", "/v1/tickets", FORM)
    assert created.status == 201, created.body
    return created.body["number"], created.body["access_code"]


def act(api: Api, number: str, action: str, claims: dict[str, Any], **body: Any) -> dict[str, Any]:
    reply = api.call("POST", f"/v1/staff/tickets/{number}/{action}", body, claims=claims)
    assert reply.status == 200, reply.body
    return dict(reply.body)


# -- the receipt ----------------------------------------------------------------------------------------


def test_the_receipt_text_is_stored_on_the_write_that_creates_the_ticket(morning: Api) -> None:
    number, code = submit(morning)

    item = stored_item(number)
    (receipt,) = item["messages"]
    assert (receipt["kind"], receipt["to"], receipt["number"]) == ("receipt", "+8613800138000", number)
    assert number in receipt["text"] and code in receipt["text"]
    assert f"{SITE}/track/{number}" in receipt["text"]
    assert "张三" not in receipt["text"] and "建国路" not in receipt["text"]
    assert item["doc"]["handling"].get("held_messages", []) == []  # a default is left out of the stored document


def test_a_receipt_at_23_00_waits_on_the_ticket_until_08_00(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    domain_time_from(monkeypatch, NIGHT)

    number, code = submit(api)

    item = stored_item(number)
    assert item["messages"] is None
    (held,) = item["doc"]["handling"]["held_messages"]
    assert held["kind"] == "receipt" and code in held["text"]
    assert held["not_before"] == "2026-11-21T00:00:00.000Z"  # Saturday 08:00 in Shanghai


# -- the customer answers a question ------------------------------------------------------------------


def awaiting(api: Api) -> tuple[str, str]:
    number, code = submit(api)
    act(api, number, "dispatch", DISPATCHER, unit_id=URBAN)
    act(api, number, "accept", UNIT)
    act(api, number, "request-info", UNIT, question="请提供施工工地的具体门牌号")
    return number, code


def test_the_customer_answers_the_units_question_with_the_access_code(morning: Api) -> None:
    number, code = awaiting(morning)
    question = stored_item(number)["messages"]
    assert [m["kind"] for m in question] == ["question"]
    assert "请提供施工工地的具体门牌号" in question[0]["text"] and f"{SITE}/track/{number}" in question[0]["text"]

    answered = morning.call("POST", f"/v1/tickets/{number}/info", {"text": "建国路88号东侧工地"}, query=f"code={code}")

    assert answered.status == 200, answered.body
    assert (answered.body["number"], answered.body["status"]) == (number, "in_progress")
    assert answered.body["timeline"][-1]["type"] == "ticket.info_received"
    staff_view = morning.call("GET", f"/v1/staff/tickets/{number}", claims=UNIT).body
    last = staff_view["timeline"][-1]
    assert (last["type"], last["actor"], last["data"]["text"]) == (
        "ticket.info_received",
        {"role": "customer", "id": None},
        "建国路88号东侧工地",
    )
    assert staff_view["handling"]["customer_wait"] is None
    assert staff_view["handling"]["deadlines"][-1]["paused"] is False
    assert [n["kind"] for n in stored_item(number)["notifications"]] == ["info_received"]

    again = morning.call("POST", f"/v1/tickets/{number}/info", {"text": "再补充一句"}, query=f"code={code}")
    assert again.status == 409
    assert (again.body["error"]["code"], again.body["error"]["current_status"]) == ("invalid_transition", "in_progress")


def test_a_wrong_code_answers_exactly_like_an_unknown_number(morning: Api) -> None:
    number, code = awaiting(morning)
    wrong = "00000000" if code != "00000000" else "11111111"

    mistaken = morning.call("POST", f"/v1/tickets/{number}/info", {"text": "门牌号8号"}, query=f"code={wrong}")
    unknown = morning.call("POST", "/v1/tickets/2611-999999/info", {"text": "门牌号8号"}, query=f"code={code}")

    assert mistaken.status == unknown.status == 404
    assert mistaken.body == unknown.body
    assert morning.call("GET", f"/v1/staff/tickets/{number}", claims=UNIT).body["status"] == "awaiting_customer"


@pytest.mark.parametrize(
    ("body", "field"),
    [({"text": ""}, "text"), ({"text": "长" * 2001}, "text"), ({"text": "好", "name": "张三"}, "name"), ({}, "text")],
)
def test_an_answer_that_does_not_fit_is_refused_naming_the_field(morning: Api, body: Any, field: str) -> None:
    number, code = awaiting(morning)

    refused = morning.call("POST", f"/v1/tickets/{number}/info", body, query=f"code={code}")

    assert refused.status == 422
    assert [f["field"] for f in refused.body["error"]["fields"]] == [field]


def test_the_unit_closes_an_unanswered_question_only_after_the_customers_time(morning: Api) -> None:
    number, _ = awaiting(morning)

    early = morning.call("POST", f"/v1/staff/tickets/{number}/close", {"resolution": "no_response"}, claims=UNIT)

    assert early.status == 409
    assert early.body["error"]["code"] == "customer_may_still_answer"
    wait = morning.call("GET", f"/v1/staff/tickets/{number}", claims=UNIT).body["handling"]["customer_wait"]
    assert wait["limit_at"] > wait["since"]


# -- the texts' templates -------------------------------------------------------------------------------


def test_only_admins_read_and_replace_the_templates_and_new_texts_follow_them(morning: Api) -> None:
    assert morning.call("GET", "/v1/staff/config/messages", claims=AGENT).status == 403
    current = morning.call("GET", "/v1/staff/config/messages", claims=ADMIN)
    assert current.status == 200 and current.body == DEFAULT_TEMPLATES.model_dump()
    assert "查询码" in current.text  # served unescaped

    mine = {**current.body, "receipt": "【市民热线】已受理{number}，查询码{code}：{link}"}
    stored = morning.call("PUT", "/v1/staff/config/messages", mine, claims=ADMIN)
    assert (stored.status, stored.body) == (200, mine)

    number, code = submit(morning)
    (receipt,) = stored_item(number)["messages"]
    assert receipt["text"] == f"【市民热线】已受理{number}，查询码{code}：{SITE}/track/{number}"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"receipt": "您好{name}：{number}"}, "receipt"),
        ({"question": ""}, "question"),
        ({"survey": "长" * 301}, "survey"),
        ({"reply": "工单{number"}, "reply"),
        ({"unknown": "x"}, "unknown"),
    ],
)
def test_a_template_that_does_not_fit_is_422_naming_it(morning: Api, change: dict[str, str], field: str) -> None:
    body = {**DEFAULT_TEMPLATES.model_dump(), **change}

    refused = morning.call("PUT", "/v1/staff/config/messages", body, claims=ADMIN)

    assert refused.status == 422
    assert [f["field"] for f in refused.body["error"]["fields"]] == [field]
    assert morning.call("GET", "/v1/staff/config/messages", claims=ADMIN).body == DEFAULT_TEMPLATES.model_dump()
