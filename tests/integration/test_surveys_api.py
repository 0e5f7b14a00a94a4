"""The survey's routes through the real API handler on moto: the customer answers with the access code or the text's
one-time link, a partner for its own tickets, agents work the callback queue (answers, and calls that do not reach
the customer until the ticket closes `no_response`)."""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from hotline.services import surveys_services

from tests.integration.conftest import Api, Reply, staff_claims
from tests.integration.test_customer_texts import MORNING, SITE, domain_time_from, stored_item
from tests.support.forms import FORM
from tests.support.services import seed_units

URBAN = "district-urban-management"
AGENT = staff_claims("agent", username="agent1")
DISPATCHER = staff_claims("dispatcher", username="dispatcher1")
SUPERVISOR = staff_claims("supervisor", username="supervisor1")
UNIT = staff_claims("unit", unit=URBAN, username="unit1")
REPLY = {"result": "已责令施工单位停止夜间施工", "cause_code": "construction.permit"}
SATISFIED = {"grade": "satisfied", "solved": True, "comment": "处理很及时"}
DISSATISFIED = {"grade": "dissatisfied", "solved": False, "comment": "晚上十一点后仍在施工"}
PAST_THE_WINDOW = datetime(2026, 11, 25, 2, tzinfo=UTC)  # Wednesday 10:00: replied Friday, 2 working days are over


