"""Reports in the local cloud over HTTP, at an hour of deadlines per second: the daily bulletin's schedule fires at
08:00 of the centre's (scaled) day and reports the day before; its files download through the links the API gives, as
a person running `make run` would follow them."""

import csv
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from openpyxl import load_workbook

from tests.e2e.conftest import Cloud
from tests.support.forms import FORM
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _report(cloud: Cloud, http: requests.Session, report_id: str) -> dict[str, Any] | None:
    reply = http.get(f"{cloud.url}/v1/staff/reports/{report_id}", headers=cloud.staff("supervisor"), timeout=30)
    if reply.status_code == 404:
        return None
    assert reply.status_code == 200, reply.text
    found: dict[str, Any] = reply.json()
    return found if found["status"] == "ready" else None


def test_the_daily_bulletin_is_generated_on_schedule_and_its_files_download(
    cloud: Cloud, http: requests.Session
) -> None:
    created = http.post(f"{cloud.url}/v1/tickets", json=FORM, timeout=30)
    assert created.status_code == 201, created.text
    day = datetime.fromisoformat(created.json()["received_at"].replace("Z", "+00:00")).astimezone(SHANGHAI).date()

    # The next 08:00 after that day's receipt is at most a scaled day away: 24 s at 3600×.
    report = wait_for(
        "the daily bulletin of the ticket's day", lambda: _report(cloud, http, f"daily-{day.isoformat()}"), 120, pause=1
    )

    assert report["requested_by"] == {"role": "system", "id": None}
    assert report["period"] == {"kind": "daily", "first": day.isoformat(), "last": day.isoformat()}
    assert report["summary"]["basics"]["received"] >= 1
    assert "chaoyang" in [share["code"] for share in report["summary"]["basics"]["by_region"]]
    links = {link["format"]: link["url"] for link in report["files"]}
    assert set(links) == {"json", "csv", "xlsx", "html"}
    downloaded = {fmt: http.get(url, timeout=30) for fmt, url in links.items()}
    assert all(reply.status_code == 200 for reply in downloaded.values())
    assert downloaded["json"].json()["period"] == report["period"]
    rows = list(csv.DictReader(io.StringIO(downloaded["csv"].content.decode("utf-8-sig"))))
    assert any(row["项目"] == "受理总量" and int(row["数量"]) >= 1 for row in rows)
    book = load_workbook(io.BytesIO(downloaded["xlsx"].content))
    assert "考核排名" in book.sheetnames
    page = downloaded["html"].content.decode()
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 5
    listed = http.get(f"{cloud.url}/v1/staff/reports", params={"kind": "daily"}, headers=cloud.staff("supervisor"))
    assert f"daily-{day.isoformat()}" in [item["id"] for item in listed.json()["items"]]
