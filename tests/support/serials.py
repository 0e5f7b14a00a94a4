"""The month's serial as an auditor reads it from the table: the numbers voided, with why."""

import json

import boto3


def voided(table: str, month: str) -> dict[str, str]:
    """Voided number -> reason: one Query of `SERIAL#<YYMM>` for its `VOID#<serial>` items."""
    items = boto3.client("dynamodb", region_name="us-east-1").query(
        TableName=table,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :void)",
        ExpressionAttributeValues={":pk": {"S": f"SERIAL#{month}"}, ":void": {"S": "VOID#"}},
        ConsistentRead=True,
    )["Items"]
    return {doc["number"]: doc["reason"] for doc in (json.loads(item["doc"]["S"]) for item in items)}
