"""Open311 GeoReport v2: discovery, services, form-encoded submission, public reading, in JSON and XML."""

import xml.etree.ElementTree as ET
from collections import Counter
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from botocore.client import BaseClient
from hotline.domain.partners.partner import Partner, api_key_hash
from hotline.services import api_services

from tests.integration.conftest import Api, Reply, staff_claims
from tests.integration.test_partner_admin import gateway  # noqa: F401  (a REST API in moto for the admin routes)

KEY = "open311-secret-key-value"
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
NOISE = {"service_code": "urban.noise", "lat": "39.9087", "long": "116.4605", "description": "Night construction"}


@pytest.fixture
def partner(api: Api) -> Partner:
    partner = Partner(id="open311-app", name="Open311 app", api_key_id="key-open311", api_key_hash=api_key_hash(KEY))
    api_services().partners.save(partner)
    return partner


def post(api: Api, fields: dict[str, str], fmt: str = "json") -> Reply:
    return api.call("POST", f"/open311/v2/requests.{fmt}", raw=urlencode(fields).encode(), headers=FORM_HEADERS)


def xml(reply: Reply) -> ET.Element:
    assert reply.headers["Content-Type"].startswith("text/xml"), reply.headers
    return ET.fromstring(reply.body)


def open311_error(reply: Reply, status: int) -> str:
    assert reply.status == status, reply.body
    if isinstance(reply.body, list):
        ((error),) = reply.body
        assert error["code"] == status
        return str(error["description"])
    root = xml(reply)
    assert root.tag == "errors" and root.findtext("error/code") == str(status)
    return root.findtext("error/description") or ""


