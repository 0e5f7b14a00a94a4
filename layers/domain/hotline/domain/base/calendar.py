"""Working-day calendars and deadlines (DESIGN.md §5 "Time semantics").

A calendar knows its zone, its working periods, its weekend, statutory holidays and make-up working
days (调休). Durations in `minutes`/`hours` count natural time; `working_hours` count only the working
periods of working days; `working_days` follow the legal rule: the day of receipt is not counted and
N working days end at the close of business of the N-th working day after it, a ticket received
outside working hours counting as received at the next opening.

Every instant in and out is timezone-aware; results are UTC.
"""

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from itertools import pairwise
from typing import Annotated, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator, model_validator

MAX_REST_RUN = 3660
"""Consecutive days without working time after which a calendar is taken to have none at all."""


class DurationUnit(StrEnum):
    MINUTES = "minutes"
    HOURS = "hours"
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"

    @property
    def natural(self) -> bool:
        """Natural units count rest days too (休息日也在考核时限内)."""
        return self in (DurationUnit.MINUTES, DurationUnit.HOURS)


class Duration(BaseModel):
    model_config = ConfigDict(frozen=True)

    amount: int = Field(ge=0, le=100_000)
    unit: DurationUnit

    def __str__(self) -> str:
        return f"{self.amount} {self.unit.value}"


class WorkingPeriod(BaseModel):
    """One stretch of working time in a day, local to the calendar's zone (e.g. 09:00–12:00)."""

    model_config = ConfigDict(frozen=True)

    start: time
    end: time

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("working periods are local times without an offset")
        if self.start >= self.end:
            raise ValueError(f"a working period must start before it ends ({self.start} – {self.end})")
        return self


DEFAULT_WORKING_HOURS = (
    WorkingPeriod(start=time(9, 0), end=time(12, 0)),
    WorkingPeriod(start=time(13, 30), end=time(18, 0)),
)

IsoWeekday = Annotated[int, Field(ge=1, le=7)]


def _aware(moment: datetime, name: str = "datetime") -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive {name}: every instant must carry a time zone")
    return moment


