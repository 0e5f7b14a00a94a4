"""Tickets about the same matter on moto, through the real API handler and the table stream's consumer
(functions/events): binding under a primary and the primary's reply reaching every bound customer, similar tickets,
the caller's customer file and repeat complaints."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from hotline.services import api_services

from infra.local.pollers import StreamPoller
from tests.integration.conftest import Api, staff_claims
from tests.support.domain_time import domain_time_from
from tests.support.forms import FORM
from tests.support.lambda_context import LambdaContext
from tests.support.services import seed_units
from tests.support.texts import texts_to

URBAN = "district-urban-management"
AGENT = staff_claims("agent", username="agent1")
DISPATCHER = staff_claims("dispatcher", username="dispatcher1")
UNIT = staff_claims("unit", unit=URBAN, username="unit1")
ADMIN = staff_claims("admin", username="admin1")
MONDAY_10 = datetime(2026, 11, 23, 2, tzinfo=UTC)  # Monday 10:00 in Shanghai: texts go out at once
REPLY = {"result": "已责令张三家旁边的工地停止夜间施工", "cause_code": "construction.permit"}


@dataclass
class Hotline:
    api: Api
    stream_arn: str

    def consume(self, poller: StreamPoller | None = None) -> None:
        """The events function over the writes since last time (a fresh poller: every write again, a redelivery)."""
        poller = poller or self.poller
        while poller.poll_once():
            pass

    def fresh_poller(self) -> StreamPoller:
        from functions.events.handler import handler

        return StreamPoller(self.stream_arn, lambda event: handler(event, LambdaContext()), interval=0)

    def __post_init__(self) -> None:
        self.poller = self.fresh_poller()

    def submit(self, phone: str | None = "13800138000", **changes: Any) -> tuple[str, str]:
        form = {**FORM, **changes, "contact": {"name": "张三", "phone": phone} if phone else None}
        created = self.api.call("POST", "/v1/tickets", {k: v for k, v in form.items() if v is not None})
        assert created.status == 201, created.body
        return str(created.body["number"]), str(created.body["access_code"])

    def act(self, number: str, action: str, claims: dict[str, Any], **body: Any) -> dict[str, Any]:
        reply = self.api.call("POST", f"/v1/staff/tickets/{number}/{action}", body, claims=claims)
        assert reply.status == 200, reply.body
        return dict(reply.body)

    def staff_view(self, number: str, claims: dict[str, Any] = DISPATCHER) -> dict[str, Any]:
        reply = self.api.call("GET", f"/v1/staff/tickets/{number}", claims=claims)
        assert reply.status == 200, reply.body
        return dict(reply.body)


@pytest.fixture
def hotline(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hotline]:
    monkeypatch.setenv("EVENT_BUS_NAME", boto3.client("events").create_event_bus(Name="tickets")["EventBusArn"])
    monkeypatch.setenv("NOTIFICATIONS_TOPIC_ARN", boto3.client("sns").create_topic(Name="units")["TopicArn"])
    domain_time_from(monkeypatch, MONDAY_10)
    seed_units()
    table = boto3.client("dynamodb").describe_table(TableName=api_services().settings.table_name)["Table"]
    yield Hotline(api, table["LatestStreamArn"])


def test_link_and_unlink_show_on_both_records_and_on_the_customers_page(hotline: Hotline) -> None:
    primary, _ = hotline.submit()
    bound, code = hotline.submit(phone="13900139000")

    linked = hotline.act(bound, "link", AGENT, primary=primary)

    assert linked["handling"]["primary"] == primary
    assert hotline.staff_view(primary)["handling"]["bound"] == [bound]
    assert [e["data"] for e in linked["timeline"] if e["type"] == "ticket.linked"] == [{"primary": primary}]
    page = hotline.api.call("GET", f"/v1/tickets/{bound}", query=f"code={code}").body
    assert page["handled_with"] == primary and page["reply_by"] is None
    assert [e["text"] for e in page["timeline"] if e["type"] == "ticket.linked"] == [f"将与工单{primary}一并办理并答复"]

    unlinked = hotline.act(bound, "unlink", AGENT, reason="不是同一工地")

    assert unlinked["handling"]["primary"] is None and hotline.staff_view(primary)["handling"]["bound"] == []
    assert unlinked["handling"]["next_wake"] is not None  # its clock runs again


@pytest.mark.parametrize(
    ("to", "status", "code", "field"),
    [
        ("self", 422, "invalid_input", "primary"),
        ("2611-999999", 422, "invalid_input", "primary"),
        ("closed", 409, "primary_closed", None),
    ],
)
def test_binding_that_breaks_the_rules_is_refused_clearly(
    hotline: Hotline, to: str, status: int, code: str, field: str | None
) -> None:
    number, _ = hotline.submit()
    closed, _ = hotline.submit()
    hotline.act(closed, "close", AGENT, resolution="duplicate", duplicate_of=number)
    primary = {"self": number, "closed": closed}.get(to, to)

    reply = hotline.api.call("POST", f"/v1/staff/tickets/{number}/link", {"primary": primary}, claims=AGENT)

    assert reply.status == status and reply.body["error"]["code"] == code
    assert [f["field"] for f in reply.body["error"].get("fields", [])] == ([field] if field else [])
    assert hotline.staff_view(number)["handling"]["primary"] is None


def test_a_unit_handler_may_not_bind_and_an_unbound_ticket_cannot_be_unbound(hotline: Hotline) -> None:
    primary, _ = hotline.submit()
    number, _ = hotline.submit()
    refused = hotline.api.call("POST", f"/v1/staff/tickets/{number}/link", {"primary": primary}, claims=UNIT)
    assert refused.status == 403
    not_bound = hotline.api.call("POST", f"/v1/staff/tickets/{number}/unlink", {}, claims=AGENT)
    assert not_bound.status == 409 and not_bound.body["error"]["code"] == "not_bound"


def test_the_primarys_reply_reaches_every_bound_customer_by_text_and_survey_once(hotline: Hotline) -> None:
    primary, _ = hotline.submit()
    phones = {"13900139001": "+8613900139001", "13900139002": "+8613900139002"}
    bound = [hotline.submit(phone=phone)[0] for phone in phones]
    for number in bound:
        hotline.act(number, "link", AGENT, primary=primary)
    hotline.act(primary, "dispatch", DISPATCHER, unit_id=URBAN)
    hotline.act(primary, "accept", UNIT)
    hotline.consume()

    hotline.act(primary, "reply", UNIT, **REPLY)
    hotline.consume()

    for number, phone in zip(bound, phones.values(), strict=True):
        record = hotline.staff_view(number)
        assert record["status"] == "replied"
        assert record["result"] == "已责令***家旁边的工地停止夜间施工"  # the primary's customer's name masked
        assert record["handling"]["survey"]["channel"] == "sms" and record["handling"]["survey"]["sent_at"]
        [reply_text] = [t for t in texts_to(phone) if "/survey/" in t]
        assert f"/survey/{number}?code=" in reply_text and "张三" not in reply_text
    assert hotline.staff_view(primary)["status"] == "replied"  # the primary has its own survey

    versions = {number: hotline.staff_view(number)["version"] for number in bound}
    hotline.consume(hotline.fresh_poller())  # every write delivered again
    for number in bound:
        record = hotline.staff_view(number)
        assert record["version"] == versions[number]  # nothing written twice: one reply, one survey
        assert [e["type"] for e in record["timeline"]].count("ticket.replied") == 1


def test_similar_tickets_of_a_ticket_and_of_a_call_being_registered(hotline: Hotline) -> None:
    number, _ = hotline.submit()
    same_place, _ = hotline.submit(phone="13900139000", subject="工地夜里施工")
    hotline.submit(category="urban.sanitation")
    far = {"address": "北京市海淀区中关村大街1号", "lat": 39.98, "long": 116.31, "region": "haidian"}
    hotline.submit(location=far)

    found = hotline.api.call("GET", f"/v1/staff/tickets/{number}/similar", claims=AGENT)

    assert found.status == 200
    assert [item["number"] for item in found.body["items"]] == [same_place]
    assert found.body["items"][0]["distance_m"] == 0.0 and found.body["items"][0]["score"] >= 0.5

    draft = {"category": "urban.noise", "subject": "夜间施工", "location": {"lat": 39.9087, "long": 116.4605}}
    suggested = hotline.api.call("POST", "/v1/staff/tickets/similar", draft, claims=AGENT, query="limit=1")
    assert suggested.status == 200 and len(suggested.body["items"]) == 1
    assert suggested.body["items"][0]["number"] in {number, same_place}


def test_the_customer_file_and_repeat_complaints_from_the_stream(hotline: Hotline) -> None:
    first, _ = hotline.submit()
    second, _ = hotline.submit(subject="工地又在夜间施工")
    hotline.submit(phone="13900139000")  # someone else
    hotline.consume()

    file = hotline.api.call("GET", f"/v1/staff/tickets/{second}/customer", claims=AGENT)

    assert file.status == 200
    assert [t["number"] for t in file.body["tickets"]] == [second, first]
    assert [t["repeat"] for t in file.body["tickets"]] == [True, False]
    assert (file.body["last_30_days"], file.body["last_90_days"], file.body["repeat_complaints"]) == (2, 2, 1)
    record = hotline.staff_view(second)
    assert record["handling"]["repeat_of"] == [first]
    assert "ticket.repeat_complaint" in [e["type"] for e in record["timeline"]]
    assert record["customer"]["last_30_days"] == 2
    hotline.act(first, "dispatch", DISPATCHER, unit_id=URBAN)
    assert hotline.staff_view(first, UNIT)["customer"] is None  # the unit sees its ticket, not the caller's file


def test_admins_change_what_counts_as_the_same_matter(hotline: Hotline) -> None:
    assert hotline.api.call("GET", "/v1/staff/config/duplicates", claims=AGENT).body["window_days"] == 7
    rules = {"window_days": 3, "near_metres": 200, "min_score": 0.6, "repeat_window_days": 14, "repeat_text_score": 0.7}
    assert hotline.api.call("PUT", "/v1/staff/config/duplicates", rules, claims=AGENT).status == 403
    assert hotline.api.call("PUT", "/v1/staff/config/duplicates", rules, claims=ADMIN).body == rules
    assert hotline.api.call("GET", "/v1/staff/config/duplicates", claims=AGENT).body == rules
    too_long = hotline.api.call("PUT", "/v1/staff/config/duplicates", {**rules, "window_days": 365}, claims=ADMIN)
    assert too_long.status == 422 and too_long.body["error"]["fields"][0]["field"] == "window_days"
