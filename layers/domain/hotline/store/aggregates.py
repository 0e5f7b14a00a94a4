"""The reports' aggregates in DynamoDB: counters per local day and dimension, rolled up per month, each event counted
once.

  AGG#<YYYY-MM-DD>  / <dimension>#<value>   the counters of one local day and dimension value, one Number attribute
                                           per counter (`received`, `replied_on_time` …)
  AGG#<YYYY-MM>     / <dimension>#<value>   the same, for the whole month
  AGG-SEEN#<event>  / AGG-SEEN             the event has been counted (expires through TTL)

Counting an event is one transaction: a conditional Put of its marker, and an ADD to each of its counter items (its
day's and its month's). A redelivered event (the stream retries a write; a second consumer instance) finds its marker
and changes nothing, and a failure leaves nothing half counted. The alternative — a set of event ids on each counter
item — would grow the busiest items (`all`) past DynamoDB's 400 KB within a few thousand events; markers stay small,
and the stream cannot redeliver anything older than its 24 hours, so a marker expires after a week.

A report reads whole months from their rollups and the days left over from theirs (a Query per partition, several at
once), and each day's counters of one dimension value by key for its trend: what it reads grows with the months, the
days and the dimensions' values, never with the tickets. An annual report reads 12 month partitions, not 365 days.
"""

import calendar
import random
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

import boto3
from botocore.exceptions import ClientError

from hotline.domain.reports.figures import Count, Daily
from hotline.domain.reports.tally import ALL, Tally
from hotline.store.models import TableModels

MARKER_DAYS = 7
"""Longer than the stream keeps a record (24 hours) and than its retries."""
CONFLICT_RETRIES = 8
KEYS = frozenset({"pk", "sk"})
READERS = 8
"""Partitions queried at once."""
BATCH_GET = 100


def day_pk(day: date) -> str:
    return f"AGG#{day.isoformat()}"


def month_pk(day: date) -> str:
    return f"AGG#{day.strftime('%Y-%m')}"


def partitions(first: date, last: date) -> list[str]:
    """The partitions that hold `first`..`last` exactly: each whole month's rollup, and the other days one by one."""
    keys, day = [], first
    while day <= last:
        following = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        if day.day == 1 and following - timedelta(days=1) <= last:
            keys.append(month_pk(day))
            day = following
        else:
            keys.append(day_pk(day))
            day += timedelta(days=1)
    return keys


def counter_sk(dimension: str, value: str) -> str:
    return f"{dimension}#{value}"


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
            for partition in (day_pk(tally.at), month_pk(tally.at)):
                items.append(
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": {"pk": {"S": partition}, "sk": {"S": counter_sk(dimension, value)}},
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

    def totals(self, first: date, last: date) -> list[Count]:
        summed: dict[tuple[str, str], Counter[str]] = {}
        with ThreadPoolExecutor(max_workers=READERS) as pool:
            for items in pool.map(self._partition, partitions(first, last)):
                for item in items:
                    dimension, value = item["sk"]["S"].split("#", 1)
                    summed.setdefault((dimension, value), Counter()).update(_numbers(item))
        return [Count(dimension, value, dict(counts)) for (dimension, value), counts in summed.items()]

    def daily(self, first: date, last: date, dimension: str = ALL, value: str = ALL) -> Daily:
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        sk = {"S": counter_sk(dimension, value)}
        found: Daily = {}
        for start in range(0, len(days), BATCH_GET):
            keys: list[dict[str, Any]] = [
                {"pk": {"S": day_pk(day)}, "sk": sk} for day in days[start : start + BATCH_GET]
            ]
            request: dict[str, Any] = {self._table: {"Keys": keys}}
            while request:
                answer = self._client.batch_get_item(RequestItems=request)
                for item in answer["Responses"].get(self._table, []):
                    found[date.fromisoformat(item["pk"]["S"].removeprefix("AGG#"))] = _numbers(item)
                request = answer.get("UnprocessedKeys") or {}
        return found

    def _partition(self, pk: str) -> list[dict[str, Any]]:
        pages = self._client.get_paginator("query").paginate(
            TableName=self._table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": pk}}
        )
        return [item for page in pages for item in page["Items"]]


def _numbers(item: dict[str, Any]) -> dict[str, int]:
    return {name: int(attribute["N"]) for name, attribute in item.items() if name not in KEYS}


def _conflict(error: ClientError, reasons: list[str | None]) -> bool:
    code = error.response.get("Error", {}).get("Code")
    return code == "TransactionConflictException" or "TransactionConflict" in reasons
