"""Outcomes reach partners and customers, in UTF-8: the partner's reads carry the result, resolution, cause and survey;
the customer's view speaks Chinese and shows a public timeline without the centre's internals."""

from typing import Any

import pytest
from hotline.domain.surveys.outcomes import Answer
from hotline.domain.tickets.survey import Grade
from hotline.services import api_services

from tests.integration.conftest import Api, Reply, staff_claims
from tests.support.forms import FORM
from tests.support.services import seed_units

URBAN = "district-urban-management"
AGENT = staff_claims("agent", username="agent1")
DISPATCHER = staff_claims("dispatcher", username="dispatcher1")
SUPERVISOR = staff_claims("supervisor", username="supervisor1")
UNIT = staff_claims("unit", unit=URBAN, username="unit1")
REPLY = {"result": "已责令施工单位停止夜间施工", "cause_code": "construction.permit"}


@pytest.fixture
def units(api: Api) -> Api:
    seed_units()
    return api


def act(api: Api, number: str, action: str, body: dict[str, Any], claims: dict[str, Any]) -> dict[str, Any]:
    reply = api.call("POST", f"/v1/staff/tickets/{number}/{action}", body, claims=claims)
    assert reply.status == 200, reply.body
    return dict(reply.body)


def replied(api: Api, number: str) -> None:
    act(api, number, "dispatch", {"unit_id": URBAN, "note": "派单备注"}, DISPATCHER)
    act(api, number, "accept", {}, UNIT)
    act(api, number, "reply", REPLY, UNIT)


def answer_survey(number: str, partner_id: str, grade: Grade, solved: bool) -> None:
    """The partner submits its customer's answer (the survey process; its route and rules have their own tests)."""
    partner = api_services().partners.get(partner_id)
    assert partner is not None
    api_services().surveys.answer_for_partner(number, partner, Answer(grade=grade, solved=solved))


def assert_utf8_json(reply: Reply) -> None:
    assert reply.headers["Content-Type"] == "application/json; charset=utf-8"
    assert "\\u" not in reply.text


# -- partners ------------------------------------------------------------------------------------------


def test_a_partners_reads_carry_the_outcome_and_the_survey_but_no_internal_levels(
    units: Api, partners: dict[str, str]
) -> None:
    api, key = units, partners["city-app"]
    number = api.call("POST", "/v1/partner/tickets", {**FORM, "external_ref": "APP-7"}, api_key_id=key).body["number"]
    replied(api, number)
    act(api, number, "supervise", {"note": "重点督办"}, SUPERVISOR)  # escalates to level 2: the centre's business
    answer_survey(number, "city-app", Grade.BASICALLY_SATISFIED, solved=True)  # → closed as resolved

    read = api.call("GET", f"/v1/partner/tickets/{number}", api_key_id=key)
    [listed] = api.call("GET", "/v1/partner/tickets", api_key_id=key).body["items"]

    assert read.status == 200
    for view in (read.body, listed):
        assert (view["result"], view["cause_code"], view["resolution"]) == (
            REPLY["result"],
            "construction.permit",
            "resolved",
        )
        assert view["survey"]["grade"] == "basically_satisfied" and view["survey"]["solved"] is True
        assert "escalation_level" not in view
    assert "unit1" not in read.text and "supervisor1" not in read.text
    assert_utf8_json(read)
    assert REPLY["result"] in read.text  # Chinese as UTF-8, not \\u escapes


def test_a_partner_sees_a_direct_answer_as_the_result(units: Api, partners: dict[str, str]) -> None:
    api, key = units, partners["city-app"]
    number = api.call("POST", "/v1/partner/tickets", {**FORM, "external_ref": "APP-8"}, api_key_id=key).body["number"]
    act(api, number, "close", {"resolution": "referred", "agency": "12348", "note": "劳动争议"}, AGENT)

    view = api.call("GET", f"/v1/partner/tickets/{number}", api_key_id=key).body

    assert (view["status"], view["resolution"], view["referred_to"]) == ("closed", "referred", "12348")
    assert "12348" in view["result"] and "劳动争议" not in str(view)  # the centre's note stays internal


