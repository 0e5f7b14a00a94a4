"""SLA policies, routing rules, the escalation ladder and the due points they make, as a hotline centre sees them."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hotline.domain.base.calendar import Duration, DurationUnit
from hotline.domain.base.errors import InvalidInput
from hotline.domain.changes.change import Change
from hotline.domain.changes.due_points import DuePoint, PointKind, due_points, next_wake
from hotline.domain.config.ladder import DEFAULT_LADDER, Counter, CountStep, Ladder, TimeStep
from hotline.domain.config.policies import DEFAULT_POLICIES, PolicyBook, SlaPolicy
from hotline.domain.config.routing import DEFAULT_ROUTING, RoutingRule, RoutingTable
from hotline.domain.config.units import Unit
from hotline.domain.tickets.catalog import Channel, Priority, TicketType
from hotline.domain.tickets.ticket import SYSTEM, Location, Ticket
from hotline.domain.tickets.timers import TimerName
from pydantic import ValidationError

from tests.unit.fakes import demo_rules
from tests.unit.ticket_world import HQ, LEADERSHIP, MARKET, OFFICE, URBAN, local

RECEIVED = local(2026, 9, 30, 10)  # Wednesday before the National Day holiday (1–7 October)


def ticket(
    ticket_type: TicketType = TicketType.COMPLAINT,
    category: str = "urban.noise",
    priority: Priority = Priority.NORMAL,
    subject: str = "夜间施工",
    description: str = "每天晚上十点以后还在施工",
    **extra: Any,
) -> Ticket:
    return Ticket(
        id="t-1",
        number="2609-000001",
        access_code_hash="x",
        channel=Channel.PHONE,
        type=ticket_type,
        category=category,
        priority=priority,
        subject=subject,
        description=description,
        received_at=RECEIVED,
        updated_at=RECEIVED,
        **extra,
    )


def d(amount: int, unit: str) -> Duration:
    return Duration(amount=amount, unit=DurationUnit(unit))


def targets(dispatch: Duration, accept: Duration, resolve: Duration, callback: Duration) -> dict[TimerName, Duration]:
    return {
        TimerName.DISPATCH: dispatch,
        TimerName.ACCEPT: accept,
        TimerName.RESOLVE: resolve,
        TimerName.CALLBACK: callback,
    }


def durations(policy: SlaPolicy) -> dict[str, str]:
    return {name.value: str(duration) for name, duration in policy.targets.items()}


# -- SLA policies -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ticket_type", "priority", "expected"),
    [
        # A plain request: the fallback (dispatch within 1 hour, resolve in 5 working days).
        (TicketType.REQUEST, Priority.NORMAL, ("1 hours", "24 hours", "5 working_days", "3 working_days")),
        # A complaint is forwarded within 30 minutes and resolved in 3 working days.
        (TicketType.COMPLAINT, Priority.NORMAL, ("30 minutes", "24 hours", "3 working_days", "3 working_days")),
        # A consultation is answered within 48 hours.
        (TicketType.CONSULTATION, Priority.NORMAL, ("1 hours", "24 hours", "48 hours", "3 working_days")),
        # Priority outweighs type: an urgent complaint follows the urgent policy, a low consultation the low one.
        (TicketType.COMPLAINT, Priority.URGENT, ("10 minutes", "30 minutes", "24 hours", "1 working_days")),
        (TicketType.COMPLAINT, Priority.HIGH, ("30 minutes", "4 hours", "3 working_days", "3 working_days")),
        (TicketType.CONSULTATION, Priority.LOW, ("1 hours", "48 hours", "5 working_days", "3 working_days")),
    ],
)
def test_default_policies_pick_the_most_specific_and_priority_outweighs_type(
    ticket_type: TicketType, priority: Priority, expected: tuple[str, str, str, str]
) -> None:
    policy = DEFAULT_POLICIES.for_ticket(ticket_type, priority)
    assert tuple(durations(policy).values()) == expected
    assert policy.reminders == [0.5, 0.8]
    assert policy.calendar == "cn"


def test_a_policy_for_type_and_priority_beats_one_for_priority_alone() -> None:
    hour, day = d(1, "hours"), d(1, "working_days")
    book = PolicyBook(
        policies=[
            SlaPolicy(targets=targets(hour, hour, day, day)),
            SlaPolicy(priority=Priority.URGENT, targets=targets(d(10, "minutes"), hour, day, day)),
            SlaPolicy(type=TicketType.HELP, targets=targets(d(20, "minutes"), hour, day, day)),
            SlaPolicy(type=TicketType.HELP, priority=Priority.URGENT, targets=targets(d(5, "minutes"), hour, day, day)),
        ]
    )
    dispatch_of = {
        (t, p): str(book.for_ticket(t, p).targets[TimerName.DISPATCH])
        for t in (TicketType.HELP, TicketType.REQUEST)
        for p in (Priority.URGENT, Priority.NORMAL)
    }
    assert dispatch_of == {
        (TicketType.HELP, Priority.URGENT): "5 minutes",
        (TicketType.HELP, Priority.NORMAL): "20 minutes",
        (TicketType.REQUEST, Priority.URGENT): "10 minutes",
        (TicketType.REQUEST, Priority.NORMAL): "1 hours",
    }


def test_a_policy_book_needs_a_fallback_and_no_two_policies_for_the_same_case() -> None:
    hour, day = d(1, "hours"), d(1, "working_days")
    with pytest.raises(ValidationError, match="one policy must match every ticket"):
        PolicyBook(policies=[SlaPolicy(priority=Priority.URGENT, targets=targets(hour, hour, day, day))])
    with pytest.raises(ValidationError, match="two policies for the same type and priority"):
        PolicyBook(
            policies=[SlaPolicy(targets=targets(hour, hour, day, day)), SlaPolicy(targets=targets(day, day, day, day))]
        )


def test_a_policy_names_every_timer_and_reminders_are_fractions_kept_in_order() -> None:
    hour = d(1, "hours")
    with pytest.raises(ValidationError, match="targets missing for: callback"):
        SlaPolicy(targets={TimerName.DISPATCH: hour, TimerName.ACCEPT: hour, TimerName.RESOLVE: hour})
    with pytest.raises(ValidationError):
        SlaPolicy(targets=targets(hour, hour, hour, hour), reminders=[0.5, 1.0])
    policy = SlaPolicy(targets=targets(hour, hour, hour, hour), reminders=[0.9, 0.5, 0.9])
    assert policy.reminders == [0.5, 0.9]


@pytest.mark.parametrize(
    ("ticket_type", "priority", "timer", "start", "due"),
    [
        # Complaint: forwarded within 30 minutes, natural time.
        (TicketType.COMPLAINT, Priority.NORMAL, TimerName.DISPATCH, RECEIVED, local(2026, 9, 30, 10, 30)),
        # Accept within 24 hours: the holiday counts (休息日也在考核时限内).
        (TicketType.COMPLAINT, Priority.NORMAL, TimerName.ACCEPT, RECEIVED, local(2026, 10, 1, 10)),
        # 3 working days: 8, 9 and 10 October (the 10th is a make-up working day).
        (TicketType.COMPLAINT, Priority.NORMAL, TimerName.RESOLVE, RECEIVED, local(2026, 10, 10, 18)),
        # 5 working days: 8, 9, 10, 12, 13 October.
        (TicketType.REQUEST, Priority.NORMAL, TimerName.RESOLVE, RECEIVED, local(2026, 10, 13, 18)),
        # A consultation answered within 48 hours, right across the holiday.
        (TicketType.CONSULTATION, Priority.NORMAL, TimerName.RESOLVE, RECEIVED, local(2026, 10, 2, 10)),
        # Urgent: resolved within 24 hours, called back within 1 working day.
        (TicketType.HELP, Priority.URGENT, TimerName.RESOLVE, RECEIVED, local(2026, 10, 1, 10)),
        (TicketType.HELP, Priority.URGENT, TimerName.CALLBACK, RECEIVED, local(2026, 10, 8, 18)),
        # Received after hours on the 30th: treated as received on the 8th at 09:00.
        (TicketType.HELP, Priority.URGENT, TimerName.CALLBACK, local(2026, 9, 30, 20), local(2026, 10, 9, 18)),
    ],
)
def test_timers_start_with_the_policy_due_in_the_centres_calendar(
    ticket_type: TicketType, priority: Priority, timer: TimerName, start: datetime, due: datetime
) -> None:
    started = demo_rules().start_timer(ticket(ticket_type, priority=priority), timer, start)
    assert (started.started_at, started.due) == (start, due)
    assert started.unit is DEFAULT_POLICIES.for_ticket(ticket_type, priority).targets[timer].unit
    assert started.open and started.running and started.original_due is None


def test_a_policy_naming_an_unknown_calendar_is_a_configuration_error() -> None:
    hour = d(1, "hours")
    rules = demo_rules(
        policies=PolicyBook(policies=[SlaPolicy(calendar="mars", targets=targets(hour, hour, hour, hour))])
    )
    with pytest.raises(LookupError, match="'mars'"):
        rules.start_timer(ticket(), TimerName.DISPATCH, RECEIVED)


# -- routing ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "subject", "unit"),
    [
        ("urban.noise", "夜间施工", URBAN),
        ("urban.sanitation", "小区门口", URBAN),
        ("market.food_safety", "过期食品", MARKET),
        ("market.consumer", "退款纠纷", MARKET),
        # Keywords route a ticket from any category: street occupation (占道) goes to urban management.
        ("transport.road", "人行道被占道经营", URBAN),
        ("other", "楼下垃圾没人清", URBAN),
        # Nothing matches: the ticket waits for a dispatcher.
        ("transport.bus", "公交车晚点", None),
        ("housing.water", "停水三天", None),
    ],
)
def test_default_routing_by_category_then_keywords(category: str, subject: str, unit: str | None) -> None:
    assert DEFAULT_ROUTING.route(ticket(category=category, subject=subject, description="请尽快处理")) == unit


def test_a_category_code_matches_its_children_not_its_namesakes() -> None:
    table = RoutingTable(rules=[RoutingRule(unit_id=URBAN, categories=["urban"])])
    assert table.route(ticket(category="urban")) == URBAN
    assert table.route(ticket(category="urban.noise")) == URBAN
    assert table.route(ticket(category="urbanism")) is None


def test_every_condition_of_a_rule_must_hold_and_the_first_matching_rule_wins() -> None:
    table = RoutingTable(
        rules=[
            RoutingRule(unit_id="west-district", types=[TicketType.COMPLAINT], categories=["urban"], regions=["west"]),
            RoutingRule(unit_id="night-patrol", keywords=["Night"]),
            RoutingRule(unit_id="catch-all"),
        ]
    )
    west = Location(address="西区一路1号", region="west")
    east = Location(address="东区一路1号", region="east")
    assert table.route(ticket(location=west)) == "west-district"
    assert table.route(ticket(location=east)) == "catch-all"
    assert table.route(ticket(location=west, ticket_type=TicketType.REQUEST)) == "catch-all"
    assert table.route(ticket()) == "catch-all"  # no location: a region rule cannot hold
    # Keywords are looked for in the subject and description, whatever their case.
    assert table.route(ticket(location=east, description="noise every NIGHT")) == "night-patrol"
    assert RoutingTable().route(ticket()) is None


# -- the ladder ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counter", "count", "level"),
    [
        (Counter.RETURNED, 1, 0),
        (Counter.RETURNED, 2, 2),
        (Counter.RETURNED, 5, 2),
        (Counter.REOPENED, 1, 0),
        (Counter.REOPENED, 2, 2),
        (Counter.REOPENED, 3, 3),
        (Counter.DISSATISFIED, 1, 0),
        (Counter.DISSATISFIED, 2, 2),
        (Counter.REPEAT_CALLER, 2, 0),
        (Counter.REPEAT_CALLER, 3, 1),
    ],
)
def test_default_ladder_counts(counter: Counter, count: int, level: int) -> None:
    assert DEFAULT_LADDER.counted(counter, count) == level


def test_the_highest_level_a_counter_reached_wins() -> None:
    ladder = Ladder(
        time_steps=[TimeStep(level=1, after=d(0, "minutes"))],
        count_steps=[
            CountStep(level=1, counter=Counter.RETURNED, at_least=1),
            CountStep(level=3, counter=Counter.RETURNED, at_least=3),
        ],
    )
    assert [ladder.counted(Counter.RETURNED, n) for n in range(5)] == [0, 1, 1, 3, 3]
    assert ladder.counted(Counter.REOPENED, 9) == 0


def test_default_ladder_time_steps_follow_the_internal_alarm_flow() -> None:
    steps = [(s.level, str(s.after)) for s in DEFAULT_LADDER.time_steps]
    assert steps == [(1, "0 minutes"), (2, "2 working_days"), (3, "168 hours"), (4, "720 hours")]
    assert DEFAULT_LADDER.dispatch_desk == OFFICE
    assert DEFAULT_LADDER.repeat_window_days == 30
    assert DEFAULT_LADDER.problem_reworks == 3


def test_escalations_climb_from_the_unit_or_from_the_dispatch_desk() -> None:
    rules = demo_rules()
    assert [u.id for u in rules.chain(URBAN)] == [URBAN, OFFICE, LEADERSHIP, HQ]
    assert [u.id for u in rules.chain(MARKET)] == [MARKET, OFFICE, LEADERSHIP, HQ]
    assert [u.id for u in rules.chain(None)] == [OFFICE, OFFICE, LEADERSHIP, HQ]  # the desk is levels 1 and 2
    assert rules.chain("no-such-unit") == []


def test_a_cycle_in_the_unit_hierarchy_does_not_hang_the_chain() -> None:
    units = {
        "a-unit": Unit(id="a-unit", name="A", name_zh="甲", parent_id="b-unit"),
        "b-unit": Unit(id="b-unit", name="B", name_zh="乙", parent_id="a-unit"),
    }
    rules = demo_rules()
    looping = replace(rules, unit_of=units.get)
    assert [u.id for u in looping.chain("a-unit")] == ["a-unit", "b-unit"]


def test_an_unknown_unit_is_invalid_input_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as error:
        demo_rules().unit("no-such-unit")
    assert [(f.field, f.problem) for f in error.value.fields] == [("unit_id", "no unit 'no-such-unit'")]


def _change(unit_id: str | None) -> Change:
    ids = iter(range(100))
    return Change.of(ticket(unit_id=unit_id), SYSTEM, RECEIVED, demo_rules(), lambda at: f"e{next(ids)}")


@pytest.mark.parametrize(
    ("unit_id", "level", "recipient"),
    [
        (URBAN, 1, URBAN),
        (URBAN, 2, OFFICE),
        (URBAN, 3, LEADERSHIP),
        (URBAN, 4, HQ),
        (None, 1, OFFICE),
        (None, 2, OFFICE),  # the dispatch desk belongs to the hotline office
        (None, 3, LEADERSHIP),
        (None, 4, HQ),
    ],
)
def test_an_escalation_tells_the_unit_that_many_steps_up(unit_id: str | None, level: int, recipient: str) -> None:
    change = _change(unit_id)
    change.escalate(level, "overdue")

    (notification,) = change.notifications
    assert (notification.kind, notification.level, notification.recipients) == ("escalation", level, [recipient])
    (event,) = change.events
    assert (event.type, event.data["level"], event.data["to"]) == ("ticket.escalated", level, [recipient])
    assert change.handling.escalation_level == level


def test_an_escalation_never_lowers_the_level_nor_repeats_it() -> None:
    change = _change(URBAN)
    change.escalate(2, "supervised")
    change.escalate(2, "returned twice")
    change.escalate(1, "overdue")
    assert change.handling.escalation_level == 2
    assert [e.data["level"] for e in change.events] == [2]
    assert len(change.notifications) == 1


# -- due points ---------------------------------------------------------------------------------------


def test_a_running_timer_has_reminders_then_its_breach() -> None:
    rules = demo_rules()
    t = ticket()
    t.handling.timers[TimerName.DISPATCH] = rules.start_timer(t, TimerName.DISPATCH, RECEIVED)

    points = due_points(t, rules)
    assert [(p.at, p.kind, p.fraction) for p in points] == [
        (local(2026, 9, 30, 10, 15), PointKind.REMINDER, 0.5),
        (local(2026, 9, 30, 10, 24), PointKind.REMINDER, 0.8),
        (local(2026, 9, 30, 10, 30), PointKind.BREACH, 0.0),
    ]
    assert next_wake(t, rules) == local(2026, 9, 30, 10, 15)


def test_working_time_reminders_count_only_working_hours() -> None:
    # Resolve within 3 working days from Wed 30 Sep 10:00: 29 working hours to Sat 10 Oct 18:00.
    rules = demo_rules()
    t = ticket()
    t.handling.timers[TimerName.RESOLVE] = rules.start_timer(t, TimerName.RESOLVE, RECEIVED)
    assert [p.at for p in due_points(t, rules)] == [
        local(2026, 10, 9, 9, 30),  # 14.5 working hours in
        local(2026, 10, 10, 10, 42),  # 23.2 working hours in
        local(2026, 10, 10, 18),
    ]


def test_after_a_breach_come_the_ladder_steps_above_the_level_reached() -> None:
    rules = demo_rules()
    t = ticket(unit_id=URBAN)
    timer = rules.start_timer(t, TimerName.RESOLVE, RECEIVED)
    timer.breached_at, timer.level = timer.due, 1
    t.handling.timers[TimerName.RESOLVE] = timer

    assert [(p.at, p.kind, p.level) for p in due_points(t, rules)] == [
        # 2 working days: breached at close of business, so counted from Mon 12 Oct → 13th, 14th.
        (local(2026, 10, 14, 18), PointKind.STEP, 2),
        (local(2026, 10, 17, 18), PointKind.STEP, 3),  # a week
        (local(2026, 11, 9, 18), PointKind.STEP, 4),  # 30 days
    ]


def test_points_due_at_the_same_instant_are_handled_reminder_then_breach_then_step() -> None:
    at = datetime(2026, 10, 8, 1, tzinfo=UTC)
    step = DuePoint(at, 2, TimerName.ACCEPT, PointKind.STEP, level=1)
    breach = DuePoint(at, 1, TimerName.RESOLVE, PointKind.BREACH)
    reminder = DuePoint(at, 0, TimerName.RESOLVE, PointKind.REMINDER, fraction=0.8)
    earlier = DuePoint(at - timedelta(seconds=1), 2, TimerName.RESOLVE, PointKind.STEP, level=2)
    assert sorted([step, breach, reminder, earlier]) == [earlier, reminder, breach, step]


def test_paused_met_and_cancelled_timers_never_wake_the_clock() -> None:
    rules = demo_rules()
    t = ticket(unit_id=URBAN)
    timers = {name: rules.start_timer(t, name, RECEIVED) for name in TimerName}
    timers[TimerName.DISPATCH].met_at = RECEIVED
    timers[TimerName.ACCEPT].cancelled_at = RECEIVED
    timers[TimerName.RESOLVE].paused_at = RECEIVED
    timers[TimerName.CALLBACK].met_at = RECEIVED
    t.handling.timers = timers

    assert due_points(t, rules) == []
    assert next_wake(t, rules) is None


def test_a_running_callback_timer_wakes_the_clock_like_the_others() -> None:
    rules = demo_rules()
    t = ticket(unit_id=URBAN)
    t.handling.timers = {TimerName.CALLBACK: rules.start_timer(t, TimerName.CALLBACK, RECEIVED)}

    points = [(p.timer, p.kind, p.fraction) for p in due_points(t, rules)]
    assert points == [
        (TimerName.CALLBACK, PointKind.REMINDER, 0.5),
        (TimerName.CALLBACK, PointKind.REMINDER, 0.8),
        (TimerName.CALLBACK, PointKind.BREACH, 0.0),
    ]


def test_sent_reminders_are_not_due_again() -> None:
    rules = demo_rules()
    t = ticket()
    timer = rules.start_timer(t, TimerName.DISPATCH, RECEIVED)
    timer.reminded = [0.5]
    t.handling.timers[TimerName.DISPATCH] = timer
    assert [(p.kind, p.fraction) for p in due_points(t, rules)] == [(PointKind.REMINDER, 0.8), (PointKind.BREACH, 0.0)]
