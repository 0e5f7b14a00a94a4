"""The aggregates of the fixed fortnight (tests/unit/reports/world.py) against the table computed by hand, each event
counted once however often the stream hands its write on, and the bulletin composed from them."""

from collections import Counter
from datetime import UTC, date, datetime

import pytest
from hotline.domain.config.causes import DEFAULT_CAUSES
from hotline.domain.reports.bulletin import Bulletin, Names, compose
from hotline.domain.reports.desk import Aggregator, bulletins
from hotline.domain.reports.figures import Figures, Rate
from hotline.domain.reports.policy import DEFAULT_POLICY, Period, ReportKind, ReportPolicy, Weights
from hotline.domain.tickets.catalog import DEFAULT_CATALOG
from hotline.domain.tickets.ticket import SYSTEM, TicketEvent

from infra.local.units import DEMO_UNITS
from tests.unit.fakes import FakeAggregates
from tests.unit.reports.world import FIRST, LAST, Fortnight
from tests.unit.ticket_world import MARKET, SHANGHAI, URBAN

NAMES = Names(DEFAULT_CATALOG, DEFAULT_CAUSES, {unit.id: unit for unit in DEMO_UNITS}.get)
PERIOD = Period(kind=ReportKind.CUSTOM, first=FIRST, last=LAST)
AT = datetime(2026, 11, 30, tzinfo=UTC)

CENTRE = {
    "received": 5,
    "direct": 1,
    "dispatched": 4,
    "accepted": 4,
    "accepted_on_time": 3,
    "accepted_late": 1,
    "replied": 6,
    "replied_on_time": 5,
    "replied_late": 1,
    "survey_sent": 6,
    "survey_answered": 5,
    "grade_satisfied": 1,
    "grade_basically_satisfied": 1,
    "grade_dissatisfied": 3,
    "solved": 2,
    "unsolved": 3,
    "survey_expired": 1,
    "reworks": 3,
    "closed": 4,
    "closed_resolved": 2,
    "closed_direct_answer": 1,
    "closed_no_response": 1,
    "escalated": 1,
    "escalated_level_2": 1,
}
URBAN_COUNTS = {
    "dispatched": 3,
    "accepted": 3,
    "accepted_on_time": 3,
    "replied": 4,
    "replied_on_time": 3,
    "replied_late": 1,
    "survey_sent": 4,
    "survey_answered": 3,
    "grade_satisfied": 1,
    "grade_basically_satisfied": 1,
    "grade_dissatisfied": 1,
    "solved": 2,
    "unsolved": 1,
    "survey_expired": 1,
    "reworks": 1,
    "closed": 3,
    "closed_resolved": 2,
    "closed_no_response": 1,
}
MARKET_COUNTS = {
    "dispatched": 1,
    "accepted": 1,
    "accepted_late": 1,
    "replied": 2,
    "replied_on_time": 2,
    "survey_sent": 2,
    "survey_answered": 2,
    "grade_dissatisfied": 2,
    "unsolved": 2,
    "reworks": 2,
    "escalated": 1,
    "escalated_level_2": 1,
}


def figures_of(aggregates: FakeAggregates) -> Figures:
    return Figures.of(aggregates.totals(FIRST, LAST), aggregates.daily(FIRST, LAST))


@pytest.fixture(scope="module")
def fortnight() -> Fortnight:
    return Fortnight().play()


@pytest.fixture
def aggregates(fortnight: Fortnight) -> FakeAggregates:
    counted = FakeAggregates()
    fortnight.count(counted)
    return counted


def test_the_counters_match_the_table_computed_by_hand(aggregates: FakeAggregates) -> None:
    figures = figures_of(aggregates)

    assert dict(figures.totals[("all", "all")]) == CENTRE
    assert dict(figures.totals[("unit", URBAN)]) == URBAN_COUNTS
    assert dict(figures.totals[("unit", MARKET)]) == MARKET_COUNTS
    assert {code: c["received"] for code, c in figures.by("channel").items()} == {"web": 4, "phone": 1}
    assert {code: c["received"] for code, c in figures.by("category").items() if c["received"]} == {
        "urban.noise": 2,
        "urban.sanitation": 1,
        "market.consumer": 1,
        "transport.bus": 1,
    }
    assert {code: c["replied"] for code, c in figures.by("cause").items()} == {
        "construction.permit": 2,
        "construction.site": 1,
        "management.maintenance": 1,
        "market.quality": 2,
    }
    # An event counts on its own local day: the five receipts on Wednesday 18th, the late reply on Tuesday 24th.
    assert figures.daily[date(2026, 11, 18)]["received"] == 5
    assert figures.daily[date(2026, 11, 24)]["replied_late"] == 1


