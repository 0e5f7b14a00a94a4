"""Staff ask for deadlines and admins keep calendars as data, through the real handler."""

from urllib.parse import urlencode

import pytest

from tests.integration.conftest import Api, staff_claims

AGENT = staff_claims("agent")
ADMIN = staff_claims("admin")


def deadline(api: Api, start: str, amount: object, unit: str, calendar: str = "cn", **extra: str) -> dict:
    query = urlencode({"from": start, "amount": amount, "unit": unit, **extra})
    reply = api.call("GET", f"/v1/staff/calendars/{calendar}/deadline", query=query, claims=AGENT)
    assert reply.status == 200, reply.body
    return reply.body  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("start", "amount", "unit", "due", "due_local"),
    [
        ("2026-09-30T10:00:00+08:00", 3, "working_days", "2026-10-10T10:00:00.000Z", "2026-10-10T18:00:00.000+08:00"),
        ("2026-09-30T20:00:00+08:00", 1, "working_days", "2026-10-09T10:00:00.000Z", "2026-10-09T18:00:00.000+08:00"),
        ("2026-09-30T02:00:00Z", 24, "hours", "2026-10-01T02:00:00.000Z", "2026-10-01T10:00:00.000+08:00"),
        ("2026-09-24T08:00:00Z", 4, "working_hours", "2026-09-28T03:00:00.000Z", "2026-09-28T11:00:00.000+08:00"),
        ("2026-09-29T11:00:00+08:00", 2, "working_hours", "2026-09-29T06:30:00.000Z", "2026-09-29T14:30:00.000+08:00"),
    ],
)
def test_design_worked_examples_over_http(
    api: Api, start: str, amount: int, unit: str, due: str, due_local: str
) -> None:
    assert deadline(api, start, amount, unit) == {"due": due, "due_local": due_local}


def test_an_unencoded_plus_in_the_offset_is_still_read(api: Api) -> None:
    query = "from=2026-09-30T10:00:00+08:00&amount=3&unit=working_days"  # `+` arrives as a space
    reply = api.call("GET", "/v1/staff/calendars/cn/deadline", query=query, claims=AGENT)
    assert reply.status == 200 and reply.body["due"] == "2026-10-10T10:00:00.000Z"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-09-30T10:00:00", "amount": 1, "unit": "hours"}, "from"),
        ({"from": "yesterday", "amount": 1, "unit": "hours"}, "from"),
        ({"amount": 1, "unit": "hours"}, "from"),
        ({"from": "2026-09-30T10:00:00Z", "amount": 1, "unit": "fortnights"}, "unit"),
        ({"from": "2026-09-30T10:00:00Z", "amount": -1, "unit": "hours"}, "amount"),
        ({"from": "2026-09-30T10:00:00Z", "amount": 100_001, "unit": "hours"}, "amount"),
        ({"from": "2026-09-30T10:00:00Z", "amount": "three", "unit": "hours"}, "amount"),
    ],
)
def test_bad_deadline_queries_are_422_naming_the_field(api: Api, params: dict, field: str) -> None:
    reply = api.call("GET", "/v1/staff/calendars/cn/deadline", query=urlencode(params), claims=AGENT)
    assert reply.status == 422, reply.body
    assert reply.body["error"]["code"] == "invalid_input"
    assert [f["field"] for f in reply.body["error"]["fields"]] == [field]


def test_unknown_calendar_is_404(api: Api) -> None:
    query = urlencode({"from": "2026-09-30T10:00:00Z", "amount": 1, "unit": "hours"})
    assert api.call("GET", "/v1/staff/calendars/mars/deadline", query=query, claims=AGENT).status == 404
    assert api.call("GET", "/v1/staff/calendars/mars", claims=AGENT).status == 404
    assert api.call("POST", "/v1/staff/calendars/mars/days", {"holidays": []}, claims=ADMIN).status == 404


def test_calendars_are_for_staff_and_changes_for_admins(api: Api) -> None:
    assert api.call("GET", "/v1/staff/calendars/cn").status == 401
    assert api.call("GET", "/v1/staff/calendars/cn", claims=staff_claims()).status == 403
    body = {"name": "Hong Kong", "time_zone": "Asia/Hong_Kong"}
    days = {"holidays": ["2027-01-01"]}
    for role in ("agent", "dispatcher", "supervisor", "unit"):
        claims = staff_claims(role, unit="x" if role == "unit" else None)
        assert api.call("PUT", "/v1/staff/calendars/hk", body, claims=claims).status == 403
        assert api.call("POST", "/v1/staff/calendars/cn/days", days, claims=claims).status == 403
    assert api.call("GET", "/v1/staff/calendars/hk", claims=AGENT).status == 404


def test_read_the_default_calendar(api: Api) -> None:
    reply = api.call("GET", "/v1/staff/calendars/cn", claims=staff_claims("unit", unit="x"))
    assert reply.status == 200
    cn = reply.body
    assert cn["id"] == "cn" and cn["time_zone"] == "Asia/Shanghai" and cn["weekend"] == [6, 7]
    assert cn["working_hours"] == [{"start": "09:00", "end": "12:00"}, {"start": "13:30", "end": "18:00"}]
    assert "2026-09-25" in cn["holidays"] and "2026-10-10" in cn["workdays"]
    assert cn["holidays"] == sorted(cn["holidays"]) and cn["workdays"] == sorted(cn["workdays"])


