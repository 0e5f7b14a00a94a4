"""What a ticket costs on the common path, intake to a closed survey, at list prices (tests/bench/cost.py).

Measured on moto with the real ticket clock (the ASL executed, every Lambda in this process, the table stream
delivered to the events function one write at a time, as Lambda does when tickets are not queueing): a citizen
submits with a mobile number, the clock routes it, the unit accepts and replies, the reply's text carries the survey
link, and the customer's answer through it closes the ticket. A second ticket is measured after a first one warmed the
containers (cold starts depend on traffic, not on the ticket); each comes from its own customer (a second complaint
from the same phone is a repeat complaint, not the common path).

Only the survey sweep is modeled (marked *): it runs every 5 minutes (a Scheduler invocation, a Lambda, one Query of
its keys-only index) whatever the traffic, shared by the tickets of those 5 minutes at REFERENCE_TICKETS_PER_DAY.
"""

import json
import re
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from hotline.services import api_services
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.dynamo_type import DynamoType

from infra.app import STACK_NAME
from infra.local import atomic
from infra.local.deploy import synthesize
from infra.local.pollers import Filter, StreamPoller
from tests.bench import cost
from tests.bench.meter import Meter, Usage, indexes
from tests.integration.clock_harness import ClockHarness, clock_harness
from tests.integration.conftest import staff_claims
from tests.support.forms import FORM
from tests.support.lambda_context import LambdaContext
from tests.support.texts import texts_to

REFERENCE_TICKETS_PER_DAY = 1_000
"""A small centre's day: what the survey sweep's fixed runs are shared by (more tickets, less each)."""
SWEEPS_PER_DAY = 24 * 60 // 5
LAMBDA_PLATFORM_LOG_BYTES = 400
"""Lambda's own `platform.start` and `platform.report` records per invocation (JSON log format)."""
STEP_FUNCTIONS_LOG_ENVELOPE_BYTES = 150
"""What a logged history event carries besides the event (execution ARN, ids, timestamps)."""
TICKET_ITEMS_ONLY = '{"dynamodb": {"Keys": {"sk": {"S": ["TICKET"]}}}}'
"""The stream mapping's filter (infra/constructs/ticket_events.py)."""
API = "functions.api.handler.handler"
CLOCK = "functions.clock.handler.handler"
EVENTS = "functions.events.handler.handler"
SITE = "https://12345.example.gov.cn"
WORKING_MORNING = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)
SURVEY_LINK = re.compile(re.escape(SITE) + r"/survey/(?P<number>[0-9-]+)\?code=(?P<code>[A-Za-z0-9_-]+)")
PHONES = ("13800138001", "13800138002")
"""The warming ticket's customer and the measured one's."""
UNIT = staff_claims("unit", unit="district-urban-management", username="unit1")
SUPERVISOR = staff_claims("supervisor", username="supervisor1")
REPLY = {"result": "已协调施工单位，夜间已停止施工", "cause_code": "construction.permit"}
ANSWER = {"grade": "satisfied", "solved": True}


@dataclass(frozen=True)
class Term:
    service: str
    what: str
    quantity: float
    unit: str
    usd: float


@dataclass(frozen=True)
class Measured:
    usage: Usage
    transitions: int
    step_functions_log_bytes: int
    memory_mb: dict[str, int]
    ticket_item_bytes: int
    ticket_bytes_stored: int
    texts: list[str]
    """What the measured ticket's customer was texted."""
    listing: tuple[float, float]
    """Read units of one page of 50 tickets: keys and filters in the index + BatchGetItem, and had the index held
    every attribute."""