def test_a_redelivered_write_is_counted_once(fortnight: Fortnight) -> None:
    aggregates = FakeAggregates()
    first = fortnight.count(aggregates)
    again = fortnight.count(aggregates)  # the stream hands every write on a second time

    assert (first, again) == (39, 0)
    assert dict(figures_of(aggregates).totals[("all", "all")]) == CENTRE


def test_the_bulletin_rates_keep_their_parts(aggregates: FakeAggregates) -> None:
    bulletin = compose(figures_of(aggregates), PERIOD, NAMES, DEFAULT_POLICY, AT)

    basics, callbacks = bulletin.basics, bulletin.callbacks
    assert (basics.received, basics.direct, basics.dispatched) == (5, 1, 4)
    assert basics.direct_rate == Rate(value=0.2, numerator=1, denominator=5)
    assert basics.accept_on_time == Rate(value=0.75, numerator=3, denominator=4)
    assert basics.resolve_on_time == Rate(value=0.8333, numerator=5, denominator=6)
    assert basics.rework_rate == Rate(value=0.5, numerator=3, denominator=6)  # the centre's 发回重办率
    assert (basics.replied_on_time, basics.replied_late) == (5, 1)
    assert [(s.code, s.count) for s in basics.by_type] == [("complaint", 4), ("consultation", 1)]
    assert [(s.name, s.count) for s in basics.closed] == [("已解决", 2), ("直接答复", 1), ("回访未获回复", 1)]
    assert (callbacks.sent, callbacks.answered, callbacks.no_response) == (6, 5, 1)
    assert callbacks.satisfaction == Rate(value=0.4, numerator=2, denominator=5)
    assert callbacks.response_rate == Rate(value=0.8333, numerator=5, denominator=6)
    assert bulletin.escalations.by_level[1].count == 1 and bulletin.escalations.total == 1
    assert [(t.code, t.count, t.satisfaction.value) for t in bulletin.hot_topics][:2] == [
        ("urban.noise", 2, 0.6667),
        ("market.consumer", 1, 0.0),
    ]


def test_a_bulletin_stored_before_the_centres_rework_rate_still_reads(aggregates: FakeAggregates) -> None:
    stored = compose(figures_of(aggregates), PERIOD, NAMES, DEFAULT_POLICY, AT).model_dump(mode="json")
    del stored["basics"]["rework_rate"]

    assert Bulletin.model_validate(stored).basics.rework_rate is None


def test_the_unit_assessment_scores_and_ranks_the_units(aggregates: FakeAggregates) -> None:
    bulletin = compose(figures_of(aggregates), PERIOD, NAMES, DEFAULT_POLICY, AT)

    urban, market = bulletin.assessment
    assert (urban.unit_id, urban.name, urban.rank) == (URBAN, "区城管局", 1)
    assert urban.accept_on_time == Rate(value=1.0, numerator=3, denominator=3)
    assert urban.resolve_on_time == Rate(value=0.75, numerator=3, denominator=4)
    assert urban.satisfaction == Rate(value=0.6667, numerator=2, denominator=3)
    assert urban.rework_rate == Rate(value=0.25, numerator=1, denominator=4)
    # 100 × (0.2 × 1 + 0.3 × 0.75 + 0.4 × 0.6667 + 0.1 × (1 − 0.25))
    assert urban.score == 76.67
    assert (market.unit_id, market.rank, market.score) == (MARKET, 2, 30.0)  # 100 × 0.3 × 1: only on-time replies
    assert market.accept_on_time.value == 0 and market.satisfaction == Rate(value=0.0, numerator=0, denominator=2)
    assert market.rework_rate == Rate(value=1.0, numerator=2, denominator=2)


def test_units_under_the_thresholds_are_named(aggregates: FakeAggregates) -> None:
    figures = figures_of(aggregates)

    below = compose(figures, PERIOD, NAMES, DEFAULT_POLICY, AT).callbacks.units_below
    assert [(u.name, u.below) for u in below] == [
        ("区城管局", ["satisfaction", "reply_rate"]),
        ("区市场监管局", ["satisfaction"]),
    ]

    lenient = ReportPolicy(min_satisfaction=0.6, min_reply_rate=0.7)
    callbacks = compose(figures, PERIOD, NAMES, lenient, AT).callbacks
    assert [u.unit_id for u in callbacks.units_below] == [MARKET]
    assert callbacks.units_at_full == []


