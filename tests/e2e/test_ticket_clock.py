"""The ticket clock in the local cloud, watched over HTTP as a user of `TIME_SCALE=3600 make run` would."""

import time
from typing import Any

import requests

from tests.e2e.conftest import Cloud
from tests.support.forms import BUS, NOISE


def _submit(cloud: Cloud, http: requests.Session, form: dict[str, Any]) -> str:
    created = http.post(f"{cloud.url}/v1/tickets", json=form, timeout=30)
    assert created.status_code == 201, created.text
    return str(created.json()["number"])


def _watch(cloud: Cloud, http: requests.Session, number: str, until: str, seconds: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        reply = http.get(f"{cloud.url}/v1/staff/tickets/{number}", headers=cloud.staff("dispatcher"), timeout=30)
        assert reply.status_code == 200, reply.text
        ticket: dict[str, Any] = reply.json()
        if until in [e["type"] for e in ticket["timeline"]] or time.monotonic() > deadline:
            return ticket


def test_an_undispatched_ticket_is_reminded_breached_and_escalated(cloud: Cloud, http: requests.Session) -> None:
    number = _submit(cloud, http, BUS)  # no routing rule: it waits in the dispatch queue

    ticket = _watch(cloud, http, number, until="ticket.escalated")

    kinds = [e["type"] for e in ticket["timeline"]]
    assert kinds[:5] == ["ticket.created", "ticket.reminded", "ticket.reminded", "ticket.breached", "ticket.escalated"]
    escalated = next(e for e in ticket["timeline"] if e["type"] == "ticket.escalated")
    assert escalated["data"]["level"] == 1 and escalated["data"]["to"] == ["hotline-office"]
    overdue = http.get(f"{cloud.url}/v1/staff/tickets?overdue=true", headers=cloud.staff("dispatcher"), timeout=30)
    assert number in [t["number"] for t in overdue.json()["items"]]


def test_a_routed_ticket_is_handled_by_its_unit_and_the_reply_ends_the_clock(
    cloud: Cloud, http: requests.Session
) -> None:
    created = http.post(f"{cloud.url}/v1/tickets", json=NOISE, timeout=30).json()
    number, code = created["number"], created["access_code"]
    _watch(cloud, http, number, until="ticket.dispatched")
    unit = cloud.staff("unit")
    for action, body in [("accept", {}), ("reply", {"result": "已责令停工", "cause_code": "construction.permit"})]:
        reply = http.post(f"{cloud.url}/v1/staff/tickets/{number}/{action}", json=body, headers=unit, timeout=30)
        assert reply.status_code == 200, reply.text

    tracked = http.get(f"{cloud.url}/v1/tickets/{number}", params={"code": code}, timeout=30).json()
    assert tracked["status"] == "replied" and tracked["note"] == "已责令停工"
    assert (tracked["status_label"], tracked["reply_by"]) == ("已答复", None)  # the resolve deadline is met
    assert tracked["timeline"][-1] == {**tracked["timeline"][-1], "label": "已答复", "text": "已责令停工"}
