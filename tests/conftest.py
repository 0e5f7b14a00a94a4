"""Shared fixtures: a moto-backed Hotline table and services wired to it."""

import os
from collections.abc import Iterator
from uuid import uuid4

import boto3
import pytest
from hotline.store.models import TICKET_INDEX_INCLUDES, TICKET_INDEXES
from moto import mock_aws
from playwright.sync_api import Browser

from tests.support.browser import chromium

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_REGION", "us-east-1")  # Lambda sets it; the functions' settings require it
os.environ.setdefault("CENTRE_TIME_ZONE", "Asia/Shanghai")  # as infra/stack.py sets it for every function
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
                "Projection": (
                    {"ProjectionType": "INCLUDE", "NonKeyAttributes": TICKET_INDEX_INCLUDES[name_]}
                    if TICKET_INDEX_INCLUDES.get(name_)
                    else {"ProjectionType": "KEYS_ONLY" if name_ in TICKET_INDEX_INCLUDES else "ALL"}
                ),
            }
            for name_, (h, r) in TICKET_INDEXES.items()
        ],
    )


TEST_HASH_KEY = "integration-test hash key, 32 bytes or more"


def create_hash_key() -> str:
    """The secret the API keys its access-code and phone hashes with (CDK generates one; tests know theirs)."""
    secrets = boto3.client("secretsmanager", region_name="us-east-1")
    return str(secrets.create_secret(Name=f"hotline-hash-key-{uuid4().hex[:8]}", SecretString=TEST_HASH_KEY)["ARN"])


def create_api_resources() -> dict[str, str]:
    """What the API function's settings name besides the table and hash key, created in moto: a ticket clock that
    records executions without running them, the webhook delivery queue, the REST API partners' plans bind to, the
    reports' bucket and queue, the bucket of the knowledge index's image and the uploads bucket."""
    stepfunctions = boto3.client("stepfunctions", region_name="us-east-1")
    machine = stepfunctions.create_state_machine(
        name=f"clock-{uuid4().hex[:8]}",
        definition='{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}',
        roleArn="arn:aws:iam::123456789012:role/clock",
    )["stateMachineArn"]
    queue = boto3.client("sqs", region_name="us-east-1").create_queue(QueueName=f"deliveries-{uuid4().hex[:8]}")
    rest_api = boto3.client("apigateway", region_name="us-east-1").create_rest_api(name="hotline")["id"]
    bucket = f"reports-{uuid4().hex[:8]}"
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=bucket)
    reports = boto3.client("sqs", region_name="us-east-1").create_queue(QueueName=f"reports-{uuid4().hex[:8]}")
    knowledge = f"knowledge-{uuid4().hex[:8]}"
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=knowledge)
    uploads = f"uploads-{uuid4().hex[:8]}"
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=uploads)
    return {
        "CLOCK_STATE_MACHINE_ARN": str(machine),
        "CLOCK_FIRST_STATE_MACHINE_ARN": str(machine),
        "WEBHOOK_QUEUE_URL": str(queue["QueueUrl"]),
        "REST_API_ID": str(rest_api),
        "API_STAGE": "live",
        "SITE_URL": "https://12345.example.gov.cn",
        "REPORTS_BUCKET": bucket,
        "REPORT_QUEUE_URL": str(reports["QueueUrl"]),
        "KNOWLEDGE_INDEX_BUCKET": knowledge,
        "UPLOADS_BUCKET": uploads,
    }


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def table_name(aws: None) -> str:
    name = f"hotline-{uuid4().hex[:8]}"
    create_table(name)
    return name


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium per test process: Playwright's sync API runs one instance per thread."""
    with chromium() as launched:
        yield launched


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Figures a test recorded with `record_property("figures", …)`, shown even when xdist hides its output."""
    for report in terminalreporter.getreports("passed") + terminalreporter.getreports("failed"):
        for name, value in report.user_properties:
            if name == "figures":
                terminalreporter.write_line(str(value))
