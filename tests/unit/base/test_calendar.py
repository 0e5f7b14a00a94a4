"""Working calendars and deadlines: the worked examples of DESIGN.md §5 and the rules around them."""

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hotline.domain.base.calendar import Duration, DurationUnit, WorkingCalendar, WorkingPeriod, china_calendar
from pydantic import ValidationError

CN = ZoneInfo("Asia/Shanghai")


def bj(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Beijing wall-clock time."""
    return datetime(year, month, day, hour, minute, tzinfo=CN)


@pytest.fixture(scope="module")
def cn() -> WorkingCalendar:
    return china_calendar()


def due(calendar: WorkingCalendar, start: datetime, amount: int, unit: str) -> datetime:
    result = calendar.deadline(start, Duration(amount=amount, unit=DurationUnit(unit)))
    assert result.tzinfo is UTC
    return result


# --- the library's China schedule ------------------------------------------------------------------


def test_china_calendar_knows_2026_make_up_days_and_holidays(cn: WorkingCalendar) -> None:
    assert cn.id == "cn" and cn.time_zone == "Asia/Shanghai"
    assert cn.working_hours == [
        WorkingPeriod(start=time(9), end=time(12)),
        WorkingPeriod(start=time(13, 30), end=time(18)),
    ]
    assert cn.is_working_day(date(2026, 10, 10))  # Saturday, 调休
    assert cn.is_working_day(date(2026, 9, 20))  # Sunday, 调休
    assert not cn.is_working_day(date(2026, 9, 25))  # Mid-Autumn Festival, a Friday
    assert all(not cn.is_working_day(date(2026, 10, d)) for d in range(1, 8))
    assert cn.is_working_day(date(2026, 9, 30)) and not cn.is_working_day(date(2026, 9, 26))
    # Only weekday holidays and weekend workdays are stored.
    assert all(d.isoweekday() < 6 for d in cn.holidays)
    assert all(d.isoweekday() >= 6 for d in cn.workdays)
    assert china_calendar() is cn  # computed once


# --- DESIGN.md §5 worked examples (must hold exactly) --------------------------------------------


@pytest.mark.parametrize(
    ("start", "amount", "unit", "expected"),
    [
        (bj(2026, 9, 30, 10), 3, "working_days", bj(2026, 10, 10, 18)),
        (bj(2026, 9, 30, 20), 1, "working_days", bj(2026, 10, 9, 18)),
        (bj(2026, 9, 30, 10), 24, "hours", bj(2026, 10, 1, 10)),
        (bj(2026, 9, 24, 16), 4, "working_hours", bj(2026, 9, 28, 11)),
        (bj(2026, 9, 29, 11), 2, "working_hours", bj(2026, 9, 29, 14, 30)),
    ],
    ids=["3-working-days-over-national-day", "after-hours-receipt", "24-natural-hours", "over-mid-autumn", "lunch"],
)
def test_design_worked_examples(
    cn: WorkingCalendar, start: datetime, amount: int, unit: str, expected: datetime
) -> None:
    assert due(cn, start, amount, unit) == expected


# --- working days ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "amount", "expected"),
    [
        # Received in the lunch break: treated as 13:30 the same day, which is the day of receipt.
        (bj(2026, 9, 29, 12, 30), 1, bj(2026, 9, 30, 18)),
        # Before opening: 09:00 the same day is the receipt.
        (bj(2026, 9, 29, 7), 1, bj(2026, 9, 30, 18)),
        # Exactly at close of business counts as after hours.
        (bj(2026, 9, 29, 18), 1, bj(2026, 10, 8, 18)),
        # Weekend (Sat 2026-09-12): received Mon 09:00, due Tue.
        (bj(2026, 9, 12, 10), 1, bj(2026, 9, 15, 18)),
        # Holiday week: received on 3 Oct → 8 Oct 09:00; 2 working days → 9 and 10 Oct.
        (bj(2026, 10, 3, 10), 2, bj(2026, 10, 10, 18)),
        # Make-up Sunday 20 Sep is a working day and the day of receipt.
        (bj(2026, 9, 20, 10), 1, bj(2026, 9, 21, 18)),
        # Mid-Autumn weekend 25–27 Sep is skipped.
        (bj(2026, 9, 24, 10), 1, bj(2026, 9, 28, 18)),
        (bj(2026, 9, 24, 10), 5, bj(2026, 10, 9, 18)),
        # Amount 0: the (adjusted) receipt.
        (bj(2026, 9, 30, 10), 0, bj(2026, 9, 30, 10)),
        (bj(2026, 9, 30, 20), 0, bj(2026, 10, 8, 9)),
        (bj(2026, 9, 29, 12), 0, bj(2026, 9, 29, 13, 30)),
    ],
)
def test_working_days(cn: WorkingCalendar, start: datetime, amount: int, expected: datetime) -> None:
    assert due(cn, start, amount, "working_days") == expected


def test_start_in_another_offset_is_read_as_the_same_instant(cn: WorkingCalendar) -> None:
    # 02:00Z is 10:00 in Beijing.
    assert due(cn, datetime(2026, 9, 30, 2, tzinfo=UTC), 3, "working_days") == bj(2026, 10, 10, 18)
    new_york = datetime(2026, 9, 29, 22, tzinfo=timezone(timedelta(hours=-4)))
    assert due(cn, new_york, 3, "working_days") == bj(2026, 10, 10, 18)


# --- working hours --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        # Exhausted exactly at close: the period's end, not the next opening.
        (bj(2026, 9, 29, 16), 2, bj(2026, 9, 29, 18)),
        (bj(2026, 9, 29, 9), 3, bj(2026, 9, 29, 12)),
        (bj(2026, 9, 29, 16), 3, bj(2026, 9, 30, 10)),
        # Across National Day: 30 Sep 16:00 + 4h → 2h that day, then 8 Oct 09:00 + 2h.
        (bj(2026, 9, 30, 16), 4, bj(2026, 10, 8, 11)),
        # Started during the holiday: from 8 Oct 09:00.
        (bj(2026, 10, 2, 10), 8, bj(2026, 10, 9, 9, 30)),
        # Saturday 10 Oct is a working day, Sunday 11 Oct is not.
        (bj(2026, 10, 9, 17), 8, bj(2026, 10, 10, 17, 30)),
        (bj(2026, 10, 9, 17), 9, bj(2026, 10, 12, 9, 30)),
        # From the lunch break, from before opening, from the evening.
        (bj(2026, 9, 29, 12, 15), 1, bj(2026, 9, 29, 14, 30)),
        (bj(2026, 9, 29, 6), 1, bj(2026, 9, 29, 10)),
        (bj(2026, 9, 29, 21), 1, bj(2026, 9, 30, 10)),
        (bj(2026, 9, 29, 10), 0, bj(2026, 9, 29, 10)),
    ],
)
def test_working_hours(cn: WorkingCalendar, start: datetime, hours: int, expected: datetime) -> None:
    assert due(cn, start, hours, "working_hours") == expected


@pytest.mark.parametrize(
    ("start", "amount", "unit", "expected"),
    [
        (bj(2026, 9, 30, 10), 90, "minutes", bj(2026, 9, 30, 11, 30)),
        (bj(2026, 10, 1, 23), 2, "hours", bj(2026, 10, 2, 1)),
        (bj(2026, 9, 30, 10), 0, "hours", bj(2026, 9, 30, 10)),
    ],
)
def test_natural_units_count_rest_days(
    cn: WorkingCalendar, start: datetime, amount: int, unit: str, expected: datetime
) -> None:
    assert due(cn, start, amount, unit) == expected


def test_add_working_seconds_and_working_seconds_between(cn: WorkingCalendar) -> None:
    assert cn.add_working_seconds(bj(2026, 9, 29, 16), 7200) == bj(2026, 9, 29, 18)
    assert cn.add_working_seconds(bj(2026, 9, 29, 11, 59), 90) == bj(2026, 9, 29, 13, 30) + timedelta(seconds=30)
    assert cn.add_working_seconds(bj(2026, 9, 29, 20), 0) == bj(2026, 9, 29, 20)
    assert cn.working_seconds_between(bj(2026, 9, 29, 11), bj(2026, 9, 29, 14, 30)) == 2 * 3600
    assert cn.working_seconds_between(bj(2026, 9, 30, 17), bj(2026, 10, 8, 10)) == 2 * 3600
    assert cn.working_seconds_between(bj(2026, 9, 29, 0), bj(2026, 9, 30, 0)) == 7.5 * 3600
    assert cn.working_seconds_between(bj(2026, 9, 30), bj(2026, 9, 29)) == 0
    with pytest.raises(ValueError, match="negative"):
        cn.add_working_seconds(bj(2026, 9, 29, 9), -1)


def test_add_working_seconds_inverts_working_seconds_between(cn: WorkingCalendar) -> None:
    start = bj(2026, 9, 24, 16)
    for seconds in (1, 3600, 7200, 7201, 27000, 100_000):
        end = cn.add_working_seconds(start, seconds)
        assert cn.working_seconds_between(start, end) == seconds


# --- reminders and pauses -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "unit", "fraction", "expected"),
    [
        (bj(2026, 9, 30, 10), bj(2026, 10, 1, 10), "hours", 0.5, bj(2026, 9, 30, 22)),
        (bj(2026, 9, 30, 10), bj(2026, 10, 1, 10), "minutes", 0.8, bj(2026, 10, 1, 5, 12)),
        # 09:00–18:00 on one day is 7.5 working hours; half is 3h45 → 13:30 + 45 min.
        (bj(2026, 9, 29, 9), bj(2026, 9, 29, 18), "working_hours", 0.5, bj(2026, 9, 29, 14, 15)),
        # 3 working days from 30 Sep 10:00 → 10 Oct 18:00: 6.5h (30 Sep) + 3 × 7.5h = 29h working.
        # 80% = 23.2h: 6.5h + 7.5h (8 Oct) + 7.5h (9 Oct) = 21.5h, then 1.7h into 10 Oct → 10:42.
        (bj(2026, 9, 30, 10), bj(2026, 10, 10, 18), "working_days", 0.8, bj(2026, 10, 10, 10, 42)),
        # Half of it is 14.5h: 6.5h + 7.5h (8 Oct), then 0.5h into 9 Oct → 09:30.
        (bj(2026, 9, 30, 10), bj(2026, 10, 10, 18), "working_days", 0.5, bj(2026, 10, 9, 9, 30)),
        (bj(2026, 9, 30, 10), bj(2026, 10, 10, 18), "working_days", 0, bj(2026, 9, 30, 10)),
        (bj(2026, 9, 30, 10), bj(2026, 10, 10, 18), "working_days", 1, bj(2026, 10, 10, 18)),
    ],
)
def test_point_between(
    cn: WorkingCalendar, start: datetime, end: datetime, unit: str, fraction: float, expected: datetime
) -> None:
    assert cn.point_between(start, end, DurationUnit(unit), fraction) == expected


def test_point_between_refuses_bad_fractions_and_reversed_times(cn: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="fraction"):
        cn.point_between(bj(2026, 9, 30), bj(2026, 10, 1), DurationUnit.HOURS, 1.5)
    with pytest.raises(ValueError, match="before start"):
        cn.point_between(bj(2026, 10, 1), bj(2026, 9, 30), DurationUnit.HOURS, 0.5)


@pytest.mark.parametrize(
    ("deadline", "paused_from", "paused_to", "unit", "expected"),
    [
        # Paused Fri 11 Sep 17:00 → Mon 10:00 (2 working hours): a working-hours deadline moves 2 working hours.
        (bj(2026, 9, 15, 16), bj(2026, 9, 11, 17), bj(2026, 9, 14, 10), "working_hours", bj(2026, 9, 15, 18)),
        (bj(2026, 10, 9, 17), bj(2026, 9, 11, 17), bj(2026, 9, 14, 10), "working_days", bj(2026, 10, 10, 10)),
        # A pause over a weekend only (no working time) moves nothing.
        (bj(2026, 9, 15, 18), bj(2026, 9, 12, 10), bj(2026, 9, 13, 20), "working_days", bj(2026, 9, 15, 18)),
        # Natural units: the whole pause counts, weekend or not.
        (bj(2026, 9, 15, 18), bj(2026, 9, 12, 10), bj(2026, 9, 13, 20), "hours", bj(2026, 9, 17, 4)),
        (bj(2026, 9, 15, 18), bj(2026, 9, 15, 10), bj(2026, 9, 15, 10, 30), "minutes", bj(2026, 9, 15, 18, 30)),
        # A deadline at close of business moves into the next working day.
        (bj(2026, 9, 29, 18), bj(2026, 9, 28, 9), bj(2026, 9, 28, 10), "working_days", bj(2026, 9, 30, 10)),
        # An empty or reversed pause changes nothing.
        (bj(2026, 9, 29, 18), bj(2026, 9, 28, 10), bj(2026, 9, 28, 10), "working_hours", bj(2026, 9, 29, 18)),
        (bj(2026, 9, 29, 18), bj(2026, 9, 28, 11), bj(2026, 9, 28, 10), "hours", bj(2026, 9, 29, 18)),
    ],
)
def test_shift(
    cn: WorkingCalendar,
    deadline: datetime,
    paused_from: datetime,
    paused_to: datetime,
    unit: str,
    expected: datetime,
) -> None:
    moved = cn.shift(deadline, paused_from, paused_to, DurationUnit(unit))
    assert moved == expected and moved.tzinfo is UTC


# --- admin edits as data --------------------------------------------------------------------------


def test_with_days_adds_2027_holidays_and_workdays(cn: WorkingCalendar) -> None:
    # The library stops at 2026; an admin enters 2027's schedule.
    assert cn.is_working_day(date(2027, 1, 1)) and not cn.is_working_day(date(2027, 1, 2))
    edited = cn.with_days(holidays_add=[date(2027, 1, 1)], workdays_add=[date(2027, 1, 2)])
    assert not edited.is_working_day(date(2027, 1, 1)) and edited.is_working_day(date(2027, 1, 2))
    assert cn.is_working_day(date(2027, 1, 1))  # the original is untouched
    # Thu 31 Dec 2026 10:00 + 1 working day: Fri 1 Jan 2027 normally, Sat 2 Jan with the edit.
    assert due(cn, bj(2026, 12, 31, 10), 1, "working_days") == bj(2027, 1, 1, 18)
    assert due(edited, bj(2026, 12, 31, 10), 1, "working_days") == bj(2027, 1, 2, 18)

    # Moving a date from one set to the other, and removing it.
    swapped = edited.with_days(workdays_add=[date(2027, 1, 1)])
    assert date(2027, 1, 1) in swapped.workdays and date(2027, 1, 1) not in swapped.holidays
    removed = swapped.with_days(workdays_remove=[date(2027, 1, 1), date(2027, 1, 2)])
    assert removed.is_working_day(date(2027, 1, 1)) and not removed.is_working_day(date(2027, 1, 2))
    assert removed.holidays == cn.holidays and removed.workdays == cn.workdays

    # The years it knows: the library's, then 2027 once an admin entered a day of it.
    assert (cn.years[0], cn.years[-1]) == (2004, 2026) and edited.years == [*cn.years, 2027]


def test_with_days_refuses_a_date_added_to_both_sets(cn: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="both"):
        cn.with_days(holidays_add=[date(2027, 5, 3)], workdays_add=[date(2027, 5, 3)])


def test_json_round_trip_keeps_everything_and_sorts_days(cn: WorkingCalendar) -> None:
    doc = cn.model_dump(mode="json")
    assert doc["holidays"] == sorted(doc["holidays"]) and doc["weekend"] == [6, 7]
    assert doc["working_hours"][1] == {"start": "13:30:00", "end": "18:00:00"}
    assert WorkingCalendar.model_validate(doc) == cn


def test_duration() -> None:
    assert str(Duration(amount=3, unit=DurationUnit.WORKING_DAYS)) == "3 working_days"
    assert DurationUnit.HOURS.natural and DurationUnit.MINUTES.natural
    assert not DurationUnit.WORKING_HOURS.natural and not DurationUnit.WORKING_DAYS.natural
    for amount in (-1, 100_001):
        with pytest.raises(ValidationError):
            Duration(amount=amount, unit=DurationUnit.HOURS)


# --- other calendars and validation ---------------------------------------------------------------


def test_a_custom_calendar_with_its_own_zone_weekend_and_hours() -> None:
    gulf = WorkingCalendar(
        id="ae",
        name="Gulf office",
        time_zone="Asia/Dubai",
        working_hours=[WorkingPeriod(start=time(8), end=time(14))],
        weekend=frozenset({6, 7}),
    )
    dubai = ZoneInfo("Asia/Dubai")
    start = datetime(2026, 9, 25, 13, tzinfo=dubai)  # a Friday
    assert gulf.deadline(start, Duration(amount=2, unit=DurationUnit.WORKING_HOURS)) == datetime(
        2026, 9, 28, 9, tzinfo=dubai
    )
    assert gulf.local(start).tzinfo == dubai


def test_working_periods_are_sorted() -> None:
    calendar = WorkingCalendar(
        id="x",
        name="x",
        time_zone="UTC",
        working_hours=[WorkingPeriod(start=time(14), end=time(17)), WorkingPeriod(start=time(8), end=time(12))],
    )
    assert [p.start for p in calendar.working_hours] == [time(8), time(14)]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"time_zone": "Mars/Olympus_Mons"}, "unknown time zone"),
        ({"time_zone": ""}, "unknown time zone"),
        (
            {"working_hours": [{"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "14:00"}]},
            "overlap",
        ),
        ({"working_hours": [{"start": "12:00", "end": "09:00"}]}, "start before it ends"),
        ({"working_hours": []}, "at least 1"),
        ({"holidays": ["2027-02-06"], "workdays": ["2027-02-06"]}, "both a holiday and a make-up working day"),
        ({"id": "Not Valid"}, "pattern"),
        ({"weekend": [0]}, "greater than or equal to 1"),
    ],
)
def test_validation_errors(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkingCalendar.model_validate({"id": "x", "name": "x", "time_zone": "UTC", **changes})


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.deadline(datetime(2026, 9, 30, 10), Duration(amount=1, unit=DurationUnit.HOURS)),
        lambda c: c.deadline(datetime(2026, 9, 30, 10), Duration(amount=1, unit=DurationUnit.WORKING_DAYS)),
        lambda c: c.working_seconds_between(datetime(2026, 9, 30), bj(2026, 10, 1)),
        lambda c: c.add_working_seconds(datetime(2026, 9, 30), 60),
        lambda c: c.point_between(bj(2026, 9, 30), datetime(2026, 10, 1), DurationUnit.HOURS, 0.5),
        lambda c: c.shift(bj(2026, 9, 30), datetime(2026, 9, 29), bj(2026, 9, 29), DurationUnit.HOURS),
        lambda c: c.local(datetime(2026, 9, 30)),
    ],
)
def test_naive_datetimes_are_refused(cn: WorkingCalendar, call: object) -> None:
    with pytest.raises(ValueError, match="naive"):
        call(cn)  # type: ignore[operator]


def test_a_calendar_without_any_working_day_fails_clearly() -> None:
    idle = WorkingCalendar(id="idle", name="idle", time_zone="UTC", weekend=frozenset(range(1, 8)))
    with pytest.raises(ValueError, match="no working day"):
        idle.deadline(datetime(2026, 1, 1, tzinfo=UTC), Duration(amount=1, unit=DurationUnit.WORKING_HOURS))
