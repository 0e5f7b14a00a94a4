"""The reports' aggregates in moto's DynamoDB: an event counted once however often it comes, days rolled up into
months, and a period read from whole months and the days left over."""

from datetime import date

import pytest
from hotline.domain.reports.figures import Count
from hotline.domain.reports.tally import Tally
from hotline.store.aggregates import DynamoAggregates
from hotline.store.models import bind


@pytest.fixture
def aggregates(table_name: str) -> DynamoAggregates:
    return DynamoAggregates(bind(table_name, "us-east-1"))


def received(event_id: str, day: date, unit: str = "district-urban-management") -> Tally:
    counts = {"received": 1, "replied": 1}
    return Tally(event_id, day, {("all", "all"): counts, ("unit", unit): counts, ("unit+cause", f"{unit}|x.y"): counts})


def test_an_event_is_counted_once_however_often_it_is_delivered(aggregates: DynamoAggregates) -> None:
    assert aggregates.add(received("e1", date(2026, 11, 20))) is True
    assert aggregates.add(received("e1", date(2026, 11, 20))) is False  # the stream delivers the write again
    assert aggregates.add(received("e2", date(2026, 11, 20))) is True

    (everything,) = [c for c in aggregates.totals(date(2026, 11, 20), date(2026, 11, 20)) if c.dimension == "all"]
    assert everything.counts == {"received": 2, "replied": 2}


def test_a_period_sums_whole_months_and_the_days_left_over(aggregates: DynamoAggregates) -> None:
    for n, day in enumerate([date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 30), date(2026, 12, 1)]):
        aggregates.add(received(f"e{n}", day, "district-market-regulation" if n % 2 else "district-urban-management"))

    totals = {
        (c.dimension, c.value): c.counts["received"] for c in aggregates.totals(date(2026, 10, 31), date(2026, 11, 30))
    }
    november = aggregates.totals(date(2026, 11, 1), date(2026, 11, 30))  # the month's rollup

    assert totals[("all", "all")] == 3
    assert totals[("unit", "district-market-regulation")] == 1 and totals[("unit", "district-urban-management")] == 2
    assert totals[("unit+cause", "district-urban-management|x.y")] == 2
    assert Count("all", "all", {"received": 2, "replied": 2}) in november
    assert aggregates.daily(date(2026, 10, 30), date(2026, 12, 2)) == {
        date(2026, 10, 31): {"received": 1, "replied": 1},
        date(2026, 11, 1): {"received": 1, "replied": 1},
        date(2026, 11, 30): {"received": 1, "replied": 1},
        date(2026, 12, 1): {"received": 1, "replied": 1},
    }
    assert aggregates.daily(date(2026, 11, 1), date(2026, 11, 30), "unit", "district-market-regulation") == {
        date(2026, 11, 1): {"received": 1, "replied": 1}
    }