@pytest.fixture
def morning(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    """Domain time on a Friday morning in Shanghai: texts go out at once."""
    domain_time_from(monkeypatch, MORNING)
    seed_units()
    yield api


def ok(reply: Reply) -> dict[str, Any]:
    assert reply.status == 200, reply.body
    return dict(reply.body)


def act(api: Api, number: str, action: str, claims: dict[str, Any], **body: Any) -> dict[str, Any]:
    return ok(api.call("POST", f"/v1/staff/tickets/{number}/{action}", body, claims=claims))


def reply(api: Api, number: str) -> None:
    """The unit (accepts if need be and) replies; the first time, the ticket is dispatched to it first."""
    status = api.call("GET", f"/v1/staff/tickets/{number}", claims=AGENT).body["status"]
    if status == "received":
        act(api, number, "dispatch", DISPATCHER, unit_id=URBAN)
        status = "dispatched"
    if status == "dispatched":
        act(api, number, "accept", UNIT)
    act(api, number, "reply", UNIT, **REPLY)


def submitted(api: Api) -> tuple[str, str]:
    created = api.call("POST", "/v1/tickets", FORM)
    assert created.status == 201, created.body
    return created.body["number"], created.body["access_code"]


def called(api: Api, **extra: Any) -> str:
    """A phone ticket an agent registered, replied to: its survey waits in the callback queue."""
    created = api.call("POST", "/v1/staff/tickets", {**FORM, "channel": "phone", **extra}, claims=AGENT)
    assert created.status == 201, created.body
    reply(api, created.body["number"])
    return str(created.body["number"])


def survey_link(number: str) -> str:
    """The one-time link the reply's text carries (the write's texts, as the table stream hands them on)."""
    (text,) = [m for m in stored_item(number)["messages"] if m["kind"] == "reply"]
    assert "已责令施工单位停止夜间施工" in text["text"] and text["to"] == "+8613800138000"
    return str(text["text"][text["text"].index(SITE) :])


def answer(api: Api, number: str, code: str, body: dict[str, Any]) -> Reply:
    return api.call("POST", f"/v1/tickets/{number}/survey", body, query=f"code={code}")


# -- the customer --------------------------------------------------------------------------------------


def test_the_customer_answers_with_the_access_code_and_a_second_answer_is_a_conflict(morning: Api) -> None:
    number, code = submitted(morning)
    reply(morning, number)

    view = ok(answer(morning, number, code, SATISFIED))

    assert (view["number"], view["status"]) == (number, "closed")
    record = ok(morning.call("GET", f"/v1/staff/tickets/{number}", claims=AGENT))
    survey = record["handling"]["survey"]
    assert (survey["round"], survey["channel"], survey["grade"], survey["solved"], survey["comment"]) == (
        1,
        "sms",
        "satisfied",
        True,
        "处理很及时",
    )
    assert "token_hash" not in survey
    types = [e["type"] for e in record["timeline"]]
    assert types[-4:] == ["ticket.replied", "survey.sent", "survey.answered", "ticket.closed"]
    assert record["timeline"][-1]["data"]["resolution"] == "resolved"

    again = answer(morning, number, code, DISSATISFIED)
    assert again.status == 409
    assert (again.body["error"]["code"], again.body["error"]["current_status"]) == ("survey_answered", "closed")


def test_the_texts_link_answers_its_round_and_dissatisfied_sends_the_ticket_back(morning: Api) -> None:
    number, code = submitted(morning)
    reply(morning, number)
    link = survey_link(number)
    assert link.startswith(f"{SITE}/survey/{number}?code=")
    token = parse_qs(urlsplit(link).query)["code"][0]
    assert token != code and token not in str(stored_item(number)["doc"])  # only its keyed hash is stored

    view = ok(answer(morning, number, token, DISSATISFIED))

    assert view["status"] == "in_progress"
    record = ok(morning.call("GET", f"/v1/staff/tickets/{number}", claims=UNIT))
    assert (
        record["unit_id"],
        record["handling"]["counts"]["reopened"],
        record["handling"]["counts"]["dissatisfied"],
    ) == (
        URBAN,
        1,
        1,
    )
    answered = next(e for e in record["timeline"] if e["type"] == "survey.answered")
    assert answered["data"]["comment"] == "晚上十一点后仍在施工"
    assert [n["kind"] for n in stored_item(number)["notifications"]] == ["rework"]

    reply(morning, number)  # the second round: a new text, a new link
    assert answer(morning, number, token, SATISFIED).status == 404  # the first round's link opens nothing now
    second = parse_qs(urlsplit(survey_link(number)).query)["code"][0]
    assert ok(answer(morning, number, second, SATISFIED))["status"] == "closed"


def test_a_wrong_code_answers_exactly_like_an_unknown_number(morning: Api) -> None:
    number, code = submitted(morning)
    reply(morning, number)
    wrong = "00000000" if code != "00000000" else "11111111"

    mistaken = answer(morning, number, wrong, SATISFIED)
    unknown = answer(morning, "2611-999999", code, SATISFIED)

    assert mistaken.status == unknown.status == 404
    assert mistaken.body == unknown.body
    assert ok(morning.call("GET", f"/v1/staff/tickets/{number}", claims=AGENT))["status"] == "replied"


def test_the_texts_link_reads_the_ticket_it_asks_about_as_the_access_code_does(morning: Api) -> None:
    number, code = submitted(morning)
    reply(morning, number)
    token = parse_qs(urlsplit(survey_link(number)).query)["code"][0]

    by_link = ok(morning.call("GET", f"/v1/tickets/{number}", query=f"code={token}"))

    assert by_link == ok(morning.call("GET", f"/v1/tickets/{number}", query=f"code={code}"))
    assert (by_link["status"], by_link["note"]) == ("replied", REPLY["result"])
    assert "contact" not in by_link and "handling" not in by_link  # the customer's view, nothing more


def test_a_wrong_link_code_is_an_unknown_number_and_counts_towards_the_limit(morning: Api) -> None:
    number, _ = submitted(morning)
    reply(morning, number)
    token = parse_qs(urlsplit(survey_link(number)).query)["code"][0]
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")

    unknown = morning.call("GET", "/v1/tickets/2611-999999", query=f"code={token}")
    mistaken = morning.call("GET", f"/v1/tickets/{number}", query=f"code={wrong}")

    assert mistaken.status == unknown.status == 404 and mistaken.body == unknown.body
    for _ in range(9):
        assert morning.call("GET", f"/v1/tickets/{number}", query=f"code={wrong}").status == 404
    locked = morning.call("GET", f"/v1/tickets/{number}", query=f"code={token}")
    assert (locked.status, locked.body["error"]["code"]) == (429, "too_many_attempts")  # even the right link


def test_a_second_answer_by_the_link_is_409_and_the_link_still_shows_the_ticket(morning: Api) -> None:
    number, code = submitted(morning)
    reply(morning, number)
    token = parse_qs(urlsplit(survey_link(number)).query)["code"][0]
    assert ok(answer(morning, number, token, SATISFIED))["status"] == "closed"

    again = answer(morning, number, token, DISSATISFIED)
    with_code = answer(morning, number, code, DISSATISFIED)

    assert again.status == with_code.status == 409
    assert again.body == with_code.body
    assert (again.body["error"]["code"], again.body["error"]["current_status"]) == ("survey_answered", "closed")
    view = ok(morning.call("GET", f"/v1/tickets/{number}", query=f"code={token}"))
    assert (view["status"], view["resolution"], view["note"]) == ("closed", "resolved", REPLY["result"])
    assert view["timeline"][-2]["type"] == "survey.answered"


def test_the_link_has_expired_once_the_survey_closed_unanswered_or_its_window_is_over(
    morning: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    unanswered, code = submitted(morning)
    answered, _ = submitted(morning)
    tokens: dict[str, str] = {}
    for number in (unanswered, answered):
        reply(morning, number)
        tokens[number] = parse_qs(urlsplit(survey_link(number)).query)["code"][0]
    ok(answer(morning, answered, tokens[answered], SATISFIED))

    domain_time_from(monkeypatch, PAST_THE_WINDOW)
    services = surveys_services()
    assert services.sweep.sweep(services.clock.now()) == 1  # closes the unanswered one `no_response`

    for number, token in tokens.items():
        read = morning.call("GET", f"/v1/tickets/{number}", query=f"code={token}")
        again = answer(morning, number, token, SATISFIED)
        for refused in (read, again):
            assert refused.status == 410, refused.body
            assert refused.body["error"] == {"code": "survey_link_expired", "message": "this survey link has expired"}
    assert ok(morning.call("GET", f"/v1/tickets/{unanswered}", query=f"code={code}"))["resolution"] == "no_response"
    expired = answer(morning, unanswered, code, SATISFIED)
    assert (expired.status, expired.body["error"]["code"]) == (409, "survey_expired")  # the access code still works


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"grade": "very_satisfied", "solved": True}, "grade"),
        ({"grade": "satisfied"}, "solved"),
        ({"grade": "satisfied", "solved": True, "comment": "长" * 501}, "comment"),
        ({"grade": "satisfied", "solved": True, "score": 5}, "score"),
    ],
)
def test_an_answer_that_does_not_fit_is_refused_naming_the_field(morning: Api, body: Any, field: str) -> None:
    number, code = submitted(morning)
    reply(morning, number)

    refused = answer(morning, number, code, body)

    assert refused.status == 422
    assert [f["field"] for f in refused.body["error"]["fields"]] == [field]


