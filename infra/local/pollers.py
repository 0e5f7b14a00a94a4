"""AWS Lambda's event-source pollers, run by the local cloud in background threads.

In AWS a managed poller reads a DynamoDB stream or an SQS queue apart from the writes and invokes the
function with batches: a request never waits for the functions its writes trigger, a failed stream batch is
retried from its first failed record before the shard moves on, and a failed queue message comes back after
its visibility timeout (and goes to the dead-letter queue after maxReceiveCount receives). moto instead invokes
the function inside the write itself (`StreamShard.add`, `Queue.add_message`) with none of that, so `start`
detaches moto's mappings from their sources and runs one poller per mapping instead.
"""

import base64
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import boto3
from moto.dynamodb.models import dynamodb_backends
from moto.events.models import EventPattern
from moto.sqs.models import sqs_backends

from infra.local.lambdas import invocation_client

log = logging.getLogger("hotline.local")

Event = dict[str, Any]
Response = dict[str, Any] | None
Invoke = Callable[[Event], Response]
"""Calls the function with an event and returns its response; raises when the function fails."""

DEFAULT_RETRIES = 3
"""For mappings without MaximumRetryAttempts: AWS then retries until the record expires (a day), which
would only hide a stuck shard locally."""


class FunctionError(Exception):
    """The function failed (Lambda's `FunctionError`), so its whole batch failed."""


def _failed_items(invoke: Invoke, event: Event, identifiers: Sequence[str], report_failures: bool) -> set[str]:
    """The identifiers of the batch's items that failed. As in AWS: all of them when the call fails or names
    an item not in the batch; without ReportBatchItemFailures the response is not read."""
    try:
        response = invoke(event)
    except Exception:
        log.error("function failed on a batch of %d", len(identifiers), exc_info=True)
        return set(identifiers)
    if not report_failures or not response:
        return set()
    named = {failure.get("itemIdentifier") for failure in response.get("batchItemFailures") or []}
    return named if named <= set(identifiers) else set(identifiers)


class Filter:
    """A mapping's FilterCriteria: a record is delivered when any pattern (EventBridge's syntax) matches it."""

    def __init__(self, patterns: Sequence[str] = ()) -> None:
        self._patterns = [EventPattern.load(pattern) for pattern in patterns]

    def __call__(self, record: Event) -> bool:
        # moto types the argument as an EventBridge event, but matches any dict.
        return not self._patterns or any(pattern.matches_event(cast(Any, record)) for pattern in self._patterns)


def _lambda_json(value: Any) -> Any:
    """What boto3 parsed, back as the Lambda event carries it: timestamps in epoch seconds, binary in base64."""
    if isinstance(value, datetime):
        return int(value.timestamp())
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {key: _lambda_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_lambda_json(item) for item in value]
    return value


def _run(poll_once: Callable[[], int], stop: threading.Event, idle: float, source: str) -> None:
    while not stop.is_set():
        try:
            handled = poll_once()
        except Exception:
            log.error("poller for %s failed; trying again", source, exc_info=True)
            handled = 0
        if not handled:
            stop.wait(idle)


