"""The reports' aggregates in DynamoDB: counters per local day and dimension, each event counted once.

  AGG#<YYYY-MM>     / <YYYY-MM-DD>#<dimension>#<value>   the counters of one day and dimension value, one Number
                                                        attribute per counter (`received`, `replied_on_time` …)
  AGG-SEEN#<event>  / AGG-SEEN                          the event has been counted (expires through TTL)

Counting an event is one transaction: a conditional Put of its marker, and an ADD to each of its counter items. A
redelivered event (the stream retries a write; a second consumer instance) finds its marker and changes nothing, and a
failure leaves nothing half counted. The alternative — a set of event ids on each counter item — would grow the
day's busiest items (`all`) past DynamoDB's 400 KB within a few thousand events; markers stay small, and the stream
cannot redeliver anything older than its 24 hours, so a marker expires after a week.

A report reads a period by month partition: one Query (paged) per month, so what it reads grows with the days and the
dimensions' values, never with the tickets.
"""

import calendar
import random
import time
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import boto3
from botocore.exceptions import ClientError

from hotline.domain.reports.figures import DayCount
from hotline.domain.reports.tally import Tally
from hotline.store.models import TableModels

MARKER_DAYS = 7
"""Longer than the stream keeps a record (24 hours) and than its retries."""
CONFLICT_RETRIES = 8
KEYS = frozenset({"pk", "sk"})


def month_pk(day: date) -> str:
    return f"AGG#{day.strftime('%Y-%m')}"


def counter_sk(day: date, dimension: str, value: str) -> str:
    return f"{day.isoformat()}#{dimension}#{value}"


def _months(first: date, last: date) -> Iterator[date]:
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + timedelta(days=32)).replace(day=1)


class DynamoAggregates:
    def __init__(self, models: TableModels) -> None:
        meta = models.item.Meta
        self._table = meta.table_name
        self._client: Any = boto3.client("dynamodb", region_name=meta.region)

    def add(self, tally: Tally) -> bool:
        expires = calendar.timegm(tally.at.timetuple()) + (MARKER_DAYS + 1) * 86400
        items: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {
                        "pk": {"S": f"AGG-SEEN#{tally.event_id}"},
                        "sk": {"S": "AGG-SEEN"},
                        "expires_at": {"N": str(expires)},
                    },
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        ]
        for (dimension, value), counts in tally.counts.items():
            names = {f"#c{i}": name for i, name in enumerate(counts)}
            values = {f":c{i}": {"N": str(n)} for i, n in enumerate(counts.values())}
            items.append(
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": {
                            "pk": {"S": month_pk(tally.at)},
                            "sk": {"S": counter_sk(tally.at, dimension, value)},
                        },
                        "UpdateExpression": "ADD " + ", ".join(f"#c{i} :c{i}" for i in range(len(counts))),
                        "ExpressionAttributeNames": names,
                        "ExpressionAttributeValues": values,
                    }
                }
            )
        for attempt in range(CONFLICT_RETRIES):
            try:
                self._client.transact_write_items(TransactItems=items)
                return True
            except ClientError as error:
                reasons = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
                if reasons and reasons[0] == "ConditionalCheckFailed":
                    return False  # counted before
                if attempt + 1 == CONFLICT_RETRIES or not _conflict(error, reasons):
                    raise
                time.sleep(random.uniform(0, min(0.4, 0.01 * 2**attempt)))  # another writer holds a counter
        raise AssertionError("unreachable")

    def days(self, first: date, last: date) -> Iterator[DayCount]:
        paginator = self._client.get_paginator("query")
        for month in _months(first, last):
            pages = paginator.paginate(
                TableName=self._table,
                KeyConditionExpression="pk = :pk AND sk BETWEEN :first AND :last",
                ExpressionAttributeValues={
                    ":pk": {"S": month_pk(month)},
                    ":first": {"S": f"{first.isoformat()}#"},
                    ":last": {"S": f"{last.isoformat()}#~"},
                },
            )
            for page in pages:
                for item in page["Items"]:
                    day, dimension, value = item["sk"]["S"].split("#", 2)
                    counts = {name: int(attribute["N"]) for name, attribute in item.items() if name not in KEYS}
                    yield DayCount(date.fromisoformat(day), dimension, value, counts)


def _conflict(error: ClientError, reasons: list[str | None]) -> bool:
    code = error.response.get("Error", {}).get("Code")
    return code == "TransactionConflictException" or "TransactionConflict" in reasons