def test_admin_adds_a_2027_holiday_and_the_deadline_moves(api: Api) -> None:
    # Thu 31 Dec 2026 10:00 + 1 working day: Fri 1 Jan 2027 until the admin enters 2027's schedule.
    assert deadline(api, "2026-12-31T10:00:00+08:00", 1, "working_days")["due_local"] == "2027-01-01T18:00:00.000+08:00"
    change = {"holidays": ["2027-01-01"], "workdays": ["2027-01-02"]}
    reply = api.call("POST", "/v1/staff/calendars/cn/days", change, claims=ADMIN)
    assert reply.status == 200, reply.body
    assert "2027-01-01" in reply.body["holidays"] and reply.body["workdays"][-1] == "2027-01-02"
    assert deadline(api, "2026-12-31T10:00:00+08:00", 1, "working_days")["due_local"] == "2027-01-02T18:00:00.000+08:00"

    reply = api.call("POST", "/v1/staff/calendars/cn/days", {"remove": ["2027-01-01", "2027-01-02"]}, claims=ADMIN)
    assert reply.status == 200 and "2027-01-01" not in reply.body["holidays"]
    assert deadline(api, "2026-12-31T10:00:00+08:00", 1, "working_days")["due_local"] == "2027-01-01T18:00:00.000+08:00"


@pytest.mark.parametrize(
    "change",
    [
        {"holidays": ["2027-01-01"], "workdays": ["2027-01-01"]},
        {"holidays": ["2027-01-01"], "remove": ["2027-01-01"]},
        {"holidays": ["1 Jan 2027"]},
    ],
)
def test_contradictory_or_malformed_day_changes_are_422(api: Api, change: dict) -> None:
    assert api.call("POST", "/v1/staff/calendars/cn/days", change, claims=ADMIN).status == 422


def test_every_staff_member_lists_the_calendars_page_by_page(api: Api) -> None:
    listed = api.call("GET", "/v1/staff/calendars", claims=staff_claims("unit", unit="x"))
    assert listed.status == 200, listed.body
    (cn,) = listed.body["items"]  # built in, never stored
    assert (cn["id"], cn["time_zone"], listed.body["next"]) == ("cn", "Asia/Shanghai", None)
    assert 2026 in cn["years"] and 2027 not in cn["years"] and cn["years"] == sorted(cn["years"])

    for calendar_id in ("hk", "au"):
        body = {"name": calendar_id.upper(), "time_zone": "UTC", "holidays": ["2027-01-01"]}
        assert api.call("PUT", f"/v1/staff/calendars/{calendar_id}", body, claims=ADMIN).status == 200
    assert api.call("POST", "/v1/staff/calendars/cn/days", {"holidays": ["2027-01-01"]}, claims=ADMIN).status == 200
    seen, token = [], None
    while True:
        query = "limit=1" + (f"&next={token}" if token else "")
        page = api.call("GET", "/v1/staff/calendars", query=query, claims=AGENT).body
        assert len(page["items"]) <= 1
        seen += [(c["id"], c["name"], c["years"][-1]) for c in page["items"]]
        if not (token := page["next"]):
            break
    assert seen == [("au", "AU", 2027), ("cn", cn["name"], 2027), ("hk", "HK", 2027)]  # cn now stored, listed once
    assert api.call("GET", "/v1/staff/calendars", query="next=bogus", claims=AGENT).status == 400
    assert api.call("GET", "/v1/staff/calendars").status == 401


def test_admin_creates_and_replaces_a_calendar(api: Api) -> None:
    body = {
        "name": "Hong Kong",
        "time_zone": "Asia/Hong_Kong",
        "working_hours": [{"start": "09:00", "end": "13:00"}, {"start": "14:00", "end": "18:00"}],
        "holidays": ["2026-12-25", "2026-10-01"],
    }
    reply = api.call("PUT", "/v1/staff/calendars/hk", body, claims=ADMIN)
    assert reply.status == 200, reply.body
    assert reply.body["id"] == "hk" and reply.body["holidays"] == ["2026-10-01", "2026-12-25"]
    # Thu 24 Dec 2026 10:00 + 1 working day: Christmas is off, so Mon 28 Dec.
    assert deadline(api, "2026-12-24T10:00:00+08:00", 1, "working_days", calendar="hk") == {
        "due": "2026-12-28T10:00:00.000Z",
        "due_local": "2026-12-28T18:00:00.000+08:00",
    }
    replaced = api.call("PUT", "/v1/staff/calendars/hk", {"id": "hk", "name": "HK", "time_zone": "UTC"}, claims=ADMIN)
    assert replaced.status == 200 and replaced.body["holidays"] == [] and replaced.body["time_zone"] == "UTC"
    assert api.call("GET", "/v1/staff/calendars/hk", claims=AGENT).body["name"] == "HK"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("hk", {"id": "sg", "name": "x"}, "id"),
        ("hk", {"name": "x", "time_zone": "Mars/Base"}, "time_zone"),
        ("HK!", {"name": "x"}, "id"),
        (
            "hk",
            {"name": "x", "working_hours": [{"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "14:00"}]},
            "working_hours",
        ),
        ("hk", {"name": "x", "holidays": ["2027-01-01"], "workdays": ["2027-01-01"]}, "calendar"),
    ],
)
def test_bad_calendars_are_422_naming_the_field(api: Api, path: str, body: dict, field: str) -> None:
    reply = api.call("PUT", f"/v1/staff/calendars/{path}", body, claims=ADMIN)
    assert reply.status == 422, reply.body
    assert [f["field"] for f in reply.body["error"]["fields"]] == [field]