def memory_by_handler() -> dict[str, int]:
    """Each function's configured memory, from the synthesized template (what a deployment gets)."""
    with tempfile.TemporaryDirectory() as out:
        template = json.loads((synthesize(Path(out), SITE) / f"{STACK_NAME}.template.json").read_text())
    return {
        props["Handler"]: int(props["MemorySize"])
        for props in (r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function")
        if props["Handler"].startswith("functions.")
    }


def _backend_item(pk: str, sk: str) -> dict[str, Any] | None:
    table = api_services().settings.table_name
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    found = backend.get_item(table, {"pk": {"S": pk}, "sk": {"S": sk}})
    return None if found is None else dict(found.to_json()["Attributes"])


def _status(number: str) -> str:
    """Read from moto's memory, not through a request: waiting is the harness's, not the ticket's cost."""
    item = _backend_item(f"TICKET#{number}", "TICKET")
    return str(item["status"]["S"]) if item else ""


def _wait_for(number: str, status: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while _status(number) != status:
        if time.monotonic() > deadline:
            raise AssertionError(f"{number} never reached {status} (it is {_status(number)!r})")
        time.sleep(0.05)


def _asleep(clock: ClockHarness, number: str, seconds: float = 60) -> None:
    """Until the ticket's running clock generation has entered its Sleep. Hours pass before anyone acts next on
    AWS; here the next request follows at once and could stop the generation before it got there, leaving a
    transition every ticket pays out of the count."""
    client = boto3.client("stepfunctions", region_name="us-east-1")
    deadline = time.monotonic() + seconds
    for execution in (e for e in clock.executions(number) if e["status"] == "RUNNING"):
        arn = execution["executionArn"]
        while not any(
            e["type"] == "WaitStateEntered" for e in client.get_execution_history(executionArn=arn)["events"]
        ):
            if time.monotonic() > deadline:
                raise AssertionError(f"{number}'s clock never went to sleep")
            time.sleep(0.05)


def _one_ticket(clock: ClockHarness, deliver: Any, phone: str) -> str:
    """The common path; `deliver` hands each write to the events function as the stream's poller would."""
    form = {**FORM, "contact": {**FORM["contact"], "phone": phone}}  # type: ignore[dict-item]
    number = str(clock.api.call("POST", "/v1/tickets", form).body["number"])
    deliver()
    _wait_for(number, "dispatched")  # the clock's first wake-up routes it
    deliver()
    for action, body in (("accept", {}), ("reply", REPLY)):
        _asleep(clock, number)
        reply = clock.api.call("POST", f"/v1/staff/tickets/{number}/{action}", body, claims=UNIT)
        assert reply.status == 200, reply.body
        deliver()
    _asleep(clock, number)
    link = next(found for text in texts_to(f"+86{phone}") if (found := SURVEY_LINK.search(text)))
    assert link["number"] == number, link
    answered = clock.api.call("POST", f"/v1/tickets/{number}/survey", ANSWER, query=f"code={link['code']}")
    assert answered.status == 200 and answered.body["status"] == "closed", answered.body
    deliver()
    return number


def _step_functions_log_bytes(clock: ClockHarness, number: str) -> int:
    """Level ALL without execution data (infra/constructs/ticket_clock.py): every history event, no payloads."""
    client = boto3.client("stepfunctions", region_name="us-east-1")
    total = 0
    for execution in clock.executions(number):
        events = client.get_execution_history(executionArn=execution["executionArn"], maxResults=1000)["events"]
        for event in events:
            details = {k: v for k, v in event.items() if k not in {"timestamp", "type", "id", "previousEventId"}}
            for detail in details.values():
                if isinstance(detail, dict):
                    detail.pop("input", None)
                    detail.pop("output", None)
            total += len(json.dumps(details, default=str)) + STEP_FUNCTIONS_LOG_ENVELOPE_BYTES
    return total


def measure() -> Measured:
    memory = memory_by_handler()
    atomic.install()  # DynamoDB applies each write atomically; moto needs the local cloud's lock to do the same
    meter = Meter()
    # Received at 10:00 on a working Tuesday in Beijing, whenever the bench runs: the path never meets a reminder.
    with (
        pytest.MonkeyPatch.context() as monkeypatch,
        clock_harness(monkeypatch, time_scale=2, origin=WORKING_MORNING) as clock,
    ):
        from functions.events.handler import handler as events_handler

        stream = boto3.client("dynamodb", region_name="us-east-1").describe_table(
            TableName=api_services().settings.table_name
        )["Table"]["LatestStreamArn"]
        events = meter.timed(EVENTS, events_handler)
        poller = StreamPoller(
            stream,
            lambda batch: events(batch, LambdaContext()),
            interval=0,
            max_retries=0,
            accepts=Filter([TICKET_ITEMS_ONLY]),
        )

        def deliver() -> None:
            while poller.poll_once():
                pass

        _one_ticket(clock, deliver, PHONES[0])  # warms every container and the configuration it keeps
        with meter.running():
            number = _one_ticket(clock, deliver, PHONES[1])
        time.sleep(0.5)  # a stopped execution records its last event
        entered = clock.states_entered(number)
        sfn_logs = _step_functions_log_bytes(clock, number)
        ticket_item = _backend_item(f"TICKET#{number}", "TICKET")
        stored = _stored_bytes(number)
        texts = texts_to(f"+86{PHONES[1]}")
        listing = _listing_read_units(clock)
    return Measured(
        usage=meter.usage,
        transitions=sum(entered.values()),
        step_functions_log_bytes=sfn_logs,
        memory_mb=memory,
        ticket_item_bytes=cost.item_size(ticket_item),
        ticket_bytes_stored=stored,
        texts=texts,
        listing=listing,
    )


def _stored_bytes(number: str) -> int:
    """The ticket's items (ticket and timeline) and their index entries, with DynamoDB's 100 bytes per item."""
    table = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].get_table(api_services().settings.table_name)
    stored = table.items.get(DynamoType({"S": f"TICKET#{number}"}), {})
    items = [dict(item.to_json()["Attributes"]) for item in stored.values()]
    entries = [entry for item in items for index in indexes(table) if (entry := index.entry(item, ("pk", "sk")))]
    return sum(cost.item_size(item) + 100 for item in items + entries)


def _listing_read_units(clock: ClockHarness) -> tuple[float, float]:
    """A staff listing of 50 tickets measured as it runs, and as one Query over entries holding whole tickets."""
    numbers = [str(clock.api.call("POST", "/v1/tickets", FORM).body["number"]) for _ in range(50)]
    for number in numbers:  # their clocks' first wake-ups are done: the listing is metered alone
        _wait_for(number, "dispatched")
    meter = Meter()
    with meter.running():
        page = clock.api.call("GET", "/v1/staff/tickets", query="limit=50", claims=SUPERVISOR).body["items"]
    sizes = [cost.item_size(_backend_item(f"TICKET#{t['number']}", "TICKET")) for t in page]
    return meter.usage.dynamodb.read_units, cost.read_units(sum(sizes), consistent=False)


def price(measured: Measured) -> list[Term]:
    """Each billed term of one ticket: what was measured, plus the survey sweep's share (marked *, modeled)."""
    usage, dynamo, requests = measured.usage, measured.usage.dynamodb, measured.usage.requests
    sweeps = SWEEPS_PER_DAY / REFERENCE_TICKETS_PER_DAY
    api = sum(1 for invocation in usage.invocations if invocation.handler == API)
    memory = measured.memory_mb
    wake_ups = [i for i in usage.invocations if i.handler == CLOCK]
    # The sweep's function is sized like the clock's and does about as much: a Query, a stamp, nothing due.
    sweep_ms = statistics.median(
        cost.on_lambda_ms(i.cpu_ms - i.moto_ms, memory[CLOCK], {"dynamodb": 2}) for i in wake_ups
    )
    gb_seconds = sum(
        cost.lambda_gb_seconds(cost.on_lambda_ms(i.cpu_ms - i.moto_ms, memory[i.handler], i.calls), memory[i.handler])
        for i in usage.invocations
    ) + sweeps * cost.lambda_gb_seconds(sweep_ms, memory[CLOCK])
    invocations = len(usage.invocations) + sweeps
    table_units = dynamo.write_units
    index_units = sum(dynamo.index_write_units.values())
    read_units = dynamo.read_units + sweeps * cost.read_units(0, consistent=False)
    transitions = measured.transitions
    events = usage.events_put
    publishes = requests["sns", "Publish"]
    queued = sum(n for (service, _), n in requests.items() if service == "sqs")
    stored_objects = requests["s3", "PutObject"], requests["s3", "GetObject"]
    log_bytes = usage.log_bytes + LAMBDA_PLATFORM_LOG_BYTES * invocations + measured.step_functions_log_bytes
    return [
        Term(
            "API Gateway",
            "REST requests: submit, accept, reply, the survey's answer",
            api,
            "requests",
            api * cost.API_REQUEST,
        ),
        Term("AWS WAF", "the same requests, inspected", api, "requests", api * cost.WAF_REQUEST),
        Term(
            "Lambda",
            "invocations: api, clock, events (one per write); sweep share*",
            invocations,
            "requests",
            invocations * cost.LAMBDA_REQUEST,
        ),
        Term("Lambda", "duration at configured memory (arm64)", gb_seconds, "GB-s", gb_seconds * cost.LAMBDA_GB_SECOND),
        Term(
            "DynamoDB",
            "table writes: ticket, timeline, serial",
            table_units,
            "WRU",
            table_units * cost.WRITE_UNIT,
        ),
        Term(
            "DynamoDB", "index writes: entries added, changed, moved", index_units, "WRU", index_units * cost.WRITE_UNIT
        ),
        Term(
            "DynamoDB",
            "reads: configuration stamp, tickets; sweep share*",
            read_units,
            "RRU",
            read_units * cost.READ_UNIT,
        ),
        Term(
            "Step Functions",
            "state transitions, from the execution histories",
            transitions,
            "transitions",
            transitions * cost.TRANSITION,
        ),
        Term("EventBridge", "events on the bus", events, "events", events * cost.EVENT),
        Term("SNS", "publishes: the customer's texts", publishes, "publishes", publishes * cost.SNS_PUBLISH),
        Term("SQS", "requests (partners' deliveries only)", queued, "requests", queued * cost.SQS_REQUEST),
        Term("EventBridge Scheduler", "survey sweep runs, shared*", sweeps, "invocations", sweeps * cost.SCHEDULE),
        Term(
            "S3",
            "requests (attachments only)",
            sum(stored_objects),
            "requests",
            stored_objects[0] * cost.S3_PUT + stored_objects[1] * cost.S3_GET,
        ),
        Term(
            "CloudWatch Logs",
            "Lambda and Step Functions logs",
            log_bytes / 2**30,
            "GB",
            log_bytes / 2**30 * cost.LOG_GB,
        ),
    ]


def report() -> dict[str, float]:
    measured = measure()
    terms = price(measured)
    total = sum(term.usd for term in terms)
    parts = sum(cost.sms_parts(text) for text in measured.texts)
    dynamo = measured.usage.dynamodb
    listed, listed_if_all = measured.listing
    print("cost of a ticket on the common path, intake to a closed survey (us-east-1 list prices, arm64, on demand):")
    for term in terms:
        amount = f"{term.quantity:.4g} {term.unit}"
        print(f"  {term.service:<22} {term.what:<58} {amount:>18} ${term.usd * 1000:.5f} per 1,000")
    print(f"  {'total':<22} {'':<58} {'':>18} ${total * 1000:.4f} per 1,000 tickets")
    print(
        f"  * modeled: the survey sweep's share. Outside the total: SMS, {len(measured.texts)} texts = {parts} parts"
        f" (${parts * cost.SMS_PART * 1000:.2f} per 1,000 at ${cost.SMS_PART} a part); storage"
        f" {measured.ticket_bytes_stored / 1024:.1f} KB a ticket"
        f" (${measured.ticket_bytes_stored / 2**30 * cost.STORAGE_GB_MONTH * 1000:.5f} per 1,000 a month)"
    )
    print(
        f"  ticket item {measured.ticket_item_bytes} B; index writes {sum(dynamo.index_write_units.values()):g} WRU"
        f" (every index projecting every attribute: {sum(dynamo.index_write_units_if_all.values()):g});"
        f" a staff listing of 50: {listed:g} RRU (vs {listed_if_all:g} from whole tickets in the index)"
    )
    return {
        "cost_usd_per_1000_tickets_common_path": round(total * 1000, 4),
        "common_path_transitions": measured.transitions,
        "sms_parts_per_ticket_common_path": parts,
        "sms_usd_per_1000_tickets_common_path": round(parts * cost.SMS_PART * 1000, 2),
        "dynamodb_index_wru_per_ticket": sum(dynamo.index_write_units.values()),
        "dynamodb_index_wru_per_ticket_if_all_projected": sum(dynamo.index_write_units_if_all.values()),
        "listing_rru_page_of_50": listed,
        "listing_rru_page_of_50_if_all_projected": listed_if_all,
    }


if __name__ == "__main__":
    from tests.bench.figures import record

    record(report())
