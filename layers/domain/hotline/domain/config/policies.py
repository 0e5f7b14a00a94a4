"""SLA policies (限时办结): per ticket type and priority, how long each timer runs and when to remind."""

from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from hotline.domain.base.calendar import Duration, DurationUnit
from hotline.domain.tickets.catalog import Priority, TicketType
from hotline.domain.tickets.timers import TimerName

Fraction = Annotated[float, Field(gt=0, lt=1)]


class SlaPolicy(BaseModel):
    """`type`/`priority` None matches any; the most specific policy wins, and priority outweighs type."""

    type: TicketType | None = None
    priority: Priority | None = None
    calendar: str = Field(default="cn", description="Calendar that working-time units count in.")
    targets: dict[TimerName, Duration]
    reminders: list[Fraction] = Field(
        default_factory=lambda: [0.5, 0.8], description="Reminder points as fractions of each timer."
    )
    survey_window: Duration = Field(
        default_factory=lambda: Duration(amount=2, unit=DurationUnit.WORKING_DAYS),
        description="A survey sent and not answered within this closes the ticket `no_response` (seed 003).",
    )
    awaiting_customer_limit: Duration = Field(
        default_factory=lambda: Duration(amount=5, unit=DurationUnit.WORKING_DAYS),
        description="A ticket awaiting the customer this long reminds its unit, which may then reply or close.",
    )
    callback_attempts: int = Field(
        default=3, ge=1, le=10, description="Callback calls that cannot reach the customer before it closes."
    )

    @model_validator(mode="after")
    def _every_timer_has_a_target(self) -> "SlaPolicy":
        missing = set(TimerName) - set(self.targets)
        if missing:
            raise ValueError(f"targets missing for: {', '.join(sorted(missing))}")
        self.reminders = sorted(set(self.reminders))
        return self

    @property
    def specificity(self) -> int:
        return (self.priority is not None) * 2 + (self.type is not None)


class PolicyBook(BaseModel):
    policies: list[SlaPolicy] = Field(min_length=1)

    @model_validator(mode="after")
    def _has_a_fallback(self) -> "PolicyBook":
        if not any(p.type is None and p.priority is None for p in self.policies):
            raise ValueError("one policy must match every ticket (no type, no priority)")
        keys = [(p.type, p.priority) for p in self.policies]
        if len(keys) != len(set(keys)):
            raise ValueError("two policies for the same type and priority")
        return self

    def for_ticket(self, ticket_type: TicketType, priority: Priority) -> SlaPolicy:
        matching = [p for p in self.policies if p.type in (None, ticket_type) and p.priority in (None, priority)]
        return max(matching, key=lambda p: p.specificity)


def _targets(dispatch: Duration, accept: Duration, resolve: Duration, callback: Duration) -> dict[TimerName, Duration]:
    return {
        TimerName.DISPATCH: dispatch,
        TimerName.ACCEPT: accept,
        TimerName.RESOLVE: resolve,
        TimerName.CALLBACK: callback,
    }


def _d(amount: int, unit: DurationUnit) -> Duration:
    return Duration(amount=amount, unit=unit)


MIN, H, WD = DurationUnit.MINUTES, DurationUnit.HOURS, DurationUnit.WORKING_DAYS

# From the seed documents: dispatch within 1 hour (003 §15), forward a complaint within 30 minutes,
# answer within 24 h, reply within 48 h, resolve in 3–5 working days, call back within 3 working days,
# urgent on-site response within 10 minutes.
DEFAULT_POLICIES = PolicyBook(
    policies=[
        SlaPolicy(targets=_targets(_d(1, H), _d(24, H), _d(5, WD), _d(3, WD))),
        SlaPolicy(type=TicketType.COMPLAINT, targets=_targets(_d(30, MIN), _d(24, H), _d(3, WD), _d(3, WD))),
        SlaPolicy(type=TicketType.CONSULTATION, targets=_targets(_d(1, H), _d(24, H), _d(48, H), _d(3, WD))),
        SlaPolicy(priority=Priority.HIGH, targets=_targets(_d(30, MIN), _d(4, H), _d(3, WD), _d(3, WD))),
        SlaPolicy(priority=Priority.URGENT, targets=_targets(_d(10, MIN), _d(30, MIN), _d(24, H), _d(1, WD))),
        SlaPolicy(priority=Priority.LOW, targets=_targets(_d(1, H), _d(48, H), _d(5, WD), _d(3, WD))),
    ]
)
"""Seeded defaults; admins replace them as data (`PUT /v1/staff/config/policies`)."""
