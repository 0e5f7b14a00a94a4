"""The local cloud's event-source pollers deliver as AWS's do, and moto's CloudFormation keeps what they need."""

import inspect
import json
import threading
from collections.abc import Callable
from typing import Any
from uuid import uuid4

import boto3
import pytest
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table import StreamShard
from moto.sqs.models import Queue, sqs_backends

from infra.local import events, lambdas, pollers
from infra.local.pollers import Filter, QueuePoller, StreamPoller
from tests.support.waiting import wait_for

ACCOUNT, REGION = "123456789012", "us-east-1"
Event = dict[str, Any]


class Recorder:
    """A function for the pollers: records each event and gives the scripted answers in turn (an exception is raised,
    a callable is asked for the event's answer); None once the script is spent."""

    def __init__(self, *answers: Any) -> None:
        self.events: list[Event] = []
        self.answers = list(answers)

    def __call__(self, event: Event) -> dict[str, Any] | None:
        json.dumps(event)  # the event must travel as JSON, as to a real function
        self.events.append(event)
        answer = self.answers.pop(0) if self.answers else None
        if isinstance(answer, Exception):
            raise answer
        return answer(event) if callable(answer) else answer


def failures(*identifiers: str) -> dict[str, Any]:
    return {"batchItemFailures": [{"itemIdentifier": identifier} for identifier in identifiers]}


@pytest.fixture
def stream_arn(aws: None) -> str:
    table = boto3.client("dynamodb").create_table(
        TableName=f"t-{uuid4().hex[:8]}",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    return str(table["LatestStreamArn"])


def write(stream_arn: str, *keys: str) -> None:
    table = stream_arn.split("/")[1]
    boto3.client("dynamodb").transact_write_items(
        TransactItems=[{"Put": {"TableName": table, "Item": {"pk": {"S": key}, "n": {"N": "1"}}}} for key in keys]
    )


def keys(event: Event) -> list[str]:
    return [record["dynamodb"]["Keys"]["pk"]["S"] for record in event["Records"]]


def test_stream_poller_delivers_a_transaction_in_order_shaped_as_aws(stream_arn: str) -> None:
    function = Recorder()
    poller = StreamPoller(stream_arn, function)
    write(stream_arn, "a", "b", "c")

    assert poller.poll_once() == 3
    assert poller.poll_once() == 0
    [event] = function.events
    assert keys(event) == ["a", "b", "c"]
    first = event["Records"][0]
    assert first["eventName"] == "INSERT"
    assert first["eventSource"] == "aws:dynamodb"
    assert first["eventSourceARN"] == stream_arn
    assert first["awsRegion"] == REGION
    assert {"eventID", "eventVersion"} <= first.keys()
    assert first["dynamodb"]["NewImage"] == {"pk": {"S": "a"}, "n": {"N": "1"}}
    assert isinstance(first["dynamodb"]["ApproximateCreationDateTime"], int)
    sequence = [int(record["dynamodb"]["SequenceNumber"]) for record in event["Records"]]
    assert sequence == sorted(sequence)


def failing(*names: str) -> Callable[[Event], dict[str, Any]]:
    """A function's answer naming the records of these keys in batchItemFailures."""

    def answer(event: Event) -> dict[str, Any]:
        records = event["Records"]
        return failures(
            *(r["dynamodb"]["SequenceNumber"] for r in records if r["dynamodb"]["Keys"]["pk"]["S"] in names)
        )

    return answer


def test_stream_poller_retries_from_the_first_failed_record(stream_arn: str) -> None:
    write(stream_arn, "a", "b", "c", "d")
    function = Recorder(failing("d", "b"), failing("c"), {})
    poller = StreamPoller(stream_arn, function, retry_delay=0)

    assert poller.poll_once() == 4
    assert [keys(event) for event in function.events] == [["a", "b", "c", "d"], ["b", "c", "d"], ["c", "d"]]
    write(stream_arn, "e")
    assert poller.poll_once() == 1
    assert keys(function.events[-1]) == ["e"]


def test_stream_poller_gives_up_on_a_failing_batch_after_its_retries(stream_arn: str) -> None:
    write(stream_arn, "a", "b")
    function = Recorder(*[RuntimeError("boom")] * 3)
    poller = StreamPoller(stream_arn, function, max_retries=2, retry_delay=0)

    assert poller.poll_once() == 2
    assert [keys(event) for event in function.events] == [["a", "b"]] * 3
    write(stream_arn, "c")
    assert poller.poll_once() == 1
    assert keys(function.events[-1]) == ["c"]


def test_stream_poller_ignores_batch_item_failures_unless_reported(stream_arn: str) -> None:
    write(stream_arn, "a")
    function = Recorder(failures("anything"))
    assert StreamPoller(stream_arn, function, report_failures=False, retry_delay=0).poll_once() == 1
    assert len(function.events) == 1


def test_stream_poller_delivers_only_what_the_mapping_filter_accepts(stream_arn: str) -> None:
    write(stream_arn, "a", "b", "c")
    function = Recorder()
    accepts = Filter(
        ['{"dynamodb": {"Keys": {"pk": {"S": ["a"]}}}}', '{"dynamodb": {"NewImage": {"pk": {"S": ["c"]}}}}']
    )

    assert StreamPoller(stream_arn, function, accepts=accepts).poll_once() == 3
    assert [keys(event) for event in function.events] == [["a", "c"]]


@pytest.fixture
def queues(aws: None) -> tuple[str, str]:
    """A queue (30 s visibility) whose messages go to its dead-letter queue on their third receive."""
    sqs = boto3.client("sqs")
    dead = sqs.create_queue(QueueName=f"dlq-{uuid4().hex[:8]}")["QueueUrl"]
    dead_arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": 2})
    url = sqs.create_queue(QueueName=f"q-{uuid4().hex[:8]}", Attributes={"RedrivePolicy": redrive})["QueueUrl"]
    return url, dead


def send(url: str, *bodies: str) -> list[str]:
    """The message ids."""
    sqs = boto3.client("sqs")
    attributes = {"kind": {"DataType": "String", "StringValue": "test"}}
    return [
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes=attributes)["MessageId"] for body in bodies
    ]


