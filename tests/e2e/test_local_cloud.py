"""The local cloud as a user meets it: `make run`, then HTTP."""

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from tests.e2e.conftest import Cloud
from tests.support.forms import BUS, FORM


def post(
    http: requests.Session, url: str, body: Any, headers: dict[str, str] | None = None, timeout: float = 30
) -> requests.Response:
    return http.post(url, json=body, headers=headers or {}, timeout=timeout)


def test_prints_what_a_user_needs(cloud: Cloud) -> None:
    assert cloud.url.startswith("http://127.0.0.1:")
    assert cloud.info["partner_api_key"]
    assert set(cloud.info["staff"]) == {"agent", "dispatcher", "unit", "supervisor", "admin", "knowledge"}
    assert all(s["username"] and s["password"] and s["token"] for s in cloud.info["staff"].values())


def test_citizen_submits_in_chinese_and_tracks(cloud: Cloud, http: requests.Session) -> None:
    created = post(http, f"{cloud.url}/v1/tickets", FORM)
    assert created.status_code == 201, created.text
    ticket = created.json()
    tracked = http.get(f"{cloud.url}/v1/tickets/{ticket['number']}", params={"code": ticket["access_code"]}, timeout=30)
    assert tracked.status_code == 200
    assert tracked.json()["subject"] == FORM["subject"]
    wrong = http.get(f"{cloud.url}/v1/tickets/{ticket['number']}", params={"code": "12345678"}, timeout=30)
    assert wrong.status_code == 404


def test_catalog_and_docs_are_served(cloud: Cloud, http: requests.Session) -> None:
    assert http.get(f"{cloud.url}/v1/catalog", timeout=30).json()["types"][0]["code"] == "suggestion"
    docs = http.get(f"{cloud.url}/v1/docs", timeout=30)
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def test_partner_idempotent_create_and_isolation(cloud: Cloud, http: requests.Session) -> None:
    headers = {**cloud.partner, "Idempotency-Key": "e2e-1"}
    first = post(http, f"{cloud.url}/v1/partner/tickets", {**FORM, "external_ref": "APP-7"}, headers)
    again = post(http, f"{cloud.url}/v1/partner/tickets", {**FORM, "external_ref": "APP-7"}, headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    other = post(http, f"{cloud.url}/v1/partner/tickets", {**FORM, "subject": "别的"}, headers)
    assert other.status_code == 422

    mine = http.get(f"{cloud.url}/v1/partner/tickets/{first.json()['number']}", headers=cloud.partner, timeout=30)
    assert mine.status_code == 200 and mine.json()["external_ref"] == "APP-7"
    public = post(http, f"{cloud.url}/v1/tickets", FORM).json()["number"]
    assert http.get(f"{cloud.url}/v1/partner/tickets/{public}", headers=cloud.partner, timeout=30).status_code == 404
    listed = http.get(f"{cloud.url}/v1/partner/tickets", headers=cloud.partner, timeout=30).json()["items"]
    assert public not in {t["number"] for t in listed}


def test_partner_routes_need_a_valid_key(cloud: Cloud, http: requests.Session) -> None:
    for headers in ({}, {"x-api-key": "not-a-key"}):
        reply = http.get(f"{cloud.url}/v1/partner/tickets", headers=headers, timeout=30)
        assert reply.status_code == 403
        assert reply.json()["error"]["code"] == "invalid_api_key"


def test_staff_roles_are_enforced(cloud: Cloud, http: requests.Session) -> None:
    call = {**BUS, "channel": "phone"}  # no routing rule takes it to unit1's unit
    registered = post(http, f"{cloud.url}/v1/staff/tickets", call, cloud.staff("agent"))
    assert registered.status_code == 201, registered.text
    number = registered.json()["number"]
    record = http.get(f"{cloud.url}/v1/staff/tickets/{number}", headers=cloud.staff("supervisor"), timeout=30).json()
    assert record["timeline"][0]["actor"] == {"role": "agent", "id": "agent1"}
    assert post(http, f"{cloud.url}/v1/staff/tickets", call, cloud.staff("unit")).status_code == 403
    assert (
        http.get(f"{cloud.url}/v1/staff/tickets/{number}", headers=cloud.staff("unit"), timeout=30).status_code == 404
    )
    assert http.get(f"{cloud.url}/v1/staff/tickets", timeout=30).status_code == 401
    forged = {"Authorization": "Bearer " + cloud.info["staff"]["agent"]["token"][:-4] + "AAAA"}
    assert http.get(f"{cloud.url}/v1/staff/tickets", headers=forged, timeout=30).status_code == 401


def test_fifty_concurrent_submissions_get_fifty_consecutive_numbers(cloud: Cloud) -> None:
    def submit(i: int) -> str:
        with requests.Session() as session:
            # One process serves all 50 here, and each lost race costs a retry: allow for the queue.
            reply = post(session, f"{cloud.url}/v1/tickets", {**FORM, "subject": f"并发测试 {i}"}, timeout=180)
            assert reply.status_code == 201, reply.text
            return str(reply.json()["number"])

    with ThreadPoolExecutor(max_workers=50) as pool:
        numbers = list(pool.map(submit, range(50)))
    assert len(set(numbers)) == 50
    months = {n.split("-")[0] for n in numbers}
    assert len(months) == 1
    serials = sorted(int(n.split("-")[1]) for n in numbers)
    assert serials == list(range(serials[0], serials[0] + 50))


def test_bad_input_gets_4xx_json(cloud: Cloud, http: requests.Session) -> None:
    url = f"{cloud.url}/v1/tickets"
    cases = [
        http.post(url, data=b"{not json", headers={"Content-Type": "application/json"}, timeout=30),
        post(http, url, {**FORM, "type": "rumour"}),
        post(http, url, {**FORM, "description": "很" * 4001}),
        post(http, url, [1, 2, 3]),
        http.delete(url, timeout=30),
        http.get(f"{cloud.url}/v1/nowhere", timeout=30),
        http.post(
            f"{cloud.url}/nowhere", json={}, timeout=30
        ),  # a GET is the citizen app's (tests/e2e/test_local_site.py)
        http.get(f"{cloud.url}/v1/staff/tickets", params={"next": "bogus"}, headers=cloud.staff("agent"), timeout=30),
        http.get(f"{cloud.url}/v1/staff/tickets", params={"limit": "9999"}, headers=cloud.staff("agent"), timeout=30),
    ]
    for reply in cases:
        assert 400 <= reply.status_code < 500, (reply.request.method, reply.request.url, reply.status_code)
        assert reply.json()["error"]["code"], reply.text
        assert re.fullmatch(r"[a-z_]+", reply.json()["error"]["code"])


def test_any_method_gets_an_answer_in_the_error_shape(cloud: Cloud, http: requests.Session) -> None:
    # http.server answers a method it has no handler for with a 501 HTML page; the gateway must not.
    for method in ("TRACE", "PROPFIND"):
        reply = http.request(method, f"{cloud.url}/v1/tickets", timeout=30)
        assert reply.status_code == 405, (method, reply.status_code, reply.text[:200])
        assert reply.headers["Content-Type"].startswith("application/json")
        assert reply.json()["error"]["code"] == "method_not_allowed" and reply.headers["Allow"] == "POST"
    body = "不是 JSON".encode("gb18030")
    refused = http.post(f"{cloud.url}/v1/tickets", data=body, headers={"Content-Type": "text/plain"}, timeout=30)
    assert refused.status_code == 415 and refused.json()["error"]["code"] == "unsupported_media_type"
