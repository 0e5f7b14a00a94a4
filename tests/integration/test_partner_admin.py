"""Partner administration (API keys and usage plans in moto's API Gateway) and exactly-once partner intake."""

import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from hotline.aws.api_gateway import OWNER_TAG
from hotline.services import api_services

from infra.local import api_gateway, atomic
from tests.integration.conftest import Api, Reply, staff_claims
from tests.support.forms import FORM
from tests.support.serials import voided
from tests.support.services import reset_caches

ADMIN = staff_claims("admin")
NEW_PARTNER = {
    "id": "city-app",
    "name": "City service app",
    "contact_email": "ops@city.example",
    "quota": {"requests_per_day": 5000, "rate_per_second": 5, "burst": 10},
}
TICKET = {**FORM, "external_ref": "APP-1"}


@pytest.fixture
def gateway(api: Api, monkeypatch: pytest.MonkeyPatch) -> Any:
    """moto's API Gateway with the REST API the partners' usage plans bind to."""
    client = boto3.client("apigateway", region_name="us-east-1")
    monkeypatch.setenv("REST_API_ID", client.create_rest_api(name="hotline")["id"])
    api_gateway.install()  # moto has no GetUsage
    reset_caches()
    return client


@pytest.fixture
def serialized_moto() -> None:
    """DynamoDB applies each write atomically; moto needs the local cloud's lock to do the same under threads."""
    atomic.install()


def create(api: Api, body: dict[str, Any] | None = None, claims: dict[str, Any] = ADMIN) -> Reply:
    return api.call("POST", "/v1/staff/partners", body or NEW_PARTNER, claims=claims)


def submit(api: Api, key_id: str, body: dict[str, Any], idempotency_key: str | None = None) -> Reply:
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
    return api.call("POST", "/v1/partner/tickets", body, headers=headers, api_key_id=key_id)


def key_exists(gateway: Any, key_id: str) -> bool:
    try:
        gateway.get_api_key(apiKey=key_id)
    except ClientError:
        return False
    return True


def table_text(api: Api) -> str:
    table = api_services().settings.table_name
    items = boto3.client("dynamodb", region_name="us-east-1").scan(TableName=table)["Items"]
    return json.dumps(items, ensure_ascii=False)


# -- administration ---------------------------------------------------------------------------------------


def test_admin_creates_a_partner_with_plan_and_key_shown_once(api: Api, gateway: Any) -> None:
    reply = create(api)
    assert reply.status == 201, reply.body
    assert reply.headers["Cache-Control"] == "no-store"
    value, partner = reply.body["api_key"], reply.body["partner"]
    assert partner["id"] == "city-app" and partner["active"] and partner["quota"] == NEW_PARTNER["quota"]

    key = gateway.get_api_key(apiKey=partner["api_key_id"], includeValue=True)
    assert key["enabled"] and key["value"] == value
    (plan,) = gateway.get_usage_plans(keyId=partner["api_key_id"])["items"]
    assert plan["quota"] == {"limit": 5000, "period": "DAY"}
    assert plan["throttle"] == {"rateLimit": 5.0, "burstLimit": 10}
    assert plan["id"] == partner["usage_plan_id"]
    assert plan["apiStages"] == [{"apiId": os.environ["REST_API_ID"], "stage": "live"}]
    # The tag the API role's permissions require (infra/constructs/api.py): Hotline manages only its own.
    assert plan["tags"] == key["tags"] == {OWNER_TAG: os.environ["REST_API_ID"]}

    assert value not in table_text(api)  # the value is API Gateway's alone
    assert "api_key" not in api.call("GET", "/v1/staff/partners/city-app", claims=ADMIN).body
    assert submit(api, partner["api_key_id"], TICKET).status == 201


def test_a_taken_partner_id_is_409_and_leaves_no_second_plan(api: Api, gateway: Any) -> None:
    assert create(api).status == 201
    again = create(api, {**NEW_PARTNER, "name": "Impostor"})
    assert again.status == 409 and again.body["error"]["code"] == "partner_exists"
    assert len(gateway.get_usage_plans()["items"]) == 1
    assert len(gateway.get_api_keys()["items"]) == 1