# -- the partner ---------------------------------------------------------------------------------------


def test_a_partner_answers_its_own_tickets_survey(morning: Api, partners: dict[str, str]) -> None:
    created = morning.call(
        "POST", "/v1/partner/tickets", {**FORM, "external_ref": "APP-9"}, api_key_id=partners["city-app"]
    )
    number = created.body["number"]
    reply(morning, number)
    record = ok(morning.call("GET", f"/v1/staff/tickets/{number}", claims=AGENT))
    sent = next(e for e in record["timeline"] if e["type"] == "survey.sent")
    assert sent["data"]["channel"] == "partner"
    path = f"/v1/partner/tickets/{number}/survey"

    assert morning.call("POST", path, SATISFIED, api_key_id=partners["crm"]).status == 404
    assert morning.call("POST", path, SATISFIED).status == 401
    view = ok(
        morning.call("POST", path, {"grade": "basically_satisfied", "solved": True}, api_key_id=partners["city-app"])
    )

    assert (view["number"], view["status"]) == (number, "closed")
    record = ok(morning.call("GET", f"/v1/staff/tickets/{number}", claims=AGENT))
    answered = next(e for e in record["timeline"] if e["type"] == "survey.answered")
    assert answered["actor"] == {"role": "partner", "id": "city-app"}
    assert morning.call("POST", path, SATISFIED, api_key_id=partners["city-app"]).status == 409


# -- the callback queue --------------------------------------------------------------------------------


