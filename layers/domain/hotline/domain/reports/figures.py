"""A period's counters, summed from the days' aggregates, and rates as fractions that keep their parts."""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel, Field

from hotline.domain.reports.tally import ALL, CATEGORY, CAUSE, JOIN, UNIT, UNIT_CATEGORY, UNIT_CAUSE


class Rate(BaseModel):
    """numerator / denominator; `value` is None when nothing was counted (the denominator is 0)."""

    value: float | None = Field(description="The fraction (0.9231 for 92.31 %), rounded to 4 places; null if 0/0.")
    numerator: int
    denominator: int

    @classmethod
    def of(cls, numerator: int, denominator: int) -> "Rate":
        value = round(numerator / denominator, 4) if denominator else None
        return cls(value=value, numerator=numerator, denominator=denominator)

    @property
    def percent(self) -> str:
        return "—" if self.value is None else f"{self.value * 100:.2f}%"


@dataclass(frozen=True)
class Count:
    """Stored aggregates of one (dimension, value), summed over a period."""

    dimension: str
    value: str
    counts: dict[str, int]


Daily = dict[date, dict[str, int]]
"""The counters of one (dimension, value) for each day (a day with none is absent)."""


@dataclass
class Figures:
    """Counters summed over a period, by (dimension, value); and per day, for the trend."""

    totals: dict[tuple[str, str], Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    daily: dict[date, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    @classmethod
    def of(cls, rows: Iterable[Count], daily: Daily, unit: str | None = None) -> "Figures":
        """`rows` and the centre's `daily` counters; with `unit`, only that unit's (`daily` then the unit's): its
        counters stand for the whole, its crossings for the categories and causes, and it is the one unit."""
        figures = cls()
        for day, counts in daily.items():
            figures.daily[day].update(counts)
        for row in rows:
            key = _scoped(row, unit)
            if key is None:
                continue
            if key == (ALL, ALL) and unit is not None:
                figures.totals[(UNIT, unit)].update(row.counts)
            figures.totals[key].update(row.counts)
        return figures

    def total(self, metric: str) -> int:
        return self.totals.get((ALL, ALL), Counter())[metric]

    def by(self, dimension: str) -> dict[str, Counter[str]]:
        """Each value of `dimension` with its counters."""
        return {value: counts for (kind, value), counts in self.totals.items() if kind == dimension}


UNIT_CROSSINGS = {UNIT_CATEGORY: CATEGORY, UNIT_CAUSE: CAUSE}


def _scoped(row: Count, unit: str | None) -> tuple[str, str] | None:
    """The row's key in the figures of `unit` (None: the centre's), or None when it is not that unit's."""
    if unit is None:
        return row.dimension, row.value
    if row.dimension == UNIT:
        return (ALL, ALL) if row.value == unit else None
    prefix = unit + JOIN
    if row.dimension in UNIT_CROSSINGS and row.value.startswith(prefix):
        return UNIT_CROSSINGS[row.dimension], row.value.removeprefix(prefix)
    return None
