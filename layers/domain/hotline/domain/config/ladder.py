"""The escalation ladder (内部告警流程), as data: who hears about an overdue or troubled ticket, and when.

Levels: 1 unit manager, 2 hotline office (督办), 3 leadership, 4 headquarters. A level's recipient is
found by climbing the unit hierarchy from the ticket's unit (or from the dispatch desk while the
ticket has no unit): level 1 is the unit itself, level 2 its parent, and so on up to the top.
"""

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field

from hotline.domain.base.calendar import Duration, DurationUnit

Level = Annotated[int, Field(ge=1, le=4)]

LEVEL_NAMES = {0: "none", 1: "unit manager", 2: "hotline office", 3: "leadership", 4: "headquarters"}


class Counter(StrEnum):
    RETURNED = "returned"
    """Units sent the ticket back as mis-dispatched."""
    REOPENED = "reopened"
    """Reworks (发回重办): reopened after a reply, by a dissatisfied survey or by staff."""
    DISSATISFIED = "dissatisfied"
    """Surveys the customer answered dissatisfied."""
    REPEAT_CALLER = "repeat_caller"
    """Tickets from the same phone within the ladder's repeat window (this one included)."""


class TimeStep(BaseModel):
    level: Level
    after: Duration = Field(description="Time since the timer's breach.")


class CountStep(BaseModel):
    level: Level
    counter: Counter
    at_least: int = Field(ge=1)


class Ladder(BaseModel):
    time_steps: list[TimeStep]
    count_steps: list[CountStep] = Field(default_factory=list)
    dispatch_desk: str = Field(
        default="hotline-office", description="Where the ladder starts for a ticket no unit holds (dispatchers)."
    )
    repeat_window_days: int = Field(default=30, ge=1, le=366)
    problem_reworks: int = Field(
        default=3, ge=1, description="Reworks that make a ticket a problem ticket (问题工单), flagged and listed."
    )

    def counted(self, counter: Counter, count: int) -> int:
        """The highest level a counter has reached (0 when none)."""
        levels = [s.level for s in self.count_steps if s.counter is counter and count >= s.at_least]
        return max(levels, default=0)


def _d(amount: int, unit: DurationUnit) -> Duration:
    return Duration(amount=amount, unit=unit)


# Seed 000, internal alarm flow: the unit's manager at the breach, the office after 2 working days,
# leadership after a week, headquarters after a month. By counts (DESIGN.md §2): returned or reworked twice and a
# second dissatisfied survey go to the office (督办), a third rework to leadership (and makes a problem ticket).
DEFAULT_LADDER = Ladder(
    time_steps=[
        TimeStep(level=1, after=_d(0, DurationUnit.MINUTES)),
        TimeStep(level=2, after=_d(2, DurationUnit.WORKING_DAYS)),
        TimeStep(level=3, after=_d(7 * 24, DurationUnit.HOURS)),
        TimeStep(level=4, after=_d(30 * 24, DurationUnit.HOURS)),
    ],
    count_steps=[
        CountStep(level=2, counter=Counter.RETURNED, at_least=2),
        CountStep(level=2, counter=Counter.REOPENED, at_least=2),
        CountStep(level=3, counter=Counter.REOPENED, at_least=3),
        CountStep(level=2, counter=Counter.DISSATISFIED, at_least=2),
        CountStep(level=1, counter=Counter.REPEAT_CALLER, at_least=3),
    ],
)
