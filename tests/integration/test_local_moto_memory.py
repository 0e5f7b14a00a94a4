"""The local cloud's fixes to moto's transactions and memory (finding 11 of issue 9: RSS grew without bound until
the kernel killed the process). Counts and allocations, not timings."""

import gc
import json
import tracemalloc
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core.common_models import BaseModel
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import Item
from moto.dynamodbstreams.models import DynamoDBStreamsBackend, dynamodbstreams_backends
from moto.stepfunctions.parser.models import StepFunctionsParserBackend

from infra.local import atomic, memory, stepfunctions
from tests.conftest import create_table

TABLE = "hotline-memory"
REGION = "us-east-1"


@pytest.fixture(autouse=True)
def moto_as_shipped() -> Iterator[None]:
    """memory.install() and atomic.install() change moto for the whole process, as the local cloud wants; the
    other tests in this worker (the clock harness's executions) get moto back as they found it."""
    patched = [
        (DynamoDBBackend, (*atomic.WRITES, *atomic.READS)),
        (DynamoDBStreamsBackend, ("__init__", "get_records")),
    ]
    found = [
        (owner, name, owner.__dict__[name]) for owner, names in patched for name in names if name in owner.__dict__
    ]
    new = BaseModel.__dict__["__new__"]
    yield
    BaseModel.__new__ = new  # type: ignore[method-assign]
    for owner, name, method in found:
        setattr(owner, name, method)


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    atomic.install()
    with mock_aws():
        create_table(TABLE)
        yield boto3.client("dynamodb", region_name=REGION)


def _key(pk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": "A"}}


def _item(pk: str, **attributes: str) -> dict[str, Any]:
    return {**_key(pk), **{name: {"S": value} for name, value in attributes.items()}}


def _get(dynamodb: Any, pk: str) -> dict[str, Any] | None:
    item: dict[str, Any] | None = dynamodb.get_item(TableName=TABLE, Key=_key(pk)).get("Item")
    return item


def _stream_records(dynamodb: Any) -> int:
    streams = boto3.client("dynamodbstreams", region_name=REGION)
    arn = dynamodb.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    return len(streams.get_records(ShardIterator=iterator["ShardIterator"], Limit=1000)["Records"])


def _cancelled(dynamodb: Any, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    with pytest.raises(ClientError) as raised:
        dynamodb.transact_write_items(TransactItems=items)
    assert raised.value.response["Error"]["Code"] == "TransactionCanceledException"
    reasons: list[dict[str, Any]] = raised.value.response["CancellationReasons"]
    return reasons


def test_a_failed_transaction_leaves_no_partial_write_and_no_stream_record(dynamodb: Any) -> None:
    dynamodb.put_item(TableName=TABLE, Item=_item("A", state="kept", version="1"))
    dynamodb.put_item(TableName=TABLE, Item=_item("D", state="kept"))
    records = _stream_records(dynamodb)

    reasons = _cancelled(
        dynamodb,
        [
            {"Put": {"TableName": TABLE, "Item": _item("B", state="new")}},
            {
                "Update": {
                    "TableName": TABLE,
                    "Key": _key("A"),
                    "UpdateExpression": "SET #s = :s",
                    "ExpressionAttributeNames": {"#s": "state"},
                    "ExpressionAttributeValues": {":s": {"S": "changed"}},
                }
            },
            {"Delete": {"TableName": TABLE, "Key": _key("D")}},
            {
                "ConditionCheck": {
                    "TableName": TABLE,
                    "Key": _key("E"),
                    "ConditionExpression": "attribute_exists(pk)",
                }
            },
        ],
    )

    assert [reason["Code"] for reason in reasons] == ["None", "None", "None", "ConditionalCheckFailed"]
    assert _get(dynamodb, "A") == _item("A", state="kept", version="1")  # updated in place, then put back
    assert _get(dynamodb, "D") == _item("D", state="kept")
    assert _get(dynamodb, "B") is None
    assert _stream_records(dynamodb) == records


def test_a_failed_condition_reports_the_current_item_and_writes_nothing(dynamodb: Any) -> None:
    dynamodb.put_item(TableName=TABLE, Item=_item("A", version="1"))

    reasons = _cancelled(
        dynamodb,
        [
            {
                "Update": {
                    "TableName": TABLE,
                    "Key": _key("A"),
                    "UpdateExpression": "SET version = :next",
                    "ConditionExpression": "version = :seen",
                    "ExpressionAttributeValues": {":seen": {"S": "0"}, ":next": {"S": "2"}},
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }
            },
            {"Put": {"TableName": TABLE, "Item": _item("B")}},
        ],
    )

    assert reasons[0]["Code"] == "ConditionalCheckFailed" and reasons[0]["Item"] == _item("A", version="1")
    assert reasons[1]["Code"] == "None"
    assert _get(dynamodb, "A") == _item("A", version="1") and _get(dynamodb, "B") is None


def test_an_invalid_transaction_is_refused_whole(dynamodb: Any) -> None:
    with pytest.raises(ClientError) as raised:
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": TABLE, "Item": _item("A")}},
                {"Delete": {"TableName": TABLE, "Key": _key("A")}},
            ]
        )

    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert _get(dynamodb, "A") is None