class StreamPoller:
    """Lambda's poller for a DynamoDB stream: each shard in order, one batch at a time."""

    def __init__(
        self,
        stream_arn: str,
        invoke: Invoke,
        *,
        batch_size: int = 100,
        interval: float = 0.2,
        max_retries: int = DEFAULT_RETRIES,
        retry_delay: float = 0.5,
        report_failures: bool = True,
        accepts: Filter = Filter(),
    ) -> None:
        self.stream_arn = stream_arn
        self.batch_size = batch_size
        self.interval = interval
        self.max_retries = max_retries
        self.retry_delay = retry_delay
        self.report_failures = report_failures
        self._accepts = accepts
        self._invoke = invoke
        self._streams = boto3.client("dynamodbstreams", region_name=stream_arn.split(":")[3])
        self._iterators: dict[str, str | None] = {}
        """Shard id -> where its next batch starts; None once a closed shard has been read to its end."""

    def poll_once(self) -> int:
        """Deliver the next batch of every shard; returns how many records were read (delivered, filtered out or
        given up)."""
        if not any(self._iterators.values()):  # new shards only follow closed ones: no need to ask every poll
            self._discover_shards()
        return sum(self._poll_shard(shard) for shard, position in list(self._iterators.items()) if position)

    def run(self, stop: threading.Event) -> None:
        _run(self.poll_once, stop, self.interval, self.stream_arn)

    def _discover_shards(self) -> None:
        # TRIM_HORIZON: the deploy creates the table and its mapping together, so the horizon is where the mapping
        # starts; LATEST, taken when this thread gets going, would race with the first writes (the seed).
        description = self._streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
        for shard in description["Shards"]:
            if shard["ShardId"] not in self._iterators:
                self._iterators[shard["ShardId"]] = self._streams.get_shard_iterator(
                    StreamArn=self.stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]

    def _poll_shard(self, shard: str) -> int:
        page = self._streams.get_records(ShardIterator=self._iterators[shard], Limit=self.batch_size)
        self._iterators[shard] = page.get("NextShardIterator")
        records = [{**_lambda_json(record), "eventSourceARN": self.stream_arn} for record in page["Records"]]
        accepted = [record for record in records if self._accepts(record)]
        if accepted:
            self._deliver(accepted)
        return len(records)

    def _deliver(self, records: list[Event]) -> None:
        """The shard waits while a failed batch is retried from its first failed record, keeping records in order."""
        for attempt in range(self.max_retries + 1):
            if attempt:
                time.sleep(self.retry_delay)
            sequence = [record["dynamodb"]["SequenceNumber"] for record in records]
            failed = _failed_items(self._invoke, {"Records": records}, sequence, self.report_failures)
            if not failed:
                return
            records = records[min(sequence.index(number) for number in failed) :]
        # AWS would send these to the mapping's on-failure destination.
        log.error(
            "%s: gave up on %d records from sequence number %s after %d retries",
            self.stream_arn,
            len(records),
            records[0]["dynamodb"]["SequenceNumber"],
            self.max_retries,
        )


def _lambda_attribute(attribute: dict[str, Any]) -> dict[str, Any]:
    """An SQS message attribute as the Lambda event spells it: camelCase keys, binary in base64."""
    converted: dict[str, Any] = {"stringListValues": [], "binaryListValues": []}
    converted.update({key[0].lower() + key[1:]: _lambda_json(value) for key, value in attribute.items()})
    return converted


class QueuePoller:
    """Lambda's poller for an SQS queue: long-polls batches with the queue's own visibility timeout."""

    def __init__(
        self,
        queue_url: str,
        invoke: Invoke,
        *,
        batch_size: int = 10,
        wait_seconds: int = 1,
        interval: float = 0.2,
        report_failures: bool = True,
        accepts: Filter = Filter(),
    ) -> None:
        self.queue_url = queue_url
        self.batch_size = batch_size
        self.wait_seconds = wait_seconds
        self.interval = interval
        self.report_failures = report_failures
        self._accepts = accepts
        self._invoke = invoke
        self._sqs = boto3.client("sqs")
        self.queue_arn: str = self._sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]

    def poll_once(self) -> int:
        """Deliver one batch; returns how many messages it had."""
        messages = self._receive()
        if messages:
            self._deliver(messages)
        return len(messages)

    def run(self, stop: threading.Event) -> None:
        _run(self.poll_once, stop, self.interval, self.queue_arn)

    def _receive(self) -> list[dict[str, Any]]:
        """Up to `batch_size` messages: one long poll, then what is already there (a receive returns at most 10)."""
        messages: list[dict[str, Any]] = []
        wait = self.wait_seconds
        while len(messages) < self.batch_size:
            received = self._sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=min(10, self.batch_size - len(messages)),
                WaitTimeSeconds=wait,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not received:
                break
            messages += received
            wait = 0
        return messages

    def _record(self, message: dict[str, Any]) -> Event:
        record: Event = {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": {
                name: _lambda_attribute(value) for name, value in message.get("MessageAttributes", {}).items()
            },
            "md5OfBody": message["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": self.queue_arn,
            "awsRegion": self.queue_arn.split(":")[3],
        }
        if "MD5OfMessageAttributes" in message:
            record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
        return record

    def _matches(self, record: Event) -> bool:
        """Patterns see a JSON body as JSON."""
        try:
            body = json.loads(record["body"])
        except ValueError:
            return self._accepts(record)
        return self._accepts({**record, "body": body})

    def _deliver(self, messages: list[dict[str, Any]]) -> None:
        records = [record for record in map(self._record, messages) if self._matches(record)]
        identifiers = [record["messageId"] for record in records]
        failed = (
            _failed_items(self._invoke, {"Records": records}, identifiers, self.report_failures) if records else set()
        )
        # Messages filtered out are deleted unseen, as AWS does. Failed ones are left alone: they come back when their
        # visibility timeout (which the function may have changed to back off) runs out, and the receive after
        # maxReceiveCount moves them to the dead-letter queue.
        self._delete([message for message in messages if message["MessageId"] not in failed])

    def _delete(self, messages: list[dict[str, Any]]) -> None:
        for start in range(0, len(messages), 10):
            batch = messages[start : start + 10]
            entries = [{"Id": str(i), "ReceiptHandle": message["ReceiptHandle"]} for i, message in enumerate(batch)]
            for failure in self._sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=entries).get("Failed", []):
                log.error("%s: could not delete a message: %s", self.queue_arn, failure)