def bodies(url: str) -> list[str]:
    received = boto3.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    return sorted(message["Body"] for message in received.get("Messages", []))


def in_flight(url: str) -> int:
    attributes = boto3.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessagesNotVisible"])


def backing_off(url: str, body: str) -> Callable[[Event], dict[str, Any]]:
    """A function's answer failing the message with this body, which it makes visible again (a 0 s back-off)."""

    def answer(event: Event) -> dict[str, Any]:
        [record] = [record for record in event["Records"] if record["body"] == body]
        receipt = record["receiptHandle"]
        boto3.client("sqs").change_message_visibility(QueueUrl=url, ReceiptHandle=receipt, VisibilityTimeout=0)
        return failures(record["messageId"])

    return answer


def test_queue_poller_deletes_what_succeeded_and_failed_messages_end_in_the_dead_letter_queue(
    queues: tuple[str, str],
) -> None:
    url, dead = queues
    send(url, "one", "two", "three")
    function = Recorder(backing_off(url, "two"), backing_off(url, "two"))
    poller = QueuePoller(url, function, wait_seconds=0)

    assert poller.poll_once() == 3
    assert poller.poll_once() == 1  # "two" is back: the poller left the visibility the function gave it
    assert poller.poll_once() == 0  # its third receive moved it to the dead-letter queue
    assert [[r["body"] for r in event["Records"]] for event in function.events] == [["one", "two", "three"], ["two"]]
    assert [r["attributes"]["ApproximateReceiveCount"] for r in function.events[1]["Records"]] == ["2"]
    assert bodies(dead) == ["two"]
    assert bodies(url) == []


def test_queue_poller_builds_the_aws_event(queues: tuple[str, str]) -> None:
    url, _ = queues
    [message_id] = send(url, "hello")
    function = Recorder()
    poller = QueuePoller(url, function, wait_seconds=0)

    assert poller.poll_once() == 1
    [record] = function.events[0]["Records"]
    assert record["messageId"] == message_id
    assert record["body"] == "hello"
    assert record["receiptHandle"]
    assert record["md5OfBody"]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == poller.queue_arn
    assert record["awsRegion"] == REGION
    assert {"ApproximateReceiveCount", "SentTimestamp", "SenderId"} <= record["attributes"].keys()
    assert record["messageAttributes"]["kind"] == {
        "stringValue": "test",
        "dataType": "String",
        "stringListValues": [],
        "binaryListValues": [],
    }


def test_queue_poller_deletes_nothing_when_the_function_fails(queues: tuple[str, str]) -> None:
    url, _ = queues
    send(url, "one", "two")
    function = Recorder(RuntimeError("boom"))
    poller = QueuePoller(url, function, wait_seconds=0)

    assert poller.poll_once() == 2
    assert in_flight(url) == 2  # until their visibility timeout runs out
    assert poller.poll_once() == 0


def test_queue_poller_deletes_what_the_mapping_filter_rejects_unseen(queues: tuple[str, str]) -> None:
    url, _ = queues
    send(url, '{"kind": "ticket"}', '{"kind": "other"}', "not json")
    function = Recorder()
    poller = QueuePoller(url, function, wait_seconds=0, accepts=Filter(['{"body": {"kind": ["ticket"]}}']))

    assert poller.poll_once() == 3
    assert [[r["body"] for r in event["Records"]] for event in function.events] == [['{"kind": "ticket"}']]
    assert in_flight(url) == 0


HANDLED: list[tuple[str, Event]] = []


def handler(event: Event, context: Any) -> dict[str, Any]:
    """The deployed function of the template below, run in-process by the local cloud's Lambda patch."""
    HANDLED.append((threading.current_thread().name, event))
    return {"batchItemFailures": []}


