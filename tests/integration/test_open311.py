"""Open311 GeoReport v2: discovery, services, form-encoded submission, public reading, in JSON and XML."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from hotline.domain.partners import Partner, api_key_hash
from hotline.services import services

from tests.integration.conftest import Api, Reply, staff_claims
from tests.integration.test_partner_admin import gateway  # noqa: F401  (a REST API in moto for the admin routes)

KEY = "open311-secret-key-value"
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
NOISE = {"service_code": "urban.noise", "lat": "39.9087", "long": "116.4605", "description": "Night construction"}


@pytest.fixture
def partner(api: Api) -> Partner:
    partner = Partner(id="open311-app", name="Open311 app", api_key_id="key-open311", api_key_hash=api_key_hash(KEY))
    services().partners.save(partner)
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

    ticket = services().queries.tickets.get(number)
    assert ticket is not None and ticket.partner_id == partner.id and ticket.channel.value == "partner"
    assert ticket.location is not None and ticket.location.lat == pytest.approx(39.9087)
    assert ticket.contact is not None and ticket.contact.email == "li@example.com"

    ((read),) = api.call("GET", f"/open311/v2/requests/{number}.json").body
    assert read["service_request_id"] == number and read["status"] == "open"
    assert read["service_code"] == "urban.noise" and read["service_name"] == "Noise"
    assert read["lat"] == pytest.approx(39.9087) and read["long"] == pytest.approx(116.4605)
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
    ticket = services().queries.tickets.get(number)
    assert ticket is not None and ticket.location is not None and ticket.location.address == "建国路88号"
    assert "pothole_size: large" in ticket.description and "lanes: 1" in ticket.description
    ((read),) = api.call("GET", f"/open311/v2/requests/{number}.json").body
    assert read["address"] == "建国路88号" and read["media_url"] == "https://img.example/p.jpg"


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
    services().partners.save(partner.model_copy(update={"active": False, "api_key_hash": None}))
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
    partner = services().partners
    assert partner.by_api_key_hash(api_key_hash(first)) is None
    assert partner.by_api_key_hash(api_key_hash(second)) is None


def _numbers(reply: Reply) -> list[str]:
    assert reply.status == 200, reply.body
    return [row["service_request_id"] for row in reply.body]


def test_get_requests_filters(api: Api, partner: Partner) -> None:
    noise = post(api, {**NOISE, "api_key": KEY}).body[0]["service_request_id"]
    road = post(api, {**NOISE, "api_key": KEY, "service_code": "transport.road"}).body[0]["service_request_id"]
    closed = services().queries.tickets.get(road)
    assert closed is not None
    closed.status = closed.status.__class__("closed")
    services().queries.tickets.save(closed, [])

    assert set(_numbers(api.call("GET", "/open311/v2/requests.json"))) >= {noise, road}
    assert _numbers(api.call("GET", "/open311/v2/requests.json", query="service_code=urban.noise")) == [noise]
    assert _numbers(api.call("GET", "/open311/v2/requests.json", query="status=closed")) == [road]
    assert noise in _numbers(api.call("GET", "/open311/v2/requests.json", query="status=open"))
    assert road not in _numbers(api.call("GET", "/open311/v2/requests.json", query="status=open"))
    ids = _numbers(api.call("GET", "/open311/v2/requests.json", query=f"service_request_id={noise},{road},2601-999999"))
    assert sorted(ids) == sorted([noise, road])

    now = services().intake.clock.now()
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