# -- customers -----------------------------------------------------------------------------------------


def test_the_customers_view_speaks_chinese_and_its_timeline_hides_the_centres_internals(units: Api) -> None:
    api = units
    created = api.call("POST", "/v1/tickets", FORM).body
    number, code = created["number"], created["access_code"]

    def customer() -> Reply:
        reply = api.call("GET", f"/v1/tickets/{number}", query=f"code={code}")
        assert reply.status == 200, reply.body
        return reply

    assert (customer().body["status"], customer().body["status_label"]) == ("received", "已受理")
    act(api, number, "urge", {"note": "市民催促"}, AGENT)
    act(api, number, "supervise", {"note": "列入督办"}, SUPERVISOR)
    act(api, number, "dispatch", {"unit_id": URBAN, "note": "派单备注"}, DISPATCHER)
    act(api, number, "accept", {"note": "已接单"}, UNIT)
    act(api, number, "request-info", {"question": "请提供工地的具体位置"}, UNIT)
    waiting = customer().body
    assert (waiting["status_label"], waiting["note"]) == ("待补充材料", "请提供工地的具体位置")
    act(api, number, "info-received", {"note": "市民来电：建国路88号东侧"}, AGENT)
    act(api, number, "reply", REPLY, UNIT)

    reply = customer()
    view = reply.body
    assert (view["status"], view["status_label"]) == ("replied", "已答复")
    # (the reply's survey text is sent now or, in quiet hours, at 08:00: its survey.sent is left out here)
    assert [(e["type"], e["label"], e["text"]) for e in view["timeline"] if e["type"] != "survey.sent"] == [
        ("ticket.created", "已受理", None),
        ("ticket.dispatched", "已派单至承办单位", None),
        ("ticket.accepted", "承办单位已接单，正在办理", None),
        ("ticket.info_requested", "请您补充材料", "请提供工地的具体位置"),
        ("ticket.info_received", "已收到补充材料，继续办理", None),
        ("ticket.replied", "已答复", REPLY["result"]),
    ]
    for internal in ("escalation_level", "reminders_sent", "deadlines", "level"):
        assert internal not in view
    for hidden in ("unit1", "agent1", "supervisor1", "列入督办", "市民催促", "派单备注", URBAN, "construction.permit"):
        assert hidden not in reply.text
    assert_utf8_json(reply)

    act(api, number, "close", {"resolution": "resolved", "note": "回访满意"}, AGENT)
    closed = customer().body
    assert (closed["status_label"], closed["resolution_label"]) == ("已办结", "已解决")
    assert closed["timeline"][-1]["label"] == "已办结（已解决）"


# -- UTF-8 ---------------------------------------------------------------------------------------------


def test_every_json_answer_is_utf8_with_chinese_unescaped(units: Api) -> None:
    api = units
    created = api.call("POST", "/v1/tickets", FORM)
    assert created.status == 201
    assert_utf8_json(created)

    catalog = api.call("GET", "/v1/catalog")
    assert "城市管理" in catalog.text  # the raw body, not "\\u57ce…"
    assert_utf8_json(catalog)

    staff = api.call("GET", f"/v1/staff/tickets/{created.body['number']}", claims=AGENT)
    assert FORM["subject"] in staff.text
    assert_utf8_json(staff)

    missing = api.call("GET", "/v1/tickets/2611-999999", query="code=1")
    assert missing.status == 404
    assert missing.headers["Content-Type"] == "application/json; charset=utf-8"
    invalid = api.call("POST", "/v1/tickets", {**FORM, "category": "城市.噪音"})
    assert invalid.status == 422 and "城市.噪音" in invalid.text
    assert_utf8_json(invalid)

    public = api.call("POST", "/v1/tickets", {**FORM, "public": True}).body["number"]
    open311 = api.call("GET", "/open311/v2/requests.json", query=f"service_request_id={public}")
    assert open311.status == 200, open311.body
    assert "建国路" in open311.text  # the public street, in Open311's own JSON
    assert_utf8_json(open311)