def lambda_invoker(function_arn: str) -> Invoke:
    """Invoke a deployed function synchronously, as the pollers do; `FunctionError` in the reply raises."""
    client = invocation_client(function_arn.split(":")[3])

    def invoke(event: Event) -> Response:
        reply = client.invoke(FunctionName=function_arn, Payload=json.dumps(event).encode())
        payload = json.loads(reply["Payload"].read() or b"null")
        if "FunctionError" in reply:
            raise FunctionError(f"{function_arn}: {payload}")
        return payload if isinstance(payload, dict) else None

    return invoke


def detach(source_arn: str) -> None:
    """Stop moto invoking the mappings of a table's stream or a queue inside its writes. This is moto's private
    state in this process (the server runs here too); test_pollers keeps a canary on it."""
    _, _, service, region, account, resource = source_arn.split(":", 5)
    if service == "dynamodb":
        source: Any = dynamodb_backends[account][region].get_table(resource.split("/")[1])
    elif service == "sqs":
        source = sqs_backends[account][region].get_queue(resource)
    else:
        raise ValueError(f"no local poller for {source_arn}")
    source.lambda_event_source_mappings.clear()


def _poller(mapping: Mapping[str, Any]) -> StreamPoller | QueuePoller:
    source: str = mapping["EventSourceArn"]
    invoke = lambda_invoker(mapping["FunctionArn"])
    report_failures = "ReportBatchItemFailures" in mapping.get("FunctionResponseTypes", [])
    accepts = Filter([f["Pattern"] for f in mapping.get("FilterCriteria", {}).get("Filters", [])])
    if source.split(":")[2] == "dynamodb":
        retries = mapping.get("MaximumRetryAttempts", -1)
        return StreamPoller(
            source,
            invoke,
            batch_size=mapping["BatchSize"],
            max_retries=retries if retries >= 0 else DEFAULT_RETRIES,
            report_failures=report_failures,
            accepts=accepts,
        )
    _, _, _, _, account, name = source.split(":", 5)
    url = boto3.client("sqs").get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]
    return QueuePoller(url, invoke, batch_size=mapping["BatchSize"], report_failures=report_failures, accepts=accepts)


@dataclass
class Pollers:
    """The running poller threads; `stop` ends them."""

    threads: list[threading.Thread]
    stopping: threading.Event

    def stop(self, timeout: float = 3.0) -> None:
        """Stop before moto does, so no poller is left talking to a server that is gone."""
        self.stopping.set()
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))


def start() -> Pollers:
    """Run a poller thread for each enabled event source mapping in moto, after detaching every mapping from
    moto's own synchronous delivery."""
    stopping = threading.Event()
    threads: list[threading.Thread] = []
    pages = boto3.client("lambda").get_paginator("list_event_source_mappings").paginate()
    for mapping in (mapping for page in pages for mapping in page["EventSourceMappings"]):
        detach(mapping["EventSourceArn"])
        if mapping["State"] != "Enabled":
            continue
        poller = _poller(mapping)
        thread = threading.Thread(target=poller.run, args=(stopping,), name=f"poller-{mapping['UUID']}", daemon=True)
        thread.start()
        threads.append(thread)
    return Pollers(threads, stopping)
