"""Shared fixtures: a moto-backed Hotline table and services wired to it."""

import os
from collections.abc import Iterator
from uuid import uuid4

import boto3
import pytest
from hotline.store.models import TICKET_INDEXES
from moto import mock_aws

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("POWERTOOLS_DEV", "false")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")


def create_table(name: str) -> None:
    """The table as infra/constructs/storage.py declares it (tests/infra checks the two agree)."""
    attributes = {"pk", "sk"} | {a for pair in TICKET_INDEXES.values() for a in pair}
    boto3.client("dynamodb", region_name="us-east-1").create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in sorted(attributes)],
        GlobalSecondaryIndexes=[
            {
                "IndexName": name_,
                "KeySchema": [{"AttributeName": h, "KeyType": "HASH"}, {"AttributeName": r, "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }
            for name_, (h, r) in TICKET_INDEXES.items()
        ],
    )


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def table_name(aws: None) -> str:
    name = f"hotline-{uuid4().hex[:8]}"
    create_table(name)
    return name
