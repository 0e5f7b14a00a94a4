"""What a bulletin covers and how units are assessed: its kinds and periods, the thresholds and the score's weights
(data: `CONFIG#reports`, DEFAULT_POLICY until an admin stores one)."""

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, Field, model_validator


class ReportKind(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    ANNUAL = "annual"
    CUSTOM = "custom"
    """On demand, for the local dates a supervisor names."""
    TODAY = "today"
    """The dashboard: today so far."""


KIND_NAMES = {
    ReportKind.DAILY: "日报",
    ReportKind.WEEKLY: "周报",
    ReportKind.MONTHLY: "月报",
    ReportKind.ANNUAL: "年报",
    ReportKind.CUSTOM: "专题统计",
    ReportKind.TODAY: "今日实时",
}
SCHEDULED = (ReportKind.DAILY, ReportKind.WEEKLY, ReportKind.MONTHLY, ReportKind.ANNUAL)
MAX_DAYS = 366
"""An on-demand report covers at most a year (one leap year's days)."""


class Period(BaseModel):
    """Local days of the centre's zone, both ends included."""

    kind: ReportKind
    first: date
    last: date

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.last < self.first:
            raise ValueError("a period ends on or after its first day")
        return self

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    @property
    def id(self) -> str:
        """The scheduled report's id: one report per kind and period, however often its schedule fires."""
        return f"{self.kind.value}-{self.first.isoformat()}"

    @property
    def label(self) -> str:
        first, last = self.first, self.last
        match self.kind:
            case ReportKind.DAILY | ReportKind.TODAY:
                return f"{first.year}年{first.month}月{first.day}日"
            case ReportKind.MONTHLY:
                return f"{first.year}年{first.month}月"
            case ReportKind.ANNUAL:
                return f"{first.year}年"
        return f"{first.year}年{first.month}月{first.day}日至{last.year}年{last.month}月{last.day}日"

    @property
    def title(self) -> str:
        return f"12345热线{KIND_NAMES[self.kind]}（{self.label}）"


def scheduled_period(kind: ReportKind, fired_local: datetime) -> Period:
    """The period a schedule firing at `fired_local` (the centre's local time) reports on: the previous day, the
    previous Monday-to-Sunday week, the previous month or the previous year."""
    today = fired_local.date()
    match kind:
        case ReportKind.DAILY:
            day = today - timedelta(days=1)
            return Period(kind=kind, first=day, last=day)
        case ReportKind.WEEKLY:
            monday = today - timedelta(days=today.weekday() + 7)
            return Period(kind=kind, first=monday, last=monday + timedelta(days=6))
        case ReportKind.MONTHLY:
            last = today.replace(day=1) - timedelta(days=1)
            return Period(kind=kind, first=last.replace(day=1), last=last)
        case ReportKind.ANNUAL:
            return Period(kind=kind, first=date(today.year - 1, 1, 1), last=date(today.year - 1, 12, 31))
    raise ValueError(f"{kind.value} reports are not scheduled")


class Weights(BaseModel):
    """The composite score's weights (考核权重); a rate with no denominator leaves the score, the others count."""

    accept_on_time: float = Field(default=0.2, ge=0, le=1)
    resolve_on_time: float = Field(default=0.3, ge=0, le=1)
    satisfaction: float = Field(default=0.4, ge=0, le=1)
    rework: float = Field(default=0.1, ge=0, le=1, description="Counts as 1 - 发回重办率.")

    @model_validator(mode="after")
    def _some_weight(self) -> Self:
        if not any(self.model_dump().values()):
            raise ValueError("at least one weight must be above 0")
        return self


class ReportPolicy(BaseModel):
    min_satisfaction: float = Field(
        default=0.85, ge=0, le=1, description="Units below this 满意率 are named in 回访情况."
    )
    min_reply_rate: float = Field(
        default=0.92,
        ge=0,
        le=1,
        description="Units below this reply rate (按时答复率: replies by their resolve due / replies) are named too.",
    )
    weights: Weights = Field(default_factory=Weights)
    top_categories: int = Field(default=10, ge=1, le=50, description="How many categories 热点问题 lists.")


DEFAULT_POLICY = ReportPolicy()