def test_bad_partner_input_is_422(api: Api, gateway: Any) -> None:
    for body in (
        {**NEW_PARTNER, "id": "Has Spaces"},
        {**NEW_PARTNER, "contact_email": "nobody"},
        {**NEW_PARTNER, "quota": {"requests_per_day": 0}},
        {**NEW_PARTNER, "quota": {"burst": 10, "rate_per_second": -1}},
        {**NEW_PARTNER, "api_key": "let-me-choose"},
    ):
        reply = create(api, body)
        assert reply.status == 422, body
        assert reply.body["error"]["code"] == "invalid_input"
    assert gateway.get_usage_plans()["items"] == []


def test_only_admins_may_administer_partners(api: Api, gateway: Any) -> None:
    assert create(api).status == 201
    calls = [
        ("POST", "/v1/staff/partners", {**NEW_PARTNER, "id": "other"}),
        ("GET", "/v1/staff/partners", None),
        ("GET", "/v1/staff/partners/city-app", None),
        ("POST", "/v1/staff/partners/city-app/keys/rotate", None),
        ("POST", "/v1/staff/partners/city-app/revoke", None),
    ]
    for roles in (("agent",), ("dispatcher",), ("supervisor",), ("unit",)):
        for method, path, body in calls:
            reply = api.call(method, path, body, claims=staff_claims(*roles, unit="u" if "unit" in roles else None))
            assert reply.status == 403, (roles, method, path)
            assert reply.body["error"]["code"] == "forbidden"
    for method, path, body in calls:
        assert api.call(method, path, body).status == 401
    assert len(gateway.get_api_keys()["items"]) == 1


def test_listing_shows_every_partner_with_quota_and_usage(api: Api, gateway: Any) -> None:
    for partner_id in ("b-crm", "a-city"):
        assert create(api, {**NEW_PARTNER, "id": partner_id}).status == 201
    listed = api.call("GET", "/v1/staff/partners", claims=ADMIN)
    assert listed.status == 200
    assert [p["id"] for p in listed.body["items"]] == ["a-city", "b-crm"]
    first = listed.body["items"][0]
    assert first["quota"]["requests_per_day"] == 5000 and first["active"]
    # moto does not implement GetUsage: the local cloud reports usage as unavailable rather than zero.
    assert first["usage"] == {"available": False, "total": 0, "days": []}

    page = api.call("GET", "/v1/staff/partners", query="limit=1", claims=ADMIN).body
    rest = api.call("GET", "/v1/staff/partners", query=f"limit=1&next={page['next']}", claims=ADMIN).body
    assert [p["id"] for p in page["items"] + rest["items"]] == ["a-city", "b-crm"]
    for query in ("days=0", "days=91", "limit=0", "next=garbage"):
        assert api.call("GET", "/v1/staff/partners", query=query, claims=ADMIN).status in (400, 422), query
    assert api.call("GET", "/v1/staff/partners/nobody", claims=ADMIN).status == 404


def test_rotate_issues_a_new_key_on_the_same_plan_and_the_old_key_stops(api: Api, gateway: Any) -> None:
    created = create(api).body
    old_id = created["partner"]["api_key_id"]
    assert submit(api, old_id, TICKET).status == 201

    rotated = api.call("POST", "/v1/staff/partners/city-app/keys/rotate", claims=ADMIN)
    assert rotated.status == 200 and rotated.headers["Cache-Control"] == "no-store"
    new_id, new_value = rotated.body["partner"]["api_key_id"], rotated.body["api_key"]
    assert new_id != old_id and new_value != created["api_key"]

    assert not key_exists(gateway, old_id)  # gone from API Gateway: the gateway refuses it
    plan_id = created["partner"]["usage_plan_id"]
    assert rotated.body["partner"]["usage_plan_id"] == plan_id
    assert [k["id"] for k in gateway.get_usage_plan_keys(usagePlanId=plan_id)["items"]] == [new_id]

    assert submit(api, old_id, {**TICKET, "external_ref": "APP-2"}).status == 403  # and so does the API
    assert api.call("GET", "/v1/partner/tickets", api_key_id=new_id).body["items"][0]["external_ref"] == "APP-1"
    assert new_value not in table_text(api)


