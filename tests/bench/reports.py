"""A monthly report over 10,000 and over 100,000 tickets' aggregates (moto in-process): generating it reads the
month's rollup and each day's centre counters, whose number grows with the dimensions' values, not with the tickets, so
the two times should be close (report_scaling_ratio ≤ 1.5). The aggregates are written directly, as the aggregates
function would have left them after counting every ticket's events: tickets spread over 20 units and 12 regions, each
category handled by one unit (routing) and caused by a few of the causes, as in a centre."""

import os
import random
import statistics
import time
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import boto3
from hotline.domain.reports.policy import Period, ReportKind
from hotline.domain.reports.record import ReportRecord, ReportStatus
from hotline.domain.reports.tally import (
    ALL,
    CATEGORY,
    CATEGORY_CAUSE,
    CAUSE,
    CHANNEL,
    JOIN,
    PRIORITY,
    REGION,
    TYPE,
    UNIT,
    UNIT_CATEGORY,
    UNIT_CAUSE,
)
from hotline.domain.tickets.catalog import DEFAULT_CATALOG, Channel, Priority, TicketType
from hotline.domain.tickets.ticket import SYSTEM
from hotline.store.aggregates import counter_sk, day_pk, month_pk

from tests.bench.figures import record

MONTH = Period(kind=ReportKind.MONTHLY, first=date(2026, 11, 1), last=date(2026, 11, 30))
UNITS = [f"district-unit-{n:02d}" for n in range(20)]
REGIONS = [f"district-{n:02d}" for n in range(12)]
CAUSES = [f"cause-{n:02d}" for n in range(15)]
CATEGORIES = [node.code for node, _ in DEFAULT_CATALOG.walk() if not node.children]
RUNS = 3


def _ticket_counters(rng: random.Random) -> tuple[date, dict[str, str], Counter[str]]:
    """One ticket's month: where it falls, and what its events counted (receipt, dispatch, reply, survey)."""
    day = MONTH.first + timedelta(days=rng.randrange(30))
    category = rng.randrange(len(CATEGORIES))
    region = rng.randrange(len(REGIONS))
    values = {
        CHANNEL: rng.choice(list(Channel)).value,
        TYPE: rng.choice(list(TicketType)).value,
        CATEGORY: CATEGORIES[category],
        REGION: REGIONS[region],
        PRIORITY: rng.choice(list(Priority)).value,
        UNIT: UNITS[(category + region * len(CATEGORIES)) % len(UNITS)],  # routed by category and district
        CAUSE: CAUSES[(category + rng.randrange(3)) % len(CAUSES)],
    }
    counted = Counter({"received": 1, "dispatched": 1, "accepted": 1, "replied": 1, "survey_sent": 1})
    counted["accepted_on_time" if rng.random() < 0.95 else "accepted_late"] += 1
    counted["replied_on_time" if rng.random() < 0.9 else "replied_late"] += 1
    if rng.random() < 0.8:
        counted["survey_answered"] += 1
        counted[f"grade_{rng.choice(['satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied'])}"] += 1
    else:
        counted["survey_expired"] += 1
    counted["reworks"] += rng.random() < 0.05
    return day, values, counted


def _aggregates(tickets: int) -> dict[tuple[date, str, str], Counter[str]]:
    rng = random.Random(tickets)
    counters: dict[tuple[date, str, str], Counter[str]] = defaultdict(Counter)
    for _ in range(tickets):
        day, v, counted = _ticket_counters(rng)
        keys = [(ALL, ALL), *((name, v[name]) for name in (CHANNEL, TYPE, CATEGORY, REGION, PRIORITY, UNIT, CAUSE))]
        keys += [
            (UNIT_CATEGORY, v[UNIT] + JOIN + v[CATEGORY]),
            (UNIT_CAUSE, v[UNIT] + JOIN + v[CAUSE]),
            (CATEGORY_CAUSE, v[CATEGORY] + JOIN + v[CAUSE]),
        ]
        for dimension, value in keys:
            counters[(day, dimension, value)].update(counted)
    return counters


def _write(table: str, counters: dict[tuple[date, str, str], Counter[str]]) -> None:
    """Each day's counters and the month's rollup of them."""
    month: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    resource = boto3.resource("dynamodb").Table(table)
    with resource.batch_writer() as batch:
        for (day, dimension, value), counted in counters.items():
            batch.put_item(Item={"pk": day_pk(day), "sk": counter_sk(dimension, value), **counted})
            month[(dimension, value)].update(counted)
        for (dimension, value), counted in month.items():
            batch.put_item(Item={"pk": month_pk(MONTH.first), "sk": counter_sk(dimension, value), **counted})


def _seconds_per_report(tickets: int) -> tuple[float, int]:
    from hotline.services import reports_services

    from tests.conftest import create_table
    from tests.support.services import reset_caches

    table = f"bench-reports-{tickets}"
    create_table(table)
    counters = _aggregates(tickets)
    _write(table, counters)
    os.environ["TABLE_NAME"] = table
    reset_caches()
    publisher = reports_services().publisher
    samples = []
    for run in range(RUNS + 1):  # the first warms up (imports, clients)
        report = ReportRecord(
            id=f"monthly-bench-{uuid4().hex[:8]}",
            title=MONTH.title,
            period=MONTH,
            status=ReportStatus.PENDING,
            requested_by=SYSTEM,
            requested_at=datetime.now(UTC),
        )
        publisher.records.save(report)
        started = time.perf_counter()
        ready = publisher.generate(report.id)
        if run:
            samples.append(time.perf_counter() - started)
        assert ready.headline is not None and ready.headline.received == tickets
    return statistics.median(samples), len(counters)


def run() -> None:
    from moto import mock_aws

    from infra.local import atomic

    atomic.install()  # moto's own transactions copy the whole table first (see infra/local/atomic.py)
    with mock_aws():
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket="bench-reports")
        os.environ.update(
            REPORTS_BUCKET="bench-reports",
            EVENT_BUS_NAME=boto3.client("events").create_event_bus(Name="bench")["EventBusArn"],
            REPORT_TOPIC_ARN=boto3.client("sns").create_topic(Name="bench-reports")["TopicArn"],
        )
        small, small_items = _seconds_per_report(10_000)
        large, large_items = _seconds_per_report(100_000)
    ratio = large / small
    print(
        f"a monthly report (moto in-process, median of {RUNS}): over 10,000 tickets' aggregates {small:.2f} s "
        f"({small_items} counter items), over 100,000 {large:.2f} s ({large_items} items): ratio {ratio:.2f}"
    )
    record(
        {
            "report_monthly_s_10k": round(small, 3),
            "report_monthly_s_100k": round(large, 3),
            "report_scaling_ratio": round(ratio, 3),
        }
    )


if __name__ == "__main__":
    run()
