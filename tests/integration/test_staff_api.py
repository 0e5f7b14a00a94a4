"""Staff register and read tickets according to their roles."""

from tests.integration.conftest import Api, staff_claims
from tests.support.forms import FORM

PHONE_CALL = {**FORM, "channel": "phone"}


def test_agent_registers_a_phone_ticket_with_its_timeline(api: Api) -> None:
    agent = staff_claims("agent", username="agent1")
    created = api.call("POST", "/v1/staff/tickets", PHONE_CALL, claims=agent)
    assert created.status == 201
    record = api.call("GET", f"/v1/staff/tickets/{created.body['number']}", claims=agent)
    assert record.status == 200
    assert record.body["channel"] == "phone"
    assert record.body["contact"]["phone"] == "13800138000"
    assert record.body["timeline"][0]["type"] == "ticket.created"
    assert record.body["timeline"][0]["actor"] == {"role": "agent", "id": "agent1"}


def test_unit_handler_may_not_register_and_sees_only_its_unit(api: Api) -> None:
    unit = staff_claims("unit", unit="district-sanitation")
    assert api.call("POST", "/v1/staff/tickets", PHONE_CALL, claims=unit).status == 403
    number = api.call("POST", "/v1/tickets", FORM).body["number"]
    assert api.call("GET", f"/v1/staff/tickets/{number}", claims=unit).status == 404
    assert api.call("GET", "/v1/staff/tickets", claims=unit).body["items"] == []


def test_no_token_is_401_and_no_role_is_403(api: Api) -> None:
    assert api.call("GET", "/v1/staff/tickets").status == 401
    assert api.call("GET", "/v1/staff/tickets", claims=staff_claims()).status == 403


def test_listing_filters_by_status_channel_type_and_phone(api: Api) -> None:
    agent = staff_claims("agent")
    api.call("POST", "/v1/tickets", FORM)
    api.call("POST", "/v1/staff/tickets", PHONE_CALL, claims=agent)
    api.call(
        "POST",
        "/v1/staff/tickets",
        {**PHONE_CALL, "type": "consultation", "category": "service.policy", "contact": {"phone": "+86 139 0000 1111"}},
        claims=agent,
    )

    def numbers(query: str) -> int:
        reply = api.call("GET", "/v1/staff/tickets", query=query, claims=agent)
        assert reply.status == 200, reply.body
        return len(reply.body["items"])

    assert numbers("") == 3
    assert numbers("status=received") == 3
    assert numbers("channel=phone") == 2
    assert numbers("channel=phone&type=consultation") == 1
    assert numbers("type=complaint") == 2
    assert numbers("phone=13900001111") == 1
    assert numbers("status=closed") == 0
    assert api.call("GET", "/v1/staff/tickets", query="status=lost", claims=agent).status == 422


def test_staff_channel_must_be_an_assisted_channel(api: Api) -> None:
    reply = api.call("POST", "/v1/staff/tickets", {**FORM, "channel": "web"}, claims=staff_claims("agent"))
    assert reply.status == 422
    assert reply.body["error"]["fields"][0]["field"] == "channel"