def test_a_transaction_allocates_for_what_it_writes_not_for_the_whole_table(dynamodb: Any) -> None:
    """moto copied every table a transaction wrote (to roll back): memory and time grew with the table."""
    attributes = {f"attribute{number}": f"value {number}" for number in range(10)}
    for number in range(1000):
        dynamodb.put_item(TableName=TABLE, Item=_item(f"T{number}", **attributes))
    write = [{"Put": {"TableName": TABLE, "Item": _item("new", **attributes)}}]
    tracemalloc.start()
    try:
        dynamodb.transact_write_items(TransactItems=write)  # warm up the client
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        dynamodb.transact_write_items(TransactItems=write)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak - before < 1_000_000  # a copy of this table takes 9 MB


def test_items_that_were_replaced_are_freed(dynamodb: Any) -> None:
    """moto kept every model object it ever made (each version of each item) for its dashboard."""
    memory.install()
    for version in range(300):
        dynamodb.put_item(TableName=TABLE, Item=_item("A", version=str(version)))
    gc.collect()

    assert sum(isinstance(o, Item) for o in gc.get_objects()) < 50


def test_shard_iterators_are_forgotten_past_a_bound(dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each GetRecords leaves a new iterator; the stream poller asks five times a second."""
    memory.install()
    monkeypatch.setattr(memory, "SHARD_ITERATORS", 20)
    dynamodb.put_item(TableName=TABLE, Item=_item("A"))
    for _ in range(100):
        _stream_records(dynamodb)

    assert len(dynamodbstreams_backends["123456789012"][REGION].shard_iterators) <= 20
    assert _stream_records(dynamodb) == 1  # the newest still work


def test_executions_share_the_step_functions_backend() -> None:
    """moto copies the state machine into each execution; the copy took the whole backend along, kept for good."""
    stepfunctions.install()
    gc.collect()
    before = _backends()  # other tests in this worker may have left theirs behind
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):  # type: ignore[arg-type]
        client = boto3.client("stepfunctions", region_name=REGION)
        machine = client.create_state_machine(
            name="sleeper",
            definition=json.dumps(
                {"StartAt": "Sleep", "States": {"Sleep": {"Type": "Wait", "Seconds": 60, "End": True}}}
            ),
            roleArn="arn:aws:iam::123456789012:role/sleeper",
        )["stateMachineArn"]
        executions = [client.start_execution(stateMachineArn=machine)["executionArn"] for _ in range(5)]
        gc.collect()
        backends = _backends() - before
        for execution in executions:
            client.stop_execution(executionArn=execution)

    assert backends <= 1  # the region's backend, made now unless an earlier test made it


def _backends() -> int:
    return sum(isinstance(o, StepFunctionsParserBackend) for o in gc.get_objects())
