"""The ticket clock for integration tests: the real ASL executed by moto, its Lambda task running the real
clock handler in this process, the API handler starting and restarting executions, time sped up; the table
stream's consumer (functions/events) runs when a test says, and sends the notifications to a subscribed queue."""

import io
import json
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import boto3
import pytest
from hotline.domain.config.ladder import Ladder, TimeStep
from hotline.domain.config.policies import PolicyBook
from hotline.domain.config.routing import DEFAULT_ROUTING
from hotline.services import api_services
from moto import mock_aws

from infra.constructs.ticket_clock import ASL, first_generation_definition
from infra.local import lambdas, stepfunctions
from infra.local.pollers import StreamPoller
from tests.conftest import create_api_resources, create_hash_key, create_table
from tests.integration.conftest import Api
from tests.support.domain_time import time_origin_for
from tests.support.lambda_context import LambdaContext
from tests.support.services import reset_caches, seed_units

REGION = "us-east-1"


@dataclass
class ClockHarness:
    api: Api
    machines: tuple[str, str]
    """The clock's state machines: the one later generations run on, and the first generation's."""
    topic_arn: str
    queue_url: str

    def executions(self, number: str) -> list[dict[str, Any]]:
        """The ticket's executions, oldest generation first."""
        client = boto3.client("stepfunctions", region_name=REGION)
        listed = [e for arn in self.machines for e in client.list_executions(stateMachineArn=arn)["executions"]]
        mine = [e for e in listed if e["name"].startswith(f"{number}-g")]
        return sorted(mine, key=lambda e: int(e["name"].rsplit("-g", 1)[1]))

    def transitions(self, number: str) -> int:
        """State transitions of all the ticket's executions, counted from their histories (as AWS bills them)."""
        return sum(self.states_entered(number).values())

    def states_entered(self, number: str) -> Counter[str]:
        client = boto3.client("stepfunctions", region_name=REGION)
        entered: Counter[str] = Counter()
        for execution in self.executions(number):
            events = client.get_execution_history(executionArn=execution["executionArn"], maxResults=1000)["events"]
            entered.update(e["type"] for e in events if e["type"].endswith("StateEntered"))
        return entered

    def notifications(self, kinds: set[str], seconds: float = 10) -> list[dict[str, Any]]:
        """What reaches a queue subscribed to the notifications topic, until `kinds` have all arrived.

        Only the table stream's consumer sends them: run `consume_stream` first.
        """
        sqs = boto3.client("sqs", region_name=REGION)
        found: list[dict[str, Any]] = []
        deadline = time.monotonic() + seconds
        while not kinds <= {n["kind"] for n in found} and time.monotonic() < deadline:
            messages = sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get("Messages", [])
            found += [json.loads(json.loads(m["Body"])["Message"]) for m in messages]
            if not messages:
                time.sleep(0.1)
        return found

    def ticket(self, number: str, claims: dict[str, Any]) -> dict[str, Any]:
        reply = self.api.call("GET", f"/v1/staff/tickets/{number}", claims=claims)
        assert reply.status == 200, reply.body
        return dict(reply.body)

    @contextmanager
    def sns_refusing(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
        """While inside, the notifications topic ARN names a topic that does not exist (deleted, or SNS down)."""
        monkeypatch.setenv("NOTIFICATIONS_TOPIC_ARN", f"{self.topic_arn}-gone")
        reset_caches()
        yield
        monkeypatch.setenv("NOTIFICATIONS_TOPIC_ARN", self.topic_arn)
        reset_caches()

    @contextmanager
    def step_functions_refusing(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
        """While inside, the API's clock runner starts and stops executions of machines that do not exist."""
        later, first = self.machines
        monkeypatch.setenv("CLOCK_STATE_MACHINE_ARN", f"{later}-gone")
        monkeypatch.setenv("CLOCK_FIRST_STATE_MACHINE_ARN", f"{first}-gone")
        reset_caches()
        yield
        monkeypatch.setenv("CLOCK_STATE_MACHINE_ARN", later)
        monkeypatch.setenv("CLOCK_FIRST_STATE_MACHINE_ARN", first)
        reset_caches()

    def consume_stream(self) -> list[dict[str, Any]]:
        """The table stream's consumer (functions/events) over every write so far, as Lambda's poller delivers them
        (a new poller starts at the horizon, as Lambda retries failed records); returns its responses."""
        from functions.events.handler import handler

        responses: list[dict[str, Any]] = []

        def invoke(event: dict[str, Any]) -> dict[str, Any]:
            responses.append(handler(event, LambdaContext()))
            return responses[-1]

        table = api_services().settings.table_name
        stream = boto3.client("dynamodb", region_name=REGION).describe_table(TableName=table)
        poller = StreamPoller(stream["Table"]["LatestStreamArn"], invoke, interval=0, max_retries=0)
        while poller.poll_once():
            pass
        return responses

    def wait_for(
        self, number: str, claims: dict[str, Any], done: Callable[[dict[str, Any]], bool], seconds: float = 20
    ) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        while True:
            ticket = self.ticket(number, claims)
            if done(ticket):
                return ticket
            if time.monotonic() > deadline:
                raise AssertionError(f"gave up waiting; the ticket is {json.dumps(ticket, ensure_ascii=False)[:2000]}")
            time.sleep(0.1)


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("placeholder.txt", "runs in-process")
    return buffer.getvalue()


def _deploy_clock() -> tuple[tuple[str, str], str, str]:
    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(RoleName=f"clock-{uuid4().hex[:6]}", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    function = boto3.client("lambda", region_name=REGION).create_function(
        FunctionName=f"clock-{uuid4().hex[:6]}",
        Runtime="python3.12",
        Role=role,
        Handler="functions.clock.handler.handler",
        Code={"ZipFile": _zip()},
        Timeout=20,
    )["FunctionArn"]
    later, first = (
        boto3.client("stepfunctions", region_name=REGION).create_state_machine(
            name=f"clock-{uuid4().hex[:6]}",
            definition=definition.replace("${ClockFunctionArn}", function),
            roleArn=role,
        )["stateMachineArn"]
        for definition in (ASL.read_text(), first_generation_definition())
    )
    sns = boto3.client("sns", region_name=REGION)
    topic = sns.create_topic(Name="notifications")["TopicArn"]
    sqs = boto3.client("sqs", region_name=REGION)
    queue = sqs.create_queue(QueueName="notifications")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    return (later, first), topic, queue


@contextmanager
def clock_harness(
    monkeypatch: pytest.MonkeyPatch, time_scale: float, origin: datetime | None = None
) -> Iterator[ClockHarness]:
    """`origin`: the domain's time when the harness starts (now unless given; a time scale other than 1 with it)."""
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):  # type: ignore[arg-type]
        table = f"hotline-{uuid4().hex[:8]}"
        create_table(table)
        machines, topic, queue = _deploy_clock()
        monkeypatch.setenv("TABLE_NAME", table)
        monkeypatch.setenv("PEPPER_SECRET_ARN", create_hash_key())
        for name, value in create_api_resources().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("CLOCK_STATE_MACHINE_ARN", machines[0])
        monkeypatch.setenv("CLOCK_FIRST_STATE_MACHINE_ARN", machines[1])
        boto3.client("events", region_name=REGION).create_event_bus(Name=table)
        monkeypatch.setenv("EVENT_BUS_NAME", table)
        monkeypatch.setenv("NOTIFICATIONS_TOPIC_ARN", topic)
        monkeypatch.setenv("HOTLINE_LOCAL_TIME_SCALE", str(time_scale))
        start = datetime.now(UTC) if origin is None else time_origin_for(origin, time_scale)
        monkeypatch.setenv("HOTLINE_LOCAL_TIME_ORIGIN", start.isoformat())
        lambdas.install()
        stepfunctions.install()
        reset_caches()
        seed_units()
        api_services().rules.save("routing", DEFAULT_ROUTING)
        try:
            yield ClockHarness(Api(), machines, topic, queue)
        finally:
            client = boto3.client("stepfunctions", region_name=REGION)
            for machine in machines:
                for execution in client.list_executions(stateMachineArn=machine, statusFilter="RUNNING")["executions"]:
                    client.stop_execution(executionArn=execution["executionArn"])
            reset_caches()


def save_rules(policies: PolicyBook | None = None, ladder: Ladder | None = None) -> None:
    if policies is not None:
        api_services().rules.save("policies", policies)
    if ladder is not None:
        api_services().rules.save("ladder", ladder)


__all__ = ["ClockHarness", "TimeStep", "clock_harness", "save_rules"]
