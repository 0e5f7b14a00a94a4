"""Admins: calendars, and partners with their keys and usage (policies, the ladder, routing and units are
the domain's own models)."""

from datetime import date
from typing import Annotated, Self

from hotline.domain.base.clock import UtcDatetime
from hotline.domain.partners.admin import PartnerStanding
from hotline.domain.partners.partner import KeyUsage, Partner, Quota
from pydantic import BaseModel, ConfigDict, Field, model_validator

from functions.api.schemas.staff import PeriodBody

MAX_DAYS = 1000
"""Dates one change of a calendar's days may name per list."""


class CalendarIn(BaseModel):
    id: str | None = Field(default=None, description="Optional; must equal the id in the path")
    name: str
    time_zone: str = "Asia/Shanghai"
    working_hours: list[PeriodBody] | None = Field(default=None, description="Default 09:00–12:00, 13:30–18:00")
    weekend: list[int] = Field(default=[6, 7], max_length=7)
    holidays: list[date] = Field(default=[], max_length=20 * MAX_DAYS)
    workdays: list[date] = Field(default=[], max_length=20 * MAX_DAYS)


class DaysIn(BaseModel):
    holidays: list[date] = Field(default=[], max_length=MAX_DAYS, description="Dates to make days off")
    workdays: list[date] = Field(default=[], max_length=MAX_DAYS, description="Dates to make working days")
    remove: list[date] = Field(default=[], max_length=MAX_DAYS, description="Dates to drop from both lists")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        added = set(self.holidays) | set(self.workdays)
        if set(self.holidays) & set(self.workdays):
            raise ValueError("a date cannot be added as both a holiday and a working day")
        if added & set(self.remove):
            raise ValueError("a date cannot be both added and removed")
        return self


PartnerId = Annotated[str, Field(pattern=r"^[a-z0-9-]{2,40}$", examples=["city-app"])]


class PartnerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: PartnerId = Field(description="Lowercase letters, digits and dashes; names the partner everywhere.")
    name: str = Field(min_length=1, max_length=100, examples=["City service app"])
    contact_email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", examples=["ops@city.example"])
    quota: Quota = Field(default_factory=Quota, description="The partner's usage plan (API Gateway enforces it).")


class PartnerInfo(BaseModel):
    id: str
    name: str
    contact_email: str | None
    active: bool = Field(description="False once revoked; rotating the key reinstates the partner.")
    quota: Quota
    api_key_id: str | None = Field(description="API Gateway's id of the current key (never its value).")
    usage_plan_id: str | None = Field(description="API Gateway's id of the partner's usage plan.")
    created_at: UtcDatetime | None
    key_issued_at: UtcDatetime | None
    revoked_at: UtcDatetime | None

    @classmethod
    def of(cls, partner: Partner) -> "PartnerInfo":
        return cls.model_validate(partner.model_dump(include=set(cls.model_fields)))


class DayUsageView(BaseModel):
    day: date
    used: int
    remaining: int | None = Field(description="What is left of that day's quota, when reported.")


class UsageView(BaseModel):
    available: bool = Field(description="False where API Gateway reports no usage (the local cloud).")
    total: int
    days: list[DayUsageView]

    @classmethod
    def of(cls, usage: KeyUsage) -> "UsageView":
        days = [DayUsageView.model_validate(d.model_dump()) for d in usage.days]
        return cls(available=usage.available, total=usage.total, days=days)


class PartnerView(PartnerInfo):
    usage: UsageView

    @classmethod
    def of_standing(cls, standing: PartnerStanding) -> "PartnerView":
        info = PartnerInfo.of(standing.partner).model_dump()
        return cls(**info, usage=UsageView.of(standing.usage))


class PartnerList(BaseModel):
    items: list[PartnerView]
    next: str | None = None


class PartnerKey(BaseModel):
    api_key: str = Field(description="Send as the x-api-key header. Shown only now: store it safely.")
    partner: PartnerInfo
