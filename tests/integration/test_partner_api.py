"""Partners submit idempotently and see only their own tickets."""

from concurrent.futures import ThreadPoolExecutor

from tests.integration.conftest import Api
from tests.support.forms import FORM

PARTNER_FORM = {**FORM, "external_ref": "CRM-1001"}


def test_retry_with_same_key_returns_the_original_response(api: Api, partners: dict[str, str]) -> None:
    key = {"Idempotency-Key": "sub-1"}
    first = api.call("POST", "/v1/partner/tickets", PARTNER_FORM, headers=key, api_key_id=partners["city-app"])
    retry = api.call("POST", "/v1/partner/tickets", PARTNER_FORM, headers=key, api_key_id=partners["city-app"])
    assert first.status == retry.status == 201
    assert first.body == retry.body
    listed = api.call("GET", "/v1/partner/tickets", api_key_id=partners["city-app"])
    assert [t["number"] for t in listed.body["items"]] == [first.body["number"]]
    assert listed.body["items"][0]["external_ref"] == "CRM-1001"
    assert listed.body["items"][0]["channel"] == "partner"


def test_same_key_with_another_body_is_rejected(api: Api, partners: dict[str, str]) -> None:
    key = {"Idempotency-Key": "sub-2"}
    api.call("POST", "/v1/partner/tickets", PARTNER_FORM, headers=key, api_key_id=partners["city-app"])
    other = api.call(
        "POST",
        "/v1/partner/tickets",
        {**PARTNER_FORM, "subject": "另一件事"},
        headers=key,
        api_key_id=partners["city-app"],
    )
    assert other.status == 422
    assert other.body["error"]["code"] == "idempotency_key_reused"


def test_same_key_from_two_partners_makes_two_tickets(api: Api, partners: dict[str, str]) -> None:
    key = {"Idempotency-Key": "shared"}
    a = api.call("POST", "/v1/partner/tickets", PARTNER_FORM, headers=key, api_key_id=partners["city-app"])
    b = api.call("POST", "/v1/partner/tickets", PARTNER_FORM, headers=key, api_key_id=partners["crm"])
    assert a.body["number"] != b.body["number"]


def test_partner_cannot_see_another_partners_ticket(api: Api, partners: dict[str, str]) -> None:
    mine = api.call("POST", "/v1/partner/tickets", PARTNER_FORM, api_key_id=partners["city-app"]).body["number"]
    assert api.call("GET", f"/v1/partner/tickets/{mine}", api_key_id=partners["city-app"]).status == 200
    theirs = api.call("GET", f"/v1/partner/tickets/{mine}", api_key_id=partners["crm"])
    unknown = api.call("GET", "/v1/partner/tickets/2611-999999", api_key_id=partners["crm"])
    assert theirs.status == unknown.status == 404 and theirs.body == unknown.body
    assert api.call("GET", "/v1/partner/tickets", api_key_id=partners["crm"]).body["items"] == []


def test_public_tickets_are_not_a_partners(api: Api, partners: dict[str, str]) -> None:
    number = api.call("POST", "/v1/tickets", FORM).body["number"]
    assert api.call("GET", f"/v1/partner/tickets/{number}", api_key_id=partners["crm"]).status == 404


def test_updated_since_and_pagination(api: Api, partners: dict[str, str]) -> None:
    numbers = [
        api.call(
            "POST", "/v1/partner/tickets", {**PARTNER_FORM, "external_ref": f"CRM-{i}"}, api_key_id=partners["crm"]
        ).body["number"]
        for i in range(5)
    ]
    seen: list[str] = []
    token = None
    while True:
        query = "limit=2" + (f"&next={token}" if token else "")
        page = api.call("GET", "/v1/partner/tickets", query=query, api_key_id=partners["crm"]).body
        seen += [t["number"] for t in page["items"]]
        token = page.get("next")
        if not token:
            break
    assert seen == numbers
    future = api.call(
        "GET", "/v1/partner/tickets", query="updated_since=2999-01-01T00:00:00Z", api_key_id=partners["crm"]
    )
    assert future.status == 200 and future.body["items"] == []


def test_bad_paging_inputs_are_4xx(api: Api, partners: dict[str, str]) -> None:
    key = partners["crm"]
    for query in (
        "next=garbage",
        "limit=0",
        "limit=201",
        "updated_since=yesterday",
        "updated_since=2026-11-01T00:00:00",
    ):
        reply = api.call("GET", "/v1/partner/tickets", query=query, api_key_id=key)
        assert reply.status in (400, 422), query
        assert "error" in reply.body


def test_a_token_from_another_partners_listing_is_refused(api: Api, partners: dict[str, str]) -> None:
    for i in range(3):
        api.call(
            "POST", "/v1/partner/tickets", {**PARTNER_FORM, "external_ref": f"CRM-{i}"}, api_key_id=partners["crm"]
        )
    token = api.call("GET", "/v1/partner/tickets", query="limit=1", api_key_id=partners["crm"]).body["next"]
    stolen = api.call("GET", "/v1/partner/tickets", query=f"next={token}", api_key_id=partners["city-app"])
    assert stolen.status == 400 or stolen.body["items"] == []


def test_unknown_key_id_is_403_and_missing_identity_401(api: Api, partners: dict[str, str]) -> None:
    assert api.call("GET", "/v1/partner/tickets", api_key_id="not-a-partner").status == 403
    assert api.call("GET", "/v1/partner/tickets").status == 401


def test_concurrent_retries_create_one_ticket(api: Api, partners: dict[str, str]) -> None:
    key = {"Idempotency-Key": "burst"}

    def submit(_: int) -> int:
        return api.call("POST", "/v1/partner/tickets", PARTNER_FORM, headers=key, api_key_id=partners["crm"]).status

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(submit, range(8)))
    assert statuses == [201] * 8  # a retry racing the first waits for its result (test_partner_admin has more)
    assert len(api.call("GET", "/v1/partner/tickets", api_key_id=partners["crm"]).body["items"]) == 1
