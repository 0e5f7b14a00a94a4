"""A major incident (重大事件) in the local cloud over HTTP: six similar reports in a minute become one incident with
six tickets, the seventh joins it, and resolving it reaches all seven customers."""

import json
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
import requests

from tests.e2e.conftest import TIME_SCALE, Cloud
from tests.support.forms import FORM
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e

RESULT = "供电线路故障已排除，已恢复供电"
WAIT_SECONDS = 90


def _ok(reply: requests.Response) -> Any:
    assert reply.status_code in (200, 201), reply.text
    return reply.json()


def _texts_to(cloud: Cloud, phone: str) -> list[str]:
    lines = [json.loads(line) for line in Path(cloud.info["outbox"]).read_text(encoding="utf-8").splitlines()]
    return [line["text"] for line in lines if line["to"] == phone]


def test_six_reports_in_a_minute_make_one_incident_the_seventh_joins_and_resolving_reaches_all_seven(
    cloud: Cloud, http: requests.Session
) -> None:
    supervisor = cloud.staff("supervisor")
    rules_url = f"{cloud.url}/v1/staff/config/incidents"
    defaults = _ok(http.get(rules_url, headers=supervisor, timeout=30))
    # The cloud runs an hour of deadlines every second (TIME_SCALE): a burst window of a week spans the test's
    # couple of minutes, as the default hour spans a real minute.
    week = 7 * 24 * 60
    assert week * 60 / TIME_SCALE > 120
    _ok(http.put(rules_url, json={**defaults, "window_minutes": week}, headers=supervisor, timeout=30))
    region = f"e2e-{uuid4().hex[:8]}"  # an area of its own: no other test's tickets count
    phones = [f"+86139{i:08d}" for i in range(7)]

    def report(phone: str) -> str:
        form = {
            **FORM,
            "category": "housing.power",
            "subject": "小区突然停电",
            "description": "整栋楼停电，电梯停运",
            "location": {"address": "北京市朝阳区建国路88号", "region": region},
            "contact": {"name": "市民", "phone": phone.removeprefix("+86")},
        }
        return str(_ok(http.post(f"{cloud.url}/v1/tickets", json=form, timeout=30))["number"])

    def incidents() -> list[dict[str, Any]]:
        listed = _ok(http.get(f"{cloud.url}/v1/staff/incidents", headers=supervisor, timeout=30))["items"]
        return [i for i in listed if (i["area"] or {}).get("region") == region]

    def bound_to(number: str) -> str | None:
        record = _ok(http.get(f"{cloud.url}/v1/staff/tickets/{number}", headers=supervisor, timeout=30))
        primary: str | None = record["handling"]["primary"]
        return primary

    try:
        numbers = [report(phone) for phone in phones[:6]]
        incident = wait_for("one incident of the six", lambda: _single(incidents(), numbers), WAIT_SECONDS)
        assert incident["primary"] == numbers[0] and incident["status"] == "open"
        # The declaration claims the tickets first and binds them under the primary just after.
        for number in numbers[1:]:
            wait_for(
                f"{number} bound under {numbers[0]}",
                lambda number=number: bound_to(number) == numbers[0] or None,
                WAIT_SECONDS,
            )

        seventh = report(phones[6])
        joined = wait_for("the seventh to join", lambda: _single(incidents(), [*numbers, seventh]), WAIT_SECONDS)
        assert joined["id"] == incident["id"]

        resolve = f"{cloud.url}/v1/staff/incidents/{incident['id']}/resolve"
        resolved = _ok(http.post(resolve, json={"result": RESULT}, headers=supervisor, timeout=60))
        assert resolved["status"] == "resolved"

        def replied(number: str) -> dict[str, Any] | None:
            record: dict[str, Any] = _ok(
                http.get(f"{cloud.url}/v1/staff/tickets/{number}", headers=supervisor, timeout=30)
            )
            return record if record["status"] == "replied" else None

        for number in [*numbers, seventh]:
            record = wait_for(f"{number} replied", lambda number=number: replied(number), WAIT_SECONDS)
            assert record["result"] == RESULT and record["handling"]["survey"]["channel"] == "sms"
        # Each customer is texted the result with the survey's link (now, or at 08:00 after quiet hours).
        for phone in phones:
            wait_for(
                f"the text to {phone}",
                lambda phone=phone: [t for t in _texts_to(cloud, phone) if RESULT in t] or None,
                WAIT_SECONDS,
            )
    finally:
        _ok(http.put(rules_url, json=defaults, headers=supervisor, timeout=30))


def _single(found: list[dict[str, Any]], numbers: list[str]) -> dict[str, Any] | None:
    """The one incident, once it has exactly these tickets (detection may still be binding the last ones)."""
    assert len(found) <= 1, found
    return found[0] if found and found[0]["tickets"] == numbers else None
