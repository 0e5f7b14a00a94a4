"""Reports through the real functions on moto: tickets handled over the API, their writes counted by the aggregates
function from the table's stream (each event once, however often it is delivered), reports ordered and generated from
the queue into S3, read with their download links; a unit handler sees its own unit's figures only."""

import io
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from hotline.services import api_services
from openpyxl import load_workbook

from functions.aggregates.handler import handler as aggregates_handler
from functions.reports.handler import handler as reports_handler
from infra.local.pollers import StreamPoller
from tests.integration.conftest import Api, Reply, staff_claims
from tests.integration.test_customer_texts import MORNING, domain_time_from
from tests.support.forms import FORM
from tests.support.lambda_context import LambdaContext
from tests.support.services import reset_caches, seed_units

URBAN, MARKET = "district-urban-management", "district-market-regulation"
AGENT = staff_claims("agent", username="agent1")
DISPATCHER = staff_claims("dispatcher", username="dispatcher1")
SUPERVISOR = staff_claims("supervisor", username="supervisor1")
URBAN_UNIT = staff_claims("unit", unit=URBAN, username="unit1")
MARKET_UNIT = staff_claims("unit", unit=MARKET, username="unit2")
TODAY = "2026-11-20"  # MORNING is Friday 10:00 in Shanghai


def ok(reply: Reply, status: int = 200) -> dict[str, Any]:
    assert reply.status == status, reply.body
    return dict(reply.body)


