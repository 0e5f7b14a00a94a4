"""Every client mistake gets a 4xx with a JSON error body naming the problem, never a 5xx."""

import base64
import json
from typing import Any
from urllib.parse import urlencode

import pytest

from functions.api.handler import handler
from infra.local.proxy_event import proxy_event
from tests.integration.conftest import Api, staff_claims
from tests.support.forms import FORM
from tests.support.lambda_context import LambdaContext

UNIT = staff_claims("unit", unit="district-urban-management")
AGENT = staff_claims("agent")
LATIN = {"type": "complaint", "category": "urban.noise", "subject": "Bruit", "description": "Chantier après 23 h"}


def test_malformed_json_is_400(api: Api) -> None:
    reply = api.call("POST", "/v1/tickets", raw=b'{"type": "complaint",')
    assert reply.status == 400
    assert reply.body["error"]["code"] == "malformed_json"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"subject": None}, "subject"),
        ({"type": "gossip"}, "type"),
        ({"priority": 3}, "priority"),
        ({"description": "长" * 4001}, "description"),
        ({"location": {"lat": 91, "long": 10}}, "location.lat"),
        ({"contact": {"phone": "call me"}}, "contact.phone"),
        ({"channel": "partner"}, "channel"),
        ({"surprise": True}, "surprise"),
    ],
)
def test_invalid_fields_are_422_and_named(api: Api, change: dict, field: str) -> None:
    body = {**FORM, **change}
    body = {k: v for k, v in body.items() if v is not None}
    reply = api.call("POST", "/v1/tickets", body)
    assert reply.status == 422
    assert reply.body["error"]["code"] == "invalid_input"
    assert field in [f["field"] for f in reply.body["error"]["fields"]]


def test_unknown_category_is_422_naming_category(api: Api) -> None:
    reply = api.call("POST", "/v1/tickets", {**FORM, "category": "moon.landing"})
    assert reply.status == 422
    assert reply.body["error"]["fields"][0]["field"] == "category"


def test_category_not_allowed_for_type_is_422(api: Api) -> None:
    reply = api.call("POST", "/v1/tickets", {**FORM, "type": "praise", "category": "service.policy"})
    assert reply.status == 422


@pytest.mark.parametrize("body", [[], "text", 42, {}])
def test_wrong_shaped_body_is_422(api: Api, body: object) -> None:
    assert api.call("POST", "/v1/tickets", body).status == 422


def test_missing_body_is_4xx(api: Api) -> None:
    reply = api.call("POST", "/v1/tickets", raw=b"")
    assert 400 <= reply.status < 500
    assert "error" in reply.body


def test_oversize_body_is_413(api: Api) -> None:
    reply = api.call("POST", "/v1/tickets", {**FORM, "description": "x" * 70_000})
    assert reply.status == 413
    assert reply.body["error"]["code"] == "payload_too_large"


def test_unknown_route_is_404_and_wrong_method_is_405(api: Api) -> None:
    unknown = api.call("GET", "/v1/nothing-here")
    assert unknown.status == 404 and unknown.body["error"]["code"] == "not_found"
    wrong = api.call("DELETE", "/v1/tickets")
    assert wrong.status == 405 and wrong.body["error"]["code"] == "method_not_allowed"


def test_tracking_without_code_names_the_code(api: Api) -> None:
    reply = api.call("GET", "/v1/tickets/2611-000001")
    assert reply.status == 422
    assert reply.body["error"]["fields"][0]["field"] == "code"


def _refused(reply: Any, status: int, code: str) -> None:
    assert (reply.status, reply.body["error"]["code"]) == (status, code), reply.body
    assert reply.body["error"]["message"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"type=complaint", "text/plain"),
        (b"type=complaint&subject=x", "application/x-www-form-urlencoded"),
        (b"--x\r\nContent-Disposition: form-data; name=type\r\n\r\ncomplaint\r\n--x--", "multipart/form-data"),
        (json.dumps(FORM).encode(), "multipart/form-data; boundary=x"),
        (json.dumps(FORM).encode(), ""),  # no Content-Type at all
        (json.dumps(FORM).encode(), "application/json; charset=latin-1"),
        (b"hello, this is not JSON", "application/json"),
        (b"<ticket><type>complaint</type></ticket>", "application/json"),
    ],
    ids=[
        "text",
        "form",
        "multipart-without-boundary",
        "multipart",
        "no-content-type",
        "latin-1-charset",
        "prose",
        "xml",
    ],
)
def test_a_body_that_is_not_json_is_415(api: Api, body: bytes, content_type: str) -> None:
    _refused(
        api.call("POST", "/v1/tickets", raw=body, headers={"Content-Type": content_type}), 415, "unsupported_media_type"
    )


