"""The callback survey (反馈回访) in the local cloud over HTTP, at an hour of deadlines per second: the texts a
customer would get are in the outbox file, the schedule's sweep sends and expires surveys on its own, and each
channel's answer closes or reopens the ticket."""

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.conftest import Cloud
from tests.support.forms import FORM
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e

URBAN = "district-urban-management"  # where the demo routing sends FORM (urban.noise)


def _post(http: requests.Session, url: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    reply = http.post(url, json=body, headers=headers, timeout=30)
    assert reply.status_code in (200, 201), reply.text
    return reply.json()


def _ticket(cloud: Cloud, http: requests.Session, number: str) -> dict[str, Any]:
    reply = http.get(f"{cloud.url}/v1/staff/tickets/{number}", headers=cloud.staff("dispatcher"), timeout=30)
    assert reply.status_code == 200, reply.text
    ticket: dict[str, Any] = reply.json()
    return ticket


def _handled_and_replied(cloud: Cloud, http: requests.Session, number: str, result: str) -> None:
    """The demo routing dispatches it at the clock's first wake-up; its unit accepts and replies."""
    wait_for("the routing", lambda: _ticket(cloud, http, number)["status"] == "dispatched" or None)
    unit = cloud.staff("unit")
    _post(http, f"{cloud.url}/v1/staff/tickets/{number}/accept", {}, unit)
    _post(http, f"{cloud.url}/v1/staff/tickets/{number}/reply", {"result": result, "cause_code": "construction"}, unit)


def _survey_links(cloud: Cloud, number: str) -> list[str]:
    """The `code`s of the survey links texted about the ticket, oldest first (outbox lines are JSON, one a line)."""
    lines = [json.loads(line) for line in Path(cloud.info["outbox"]).read_text(encoding="utf-8").splitlines()]
    link = re.compile(rf"/survey/{re.escape(number)}\?code=([\w-]+)")
    return [m.group(1) for line in lines if line["kind"] == "sms" for m in [link.search(line["text"])] if m]


def _types(ticket: dict[str, Any]) -> list[str]:
    return [event["type"] for event in ticket["timeline"]]


def test_a_dissatisfied_customer_gets_a_rework_and_an_unanswered_survey_closes_no_response(
    cloud: Cloud, http: requests.Session
) -> None:
    number = _post(http, f"{cloud.url}/v1/tickets", FORM)["number"]
    _handled_and_replied(cloud, http, number, "已责令工地停止夜间施工")
    # Sent with the reply, or by the schedule's sweep at 08:00 when the reply came in quiet hours.
    (first,) = wait_for("the survey text", lambda: _survey_links(cloud, number) or None)

    answered = http.post(
        f"{cloud.url}/v1/tickets/{number}/survey",
        params={"code": first},
        json={"grade": "dissatisfied", "solved": False, "comment": "晚上还在施工"},
        timeout=30,
    )

    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "in_progress"
    reworked = _ticket(cloud, http, number)
    assert (reworked["status"], reworked["unit_id"]) == ("in_progress", URBAN)  # back to the same unit
    assert reworked["handling"]["counts"]["reopened"] == 1
    again = http.post(
        f"{cloud.url}/v1/tickets/{number}/survey", params={"code": first}, json={"grade": "satisfied", "solved": True}
    )
    # The round is answered: 409 while the survey's window lasts, then the link has expired (410).
    assert again.status_code in (409, 410), again.text

    _post(
        http,
        f"{cloud.url}/v1/staff/tickets/{number}/reply",
        {"result": "已没收施工设备", "cause_code": "construction"},
        cloud.staff("unit"),
    )
    second = wait_for("the second survey text", lambda: _survey_links(cloud, number)[1:] or None)[0]
    assert second != first
    # Nobody answers: 2 working days after it was sent (a minute or two here, more over a weekend) the sweep closes it.
    closed = wait_for(
        "the survey to expire",
        lambda: ticket if (ticket := _ticket(cloud, http, number))["status"] == "closed" else None,
        seconds=400,
    )

    assert closed["handling"]["resolution"] == "no_response"
    assert _types(closed).count("survey.expired") == 1 and _types(closed)[-1] == "ticket.closed"
    assert _types(closed).count("survey.sent") == 2


def test_a_phone_ticket_is_surveyed_through_the_callback_queue(cloud: Cloud, http: requests.Session) -> None:
    agent = cloud.staff("agent")
    number = _post(http, f"{cloud.url}/v1/staff/tickets", {**FORM, "channel": "phone"}, agent)["number"]
    _handled_and_replied(cloud, http, number, "已责令工地停止夜间施工")

    def queued() -> dict[str, Any] | None:
        page: dict[str, Any] = {"next": None}
        while True:
            params = {"limit": 200, **({"next": page["next"]} if page["next"] else {})}
            page = http.get(f"{cloud.url}/v1/staff/callbacks", params=params, headers=agent, timeout=30).json()
            found = next((item for item in page["items"] if item["number"] == number), None)
            if found or not page.get("next"):
                return found

    item = wait_for("the callback queue", queued)
    assert item["survey_round"] == 1 and item["attempts"] == 0
    called = _post(
        http,
        f"{cloud.url}/v1/staff/tickets/{number}/callback",
        {"reached": True, "grade": "satisfied", "solved": True, "comment": "市民表示满意"},
        agent,
    )

    assert (called["status"], called["handling"]["resolution"]) == ("closed", "resolved")
    assert "survey.answered" in _types(called)
    assert _survey_links(cloud, number) == []  # a phone ticket's survey is a call, not a text


def test_a_partner_answers_its_customers_survey_through_the_partner_route(cloud: Cloud, http: requests.Session) -> None:
    submitted = {**FORM, "external_ref": f"SURVEY-{time.time_ns()}"}
    number = _post(http, f"{cloud.url}/v1/partner/tickets", submitted, cloud.partner)["number"]
    _handled_and_replied(cloud, http, number, "已责令工地停止夜间施工")
    wait_for("survey.sent", lambda: "survey.sent" in _types(_ticket(cloud, http, number)) or None)

    answered = _post(
        http,
        f"{cloud.url}/v1/partner/tickets/{number}/survey",
        {"grade": "basically_satisfied", "solved": True},
        cloud.partner,
    )

    assert (answered["status"], answered["resolution"]) == ("closed", "resolved")
    assert _survey_links(cloud, number) == []  # the partner asks its customer itself
