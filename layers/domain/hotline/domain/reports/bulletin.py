"""The bulletin (通报) in the shape hotline centres publish it, composed from a period's counters:

- 基本情况: volume by channel, class, category and region; 直办 vs 交办; replies on time and late;
- 回访情况: surveys sent and answered, grades, no answer; the units at 100 % and those under the thresholds, by name;
- 热点问题: the top categories with their satisfaction; 重复投诉; escalations by level, extensions, incidents;
- the Pareto of causes (overall, per category, per unit);
- the unit assessment: 按时签收率, 按时办结率, 满意率, 发回重办率, the composite score and the rank.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from hotline.domain.base.clock import UtcDatetime
from hotline.domain.config.causes import CauseCatalog
from hotline.domain.config.units import Unit
from hotline.domain.reports.figures import Figures, Rate
from hotline.domain.reports.policy import Period, ReportPolicy
from hotline.domain.reports.tally import (
    CATEGORY,
    CATEGORY_CAUSE,
    CAUSE,
    CHANNEL,
    JOIN,
    PRIORITY,
    REGION,
    REPEAT,
    TYPE,
    UNIT,
    UNIT_CAUSE,
)
from hotline.domain.tickets.catalog import Catalog

CHANNEL_NAMES = {
    "web": "网站",
    "mobile": "移动端",
    "phone": "电话",
    "partner": "合作平台",
    "letter": "来信",
    "visit": "来访",
    "email": "电子邮件",
    "regulator": "上级转办",
}
LEVEL_NAMES_ZH = {1: "承办单位负责人", 2: "热线办（督办）", 3: "分管领导", 4: "总部"}
RESOLUTION_NAMES = {
    "resolved": "已解决",
    "direct_answer": "直接答复",
    "referred": "告知转办",
    "duplicate": "重复诉求",
    "no_response": "回访未获回复",
}
PARETO_VITAL = 0.8
"""The causes that together make up this share of replies are the vital few (关键少数)."""


@dataclass(frozen=True)
class Names:
    """Chinese names for the codes the counters use; an unknown code names itself."""

    catalog: Catalog
    causes: CauseCatalog
    unit_of: Callable[[str], Unit | None]

    def of(self, dimension: str, code: str) -> str:
        match dimension:
            case "channel":
                return CHANNEL_NAMES.get(code, code)
            case "type":
                return next((label.name_zh for label in self.catalog.types if label.code == code), code)
            case "priority":
                return next((label.name_zh for label in self.catalog.priorities if label.code == code), code)
            case "category":
                return next((node.name_zh for node, _ in self.catalog.walk() if node.code == code), code)
            case "cause":
                return self.causes.name_zh(code)
            case "unit":
                unit = self.unit_of(code)
                return unit.name_zh if unit else code
        return code


class Share(BaseModel):
    code: str
    name: str
    count: int
    share: Rate = Field(description="Of the section's total.")


class DayFigures(BaseModel):
    day: date
    received: int
    direct: int
    dispatched: int
    replied: int


class Basics(BaseModel):
    """基本情况."""

    received: int = Field(description="Tickets received (受理总量).")
    by_channel: list[Share]
    by_type: list[Share] = Field(description="By class (诉求类型).")
    by_category: list[Share]
    by_region: list[Share]
    by_priority: list[Share]
    direct: int = Field(description="Settled at intake (直办): answered or referred, never dispatched.")
    dispatched: int = Field(description="Dispatched to a unit (交办), first dispatches only.")
    direct_rate: Rate = Field(description="direct / (direct + dispatched) (直办率).")
    redispatched: int = Field(description="Dispatched again after a unit returned them.")
    returned: int
    accepted: int
    accept_on_time: Rate = Field(description="Accepted by the accept due / accepted (按时签收率).")
    replied: int
    replied_on_time: int
    replied_late: int = Field(description="Met after the resolve due (recorded breached too).")
    resolve_on_time: Rate = Field(description="Replied by the resolve due / replied (按时办结率).")
    rework_rate: Rate | None = Field(
        default=None,
        description="Reworks (reopened) / replied (发回重办率); null in reports made before it was counted.",
    )
    closed: list[Share] = Field(description="Closed, by resolution.")
    trend: list[DayFigures] = Field(description="Each day of the period.")


class UnitName(BaseModel):
    unit_id: str
    name: str


class UnitBelow(UnitName):
    satisfaction: Rate
    reply_rate: Rate = Field(description="按时答复率: replies by their resolve due / replies.")
    below: list[Literal["satisfaction", "reply_rate"]]


class Callbacks(BaseModel):
    """回访情况."""

    sent: int
    answered: int
    satisfied: int
    basically_satisfied: int
    dissatisfied: int
    solved: int
    unsolved: int
    no_response: int = Field(description="Surveys that closed unanswered (the ticket closed `no_response`).")
    unreached: int = Field(description="Callback calls that did not reach the customer.")
    response_rate: Rate = Field(description="answered / sent (回访率).")
    satisfaction: Rate = Field(description="(satisfied + basically satisfied) / answered (满意率).")
    solved_rate: Rate = Field(description="solved / answered (解决率).")
    units_at_full: list[UnitName] = Field(description="Units whose 满意率 is 100 %.")
    units_below: list[UnitBelow] = Field(description="Units under the minimum 满意率 or reply rate.")


class HotTopic(BaseModel):
    """热点问题: a category among the most received."""

    code: str
    name: str
    count: int
    share: Rate
    satisfaction: Rate


class RepeatComplaints(BaseModel):
    """重复投诉."""

    count: int = Field(description="Tickets flagged as repeat complaints in the period.")
    satisfaction: Rate = Field(description="满意率 of the surveys repeat complaints answered.")


class LevelCount(BaseModel):
    level: int
    name: str
    count: int


class Escalations(BaseModel):
    total: int
    by_level: list[LevelCount]
    urged: int = Field(description="催办.")
    supervised: int = Field(description="督办.")


class Extensions(BaseModel):
    requested: int
    approved: int
    refused: int


class Incidents(BaseModel):
    declared: int = Field(description="Major incidents declared (重大事件).")


class ParetoRow(BaseModel):
    code: str
    name: str
    count: int
    share: Rate
    cumulative: Rate = Field(description="This cause and every larger one, of the replies.")
    vital: bool = Field(description="Among the causes that make up the first 80 % (关键少数).")


class Pareto(BaseModel):
    """Replies by cause, most frequent first."""

    code: str = Field(description="What the causes are of: `all`, a category or a unit.")
    name: str
    total: int
    rows: list[ParetoRow]


class Causes(BaseModel):
    overall: Pareto
    by_category: list[Pareto]
    by_unit: list[Pareto]


class UnitScore(BaseModel):
    """One unit's line of the assessment table (考核排名)."""

    unit_id: str
    name: str
    dispatched: int
    accepted: int
    accept_on_time: Rate = Field(description="按时签收率.")
    replied: int
    resolve_on_time: Rate = Field(description="按时办结率.")
    answered: int
    satisfaction: Rate = Field(description="满意率: (satisfied + basically satisfied) / answered.")
    reworks: int
    rework_rate: Rate = Field(description="发回重办率: reworks / replies.")
    score: float | None = Field(description="Composite score 0–100 with the policy's weights; null with no rate.")
    rank: int | None = Field(description="1 for the best score; equal scores share a rank; null without a score.")


