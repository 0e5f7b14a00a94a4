"""The local cloud relies on private moto internals; these fail loudly if a moto upgrade moves them."""

import inspect
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.awslambda.models import LambdaFunction
from moto.cognitoidp.responses import CognitoIdpJsonWebKeyResponse
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import StreamShard, Table
from moto.dynamodbstreams.responses import DynamoDBStreamsHandler
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.stepfunctions.models import StateMachine

from infra.local import atomic, cognito, lambdas, memory, moto_server, query


def test_lambda_invocation_hook_still_exists() -> None:
    hook = lambdas.MOTO_INVOKE
    assert hasattr(LambdaFunction, "_invoke_lambda")
    assert list(inspect.signature(hook).parameters) == ["self", "event"]


def test_dynamodb_writes_are_serialized_once_installed() -> None:
    atomic.install()
    for name in atomic.WRITES:
        assert getattr(getattr(DynamoDBBackend, name), "__hotline_serialized__", False), name


def test_transaction_rollback_hooks_still_exist() -> None:
    assert list(inspect.signature(DynamoDBBackend.get_keys_value).parameters) == ["self", "table", "keys"]
    assert "self.items.append(StreamRecord(" in inspect.getsource(StreamShard.add)


def test_memory_hooks_still_exist() -> None:
    assert "instances_tracked.append" in inspect.getsource(memory._moto_base_new)
    assert "self.shard_iterators" in inspect.getsource(memory._moto_streams_init)
    # stepfunctions.install shares this attribute instead of copying the backend into each execution
    assert "self.backend = backend" in inspect.getsource(StateMachine.__init__)


def test_token_signing_hooks_still_exist() -> None:
    assert list(inspect.signature(cognito._moto_create_jwt).parameters)[:4] == [
        "self",
        "client_id",
        "username",
        "token_use",
    ]
    assert isinstance(CognitoIdpJsonWebKeyResponse.json_web_key, bytes)


def test_stream_records_written_directly_are_the_answer_moto_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        dynamodb.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        item = {"n": {"N": "1.5"}, "s": {"S": "夜间施工"}, "l": {"L": [{"BOOL": True}, {"NULL": True}]}}
        dynamodb.put_item(TableName="t", Item={"pk": {"S": "a"}, **item})
        dynamodb.update_item(
            TableName="t",
            Key={"pk": {"S": "a"}},
            UpdateExpression="SET m = :m",
            ExpressionAttributeValues={":m": {"M": {"b": {"B": b"\x00\x01"}}}},
        )
        dynamodb.delete_item(TableName="t", Key={"pk": {"S": "a"}})
        streams = boto3.client("dynamodbstreams", region_name="us-east-1")
        arn = dynamodb.describe_table(TableName="t")["Table"]["LatestStreamArn"]
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]

        def page() -> dict[str, Any]:
            iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
            answer = streams.get_records(ShardIterator=iterator["ShardIterator"], Limit=10)
            return {"Records": answer["Records"]}

        by_moto = page()
        monkeypatch.setattr(DynamoDBStreamsHandler, "get_records", moto_server._get_records)
        assert DynamoDBStreamsHandler.get_records is not moto_server.MOTO_GET_RECORDS
        written = page()

    assert [r["eventName"] for r in written["Records"]] == ["INSERT", "MODIFY", "REMOVE"]
    assert written == by_moto


def test_the_service_lookup_hook_still_exists() -> None:
    assert list(inspect.signature(DomainDispatcherApplication.get_backend_for_host).parameters) == ["self", "host"]


def test_queries_answered_without_sorting_the_table_are_the_answers_moto_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        dynamodb.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "status", "at")
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by_status",
                    "KeySchema": [
                        {"AttributeName": "status", "KeyType": "HASH"},
                        {"AttributeName": "at", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        for n in range(24):  # equal index keys too: the table's keys order them
            item = {"pk": {"S": f"T#{n % 5}"}, "sk": {"S": f"E#{n:02}"}, "at": {"S": f"{n % 7}"}}
            dynamodb.put_item(TableName="t", Item={**item, **({"status": {"S": "open"}} if n % 3 else {})})

        def pages(**query: Any) -> list[list[dict[str, Any]]]:
            found, start = [], {}
            while True:
                page = dynamodb.query(TableName="t", Limit=4, **query, **start)
                found.append(page["Items"])
                if "LastEvaluatedKey" not in page:
                    return found
                start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}

        asked = [
            {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "T#2"}}},
            {
                "KeyConditionExpression": "pk = :p AND sk > :s",
                "ExpressionAttributeValues": {":p": {"S": "T#1"}, ":s": {"S": "E#05"}},
                "ScanIndexForward": False,
            },
            {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "T#9"}}},
            {
                "IndexName": "by_status",
                "KeyConditionExpression": "#s = :o AND #a >= :a",
                "ExpressionAttributeNames": {"#s": "status", "#a": "at"},
                "ExpressionAttributeValues": {":o": {"S": "open"}, ":a": {"S": "2"}},
                "ScanIndexForward": False,
            },
        ]
        by_moto = [pages(**q) for q in asked]
        monkeypatch.setattr(Table, "query", Table.query)
        monkeypatch.setattr(Table, "all_items", Table.all_items)
        query.install()
        unsorted = [pages(**q) for q in asked]
        everything = dynamodb.scan(TableName="t", Limit=30)["Items"]

    assert unsorted == by_moto
    assert [sum(len(page) for page in p) for p in unsorted] == [5, 4, 0, 11]
    assert len(everything) == 24


def test_the_query_hooks_still_exist() -> None:
    assert list(inspect.signature(query._moto_query).parameters)[query.INDEX_NAME + 1] == "index_name"
    assert "self.all_items()" in inspect.getsource(query._moto_query)
