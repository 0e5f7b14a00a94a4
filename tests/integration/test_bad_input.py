"""Every client mistake gets a 4xx with a JSON error body naming the problem, never a 5xx."""

import pytest

from tests.integration.conftest import FORM, Api


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


def test_non_json_content_type_is_rejected_clearly(api: Api) -> None:
    reply = api.call("POST", "/v1/tickets", raw=b"type=complaint", headers={"Content-Type": "text/plain"})
    assert 400 <= reply.status < 500
    assert "error" in reply.body