def test_the_weights_are_configurable(aggregates: FakeAggregates) -> None:
    satisfaction_only = ReportPolicy(weights=Weights(accept_on_time=0, resolve_on_time=0, satisfaction=1, rework=0))

    lines = compose(figures_of(aggregates), PERIOD, NAMES, satisfaction_only, AT).assessment

    assert [(line.unit_id, line.score, line.rank) for line in lines] == [(URBAN, 66.67, 1), (MARKET, 0.0, 2)]


def test_the_pareto_of_causes_runs_largest_first_with_its_cumulative_share(aggregates: FakeAggregates) -> None:
    causes = compose(figures_of(aggregates), PERIOD, NAMES, DEFAULT_POLICY, AT).causes

    rows = [(r.code, r.count, r.cumulative.value, r.vital) for r in causes.overall.rows]
    assert rows == [
        ("construction.permit", 2, 0.3333, True),
        ("market.quality", 2, 0.6667, True),
        ("construction.site", 1, 0.8333, True),
        ("management.maintenance", 1, 1.0, False),
    ]
    assert causes.overall.rows[0].name == "违规施工（超时、无证）"
    assert [(p.code, p.total) for p in causes.by_unit] == [(URBAN, 4), (MARKET, 2)]
    noise = next(p for p in causes.by_category if p.code == "urban.noise")
    assert [(r.code, r.count) for r in noise.rows] == [("construction.permit", 2), ("construction.site", 1)]


def test_a_units_own_figures_hold_only_its_work(aggregates: FakeAggregates) -> None:
    own, _ = bulletins(aggregates, PERIOD, NAMES, DEFAULT_POLICY, AT, MARKET)

    assert own.unit_id == MARKET and own.basics.received == 0
    assert own.basics.resolve_on_time == Rate(value=1.0, numerator=2, denominator=2)
    assert own.callbacks.satisfaction == Rate(value=0.0, numerator=0, denominator=2)
    assert [line.unit_id for line in own.assessment] == [MARKET] and own.assessment[0].rank == 2
    assert [(r.code, r.count) for r in own.causes.overall.rows] == [("market.quality", 2)]
    assert [(d.day, d.dispatched, d.replied) for d in own.basics.trend if d.dispatched or d.replied] == [
        (date(2026, 11, 18), 1, 0),  # its own trend: the day it got the ticket, the days it replied
        (date(2026, 11, 19), 0, 1),
        (date(2026, 11, 24), 0, 1),
    ]
    assert {line.unit_id for line in own.assessment} | {u.unit_id for u in own.callbacks.units_below} == {MARKET}


def test_rates_with_nothing_counted_are_null() -> None:
    bulletin = compose(Figures(), PERIOD, NAMES, DEFAULT_POLICY, AT)

    assert bulletin.basics.resolve_on_time == Rate(value=None, numerator=0, denominator=0)
    assert bulletin.callbacks.satisfaction.value is None and bulletin.assessment == []
    assert len(bulletin.basics.trend) == 14 and Counter(d.received for d in bulletin.basics.trend) == {0: 14}


def test_repeat_complaints_count_when_flagged_and_their_surveys_under_the_flag(fortnight: Fortnight) -> None:
    ticket = fortnight.world.ticket(fortnight.numbers["T1"])
    ticket.handling.repeat_of = ["2611-000009"]
    at = datetime(2026, 11, 20, 2, tzinfo=UTC)

    def event(event_id: str, kind: str, **data: object) -> TicketEvent:
        return TicketEvent(id=event_id, type=kind, number=ticket.number, actor=SYSTEM, at=at, data=data)

    aggregates = FakeAggregates()
    Aggregator(aggregates, SHANGHAI).take(
        ticket,
        [
            event("r1", "ticket.repeat_complaint", of=["2611-000009"], window_days=30),
            event("r2", "survey.answered", grade="dissatisfied", solved=False),
        ],
    )

    repeat = compose(figures_of(aggregates), PERIOD, NAMES, DEFAULT_POLICY, AT).repeat_complaints
    assert repeat.count == 1 and repeat.satisfaction == Rate(value=0.0, numerator=0, denominator=1)