def test_revoke_stops_the_key_at_once_and_rotate_reinstates(api: Api, gateway: Any) -> None:
    key_id = create(api).body["partner"]["api_key_id"]
    revoked = api.call("POST", "/v1/staff/partners/city-app/revoke", claims=ADMIN)
    assert revoked.status == 200 and not revoked.body["active"] and revoked.body["revoked_at"]
    assert not key_exists(gateway, key_id)
    assert submit(api, key_id, TICKET).status == 403
    assert api.call("POST", "/v1/staff/partners/city-app/revoke", claims=ADMIN).status == 200  # harmless again
    assert api.call("POST", "/v1/staff/partners/nobody/revoke", claims=ADMIN).status == 404

    back = api.call("POST", "/v1/staff/partners/city-app/keys/rotate", claims=ADMIN).body
    assert back["partner"]["active"] and back["partner"]["revoked_at"] is None
    assert submit(api, back["partner"]["api_key_id"], TICKET).status == 201


def gateway_accepts(gateway: Any, value: str) -> bool:
    """What API Gateway checks before the Lambda runs: an enabled key with this value on a plan of the stage."""
    keys = gateway.get_api_keys(includeValues=True)["items"]
    key = next((k for k in keys if k.get("value") == value and k.get("enabled")), None)
    return key is not None and bool(gateway.get_usage_plans(keyId=key["id"])["items"])


def test_concurrent_rotations_leave_exactly_the_last_key_working(api: Api, gateway: Any, serialized_moto: None) -> None:
    created = create(api).body
    barrier = threading.Barrier(10)

    def rotate(_: int) -> Reply:
        barrier.wait()
        return api.call("POST", "/v1/staff/partners/city-app/keys/rotate", claims=ADMIN)

    with ThreadPoolExecutor(max_workers=10) as pool:
        replies = list(pool.map(rotate, range(10)))
    assert [r.status for r in replies if r.status >= 500] == []
    refused = [r for r in replies if r.status != 200]
    assert all(r.status == 409 and r.body["error"]["code"] == "rotation_in_progress" for r in refused), refused
    rotated = [r.body for r in replies if r.status == 200]
    assert rotated
    last = max(rotated, key=lambda body: body["partner"]["key_issued_at"])
    current = api.call("GET", "/v1/staff/partners/city-app", claims=ADMIN).body
    assert current["api_key_id"] == last["partner"]["api_key_id"] and current["active"]

    issued = [created, *rotated]
    working = [b["api_key"] for b in issued if gateway_accepts(gateway, b["api_key"])]
    assert working == [last["api_key"]]  # at the gateway …
    accepted = [
        b["api_key"]
        for n, b in enumerate(issued)
        if submit(api, b["partner"]["api_key_id"], {**TICKET, "external_ref": f"ROT-{n}"}).status == 201
    ]
    assert accepted == [last["api_key"]]  # … and in the API
    assert len(gateway.get_api_keys()["items"]) == 1  # the losers' keys are gone too


# -- exactly-once intake: external_ref ------------------------------------------------------------------


def test_a_second_submission_with_the_same_external_ref_returns_the_original(
    api: Api, partners: dict[str, str]
) -> None:
    first = submit(api, partners["crm"], TICKET)
    assert first.status == 201
    again = submit(api, partners["crm"], {**TICKET, "subject": "改过的标题"})  # the reference decides, not the body
    assert again.status == 200
    assert again.body["number"] == first.body["number"] and again.body["subject"] == TICKET["subject"]
    assert again.body["external_ref"] == "APP-1" and "access_code" not in again.body
    assert again.headers["Location"] == f"/v1/partner/tickets/{first.body['number']}"
    # Another partner's reference space is its own.
    assert submit(api, partners["city-app"], TICKET).status == 201
    assert len(api.call("GET", "/v1/partner/tickets", api_key_id=partners["crm"]).body["items"]) == 1


