"""Major incidents (重大事件) on moto: new tickets go from the table stream (functions/events) onto the bus, a rule puts
each `ticket.created` on the detection queue, functions/incidents declares one incident and binds its tickets, and
the incident's write comes back through the stream as its event on the bus, the notice to leadership on the units'
topic and the metric ops are paged on. Then the supervisors' routes."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from hotline.domain.tickets.publication import SOURCE
from hotline.services import api_services

from infra.local.pollers import QueuePoller, StreamPoller
from tests.integration.conftest import Api, staff_claims
from tests.support.domain_time import domain_time_from
from tests.support.forms import FORM
from tests.support.lambda_context import LambdaContext
from tests.support.services import seed_units

SUPERVISOR = staff_claims("supervisor", username="supervisor1")
ADMIN = staff_claims("admin", username="admin1")
AGENT = staff_claims("agent", username="agent1")
MONDAY_10 = datetime(2026, 11, 23, 2, tzinfo=UTC)  # Monday 10:00 in Shanghai: texts go out at once
POWER_CUT = {**FORM, "category": "housing.power", "subject": "小区停电", "description": "整栋楼突然停电"}


def _queue(name: str) -> tuple[str, str]:
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def _messages(url: str) -> list[dict[str, Any]]:
    sqs, found = boto3.client("sqs"), []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        found += [json.loads(m["Body"]) for m in batch]
        sqs.delete_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)]
        )
    return found


@dataclass
class Centre:
    api: Api
    stream_arn: str
    detections: str
    """The detection queue the bus rule fills with `ticket.created`."""
    announced: str
    """A queue that receives every incident event from the bus."""
    leadership: str
    """A queue subscribed to the units' topic."""

    def __post_init__(self) -> None:
        from functions.events.handler import handler as events
        from functions.incidents.handler import handler as incidents

        self.stream = StreamPoller(self.stream_arn, lambda event: events(event, LambdaContext()), interval=0)
        self.detector = QueuePoller(self.detections, lambda event: incidents(event, LambdaContext()), wait_seconds=0)

    def settle(self) -> None:
        """What the functions would do by themselves: the stream handed on, every new ticket looked at, until quiet."""
        while self.stream.poll_once() + self.detector.poll_once():
            pass

    def report(self, **changes: Any) -> str:
        created = self.api.call("POST", "/v1/tickets", {**POWER_CUT, **changes})
        assert created.status == 201, created.body
        return str(created.body["number"])

    def get(self, path: str, claims: dict[str, Any] = SUPERVISOR, query: str = "") -> Any:
        reply = self.api.call("GET", path, claims=claims, query=query)
        assert reply.status == 200, reply.body
        return reply.body

    def post(self, path: str, body: Any, claims: dict[str, Any] = SUPERVISOR, status: int = 200) -> Any:
        reply = self.api.call("POST", path, body, claims=claims)
        assert reply.status == status, reply.body
        return reply.body

    def incidents(self) -> list[dict[str, Any]]:
        return list(self.get("/v1/staff/incidents")["items"])


@pytest.fixture
def centre(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[Centre]:
    events, sns = boto3.client("events"), boto3.client("sns")
    bus = events.create_event_bus(Name="tickets")["EventBusArn"]
    topic = sns.create_topic(Name="units")["TopicArn"]
    monkeypatch.setenv("EVENT_BUS_NAME", bus)
    monkeypatch.setenv("NOTIFICATIONS_TOPIC_ARN", topic)
    detections, detections_arn = _queue("detections")
    announced, announced_arn = _queue("announced")
    leadership, leadership_arn = _queue("leadership")
    # As infra/constructs/incidents.py routes them, and a listener for the incidents' own events.
    for name, pattern, target in (
        ("new-tickets", {"source": [SOURCE], "detail-type": ["ticket.created"]}, detections_arn),
        ("incidents", {"source": ["hotline.incidents"]}, announced_arn),
    ):
        events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps(pattern))
        events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "queue", "Arn": target}])
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=leadership_arn,
        Attributes={"RawMessageDelivery": "true", "FilterPolicy": json.dumps({"kind": ["incident"]})},
    )
    domain_time_from(monkeypatch, MONDAY_10)
    seed_units()
    table = boto3.client("dynamodb").describe_table(TableName=api_services().settings.table_name)["Table"]
    yield Centre(api, table["LatestStreamArn"], detections, announced, leadership)


def _declared_metrics(output: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in output.splitlines() if line.startswith('{"_aws"')]
    return [line for line in lines if "IncidentsDeclared" in line]