@pytest.mark.parametrize(
    "body",
    [
        json.dumps(LATIN, ensure_ascii=False).encode("latin-1"),
        json.dumps(FORM, ensure_ascii=False).encode("utf-16"),
        json.dumps(FORM, ensure_ascii=False).encode("gb18030"),
        b'{"subject": "\xff\xfe\xfd"}',
    ],
    ids=["latin-1", "utf-16", "gb18030", "raw-bytes"],
)
def test_a_body_that_is_not_utf8_is_415(api: Api, body: bytes) -> None:
    _refused(api.call("POST", "/v1/tickets", raw=body), 415, "unsupported_media_type")


def _call_base64(body: bytes, content_type: str = "application/json") -> tuple[int, Any]:
    """API Gateway hands binary bodies to the Lambda base64-encoded, with isBase64Encoded."""
    event = proxy_event(method="POST", path="/v1/tickets", resource="/{proxy+}", headers={"Content-Type": content_type})
    event.update(body=base64.b64encode(body).decode(), isBase64Encoded=True)
    result = handler(event, LambdaContext())
    return result["statusCode"], json.loads(result["body"])


def test_base64_encoded_bodies_are_decoded_and_checked(api: Api) -> None:
    assert _call_base64(json.dumps(FORM).encode())[0] == 201
    status, body = _call_base64("类型".encode("utf-16"))
    assert (status, body["error"]["code"]) == (415, "unsupported_media_type")
    status, body = _call_base64(b"\x80\x81 not utf-8")
    assert (status, body["error"]["code"]) == (415, "unsupported_media_type")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"[" * 20_000 + b"]" * 20_000, "nested deeper"),
        (b'{"type": "complaint", "location": ' + b'{"a": ' * 40 + b"1" + b"}" * 41, "nested deeper"),
        (b'{"priority": ' + b"9" * 4_400 + b"}", "too many digits"),
        (b'{"location": {"lat": NaN, "long": 1}}', "NaN"),
        (b'{"subject": "\\ud800"}', "surrogate"),
    ],
    ids=["20000-deep", "41-deep", "4400-digits", "nan", "lone-surrogate"],
)
def test_json_beyond_the_parsers_limits_is_400(api: Api, body: bytes, problem: str) -> None:
    reply = api.call("POST", "/v1/tickets", raw=body)
    _refused(reply, 400, "malformed_json")
    assert problem in reply.body["error"]["message"]


@pytest.mark.parametrize("moment", ["0001-01-01T00:00+14:00", "9999-12-31T23:59-14:00", "1969-12-31T23:59:59Z"])
def test_partner_listing_since_an_impossible_time_is_422(api: Api, partners: dict[str, str], moment: str) -> None:
    reply = api.call(
        "GET", "/v1/partner/tickets", query=urlencode({"updated_since": moment}), api_key_id=partners["city-app"]
    )
    _refused(reply, 422, "invalid_input")
    assert reply.body["error"]["fields"][0]["field"] == "updated_since"


@pytest.mark.parametrize("start", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:00-14:00", "3000-01-01T00:00Z"])
@pytest.mark.parametrize("unit", ["hours", "working_days"])
def test_deadline_from_an_impossible_time_is_422(api: Api, start: str, unit: str) -> None:
    query = urlencode({"from": start, "amount": 100_000, "unit": unit})
    reply = api.call("GET", "/v1/staff/calendars/cn/deadline", query=query, claims=AGENT)
    _refused(reply, 422, "invalid_input")
    assert reply.body["error"]["fields"][0]["field"] == "from"


@pytest.mark.parametrize("method", ["TRACE", "PATCH", "DELETE"])
def test_a_method_the_path_does_not_have_is_405_naming_the_allowed_ones(api: Api, method: str) -> None:
    reply = api.call(method, "/v1/tickets")
    _refused(reply, 405, "method_not_allowed")
    assert reply.headers["Allow"] == "POST"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/v1/staff/config/ladder"),
        ("PUT", "/v1/staff/calendars/cn"),
        ("POST", "/v1/staff/partners"),
        ("POST", "/v1/staff/tickets"),
        ("POST", "/v1/staff/tickets/2611-000001/dispatch"),
    ],
)
@pytest.mark.parametrize(
    ("body", "content_type"), [(b'{"nonsense": true}', "application/json"), (b"\xff\xfe", "text/plain")]
)
def test_a_role_that_may_not_act_gets_403_whatever_the_body(
    api: Api, method: str, path: str, body: bytes, content_type: str
) -> None:
    reply = api.call(method, path, raw=body, headers={"Content-Type": content_type}, claims=UNIT)
    _refused(reply, 403, "forbidden")
    anonymous = api.call(method, path, raw=body, headers={"Content-Type": content_type})
    _refused(anonymous, 401, "unauthenticated")


def test_a_partner_route_without_a_key_is_refused_before_its_body_is_read(api: Api) -> None:
    reply = api.call("POST", "/v1/partner/tickets", raw=b"[" * 20_000)
    _refused(reply, 401, "unauthenticated")