def test_concurrent_submissions_of_one_external_ref_make_one_ticket(
    api: Api, partners: dict[str, str], serialized_moto: None
) -> None:
    barrier = threading.Barrier(8)

    def race(_: int) -> Reply:
        barrier.wait()
        return submit(api, partners["crm"], {**TICKET, "external_ref": "RACE-1"})

    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(race, range(8)))
    assert sorted(r.status for r in replies) == [200] * 7 + [201]
    assert len({r.body["number"] for r in replies}) == 1
    listed = api.call("GET", "/v1/partner/tickets", api_key_id=partners["crm"]).body["items"]
    assert [t["number"] for t in listed] == [replies[0].body["number"]]
    # A loser that passed the check before the winner's claim landed voided the number it had drawn, on record:
    # the numbers drawn are the winner's and the voided ones, consecutive, and the next ticket follows them.
    month, winner = replies[0].body["number"][:4], int(replies[0].body["number"][-6:])
    void = voided(api_services().settings.table_name, month)
    assert set(void.values()) <= {"duplicate_external_ref"}
    drawn = sorted([winner, *(int(number[-6:]) for number in void)])
    assert drawn == list(range(drawn[0], drawn[0] + len(drawn)))
    following = submit(api, partners["crm"], {**TICKET, "external_ref": "RACE-2"}).body["number"]
    assert int(following[-6:]) == drawn[-1] + 1


# -- exactly-once intake: Idempotency-Key under concurrency ---------------------------------------------


@pytest.fixture
def slow_intake(api: Api, monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Hold the first request inside intake long enough that every retry meets it in progress.

    The event is set once a request is inside intake (its idempotency record is then in progress).
    """
    intake = api_services().intake
    register = intake.register
    inside = threading.Event()

    def slow(*args: Any, **kwargs: Any) -> Any:
        inside.set()
        time.sleep(1.0)
        return register(*args, **kwargs)

    monkeypatch.setattr(intake, "register", slow)
    return inside


def test_concurrent_retries_with_one_key_get_one_ticket_and_the_same_201(
    api: Api, partners: dict[str, str], serialized_moto: None, slow_intake: threading.Event
) -> None:
    barrier = threading.Barrier(8)

    def retry(_: int) -> Reply:
        barrier.wait()
        return submit(api, partners["crm"], TICKET, idempotency_key="burst-1")

    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(retry, range(8)))
    assert [r.status for r in replies] == [201] * 8, [r.body for r in replies]
    assert all(r.body == replies[0].body for r in replies)  # number, access code, status, time: identical
    assert replies[0].body["access_code"]
    listed = api.call("GET", "/v1/partner/tickets", api_key_id=partners["crm"]).body["items"]
    assert [t["number"] for t in listed] == [replies[0].body["number"]]
    # Later retries replay the same body too.
    assert submit(api, partners["crm"], TICKET, idempotency_key="burst-1").body == replies[0].body


def test_a_different_body_under_a_running_key_is_422_at_once(
    api: Api, partners: dict[str, str], serialized_moto: None, slow_intake: threading.Event
) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(submit, api, partners["crm"], TICKET, "k-2")
        assert slow_intake.wait(timeout=30)  # the first request holds the key
        other = submit(api, partners["crm"], {**TICKET, "subject": "另一件事"}, "k-2")
        refused_while_running = not first.done()  # refused at once, not after waiting for the first
        assert first.result().status == 201
    assert other.status == 422 and other.body["error"]["code"] == "idempotency_key_reused"
    assert refused_while_running


def test_keys_and_references_together(api: Api, partners: dict[str, str]) -> None:
    first = submit(api, partners["crm"], TICKET, idempotency_key="k-a")
    # Same key: the stored 201 is replayed. Another key with the same reference: 200 with the original.
    assert submit(api, partners["crm"], TICKET, idempotency_key="k-a").body == first.body
    other_key = submit(api, partners["crm"], TICKET, idempotency_key="k-b")
    assert other_key.status == 200 and other_key.body["number"] == first.body["number"]