def test_discovery_in_both_formats(api: Api) -> None:
    as_json = api.call("GET", "/open311/v2/discovery.json")
    assert as_json.status == 200 and as_json.headers["Content-Type"].startswith("application/json")
    (endpoint,) = as_json.body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and "text/xml" in endpoint["formats"]
    root = xml(api.call("GET", "/open311/v2/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["application/json", "text/xml"]


def test_services_are_the_leaf_categories_grouped_by_parent(api: Api) -> None:
    listed = api.call("GET", "/open311/v2/services.json").body
    noise = next(s for s in listed if s["service_code"] == "urban.noise")
    assert noise["service_name"] == "Noise" and noise["group"] == "Urban management"
    assert noise["type"] == "realtime" and noise["metadata"] is False
    assert "urban" not in {s["service_code"] for s in listed}  # a parent is a group, not a service

    root = xml(api.call("GET", "/open311/v2/services.xml"))
    assert root.tag == "services"
    codes = [s.findtext("service_code") for s in root.findall("service")]
    assert codes == [s["service_code"] for s in listed]
    assert root.find("service/metadata") is not None and root.findtext("service/metadata") == "false"


def test_service_definition_and_unknown_service(api: Api) -> None:
    assert api.call("GET", "/open311/v2/services/urban.noise.json").body == {
        "service_code": "urban.noise",
        "attributes": [],
    }
    root = xml(api.call("GET", "/open311/v2/services/urban.noise.xml"))
    assert root.tag == "service_definition" and root.findtext("service_code") == "urban.noise"
    assert "no service" in open311_error(api.call("GET", "/open311/v2/services/nope.json"), 404)
    open311_error(api.call("GET", "/open311/v2/services/nope.xml"), 404)


def test_unknown_format_or_resource_is_an_open311_404(api: Api) -> None:
    open311_error(api.call("GET", "/open311/v2/services.yaml"), 404)
    open311_error(api.call("GET", "/open311/v2/services"), 404)
    open311_error(api.call("GET", "/open311/v2/widgets.xml"), 404)


def test_post_with_lat_long_creates_a_partner_ticket_and_reads_back(api: Api, partner: Partner) -> None:
    created = post(api, {**NOISE, "api_key": KEY, "first_name": "Li", "email": "li@example.com"})
    assert created.status == 201, created.body
    ((row),) = created.body
    number = row["service_request_id"]
    assert row["token"] == number

    ticket = api_services().queries.tickets.get(number)
    assert ticket is not None and ticket.partner_id == partner.id and ticket.channel.value == "partner"
    assert ticket.location is not None and ticket.location.lat == pytest.approx(39.9087)
    assert ticket.contact is not None and ticket.contact.email == "li@example.com"

    ((read),) = api.call("GET", f"/open311/v2/requests/{number}.json").body
    assert read["service_request_id"] == number and read["status"] == "open"
    assert read["service_code"] == "urban.noise" and read["service_name"] == "Noise"
    assert (read["lat"], read["long"]) == (39.909, round(116.4605, 3))  # anyone sees the place to about 100 m
    assert read["requested_datetime"].endswith("+08:00")  # W3C with the centre's offset
    assert read["expected_datetime"] is not None  # the dispatch deadline before dispatch
    assert not {"email", "phone", "first_name", "description"} & set(read)  # nothing personal

    root = xml(api.call("GET", f"/open311/v2/requests/{number}.xml"))
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == number and root.findtext("request/status") == "open"

    token = xml(api.call("GET", f"/open311/v2/tokens/{number}.xml"))
    assert token.findtext("request/service_request_id") == number
    assert api.call("GET", f"/open311/v2/tokens/{number}.json").body == [
        {"service_request_id": number, "token": number}
    ]


def test_post_with_address_and_attributes_in_xml(api: Api, partner: Partner) -> None:
    fields = {
        "api_key": KEY,
        "service_code": "transport.road",
        "address_string": "建国路88号",
        "attribute[pothole_size]": "large",
        "attribute[lanes][]": "1",
        "media_url": "https://img.example/p.jpg",
    }
    created = post(api, fields, "xml")
    assert created.status == 201
    number = xml(created).findtext("request/service_request_id")
    assert number
    ticket = api_services().queries.tickets.get(number)
    assert ticket is not None and ticket.location is not None and ticket.location.address == "建国路88号"
    assert "pothole_size: large" in ticket.description and "lanes: 1" in ticket.description
    ((read),) = api.call("GET", f"/open311/v2/requests/{number}.json").body
    assert read["address"] == "建国路" and read["media_url"] is None
    ((own),) = api.call("GET", f"/open311/v2/requests/{number}.json", query=f"api_key={KEY}").body
    assert own["address"] == "建国路88号" and own["media_url"] == "https://img.example/p.jpg"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_errors(api: Api, partner: Partner, fmt: str) -> None:
    without_location = {k: v for k, v in NOISE.items() if k not in {"lat", "long"}}
    assert "location" in open311_error(post(api, {**without_location, "api_key": KEY}, fmt), 400)
    assert "api_key" in open311_error(post(api, NOISE, fmt), 403)
    open311_error(post(api, {**NOISE, "api_key": "wrong"}, fmt), 403)
    open311_error(post(api, {**NOISE, "api_key": KEY, "service_code": "nope"}, fmt), 400)
    open311_error(post(api, {**NOISE, "api_key": KEY, "lat": "north"}, fmt), 400)
    open311_error(post(api, {**NOISE, "api_key": KEY, "lat": "91"}, fmt), 400)
    open311_error(post(api, {**NOISE, "api_key": KEY, "phone": "x"}, fmt), 400)
    as_json = api.call("POST", f"/open311/v2/requests.{fmt}", body={**NOISE, "api_key": KEY})
    open311_error(as_json, 400)  # JSON bodies are not Open311


def test_a_revoked_partner_key_is_refused(api: Api, partner: Partner) -> None:
    api_services().partners.save(partner.model_copy(update={"active": False, "api_key_hash": None}))
    open311_error(post(api, {**NOISE, "api_key": KEY}), 403)


def test_admin_issued_and_rotated_keys_work_by_hash(api: Api, gateway: Any) -> None:  # noqa: F811
    admin = staff_claims("admin")
    body = {"id": "o311-admin", "name": "O311", "contact_email": "o@example.com"}
    created = api.call("POST", "/v1/staff/partners", body, claims=admin)
    assert created.status == 201, created.body
    first = created.body["api_key"]
    assert post(api, {**NOISE, "api_key": first}).status == 201
    rotated = api.call("POST", "/v1/staff/partners/o311-admin/keys/rotate", claims=admin)
    second = rotated.body["api_key"]
    open311_error(post(api, {**NOISE, "api_key": first}), 403)
    assert post(api, {**NOISE, "api_key": second}).status == 201
    api.call("POST", "/v1/staff/partners/o311-admin/revoke", claims=admin)
    open311_error(post(api, {**NOISE, "api_key": second}), 403)
    # Neither hash pointer is left behind.
    partner = api_services().partners
    assert partner.by_api_key_hash(api_key_hash(first)) is None
    assert partner.by_api_key_hash(api_key_hash(second)) is None


def _numbers(reply: Reply) -> list[str]:
    assert reply.status == 200, reply.body
    return [row["service_request_id"] for row in reply.body]


def test_get_requests_filters(api: Api, partner: Partner) -> None:
    noise = post(api, {**NOISE, "api_key": KEY}).body[0]["service_request_id"]
    road = post(api, {**NOISE, "api_key": KEY, "service_code": "transport.road"}).body[0]["service_request_id"]
    closed = api_services().queries.tickets.get(road)
    assert closed is not None
    closed.status = closed.status.__class__("closed")
    api_services().queries.tickets.save(closed, [])

    assert set(_numbers(api.call("GET", "/open311/v2/requests.json"))) >= {noise, road}
    assert _numbers(api.call("GET", "/open311/v2/requests.json", query="service_code=urban.noise")) == [noise]
    assert _numbers(api.call("GET", "/open311/v2/requests.json", query="status=closed")) == [road]
    assert noise in _numbers(api.call("GET", "/open311/v2/requests.json", query="status=open"))
    assert road not in _numbers(api.call("GET", "/open311/v2/requests.json", query="status=open"))
    ids = _numbers(api.call("GET", "/open311/v2/requests.json", query=f"service_request_id={noise},{road},2601-999999"))
    assert sorted(ids) == sorted([noise, road])

    now = api_services().intake.clock.now()
    future = urlencode({"start_date": (now + timedelta(days=1)).isoformat()})
    assert _numbers(api.call("GET", "/open311/v2/requests.json", query=future)) == []
    window = urlencode(
        {"start_date": (now - timedelta(days=1)).isoformat(), "end_date": (now + timedelta(days=1)).isoformat()}
    )
    assert set(_numbers(api.call("GET", "/open311/v2/requests.json", query=window))) == {noise, road}

    root = xml(api.call("GET", "/open311/v2/requests.xml", query="status=closed"))
    assert root.tag == "service_requests" and [r.findtext("status") for r in root.findall("request")] == ["closed"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_get_requests_errors(api: Api, fmt: str) -> None:
    too_long = urlencode({"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-05-01T00:00:00+08:00"})
    assert "90 days" in open311_error(api.call("GET", f"/open311/v2/requests.{fmt}", query=too_long), 400)
    backwards = urlencode({"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"})
    open311_error(api.call("GET", f"/open311/v2/requests.{fmt}", query=backwards), 400)
    open311_error(api.call("GET", f"/open311/v2/requests.{fmt}", query="start_date=yesterday"), 400)
    open311_error(api.call("GET", f"/open311/v2/requests.{fmt}", query="status=pending"), 400)
    open311_error(api.call("GET", f"/open311/v2/requests/2601-999999.{fmt}"), 404)
    open311_error(api.call("GET", f"/open311/v2/requests/not-a-number.{fmt}"), 404)
    open311_error(api.call("GET", f"/open311/v2/tokens/2601-999999.{fmt}"), 404)


def test_other_routes_keep_their_error_shape(api: Api) -> None:
    reply: Any = api.call("GET", "/v1/tickets/2601-999999", query="code=1")
    assert reply.status == 404 and "error" in reply.body


# -- privacy of public reads (issue 9, finding 1) ------------------------------------------------------

from tests.support.forms import FORM  # noqa: E402

HOME = "北京市朝阳区建国路88号3号楼2单元501室"
CITIZEN = {**FORM, "location": {"address": HOME, "lat": 39.90872, "long": 116.46048}}


def _listing(api: Api, query: str = "", fmt: str = "json") -> Reply:
    return api.call("GET", f"/open311/v2/requests.{fmt}", query=query)


def _citizen(api: Api, **extra: Any) -> str:
    created = api.call("POST", "/v1/tickets", {**CITIZEN, **extra})
    assert created.status == 201, created.body
    return str(created.body["number"])


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_citizens_ticket_without_consent_is_invisible_to_public_reads(api: Api, fmt: str) -> None:
    number = _citizen(api)
    listing = _listing(api, fmt=fmt)
    assert listing.status == 200
    text = listing.body if isinstance(listing.body, str) else repr(listing.body)
    assert number not in text and "建国路" not in text and "39.9087" not in text
    open311_error(api.call("GET", f"/open311/v2/requests/{number}.{fmt}"), 404)
    open311_error(api.call("GET", f"/open311/v2/tokens/{number}.{fmt}"), 404)
    assert _numbers(_listing(api, f"service_request_id={number}")) == []


def test_a_phone_ticket_is_not_public(api: Api) -> None:
    agent = staff_claims("agent")
    number = api.call("POST", "/v1/staff/tickets", {**CITIZEN, "channel": "phone"}, claims=agent).body["number"]
    assert number not in _numbers(_listing(api))
    open311_error(api.call("GET", f"/open311/v2/requests/{number}.json"), 404)


def _public_place(row: dict[str, Any]) -> None:
    """A public row: street-level address, coordinates to 3 decimals, nothing personal."""
    assert row["address"] == "北京市朝阳区建国路"
    assert (row["lat"], row["long"]) == (39.909, 116.46)
    assert not {"email", "phone", "first_name", "last_name", "description"} & set(row)
    assert row["status_notes"] is None and row["media_url"] is None


def test_a_consented_citizen_ticket_is_public_with_a_coarse_place(api: Api) -> None:
    number = _citizen(api, public=True)
    (row,) = [r for r in _listing(api).body if r["service_request_id"] == number]
    _public_place(row)
    ((read),) = api.call("GET", f"/open311/v2/requests/{number}.json").body
    assert read == row
    assert "88" not in repr(row) and "张三" not in repr(row) and "13800138000" not in repr(row)
    request = xml(api.call("GET", f"/open311/v2/requests/{number}.xml")).find("request")
    assert request is not None and request.findtext("address") == "北京市朝阳区建国路"
    assert request.findtext("lat") == "39.909" and request.find("description") is None


def test_staff_publish_and_unpublish_a_ticket(api: Api) -> None:
    agent, supervisor, unit = staff_claims("agent"), staff_claims("supervisor"), staff_claims("unit", unit="x")
    number = api.call("POST", "/v1/staff/tickets", {**CITIZEN, "channel": "phone"}, claims=agent).body["number"]
    path = f"/v1/staff/tickets/{number}/publish"
    assert api.call("POST", path, {"public": True, "reason": "road hazard"}, claims=unit).status in {403, 404}
    published = api.call("POST", path, {"public": True, "reason": "road hazard, caller agreed"}, claims=agent)
    assert published.status == 200, published.body
    assert published.body["public"] is True
    assert published.body["timeline"][-1]["type"] == "ticket.published"
    ((row),) = api.call("GET", f"/open311/v2/requests/{number}.json").body
    _public_place(row)
    assert number in _numbers(_listing(api))

    hidden = api.call("POST", path, {"public": False, "reason": "caller withdrew consent"}, claims=supervisor)
    assert hidden.status == 200 and hidden.body["timeline"][-1]["type"] == "ticket.unpublished"
    open311_error(api.call("GET", f"/open311/v2/requests/{number}.json"), 404)
    assert number not in _numbers(_listing(api))
    assert api.call("POST", path, {"public": True}, claims=agent).status == 422  # a reason is required


SECOND_KEY = "another-open311-partner-key"


def test_a_partner_sees_its_own_requests_in_full_and_others_in_public_form(api: Api, partner: Partner) -> None:
    other = Partner(id="other-app", name="Other", api_key_id="key-other", api_key_hash=api_key_hash(SECOND_KEY))
    api_services().partners.save(other)
    fields = {**NOISE, "api_key": KEY, "lat": "39.90872", "long": "116.46048", "address_string": HOME}
    fields |= {"media_url": "https://img.example/p.jpg", "first_name": "Li", "phone": "13800138000"}
    number = post(api, fields).body[0]["service_request_id"]

    ((public),) = api.call("GET", f"/open311/v2/requests/{number}.json").body
    _public_place(public)
    ((theirs),) = api.call("GET", f"/open311/v2/requests/{number}.json", query=f"api_key={SECOND_KEY}").body
    _public_place(theirs)

    ((own),) = api.call("GET", f"/open311/v2/requests/{number}.json", query=f"api_key={KEY}").body
    assert own["address"] == HOME and (own["lat"], own["long"]) == (39.90872, 116.46048)
    assert own["description"] == "Night construction" and own["media_url"] == "https://img.example/p.jpg"
    assert not {"email", "phone", "first_name"} & set(own)
    (listed,) = [r for r in _listing(api, f"api_key={KEY}").body if r["service_request_id"] == number]
    assert listed == own
    (listed,) = [r for r in _listing(api, f"api_key={SECOND_KEY}").body if r["service_request_id"] == number]
    assert listed == public
    (by_id,) = _listing(api, f"api_key={KEY}&service_request_id={number}").body
    assert by_id == own
    open311_error(_listing(api, "api_key=wrong"), 403)
    open311_error(api.call("GET", f"/open311/v2/requests/{number}.xml", query="api_key=wrong"), 403)


def test_a_partner_with_its_key_does_not_see_citizens_private_tickets(api: Api, partner: Partner) -> None:
    number = _citizen(api)
    assert number not in _numbers(_listing(api, f"api_key={KEY}"))
    open311_error(api.call("GET", f"/open311/v2/requests/{number}.json", query=f"api_key={KEY}"), 404)


# -- odd inputs answer Open311's error shape (issue 9, finding 2) ----------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "query",
    [
        {"start_date": "9999-12-31T23:59:59+14:00"},
        {"start_date": "9999-12-31T23:59:59-14:00"},
        {"start_date": "9999-12-31T23:59:59"},
        {"end_date": "0001-01-02T00:00:00+14:00"},
        {"end_date": "0001-01-02T00:00:00-14:00"},
        {"end_date": "0001-01-01"},
        {"start_date": "0001-01-01T00:00:00+14:00", "end_date": "0001-01-02T00:00:00Z"},
        {"start_date": "9999-12-30T00:00:00Z", "end_date": "9999-12-31T23:59:59-14:00"},
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_an_open311_400(api: Api, fmt: str, query: dict[str, str]) -> None:
    assert "date" in open311_error(_listing(api, urlencode(query), fmt), 400)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_form_that_is_not_utf8_is_an_open311_400(api: Api, partner: Partner, fmt: str) -> None:
    latin1 = urlencode({**NOISE, "api_key": KEY}).encode() + "&description=Caf\xe9 bruit".encode("latin-1")
    path = f"/open311/v2/requests.{fmt}"
    assert "UTF-8" in open311_error(api.call("POST", path, raw=latin1, headers=FORM_HEADERS), 400)
    escaped = urlencode({**NOISE, "api_key": KEY}) + "&description=Caf%E9"  # a percent-escaped latin-1 byte
    assert "UTF-8" in open311_error(api.call("POST", path, raw=escaped.encode(), headers=FORM_HEADERS), 400)
    utf16 = urlencode({**NOISE, "api_key": KEY}).encode("utf-16")
    open311_error(api.call("POST", path, raw=utf16, headers=FORM_HEADERS), 400)
    latin1_declared = {"Content-Type": "application/x-www-form-urlencoded; charset=iso-8859-1"}
    open311_error(api.call("POST", path, raw=latin1, headers=latin1_declared), 400)


def test_a_base64_form_is_read_and_a_broken_one_is_an_open311_400(api: Api, partner: Partner) -> None:
    import base64

    from functions.api.handler import handler
    from infra.local.proxy_event import proxy_event
    from tests.support.lambda_context import LambdaContext

    def send(body: str) -> dict[str, Any]:
        event = proxy_event(method="POST", path="/open311/v2/requests.json", resource="/{proxy+}", headers=FORM_HEADERS)
        event.update(body=body, isBase64Encoded=True)
        return handler(event, LambdaContext())

    good = send(base64.b64encode(urlencode({**NOISE, "api_key": KEY}).encode()).decode())
    assert good["statusCode"] == 201, good
    broken = send("not base64 at all!")
    assert broken["statusCode"] == 400 and '"code": 400' in broken["body"], broken


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_what_fails_before_a_route_runs_still_answers_in_open311_shape(api: Api, fmt: str) -> None:
    open311_error(api.call("GET", f"/open311/v2/requests/2601-000001/notes.{fmt}"), 404)
    refused = api.call("PUT", f"/open311/v2/requests.{fmt}")
    open311_error(refused, 405)
    assert refused.headers["Allow"] == "GET, POST"
    huge = urlencode({**NOISE, "api_key": KEY, "description": "噪" * 30_000}).encode()
    assert "bytes" in open311_error(
        api.call("POST", f"/open311/v2/requests.{fmt}", raw=huge, headers=FORM_HEADERS), 413
    )


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_parameter_sent_twice_is_an_open311_400_not_a_v1_422(api: Api, fmt: str) -> None:
    twice = api.call("GET", f"/open311/v2/requests/2601-000001.{fmt}", query="api_key=a&api_key=b")
    assert "api_key" in open311_error(twice, 400)
    open311_error(api.call("GET", f"/open311/v2/requests.{fmt}", query="status=open&status=closed"), 400)


def test_a_route_answers_only_at_its_exact_path(api: Api) -> None:
    # Powertools reads a "." in a route as any character: /requests/json is not /requests.json.
    open311_error(api.call("GET", "/open311/v2/requests/json"), 404)
    open311_error(api.call("GET", "/open311/v2/servicesXjson"), 404)
    refused = api.call("POST", "/open311/v2/services.json")
    open311_error(refused, 405)
    assert refused.headers["Allow"] == "GET"


# -- abuse bounds (issue 9, finding 8) ---------------------------------------------------------------


@pytest.fixture
def ticket_reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """DynamoDB operations that touch tickets, made through botocore (as PynamoDB makes them), and the
    items the queries among them read (`ScannedCount`: what is paid for, filtered out or not)."""
    calls: Counter[str] = Counter()
    make_api_call = BaseClient._make_api_call

    def counting(self: BaseClient, operation: str, params: Any) -> Any:
        response = make_api_call(self, operation, params)
        if "TICKET" in repr(params):  # a ticket key, a ticket index's partition, or a batch of ticket keys
            calls[operation] += 1
            calls["items read"] += response.get("ScannedCount", 0)
        return response

    monkeypatch.setattr(BaseClient, "_make_api_call", counting)
    return calls


def test_a_lookup_takes_at_most_50_ids_read_in_one_batch(
    api: Api, partner: Partner, ticket_reads: Counter[str]
) -> None:
    number = post(api, {**NOISE, "api_key": KEY}).body[0]["service_request_id"]
    others = [f"2601-{serial:06d}" for serial in range(1, 50)]
    ticket_reads.clear()
    assert _numbers(_listing(api, f"service_request_id={','.join([number, *others])}")) == [number]
    assert ticket_reads == {"BatchGetItem": 1, "items read": 0}
    too_many = ",".join(f"2601-{serial:06d}" for serial in range(1, 52))
    assert "50" in open311_error(_listing(api, f"service_request_id={too_many}"), 400)
    assert "50" in open311_error(_listing(api, f"service_request_id={too_many}", "xml"), 400)


def test_the_listing_reads_only_public_tickets_and_a_bounded_number(
    api: Api, partner: Partner, ticket_reads: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(3):
        _citizen(api)  # private: the listing never reads them
    public = [post(api, {**NOISE, "api_key": KEY}).body[0]["service_request_id"] for _ in range(3)]
    ticket_reads.clear()
    assert _numbers(_listing(api)) == public[::-1]
    assert ticket_reads == {"Query": 1, "items read": 3}  # only the public tickets, from their index

    from hotline.domain.intake import open311

    monkeypatch.setattr(open311, "MAX_READ", 2)
    ticket_reads.clear()
    assert _numbers(_listing(api)) == public[:0:-1]  # the two newest: the bound stops the read
    assert _numbers(_listing(api, "service_code=transport.road")) == []
    assert ticket_reads == {"Query": 2, "items read": 4}