class Bulletin(BaseModel):
    title: str
    period: Period
    label: str
    unit_id: str | None = Field(description="The unit whose figures these are; null for the whole centre.")
    generated_at: UtcDatetime
    policy: ReportPolicy
    basics: Basics
    callbacks: Callbacks
    hot_topics: list[HotTopic]
    repeat_complaints: RepeatComplaints
    escalations: Escalations
    extensions: Extensions
    incidents: Incidents
    causes: Causes
    assessment: list[UnitScore]


def _shares(figures: Figures, dimension: str, metric: str, names: Names) -> list[Share]:
    counted = {code: counts[metric] for code, counts in figures.by(dimension).items() if counts[metric]}
    whole = sum(counted.values())
    ordered = sorted(counted.items(), key=lambda item: (-item[1], item[0]))
    return [Share(code=code, name=names.of(dimension, code), count=n, share=Rate.of(n, whole)) for code, n in ordered]


def _satisfaction(counts: Counter[str]) -> Rate:
    pleased = counts["grade_satisfied"] + counts["grade_basically_satisfied"]
    return Rate.of(pleased, counts["survey_answered"])


def pareto(code: str, name: str, by_cause: dict[str, int], names: Names) -> Pareto:
    total = sum(by_cause.values())
    rows, running = [], 0
    for cause, n in sorted(by_cause.items(), key=lambda item: (-item[1], item[0])):
        vital = total > 0 and running / total < PARETO_VITAL
        running += n
        rows.append(
            ParetoRow(
                code=cause,
                name=names.of(CAUSE, cause),
                count=n,
                share=Rate.of(n, total),
                cumulative=Rate.of(running, total),
                vital=vital,
            )
        )
    return Pareto(code=code, name=name, total=total, rows=rows)