def test_six_reports_from_the_stream_make_one_incident_that_tells_leadership_and_pages_ops(
    centre: Centre, capsys: pytest.CaptureFixture[str]
) -> None:
    numbers = [centre.report() for _ in range(6)]

    centre.settle()

    (incident,) = centre.incidents()
    assert incident["tickets"] == numbers and incident["primary"] == numbers[0]
    assert incident["status"] == "open" and incident["trigger"] == "burst"
    assert incident["area"]["region"] == "chaoyang" and incident["title"] == "供电（chaoyang）"
    assert centre.get(f"/v1/staff/incidents/{incident['id']}") == incident
    primary = centre.get(f"/v1/staff/tickets/{numbers[0]}")
    assert primary["handling"]["bound"] == numbers[1:]
    assert all(centre.get(f"/v1/staff/tickets/{n}")["handling"]["primary"] == numbers[0] for n in numbers[1:])
    # The incident's write, handed on from the stream: its event on the bus, the notice, the metric.
    (declared,) = _messages(centre.announced)
    assert declared["detail-type"] == "incident.declared" and declared["source"] == "hotline.incidents"
    assert declared["detail"]["incident"]["id"] == incident["id"]
    assert declared["detail"]["data"]["tickets"] == numbers
    (notice,) = [json.loads(m) for m in map(json.dumps, _messages(centre.leadership))]
    assert notice["recipients"] == ["leadership"] and incident["id"] in notice["message"]
    (metric,) = _declared_metrics(capsys.readouterr().out)
    assert metric["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Hotline"
    assert metric["IncidentsDeclared"] == [1.0] and metric["service"] == "hotline"


def test_redelivered_tickets_and_writes_change_nothing(centre: Centre) -> None:
    numbers = [centre.report() for _ in range(5)]
    centre.settle()
    (declared,) = centre.incidents()
    versions = [centre.get(f"/v1/staff/tickets/{n}")["version"] for n in numbers]

    # The stream delivers every write again (its events go on the bus again, so each ticket is looked at again).
    centre.stream = StreamPoller(centre.stream_arn, centre.stream._invoke, interval=0)
    centre.settle()

    assert centre.incidents() == [declared]
    assert [centre.get(f"/v1/staff/tickets/{n}")["version"] for n in numbers] == versions


def test_a_later_report_joins_and_resolving_reaches_every_customer(centre: Centre) -> None:
    numbers = [centre.report(contact={"name": "市民", "phone": f"1390013900{i}"}) for i in range(6)]
    centre.settle()
    seventh = centre.report(contact={"name": "市民", "phone": "13900139009"})
    centre.settle()
    (incident,) = centre.incidents()
    assert incident["tickets"] == [*numbers, seventh]

    resolved = centre.post(f"/v1/staff/incidents/{incident['id']}/resolve", {"result": "线路已抢修，恢复供电"})
    centre.settle()

    assert resolved["status"] == "resolved" and resolved["result"] == "线路已抢修，恢复供电"
    for number in [*numbers, seventh]:
        record = centre.get(f"/v1/staff/tickets/{number}")
        assert record["status"] == "replied" and record["result"] == "线路已抢修，恢复供电"
        assert record["handling"]["survey"]["channel"] == "sms" and record["handling"]["survey"]["sent_at"]
    assert [m["detail-type"] for m in _messages(centre.announced)] == ["incident.declared", "incident.resolved"]


def test_supervisors_declare_merge_and_dismiss_by_hand(centre: Centre) -> None:
    here = [centre.report() for _ in range(2)]
    there = [centre.report(location={"region": "haidian"}) for _ in range(2)]

    first = centre.post("/v1/staff/incidents", {"tickets": here}, status=201)
    second = centre.post("/v1/staff/incidents", {"tickets": there, "title": "海淀停电"}, status=201)
    merged = centre.post(f"/v1/staff/incidents/{first['id']}/merge", {"other": second["id"]})

    assert merged["tickets"] == here + there and first["trigger"] == "manual"
    assert centre.get(f"/v1/staff/incidents/{second['id']}")["status"] == "merged"
    assert centre.get(f"/v1/staff/tickets/{there[0]}")["handling"]["primary"] == here[0]
    assert [i["id"] for i in centre.get("/v1/staff/incidents", query="status=open")["items"]] == [first["id"]]

    dismissed = centre.post(f"/v1/staff/incidents/{first['id']}/dismiss", {"reason": "误报"})

    assert dismissed["status"] == "dismissed" and dismissed["reason"] == "误报"
    assert centre.get(f"/v1/staff/tickets/{here[0]}")["handling"]["bound"] == []
    again = centre.post(f"/v1/staff/incidents/{first['id']}/resolve", {"result": "x"}, status=409)
    assert again["error"]["code"] == "incident_not_open"


def test_the_rules_are_data_only_supervisors_and_admins_change(centre: Centre) -> None:
    rules = centre.get("/v1/staff/config/incidents")
    assert (rules["min_tickets"], rules["window_minutes"], rules["radius_m"]) == (5, 60, 500)
    assert centre.api.call("GET", "/v1/staff/config/incidents", claims=AGENT).status == 403

    unknown = centre.api.call(
        "PUT", "/v1/staff/config/incidents", {**rules, "urgent_categories": ["housing.gas"]}, claims=ADMIN
    )
    too_many = centre.api.call("PUT", "/v1/staff/config/incidents", {**rules, "min_tickets": 500}, claims=ADMIN)
    changed = centre.api.call("PUT", "/v1/staff/config/incidents", {**rules, "min_tickets": 3}, claims=SUPERVISOR)

    assert unknown.status == 422 and unknown.body["error"]["fields"][0]["field"] == "urgent_categories.0"
    assert too_many.status == 422 and too_many.body["error"]["fields"][0]["field"] == "min_tickets"
    assert changed.status == 200 and centre.get("/v1/staff/config/incidents")["min_tickets"] == 3


def test_unknown_incidents_and_tickets_are_refused_clearly(centre: Centre) -> None:
    assert centre.api.call("GET", "/v1/staff/incidents/261123-020000-abcdef", claims=SUPERVISOR).status == 404
    assert centre.api.call("GET", "/v1/staff/incidents/nonsense", claims=SUPERVISOR).status == 422
    refused = centre.post("/v1/staff/incidents", {"tickets": ["2611-999999"]}, status=422)
    assert refused["error"]["fields"][0]["field"] == "tickets.0"
    assert centre.api.call("POST", "/v1/staff/incidents", {"tickets": ["2611-000001"]}, claims=AGENT).status == 403