def test_the_callback_queue_lists_calls_oldest_due_first_and_a_reached_call_answers(morning: Api) -> None:
    normal = called(morning)
    urgent = called(morning, priority="urgent")  # its callback is due within 1 working day, before the other's
    texted, _ = submitted(morning)
    reply(morning, texted)

    assert morning.call("GET", "/v1/staff/callbacks", claims=UNIT).status == 403
    queue = ok(morning.call("GET", "/v1/staff/callbacks", claims=AGENT))
    assert [item["number"] for item in queue["items"]] == [urgent, normal]
    first = queue["items"][0]
    assert (first["result"], first["survey_round"], first["attempts"]) == (REPLY["result"], 1, 0)
    assert first["contact"]["phone"] == "13800138000"  # whom to call
    assert first["callback_due"] < queue["items"][1]["callback_due"]
    page = ok(morning.call("GET", "/v1/staff/callbacks", query="limit=1", claims=SUPERVISOR))
    assert [item["number"] for item in page["items"]] == [urgent] and page["next"]
    rest = ok(morning.call("GET", "/v1/staff/callbacks", query=f"limit=1&next={page['next']}", claims=SUPERVISOR))
    assert [item["number"] for item in rest["items"]] == [normal]

    record = act(morning, urgent, "callback", AGENT, reached=True, grade="satisfied", solved=True, comment="满意")

    assert (record["status"], record["handling"]["resolution"]) == ("closed", "resolved")
    answered = next(e for e in record["timeline"] if e["type"] == "survey.answered")
    assert (answered["actor"]["role"], answered["data"]["channel"], answered["data"]["comment"]) == (
        "agent",
        "call",
        "满意",
    )
    queue = ok(morning.call("GET", "/v1/staff/callbacks", claims=AGENT))
    assert [item["number"] for item in queue["items"]] == [normal]


def test_calls_that_do_not_reach_the_customer_close_the_ticket_no_response_after_three(morning: Api) -> None:
    number = called(morning)

    for attempt in (1, 2):
        record = act(morning, number, "callback", AGENT, reached=False)
        assert (record["status"], record["handling"]["survey"]["attempts"]) == ("replied", attempt)
    record = act(morning, number, "callback", AGENT, reached=False)

    assert (record["status"], record["handling"]["resolution"]) == ("closed", "no_response")
    types = [e["type"] for e in record["timeline"]]
    assert types.count("survey.unreached") == 3 and types[-2:] == ["survey.expired", "ticket.closed"]
    assert ok(morning.call("GET", "/v1/staff/callbacks", claims=AGENT))["items"] == []
    late = morning.call("POST", f"/v1/staff/tickets/{number}/callback", {"reached": False}, claims=AGENT)
    assert late.status == 409 and late.body["error"]["code"] == "survey_expired"


def test_a_reached_call_without_the_answer_is_refused_naming_the_field(morning: Api) -> None:
    number = called(morning)

    refused = morning.call(
        "POST", f"/v1/staff/tickets/{number}/callback", {"reached": True, "solved": True}, claims=AGENT
    )

    assert refused.status == 422
    assert [f["field"] for f in refused.body["error"]["fields"]] == ["grade"]


def test_three_reworks_make_a_problem_ticket_at_leadership_level_listed_as_such(morning: Api) -> None:
    number = called(morning)
    for round_ in (1, 2, 3):
        if round_ > 1:
            reply(morning, number)
        act(morning, number, "callback", AGENT, reached=True, grade="dissatisfied", solved=False, comment="仍未解决")

    record = ok(morning.call("GET", f"/v1/staff/tickets/{number}", claims=SUPERVISOR))
    assert record["handling"]["problem"] is True and record["handling"]["escalation_level"] == 3
    assert record["handling"]["counts"]["reopened"] == 3
    problems = ok(morning.call("GET", "/v1/staff/tickets", query="problem=true", claims=SUPERVISOR))
    assert [item["number"] for item in problems["items"]] == [number]
    others = ok(morning.call("GET", "/v1/staff/tickets", query="problem=false", claims=SUPERVISOR))
    assert number not in [item["number"] for item in others["items"]]