class WorkingCalendar(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(pattern=r"^[a-z0-9-]{1,32}$")
    name: str = Field(min_length=1, max_length=200)
    time_zone: str = Field(description="An IANA zone name, e.g. Asia/Shanghai.")
    working_hours: list[WorkingPeriod] = Field(default_factory=lambda: list(DEFAULT_WORKING_HOURS), min_length=1)
    weekend: frozenset[IsoWeekday] = Field(default=frozenset({6, 7}), description="ISO weekdays (1 = Monday).")
    holidays: set[date] = Field(default_factory=set, description="Statutory days off, on any weekday.")
    workdays: set[date] = Field(default_factory=set, description="Make-up working days (调休), usually weekends.")

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}: use an IANA name such as Asia/Shanghai") from None
        return value

    @field_validator("working_hours")
    @classmethod
    def _no_overlap(cls, periods: list[WorkingPeriod]) -> list[WorkingPeriod]:
        ordered = sorted(periods, key=lambda p: (p.start, p.end))
        for earlier, later in pairwise(ordered):
            if later.start < earlier.end:
                raise ValueError(
                    f"working periods overlap: {earlier.start}–{earlier.end} and {later.start}–{later.end}"
                )
        return ordered

    @model_validator(mode="after")
    def _days_disjoint(self) -> Self:
        both = self.holidays & self.workdays
        if both:
            listed = ", ".join(d.isoformat() for d in sorted(both))
            raise ValueError(f"a date cannot be both a holiday and a make-up working day: {listed}")
        return self

    @field_serializer("weekend", when_used="json")
    def _weekend_sorted(self, weekend: frozenset[int]) -> list[int]:
        return sorted(weekend)

    @field_serializer("holidays", "workdays", when_used="json")
    def _days_sorted(self, days: set[date]) -> list[str]:
        return [d.isoformat() for d in sorted(days)]

    # --- queries -----------------------------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def years(self) -> list[int]:
        """The years it has holidays or make-up workdays for, in order: a year missing counts weekends only."""
        return sorted({day.year for day in self.holidays | self.workdays})

    def local(self, moment: datetime) -> datetime:
        """The instant in the calendar's zone."""
        return _aware(moment).astimezone(self.zone)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.isoweekday() not in self.weekend

    def deadline(self, start: datetime, duration: Duration) -> datetime:
        """When `duration` from `start` runs out (DESIGN.md §5), in UTC."""
        start = _aware(start, "start").astimezone(UTC)
        amount, unit = duration.amount, duration.unit
        if unit is DurationUnit.MINUTES:
            return start + timedelta(minutes=amount)
        if unit is DurationUnit.HOURS:
            return start + timedelta(hours=amount)
        if unit is DurationUnit.WORKING_HOURS:
            return self.add_working_seconds(start, amount * 3600)
        receipt = self._receipt(start)
        if amount == 0:
            return receipt
        days = self._working_days_after(self.local(receipt).date())
        for _ in range(amount - 1):
            next(days)
        last_day = next(days)
        return self._instant(last_day, self.working_hours[-1].end)

    def working_seconds_between(self, a: datetime, b: datetime) -> float:
        """Working time from `a` to `b` in seconds (0 if `b` is not after `a`)."""
        a = _aware(a, "a").astimezone(UTC)
        b = _aware(b, "b").astimezone(UTC)
        if b <= a:
            return 0.0
        total = timedelta()
        day, last = self.local(a).date(), self.local(b).date()
        while day <= last:
            for opens, closes in self._periods(day):
                overlap = min(b, closes) - max(a, opens)
                if overlap > timedelta():
                    total += overlap
            day += timedelta(days=1)
        return total.total_seconds()

    def add_working_seconds(self, start: datetime, seconds: float) -> datetime:
        """The instant at which `seconds` of working time from `start` have elapsed, in UTC.

        Time running out exactly at the end of a period gives that period's end, not the next opening;
        zero seconds give `start` itself.
        """
        start = _aware(start, "start").astimezone(UTC)
        if seconds < 0:
            raise ValueError("working seconds must not be negative")
        if seconds == 0:
            return start
        remaining = timedelta(seconds=seconds)
        for opens, closes in self._periods_from(start):
            begin = max(start, opens)
            available = closes - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        raise AssertionError("unreachable: _periods_from never ends")  # pragma: no cover

    def point_between(self, start: datetime, due: datetime, unit: DurationUnit, fraction: float) -> datetime:
        """The reminder instant at which `fraction` (0–1) of the time from `start` to `due` has elapsed.

        Natural units interpolate linearly; working units count working time only.
        """
        start = _aware(start, "start").astimezone(UTC)
        due = _aware(due, "due").astimezone(UTC)
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        if due < start:
            raise ValueError("due must not be before start")
        if unit.natural:
            return start + (due - start) * fraction
        return self.add_working_seconds(start, self.working_seconds_between(start, due) * fraction)

    def shift(self, due: datetime, paused_from: datetime, paused_to: datetime, unit: DurationUnit) -> datetime:
        """`due` moved later by the time spent paused (working time only, for working units)."""
        due = _aware(due, "due").astimezone(UTC)
        paused_from = _aware(paused_from, "paused_from").astimezone(UTC)
        paused_to = _aware(paused_to, "paused_to").astimezone(UTC)
        if paused_to <= paused_from:
            return due
        if unit.natural:
            return due + (paused_to - paused_from)
        return self.add_working_seconds(due, self.working_seconds_between(paused_from, paused_to))

    def extend(self, due: datetime, by: Duration) -> datetime:
        """`due` moved later by `by` (an extension): a working day adds one day's opening hours."""
        if by.unit.natural:
            return self.deadline(due, by)
        day = sum((_length(p) for p in self.working_hours), timedelta())
        per_unit = timedelta(hours=1) if by.unit is DurationUnit.WORKING_HOURS else day
        return self.add_working_seconds(due, (per_unit * by.amount).total_seconds())

    # --- edits -------------------------------------------------------------------------------------

    def with_days(
        self,
        *,
        holidays_add: Iterable[date] = (),
        holidays_remove: Iterable[date] = (),
        workdays_add: Iterable[date] = (),
        workdays_remove: Iterable[date] = (),
    ) -> "WorkingCalendar":
        """A copy with days added and removed; a date added to one set leaves the other."""
        add_h, add_w = set(holidays_add), set(workdays_add)
        holidays = (self.holidays - set(holidays_remove) - add_w) | add_h
        workdays = (self.workdays - set(workdays_remove) - add_h) | add_w
        data = self.model_dump()
        data.update(holidays=holidays, workdays=workdays)
        return WorkingCalendar.model_validate(data)

    # --- internals ---------------------------------------------------------------------------------

    def _instant(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=self.zone).astimezone(UTC)

    def _periods(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's working periods as UTC instants (none on a rest day)."""
        if not self.is_working_day(day):
            return []
        return [(self._instant(day, p.start), self._instant(day, p.end)) for p in self.working_hours]

    def _working_days_after(self, day: date) -> Iterator[date]:
        """The working days after `day`, in order, without end."""
        rest = 0
        while True:
            day += timedelta(days=1)
            if self.is_working_day(day):
                rest = 0
                yield day
            else:
                rest += 1
                if rest > MAX_REST_RUN:
                    raise ValueError(f"calendar {self.id!r} has no working day within {MAX_REST_RUN} days")

    def _periods_from(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working periods that end after `start`, in order, without end."""
        day = self.local(start).date()
        days = self._working_days_after(day - timedelta(days=1))
        for working_day in days:
            for opens, closes in self._periods(working_day):
                if closes > start:
                    yield opens, closes

    def _receipt(self, start: datetime) -> datetime:
        """`start` if within working hours, else the next opening (DESIGN.md §5)."""
        opens, _ = next(self._periods_from(start))
        return max(start, opens)


def _length(period: WorkingPeriod) -> timedelta:
    day = date(2000, 1, 1)
    return datetime.combine(day, period.end) - datetime.combine(day, period.start)


@cache
def china_calendar() -> WorkingCalendar:
    """The default calendar `cn`: Asia/Shanghai, 09:00–12:00 and 13:30–18:00, China's official schedule.

    Holidays and make-up working days come from the `chinesecalendar` library for every year it knows;
    admins add later years as data (`with_days`).
    """
    import chinese_calendar  # the deps layer ships it; imported here to keep cold starts light

    return WorkingCalendar(
        id="cn",
        name="中国大陆 (China mainland)",
        time_zone="Asia/Shanghai",
        holidays={d for d in chinese_calendar.holidays if d.isoweekday() < 6},
        workdays={d for d in chinese_calendar.workdays if d.isoweekday() >= 6},
    )