def _crossed_paretos(figures: Figures, crossing: str, dimension: str, names: Names) -> list[Pareto]:
    grouped: dict[str, dict[str, int]] = {}
    for value, counts in figures.by(crossing).items():
        owner, _, cause = value.partition(JOIN)
        if counts["replied"]:
            grouped.setdefault(owner, {})[cause] = counts["replied"]
    return [
        pareto(owner, names.of(dimension, owner), causes, names)
        for owner, causes in sorted(grouped.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    ]


def score(line: UnitScore, policy: ReportPolicy) -> float | None:
    weights = policy.weights
    parts = [
        (weights.accept_on_time, line.accept_on_time.value),
        (weights.resolve_on_time, line.resolve_on_time.value),
        (weights.satisfaction, line.satisfaction.value),
        (weights.rework, None if line.rework_rate.value is None else 1 - line.rework_rate.value),
    ]
    counted = [(weight, value) for weight, value in parts if value is not None and weight > 0]
    if not counted:
        return None
    return round(100 * sum(weight * value for weight, value in counted) / sum(weight for weight, _ in counted), 2)


def assessment(figures: Figures, names: Names, policy: ReportPolicy) -> list[UnitScore]:
    lines = []
    for unit_id, counts in figures.by(UNIT).items():
        line = UnitScore(
            unit_id=unit_id,
            name=names.of(UNIT, unit_id),
            dispatched=counts["dispatched"] + counts["redispatched"],
            accepted=counts["accepted"],
            accept_on_time=Rate.of(counts["accepted_on_time"], counts["accepted"]),
            replied=counts["replied"],
            resolve_on_time=Rate.of(counts["replied_on_time"], counts["replied"]),
            answered=counts["survey_answered"],
            satisfaction=_satisfaction(counts),
            reworks=counts["reworks"],
            rework_rate=Rate.of(counts["reworks"], counts["replied"]),
            score=None,
            rank=None,
        )
        line.score = score(line, policy)
        lines.append(line)
    scored = sorted((line.score for line in lines if line.score is not None), reverse=True)
    for line in lines:
        line.rank = None if line.score is None else scored.index(line.score) + 1
    return sorted(lines, key=lambda line: (line.rank is None, line.rank or 0, line.unit_id))


def _callbacks(figures: Figures, lines: list[UnitScore], policy: ReportPolicy) -> Callbacks:
    t = figures.total
    full = [UnitName(unit_id=line.unit_id, name=line.name) for line in lines if line.satisfaction.value == 1]
    below = []
    for line in lines:
        low: list[Literal["satisfaction", "reply_rate"]] = []
        if line.satisfaction.value is not None and line.satisfaction.value < policy.min_satisfaction:
            low.append("satisfaction")
        if line.resolve_on_time.value is not None and line.resolve_on_time.value < policy.min_reply_rate:
            low.append("reply_rate")
        if low:
            below.append(
                UnitBelow(
                    unit_id=line.unit_id,
                    name=line.name,
                    satisfaction=line.satisfaction,
                    reply_rate=line.resolve_on_time,
                    below=low,
                )
            )
    return Callbacks(
        sent=t("survey_sent"),
        answered=t("survey_answered"),
        satisfied=t("grade_satisfied"),
        basically_satisfied=t("grade_basically_satisfied"),
        dissatisfied=t("grade_dissatisfied"),
        solved=t("solved"),
        unsolved=t("unsolved"),
        no_response=t("survey_expired"),
        unreached=t("survey_unreached"),
        response_rate=Rate.of(t("survey_answered"), t("survey_sent")),
        satisfaction=Rate.of(t("grade_satisfied") + t("grade_basically_satisfied"), t("survey_answered")),
        solved_rate=Rate.of(t("solved"), t("survey_answered")),
        units_at_full=full,
        units_below=below,
    )


def _basics(figures: Figures, period: Period, names: Names) -> Basics:
    t = figures.total
    closed = {resolution: t(f"closed_{resolution}") for resolution in RESOLUTION_NAMES if t(f"closed_{resolution}")}
    return Basics(
        received=t("received"),
        by_channel=_shares(figures, CHANNEL, "received", names),
        by_type=_shares(figures, TYPE, "received", names),
        by_category=_shares(figures, CATEGORY, "received", names),
        by_region=_shares(figures, REGION, "received", names),
        by_priority=_shares(figures, PRIORITY, "received", names),
        direct=t("direct"),
        dispatched=t("dispatched"),
        direct_rate=Rate.of(t("direct"), t("direct") + t("dispatched")),
        redispatched=t("redispatched"),
        returned=t("returned"),
        accepted=t("accepted"),
        accept_on_time=Rate.of(t("accepted_on_time"), t("accepted")),
        replied=t("replied"),
        replied_on_time=t("replied_on_time"),
        replied_late=t("replied_late"),
        resolve_on_time=Rate.of(t("replied_on_time"), t("replied")),
        rework_rate=Rate.of(t("reworks"), t("replied")),
        closed=[
            Share(code=code, name=RESOLUTION_NAMES[code], count=n, share=Rate.of(n, sum(closed.values())))
            for code, n in closed.items()
        ],
        trend=[
            DayFigures(
                day=day,
                received=figures.daily[day]["received"],
                direct=figures.daily[day]["direct"],
                dispatched=figures.daily[day]["dispatched"],
                replied=figures.daily[day]["replied"],
            )
            for day in period.days
        ],
    )


def compose(
    figures: Figures,
    period: Period,
    names: Names,
    policy: ReportPolicy,
    generated_at: datetime,
    unit_id: str | None = None,
) -> Bulletin:
    """The bulletin of `figures` (the centre's, or with `unit_id` that unit's)."""
    t = figures.total
    lines = assessment(figures, names, policy)
    received = t("received")
    by_category = figures.by(CATEGORY)
    hot = sorted(
        ((code, counts) for code, counts in by_category.items() if counts["received"]),
        key=lambda item: (-item[1]["received"], item[0]),
    )[: policy.top_categories]
    repeat = Counter[str]()
    for counts in figures.by(REPEAT).values():
        repeat.update(counts)
    replies_by_cause = {code: counts["replied"] for code, counts in figures.by(CAUSE).items() if counts["replied"]}
    return Bulletin(
        title=period.title if unit_id is None else f"{period.title} · {names.of(UNIT, unit_id)}",
        period=period,
        label=period.label,
        unit_id=unit_id,
        generated_at=generated_at,
        policy=policy,
        basics=_basics(figures, period, names),
        callbacks=_callbacks(figures, lines, policy),
        hot_topics=[
            HotTopic(
                code=code,
                name=names.of(CATEGORY, code),
                count=counts["received"],
                share=Rate.of(counts["received"], received),
                satisfaction=_satisfaction(counts),
            )
            for code, counts in hot
        ],
        repeat_complaints=RepeatComplaints(count=t("repeat_complaints"), satisfaction=_satisfaction(repeat)),
        escalations=Escalations(
            total=t("escalated"),
            by_level=[
                LevelCount(level=level, name=name, count=t(f"escalated_level_{level}"))
                for level, name in LEVEL_NAMES_ZH.items()
            ],
            urged=t("urged"),
            supervised=t("supervised"),
        ),
        extensions=Extensions(
            requested=t("extension_requested"), approved=t("extension_approved"), refused=t("extension_refused")
        ),
        incidents=Incidents(declared=t("incidents")),
        causes=Causes(
            overall=pareto("all", "全部", replies_by_cause, names),
            by_category=_crossed_paretos(figures, CATEGORY_CAUSE, CATEGORY, names),
            by_unit=_crossed_paretos(figures, UNIT_CAUSE, UNIT, names),
        ),
        assessment=lines,
    )