@pytest.fixture
def centre(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    """The API on a Friday morning, with the reports function's resources (bus, e-mail topic) beside the API's."""
    monkeypatch.setenv("EVENT_BUS_NAME", boto3.client("events").create_event_bus(Name="hotline")["EventBusArn"])
    monkeypatch.setenv("REPORT_TOPIC_ARN", boto3.client("sns").create_topic(Name="reports")["TopicArn"])
    domain_time_from(monkeypatch, MORNING)
    reset_caches()
    seed_units()
    yield api


def handled(api: Api, unit: str = URBAN, grade: str = "satisfied") -> str:
    """A web complaint dispatched to `unit`, accepted, replied to and graded by its customer."""
    created = ok(api.call("POST", "/v1/tickets", FORM), 201)
    number, code = created["number"], created["access_code"]
    handler = URBAN_UNIT if unit == URBAN else MARKET_UNIT
    for action, body, who in (
        ("dispatch", {"unit_id": unit}, DISPATCHER),
        ("accept", {}, handler),
        ("reply", {"result": "已责令停工", "cause_code": "construction.permit"}, handler),
    ):
        ok(api.call("POST", f"/v1/staff/tickets/{number}/{action}", body, claims=who))
    ok(api.call("POST", f"/v1/tickets/{number}/survey", {"grade": grade, "solved": True}, query=f"code={code}"))
    return number


def count_from_stream() -> int:
    """Run the aggregates function over the table's stream from its start (as a new poller would after a failure)."""
    table = api_services().settings.table_name
    stream = boto3.client("dynamodb").describe_table(TableName=table)["Table"]["LatestStreamArn"]
    poller = StreamPoller(stream, lambda event: aggregates_handler(event, LambdaContext()))
    return sum(iter(poller.poll_once, 0))


def generate_queued() -> int:
    """The reports function on every message of the report queue; returns how many it took."""
    sqs, url = boto3.client("sqs"), api_services().settings.report_queue_url
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    for message in messages:
        record = {"messageId": message["MessageId"], "receiptHandle": message["ReceiptHandle"], "body": message["Body"]}
        event = {"Records": [{**record, "attributes": {}, "messageAttributes": {}, "eventSource": "aws:sqs"}]}
        assert reports_handler(event, LambdaContext()) == {"batchItemFailures": []}
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return len(messages)


def schedule_fires(kind: str, at: str) -> None:
    """What EventBridge Scheduler puts on the report queue (infra/constructs/reports.py)."""
    body = json.dumps({"kind": kind, "scheduled_time": at})
    boto3.client("sqs").send_message(QueueUrl=api_services().settings.report_queue_url, MessageBody=body)


def test_todays_figures_count_each_event_once_however_often_the_stream_delivers_it(centre: Api) -> None:
    handled(centre, URBAN, "satisfied")
    handled(centre, MARKET, "dissatisfied")
    count_from_stream()
    count_from_stream()  # every write delivered again

    today = ok(centre.call("GET", "/v1/staff/dashboard", claims=SUPERVISOR))

    assert today["period"] == {"kind": "today", "first": TODAY, "last": TODAY}
    basics = today["basics"]
    assert (basics["received"], basics["dispatched"], basics["replied"]) == (2, 2, 2)
    assert today["callbacks"]["satisfaction"] == {"value": 0.5, "numerator": 1, "denominator": 2}
    assert [(line["unit_id"], line["rank"]) for line in today["assessment"]] == [(URBAN, 1), (MARKET, 2)]
    market = today["assessment"][1]
    assert market["rework_rate"] == {"value": 1.0, "numerator": 1, "denominator": 1}
    assert basics["rework_rate"] == {"value": 0.5, "numerator": 1, "denominator": 2}  # the centre's
    assert basics["by_region"] == [
        {"code": "chaoyang", "name": "chaoyang", "count": 2, "share": {"value": 1.0, "numerator": 2, "denominator": 2}}
    ]


def test_an_ordered_report_is_generated_from_the_queue_with_its_files(centre: Api) -> None:
    handled(centre)
    count_from_stream()

    ordered = centre.call("POST", "/v1/staff/reports", {"from": "2026-11-01", "to": TODAY}, claims=SUPERVISOR)

    summary = ok(ordered, 202)
    assert summary["status"] == "pending" and summary["requested_by"] == {"role": "supervisor", "id": "supervisor1"}
    assert ordered.headers["Location"] == f"/v1/staff/reports/{summary['id']}"
    assert generate_queued() == 1
    report = ok(centre.call("GET", f"/v1/staff/reports/{summary['id']}", claims=SUPERVISOR))
    assert report["status"] == "ready" and report["title"] == "12345热线专题统计（2026年11月1日至2026年11月20日）"
    assert report["headline"]["received"] == 1 and report["summary"]["basics"]["replied_on_time"] == 1
    assert [f["format"] for f in report["files"]] == ["json", "csv", "xlsx", "html"]
    assert all(f["url"].startswith("http") and "Signature" in f["url"] for f in report["files"])
    s3 = boto3.client("s3")
    xlsx = s3.get_object(Bucket=api_services().settings.reports_bucket, Key=f"reports/{summary['id']}/report.xlsx")
    book = load_workbook(io.BytesIO(xlsx["Body"].read()))
    assert [row[:3] for row in book["考核排名"].iter_rows(min_row=2, values_only=True)] == [(1, "区城管局", URBAN)]
    listed = ok(centre.call("GET", "/v1/staff/reports", claims=SUPERVISOR))
    assert [item["id"] for item in listed["items"]] == [summary["id"]]


def test_a_schedule_firing_twice_makes_one_report(centre: Api) -> None:
    handled(centre)
    count_from_stream()

    schedule_fires("daily", "2026-11-21T00:00:00Z")  # Saturday 08:00 in Shanghai: Friday's bulletin
    assert generate_queued() == 1
    first = ok(centre.call("GET", f"/v1/staff/reports/daily-{TODAY}", claims=SUPERVISOR))
    schedule_fires("daily", "2026-11-21T00:00:00Z")  # Scheduler's retry, or SQS delivering again
    assert generate_queued() == 1

    again = ok(centre.call("GET", f"/v1/staff/reports/daily-{TODAY}", claims=SUPERVISOR))
    assert again["generated_at"] == first["generated_at"] and again["requested_by"] == {"role": "system", "id": None}
    assert first["period"] == {"kind": "daily", "first": TODAY, "last": TODAY}
    assert first["summary"]["basics"]["received"] == 1
    daily = ok(centre.call("GET", "/v1/staff/reports", query="kind=daily", claims=SUPERVISOR))
    assert [item["id"] for item in daily["items"]] == [f"daily-{TODAY}"]
    assert ok(centre.call("GET", "/v1/staff/reports", query="kind=monthly", claims=SUPERVISOR))["items"] == []


def test_a_unit_handler_reads_its_own_units_figures_only(centre: Api) -> None:
    handled(centre, URBAN, "satisfied")
    handled(centre, MARKET, "dissatisfied")
    count_from_stream()
    schedule_fires("daily", "2026-11-21T00:00:00Z")
    generate_queued()

    own = ok(centre.call("GET", f"/v1/staff/reports/daily-{TODAY}", claims=MARKET_UNIT))

    assert own["unit_id"] == MARKET and own["summary"]["unit_id"] == MARKET
    assert [line["unit_id"] for line in own["summary"]["assessment"]] == [MARKET]
    assert own["summary"]["assessment"][0]["rank"] == 2  # its place among the centre's units
    assert [f["name"] for f in own["files"]] == [f"daily-{TODAY}-{MARKET}.json"]  # not the centre's files
    assert ok(centre.call("GET", "/v1/staff/dashboard", claims=MARKET_UNIT))["unit_id"] == MARKET
    for path in (f"/v1/staff/reports/daily-{TODAY}", "/v1/staff/dashboard"):
        refused = centre.call("GET", path, query=f"unit={URBAN}", claims=MARKET_UNIT)
        assert refused.status == 403 and refused.body["error"]["code"] == "forbidden"
    assert ok(centre.call("GET", "/v1/staff/dashboard", query=f"unit={URBAN}", claims=SUPERVISOR))["unit_id"] == URBAN
    assert centre.call("GET", "/v1/staff/reports", claims=AGENT).status == 403
    order = {"from": TODAY, "to": TODAY}
    assert centre.call("POST", "/v1/staff/reports", order, claims=MARKET_UNIT).status == 403


@pytest.mark.parametrize(
    ("period", "problem"),
    [
        ({"from": "2026-11-10", "to": "2026-11-01"}, "must not be before `from`"),
        ({"from": "2025-11-01", "to": "2026-11-01"}, "a report covers at most a year: until 2026-10-31"),
        ({"from": "2026-11-01", "to": "2026-11-21"}, "must not be after today (2026-11-20)"),
    ],
)
def test_an_order_for_a_period_no_report_can_cover_is_422(centre: Api, period: dict[str, str], problem: str) -> None:
    refused = centre.call("POST", "/v1/staff/reports", period, claims=SUPERVISOR)

    assert refused.status == 422, refused.body
    assert refused.body["error"]["fields"] == [{"field": "to", "problem": problem}]


def test_an_order_with_a_malformed_date_names_the_field(centre: Api) -> None:
    refused = centre.call("POST", "/v1/staff/reports", {"from": "11/01/2026", "to": TODAY}, claims=SUPERVISOR)

    assert refused.status == 422 and [f["field"] for f in refused.body["error"]["fields"]] == ["from"]