MAPPED = {
    "Resources": {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": []}}},
        "Table": {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "BillingMode": "PAY_PER_REQUEST",
                "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
            },
        },
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 0}},
        "Function": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Handler": f"{__name__}.handler",
                "Runtime": "python3.12",
                "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                "Code": {"ZipFile": "# runs in-process"},
            },
        },
        "StreamMapping": {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {
                "FunctionName": {"Ref": "Function"},
                "EventSourceArn": {"Fn::GetAtt": ["Table", "StreamArn"]},
                "StartingPosition": "TRIM_HORIZON",
                "BatchSize": 10,
                "FunctionResponseTypes": ["ReportBatchItemFailures"],
            },
        },
        "QueueMapping": {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {
                "FunctionName": {"Ref": "Function"},
                "EventSourceArn": {"Fn::GetAtt": ["Queue", "Arn"]},
                "BatchSize": 5,
                "FunctionResponseTypes": ["ReportBatchItemFailures"],
            },
        },
    }
}


def create_stack(template: dict[str, Any]) -> dict[str, str]:
    """Logical id -> physical id."""
    cloudformation = boto3.client("cloudformation")
    name = f"s-{uuid4().hex[:8]}"
    cloudformation.create_stack(StackName=name, TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_IAM"])
    resources = cloudformation.describe_stack_resources(StackName=name)["StackResources"]
    return {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in resources}


def test_start_moves_cloudformation_mappings_from_moto_into_poller_threads(aws: None) -> None:
    lambdas.install()
    HANDLED.clear()
    physical = create_stack(MAPPED)
    table = dynamodb_backends[ACCOUNT][REGION].get_table(physical["Table"])
    queue = sqs_backends[ACCOUNT][REGION].get_queue(physical["Queue"].rsplit("/", 1)[1])
    assert table.lambda_event_source_mappings and queue.lambda_event_source_mappings  # moto would deliver itself

    running = pollers.start()
    try:
        assert table.lambda_event_source_mappings == queue.lambda_event_source_mappings == {}
        boto3.client("dynamodb").put_item(TableName=physical["Table"], Item={"pk": {"S": "a"}})
        boto3.client("sqs").send_message(QueueUrl=physical["Queue"], MessageBody="hello")
        wait_for("both events handled", lambda: len(HANDLED) == 2 or None, 5, pause=0.02)
    finally:
        running.stop()
    assert all(thread.startswith("poller-") for thread, _ in HANDLED)
    sources = sorted(event["Records"][0]["eventSource"] for _, event in HANDLED)
    assert sources == ["aws:dynamodb", "aws:sqs"]
    assert bodies(physical["Queue"]) == []
    assert not any(thread.is_alive() for thread in running.threads)


def test_moto_still_triggers_mappings_from_the_dicts_the_pollers_detach(
    stream_arn: str, queues: tuple[str, str]
) -> None:
    for trigger in (StreamShard.add, Queue.add_message):
        assert "lambda_event_source_mappings.items()" in inspect.getsource(trigger), trigger
    table = dynamodb_backends[ACCOUNT][REGION].get_table(stream_arn.split("/")[1])
    queue = sqs_backends[ACCOUNT][REGION].get_queue(queues[0].rsplit("/", 1)[1])
    assert table.lambda_event_source_mappings == queue.lambda_event_source_mappings == {}


BUS = {
    "Resources": {
        "Bus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": "hotline-test"}},
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {}},
        "Rule": {
            "Type": "AWS::Events::Rule",
            "Properties": {
                "EventBusName": {"Ref": "Bus"},
                "EventPattern": {"source": ["hotline"]},
                "Targets": [{"Arn": {"Fn::GetAtt": ["Queue", "Arn"]}, "Id": "queue"}],
            },
        },
    },
    "Outputs": {
        "Ref": {"Value": {"Ref": "Bus"}},
        "Name": {"Value": {"Fn::GetAtt": ["Bus", "Name"]}},
        "Arn": {"Value": {"Fn::GetAtt": ["Bus", "Arn"]}},
    },
}


def test_a_rule_on_a_bus_referenced_by_ref_is_created_and_routes_events(aws: None) -> None:
    events.install()
    physical = create_stack(BUS)
    boto3.client("events").put_events(
        Entries=[{"EventBusName": "hotline-test", "Source": "hotline", "DetailType": "t", "Detail": "{}"}]
    )

    [message] = boto3.client("sqs").receive_message(QueueUrl=physical["Queue"])["Messages"]
    assert json.loads(message["Body"])["source"] == "hotline"
    [stack] = boto3.client("cloudformation").describe_stacks()["Stacks"]
    outputs = {output["OutputKey"]: output["OutputValue"] for output in stack["Outputs"]}
    assert outputs == {
        "Ref": "hotline-test",
        "Name": "hotline-test",
        "Arn": f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/hotline-test",
    }
