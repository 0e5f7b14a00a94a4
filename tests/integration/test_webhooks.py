"""Webhooks end to end in one process: the API and the real handlers on moto (table stream, EventBridge bus and
rule, SQS queue with its dead-letter queue), driven by the local cloud's pollers, posting to a loopback endpoint.

TIME_SCALE makes the retry waits (1 min … 6 h) last about a second each.
"""

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import boto3
import pytest
from hotline.domain.surveys.outcomes import Answer
from hotline.domain.tickets.publication import SOURCE
from hotline.domain.tickets.survey import Grade
from hotline.domain.webhooks.delivery import MAX_ATTEMPTS
from hotline.services import api_services

from infra.local.pollers import QueuePoller, StreamPoller
from tests.integration.conftest import Api, staff_claims
from tests.support.forms import FORM
from tests.support.lambda_context import LambdaContext
from tests.support.services import reset_caches, seed_units
from tests.support.webhook_receiver import Receiver, receiver

CITY_APP = "key-city-app"
CRM = "key-crm"
DISPATCHER = staff_claims("dispatcher", username="dispatcher1")
PARTNER_FORM = {**FORM, "external_ref": "APP-1"}


@dataclass
class Pipeline:
    api: Api
    stream: StreamPoller
    deliveries: QueuePoller
    dead_letters_url: str

    def pump(self, until: Callable[[], bool], seconds: float = 20) -> None:
        """Run the pollers (as AWS's would, in the background) until `until` holds."""
        deadline = time.monotonic() + seconds
        while not until():
            assert time.monotonic() < deadline, "the pipeline did not get there in time"
            if not self.stream.poll_once() + self.deliveries.poll_once():
                time.sleep(0.1)

    def dead_letters(self) -> list[dict[str, Any]]:
        sqs = boto3.client("sqs")
        messages = sqs.receive_message(QueueUrl=self.dead_letters_url, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(m["Body"]) for m in messages]

    def register(self, key: str, url: str) -> str:
        reply = self.api.call("PUT", "/v1/partner/webhook", {"url": url}, api_key_id=key)
        assert reply.status == 200, reply.body
        assert reply.headers.get("Cache-Control") == "no-store"
        return str(reply.body["secret"])

    def deliveries_of(self, key: str) -> list[dict[str, Any]]:
        reply = self.api.call("GET", "/v1/partner/webhook/deliveries", api_key_id=key)
        assert reply.status == 200, reply.body
        items: list[dict[str, Any]] = reply.body["items"]
        return items

    def submit(self, key: str = CITY_APP, **changes: Any) -> str:
        reply = self.api.call("POST", "/v1/partner/tickets", {**PARTNER_FORM, **changes}, api_key_id=key)
        assert reply.status == 201, reply.body
        return str(reply.body["number"])


def _lambda(handler: Callable[[dict[str, Any], Any], Any]) -> Callable[[dict[str, Any]], dict[str, Any] | None]:
    def invoke(event: dict[str, Any]) -> dict[str, Any] | None:
        result: dict[str, Any] | None = handler(event, LambdaContext())
        return result

    return invoke


