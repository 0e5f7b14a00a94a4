"""Partner systems that submit tickets with an API key (one usage plan each)."""

import hashlib
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from hotline.domain.base.clock import UtcDatetime
from hotline.domain.tickets.ticket import Actor


def partner_actor(partner_id: str) -> Actor:
    return Actor(role="partner", id=partner_id)


def api_key_hash(value: str) -> str:
    """SHA-256 of a key's value: how a key sent as a form field (Open311 `api_key`) finds its partner."""
    return hashlib.sha256(value.encode()).hexdigest()


class Quota(BaseModel):
    """The partner's usage plan: a daily request quota and a steady rate with a burst (API Gateway enforces it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    requests_per_day: int = Field(default=10_000, ge=1, le=10_000_000)
    rate_per_second: float = Field(default=10, gt=0, le=10_000)
    burst: int = Field(default=20, ge=1, le=5_000)


class Partner(BaseModel):
    id: str = Field(pattern=r"^[a-z0-9-]{2,40}$")
    name: str
    contact_email: str | None = None
    api_key_id: str | None = Field(default=None, description="API Gateway's id of the partner's key.")
    api_key_hash: str | None = Field(default=None, description="SHA-256 of the current key's value (never the value).")
    usage_plan_id: str | None = None
    active: bool = True
    quota: Quota = Field(default_factory=Quota)
    created_at: UtcDatetime | None = None
    key_issued_at: UtcDatetime | None = Field(default=None, description="When the current key was issued.")
    revoked_at: UtcDatetime | None = None

    @property
    def actor(self) -> Actor:
        return partner_actor(self.id)


class IssuedKey(BaseModel):
    """A key just created in API Gateway. `value` exists only here: it is shown once and never stored."""

    model_config = ConfigDict(frozen=True)

    key_id: str
    value: str = Field(repr=False)
    usage_plan_id: str


class DayUsage(BaseModel):
    day: date
    used: int
    remaining: int | None = None


class KeyUsage(BaseModel):
    """Requests counted by API Gateway for a partner's usage plan, per UTC day (all of the plan's keys)."""

    available: bool = Field(description="False where usage is not reported (the local cloud).")
    days: list[DayUsage] = Field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(day.used for day in self.days)
