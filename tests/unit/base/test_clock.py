"""Instants are UTC with a `Z` on the way out, and must name their offset on the way in."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hotline.domain.base.clock import parse_iso, to_iso_z
from hotline.domain.tickets.ticket import Actor, TicketEvent


def test_to_iso_z_prints_utc_with_milliseconds_and_z() -> None:
    beijing_evening = datetime(2026, 11, 21, 16, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert to_iso_z(beijing_evening) == "2026-11-21T08:00:00.000Z"
    assert to_iso_z(datetime(2026, 1, 2, 3, 4, 5, 678_999, tzinfo=UTC)) == "2026-01-02T03:04:05.678Z"


def test_to_iso_z_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="naive"):
        to_iso_z(datetime(2026, 11, 21, 8, 0))


@pytest.mark.parametrize(
    "text", ["2026-09-30T10:00:00+08:00", "2026-09-30T02:00:00Z", "2026-09-30T02:00:00.000Z", "2026-09-29T21:00-05:00"]
)
def test_parse_iso_reads_any_offset_into_utc(text: str) -> None:
    moment = parse_iso(text)
    assert moment == datetime(2026, 9, 30, 2, 0, tzinfo=UTC)
    assert moment.utcoffset() == timedelta(0)


@pytest.mark.parametrize("text", ["2026-09-30T10:00:00", "2026-09-30"])
def test_parse_iso_refuses_times_without_offset(text: str) -> None:
    with pytest.raises(ValueError, match="offset"):
        parse_iso(text)


def test_round_trip_keeps_the_instant() -> None:
    moment = datetime(2026, 3, 1, 23, 59, 59, 123_000, tzinfo=timezone(timedelta(hours=8)))
    assert parse_iso(to_iso_z(moment)) == moment


def test_json_of_a_model_prints_times_with_z() -> None:
    event = TicketEvent(
        id="e1",
        type="ticket.created",
        number="2611-000001",
        actor=Actor(role="system"),
        at=datetime(2026, 11, 21, 16, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    )
    assert event.model_dump(mode="json")["at"] == "2026-11-21T08:00:00.000Z"