@pytest.fixture
def pipeline(api: Api, partners: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Pipeline]:
    """The bus, rule and queues as infra/constructs/{ticket_events,webhooks}.py declare them."""
    events, sqs = boto3.client("events"), boto3.client("sqs")
    bus = f"hotline-{uuid4().hex[:8]}"
    events.create_event_bus(Name=bus)
    dead_url = sqs.create_queue(QueueName=f"{bus}-dead")["QueueUrl"]
    dead_arn = sqs.get_queue_attributes(QueueUrl=dead_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": MAX_ATTEMPTS})
    queue_url = sqs.create_queue(QueueName=f"{bus}-deliveries", Attributes={"RedrivePolicy": redrive})["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    pattern = {"source": [SOURCE], "detail": {"partner_id": [{"exists": True}]}}
    events.put_rule(Name="partner-ticket-events", EventBusName=bus, EventPattern=json.dumps(pattern))
    events.put_targets(Rule="partner-ticket-events", EventBusName=bus, Targets=[{"Id": "deliveries", "Arn": queue_arn}])

    monkeypatch.setenv("EVENT_BUS_NAME", bus)
    monkeypatch.setenv("NOTIFICATIONS_TOPIC_ARN", boto3.client("sns").create_topic(Name=bus)["TopicArn"])
    monkeypatch.setenv("WEBHOOK_QUEUE_URL", queue_url)
    monkeypatch.setenv("HOTLINE_LOCAL_WEBHOOK_LOOPBACK", "true")
    monkeypatch.setenv("HOTLINE_LOCAL_TIME_SCALE", "36000")  # the 6 h wait becomes 0.6 s (SQS rounds up to 1 s)
    reset_caches()
    seed_units()

    from functions.events.handler import handler as publish
    from functions.webhooks.handler import handler as send

    table = boto3.client("dynamodb").describe_table(TableName=api_services().settings.table_name)["Table"]
    stream = StreamPoller(table["LatestStreamArn"], _lambda(publish), interval=0)
    deliveries = QueuePoller(queue_url, _lambda(send), wait_seconds=0, interval=0)
    yield Pipeline(api, stream, deliveries, dead_url)
    reset_caches()


@pytest.fixture
def endpoint() -> Iterator[Receiver]:
    with receiver() as state:
        yield state


def test_a_partner_receives_each_event_of_its_ticket_signed(pipeline: Pipeline, endpoint: Receiver) -> None:
    secret = pipeline.register(CITY_APP, endpoint.url)
    number = pipeline.submit()
    dispatched = pipeline.api.call(
        "POST", f"/v1/staff/tickets/{number}/dispatch", {"unit_id": "district-urban-management"}, claims=DISPATCHER
    )
    assert dispatched.status == 200, dispatched.body
    pipeline.pump(until=lambda: len(endpoint.received) >= 2)

    created, dispatch = endpoint.of_type("ticket.created")[0], endpoint.of_type("ticket.dispatched")[0]
    assert created.signed_with(secret) and dispatch.signed_with(secret)
    assert not created.signed_with("whsec_someone-else")
    assert created.headers["Hotline-Event-Id"] == created.payload["id"]
    assert created.payload["ticket_number"] == number and created.payload["ticket"]["external_ref"] == "APP-1"
    assert created.payload["ticket"]["status"] == "received"  # the ticket as that event left it
    assert dispatch.payload["ticket"]["status"] == "dispatched"
    assert dispatch.payload["ticket"]["unit_id"] == "district-urban-management"
    assert set(created.payload) == {"id", "type", "time", "ticket_number", "ticket"}  # no staff ids, no actor

    log = pipeline.deliveries_of(CITY_APP)
    assert [d["type"] for d in log] == ["ticket.dispatched", "ticket.created"]  # newest first
    assert {d["status"] for d in log} == {"delivered"} and log[0]["attempts"][0]["status_code"] == 200


def test_no_one_receives_another_partners_or_a_citizens_tickets(pipeline: Pipeline, endpoint: Receiver) -> None:
    with receiver() as crm_endpoint:
        pipeline.register(CITY_APP, endpoint.url)
        pipeline.register(CRM, crm_endpoint.url)
        mine = pipeline.submit(CITY_APP)
        assert pipeline.api.call("POST", "/v1/tickets", FORM).status == 201
        theirs = pipeline.submit(CRM, external_ref="CRM-9")
        pipeline.pump(until=lambda: len(endpoint.received) >= 1 and len(crm_endpoint.received) >= 1)
        pipeline.pump(until=lambda: pipeline.stream.poll_once() + pipeline.deliveries.poll_once() == 0)

        # Each hears of its own ticket only (the same caller's third ticket is also flagged a repeat complaint).
        assert {r.payload["ticket_number"] for r in endpoint.received} == {mine}
        assert {r.payload["ticket_number"] for r in crm_endpoint.received} == {theirs}
    event_id = endpoint.received[0].payload["id"]
    assert pipeline.api.call("GET", f"/v1/partner/webhook/deliveries/{event_id}", api_key_id=CRM).status == 404
    assert (
        pipeline.api.call("POST", f"/v1/partner/webhook/deliveries/{event_id}/redeliver", api_key_id=CRM).status == 404
    )


def test_a_failed_attempt_is_retried_and_the_log_shows_both(pipeline: Pipeline, endpoint: Receiver) -> None:
    endpoint.statuses = [503]
    pipeline.register(CITY_APP, endpoint.url)
    pipeline.submit()
    pipeline.pump(until=lambda: len(endpoint.received) >= 2)

    first, second = endpoint.received
    assert first.payload == second.payload  # the same event, signed anew
    [delivery] = pipeline.deliveries_of(CITY_APP)
    assert delivery["status"] == "delivered" and delivery["attempt_count"] == 2
    assert [a["status_code"] for a in delivery["attempts"]] == [503, 200]


def test_an_endpoint_that_keeps_failing_sends_the_event_to_the_dead_letter_queue_until_redelivered(
    pipeline: Pipeline, endpoint: Receiver
) -> None:
    endpoint.statuses = [500] * MAX_ATTEMPTS
    pipeline.register(CITY_APP, endpoint.url)
    number = pipeline.submit()

    def failed() -> bool:
        log = pipeline.deliveries_of(CITY_APP)
        return bool(log) and log[0]["status"] == "failed"

    pipeline.pump(until=failed)
    assert len(endpoint.received) == MAX_ATTEMPTS
    [delivery] = pipeline.deliveries_of(CITY_APP)
    assert delivery["attempt_count"] == MAX_ATTEMPTS and delivery["next_attempt_at"] is None
    pipeline.pump(until=lambda: pipeline.deliveries.poll_once() == 0)  # the receive after the last moves it
    [dead] = pipeline.dead_letters()
    assert dead["detail"]["number"] == number and dead["detail-type"] == "ticket.created"

    event_id = delivery["event_id"]
    redelivered = pipeline.api.call("POST", f"/v1/partner/webhook/deliveries/{event_id}/redeliver", api_key_id=CITY_APP)
    assert redelivered.status == 202 and redelivered.body["status"] == "pending"
    pipeline.pump(until=lambda: len(endpoint.received) > MAX_ATTEMPTS)
    one = pipeline.api.call("GET", f"/v1/partner/webhook/deliveries/{event_id}", api_key_id=CITY_APP).body
    assert one["status"] == "delivered" and one["attempt_count"] == MAX_ATTEMPTS + 1
    assert endpoint.received[-1].payload["id"] == event_id


def test_registration_refuses_unusable_urls_and_redelivery_needs_an_endpoint(
    pipeline: Pipeline, endpoint: Receiver
) -> None:
    for url, problem in [
        ("http://crm.example.com/h", "https"),
        ("https://10.0.0.8/h", "private"),
        ("https://100.64.0.1/h", "private"),
        ("https://[2002:a9fe:a9fe::]/h", "IPv4"),
        ("https://2130706433/h", "four decimal numbers"),
        ("https://crm.example.com:22/h", "port 443"),
        ("ftp://crm.example.com/h", "https"),
    ]:
        reply = pipeline.api.call("PUT", "/v1/partner/webhook", {"url": url}, api_key_id=CITY_APP)
        assert reply.status == 422, reply.body
        [field] = reply.body["error"]["fields"]
        assert field["field"] == "url" and problem in field["problem"]
    assert pipeline.api.call("PUT", "/v1/partner/webhook", {"url": endpoint.url}).status in (401, 403)
    assert pipeline.api.call("GET", "/v1/partner/webhook", api_key_id=CITY_APP).status == 404

    pipeline.register(CITY_APP, endpoint.url)
    assert pipeline.api.call("GET", "/v1/partner/webhook", api_key_id=CITY_APP).body["url"] == endpoint.url
    assert "secret" not in pipeline.api.call("GET", "/v1/partner/webhook", api_key_id=CITY_APP).body
    pipeline.submit()
    pipeline.pump(until=lambda: len(endpoint.received) >= 1)
    event_id = endpoint.received[0].payload["id"]
    assert pipeline.api.call("DELETE", "/v1/partner/webhook", api_key_id=CITY_APP).status == 204
    refused = pipeline.api.call("POST", f"/v1/partner/webhook/deliveries/{event_id}/redeliver", api_key_id=CITY_APP)
    assert refused.status == 409 and refused.body["error"]["code"] == "no_webhook"
    unknown = pipeline.api.call("GET", f"/v1/partner/webhook/deliveries/{'0' * 32}", api_key_id=CITY_APP)
    assert unknown.status == 404
    malformed = pipeline.api.call("GET", "/v1/partner/webhook/deliveries/not-an-id", api_key_id=CITY_APP)
    assert malformed.status == 422 and malformed.body["error"]["fields"][0]["field"] == "event_id"


def test_the_payload_carries_the_outcome_and_the_survey_but_no_staff_or_levels(
    pipeline: Pipeline, endpoint: Receiver
) -> None:
    pipeline.register(CITY_APP, endpoint.url)
    number = pipeline.submit()
    unit = staff_claims("unit", unit="district-urban-management", username="unit1")
    result = "已责令施工单位停止夜间施工"
    for action, body, claims in [
        ("dispatch", {"unit_id": "district-urban-management"}, DISPATCHER),
        ("accept", {}, unit),
        ("reply", {"result": result, "cause_code": "construction.permit"}, unit),
    ]:
        reply = pipeline.api.call("POST", f"/v1/staff/tickets/{number}/{action}", body, claims=claims)
        assert reply.status == 200, reply.body
    partner = api_services().partners.get("city-app")
    assert partner is not None
    api_services().surveys.answer_for_partner(number, partner, Answer(grade=Grade.SATISFIED, solved=True))
    pipeline.pump(until=lambda: bool(endpoint.of_type("ticket.closed")))

    replied = endpoint.of_type("ticket.replied")[0]
    assert (replied.payload["ticket"]["result"], replied.payload["ticket"]["cause_code"]) == (
        result,
        "construction.permit",
    )
    assert result.encode() in replied.body  # UTF-8, not \u escapes
    closed = endpoint.of_type("ticket.closed")[0].payload["ticket"]
    assert (closed["status"], closed["resolution"]) == ("closed", "resolved")
    assert (closed["survey"]["grade"], closed["survey"]["solved"]) == ("satisfied", True)
    for received in endpoint.received:
        assert "escalation_level" not in received.payload["ticket"]
        assert b"unit1" not in received.body and b"dispatcher1" not in received.body
