"""The ticket clock's wake-ups: routing at intake, reminders, breaches and the escalation ladder, idempotence."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hotline.domain.base.errors import Conflict
from hotline.domain.changes.change import SAVE_ATTEMPTS
from hotline.domain.config.routing import RoutingRule, RoutingTable
from hotline.domain.handling import commands as c
from hotline.domain.handling.wake_up import ClockWakeUp, Wake
from hotline.domain.tickets.catalog import TicketType
from hotline.domain.tickets.ticket import Status, Ticket, TicketDraft, TicketEvent
from hotline.domain.tickets.timers import TimerName

from tests.unit.fakes import FakeRunner, FakeTicketRepository, demo_rules
from tests.unit.ticket_world import (
    DISPATCHER,
    HQ,
    LEADERSHIP,
    MARKET,
    OFFICE,
    URBAN,
    URBAN_HANDLER,
    World,
    draft,
    local,
)

RECEIVED = local(2026, 9, 30, 10)  # Wednesday before the National Day holiday (1–7 October)


def bus_complaint() -> TicketDraft:
    """No routing rule fits a bus complaint: it waits for a dispatcher (dispatch within 30 minutes)."""
    return draft("transport.bus", subject="公交车晚点", description="12路公交车经常晚点半小时")


def summary(events: list[TicketEvent]) -> list[tuple[str, ...]]:
    """What the timeline says about reminders, breaches and escalations: (type, timer, fraction/level, to)."""
    rows: list[tuple[str, ...]] = []
    for e in events:
        if e.type == "ticket.reminded":
            rows.append((e.type, str(e.data["timer"]), str(e.data["fraction"]), *e.data["to"]))
        elif e.type == "ticket.breached":
            rows.append((e.type, str(e.data["timer"]), *e.data["to"]))
        elif e.type == "ticket.escalated":
            rows.append((e.type, str(e.data["timer"]), f"level {e.data['level']}", *e.data["to"]))
        else:
            rows.append((e.type,))
    return rows


def walk(world: World, number: str, wake: Wake, until: datetime) -> list[tuple[datetime, list[tuple[str, ...]]]]:
    """Follow the clock as the state machine would: sleep to each wake_at, wake, note what happened."""
    steps = []
    while wake.wake_at is not None and wake.wake_at <= until:
        world.at(wake.wake_at)
        before = len(world.timeline(number))
        wake = world.wake(number)
        steps.append((world.clock.now(), summary(world.timeline(number)[before:])))
    return steps


# -- intake and the first wake-up ---------------------------------------------------------------------


def test_intake_starts_the_dispatch_timer_and_the_clock_at_once() -> None:
    world = World()
    number = world.receive()
    ticket = world.ticket(number)

    assert ticket.status is Status.RECEIVED
    assert list(ticket.handling.timers) == [TimerName.DISPATCH]
    dispatch = ticket.handling.timers[TimerName.DISPATCH]
    assert (dispatch.started_at, dispatch.due) == (RECEIVED, local(2026, 9, 30, 10, 30))  # complaint: 30 minutes
    assert ticket.handling.clock.wake_at == RECEIVED
    assert world.runs(number) == [RECEIVED] and world.next_wake(number) == RECEIVED  # one clock, waking at once


def test_a_ticket_is_registered_even_when_its_clock_cannot_start() -> None:
    world = World(runner=FakeRunner(down=True))
    number = world.receive()

    assert world.ticket(number).handling.clock.wake_at == RECEIVED  # the stream's consumer starts it from here
    assert world.runs(number) == []
    assert world.event_types(number) == ["ticket.created"]


def test_first_wake_routes_a_noise_complaint_to_urban_management() -> None:
    world = World()
    number = world.receive()

    wake = world.wake(number)

    ticket = world.ticket(number)
    assert (ticket.status, ticket.unit_id) == (Status.DISPATCHED, URBAN)
    timers = ticket.handling.timers
    assert timers[TimerName.DISPATCH].met_at == RECEIVED
    assert (timers[TimerName.ACCEPT].started_at, timers[TimerName.ACCEPT].due) == (RECEIVED, local(2026, 10, 1, 10))
    # 3 working days: 8, 9 and 10 October (make-up working Saturday).
    assert (timers[TimerName.RESOLVE].started_at, timers[TimerName.RESOLVE].due) == (RECEIVED, local(2026, 10, 10, 18))
    assert TimerName.CALLBACK not in timers

    (created, dispatched) = world.timeline(number)
    assert created.type == "ticket.created"
    assert dispatched.type == "ticket.dispatched"
    assert dispatched.actor.role == "system"
    assert dispatched.data == {"unit_id": URBAN, "auto": True, "note": None}

    # Next: half of the 24 hours to accept.
    assert wake == Wake(local(2026, 9, 30, 22))
    assert ticket.handling.clock.wake_at == local(2026, 9, 30, 22)
    assert ticket.handling.clock.routed
    assert world.notified == []
    # The wake-up tells the state machine when to wake; it does not restart the clock itself.
    assert world.runs(number) == [RECEIVED]


def test_an_unroutable_ticket_waits_for_a_dispatcher_until_the_half_time_reminder() -> None:
    world = World()
    number = world.receive(bus_complaint())

    wake = world.wake(number)

    ticket = world.ticket(number)
    assert (ticket.status, ticket.unit_id) == (Status.RECEIVED, None)
    assert wake == Wake(local(2026, 9, 30, 10, 15))
    assert [e.type for e in world.timeline(number)] == ["ticket.created"]
    assert ticket.handling.clock.routed


def test_a_rule_naming_a_unit_that_no_longer_exists_leaves_the_ticket_to_the_dispatchers() -> None:
    world = World(
        rules=demo_rules(routing=RoutingTable(rules=[RoutingRule(unit_id="gone-unit", categories=["urban"])]))
    )
    number = world.receive(wake=True)
    assert (world.ticket(number).status, world.ticket(number).unit_id) == (Status.RECEIVED, None)


def test_routing_is_tried_once_a_returned_ticket_is_not_sent_back_to_the_same_unit() -> None:
    world = World()
    number = world.routed_noise()
    world.act(number, URBAN_HANDLER, c.Return(reason="施工噪音归住建局管"))

    world.wake(number)

    ticket = world.ticket(number)
    assert (ticket.status, ticket.unit_id) == (Status.RECEIVED, None)
    assert world.event_types(number).count("ticket.dispatched") == 1


def test_a_ticket_dispatched_by_hand_before_the_first_wake_is_not_rerouted() -> None:
    world = World()
    number = world.receive()
    intake_clock = world.ticket(number).handling.clock.generation
    world.act(number, DISPATCHER, c.Dispatch(unit_id=MARKET, note="施工方是商户"))

    assert world.wake(number, generation=intake_clock) == Wake(None)  # the intake clock was replaced
    world.wake(number)

    ticket = world.ticket(number)
    assert (ticket.status, ticket.unit_id) == (Status.DISPATCHED, MARKET)
    assert [e.data["auto"] for e in world.events(number, "ticket.dispatched")] == [False]


# -- the dispatch timer -------------------------------------------------------------------------------


def test_dispatch_timer_reminds_at_half_and_four_fifths_then_breaches_and_escalates_to_the_dispatch_desk() -> None:
    world = World()
    number = world.receive(bus_complaint())
    first = world.wake(number)

    steps = walk(world, number, first, until=local(2026, 9, 30, 10, 30))

    assert steps == [
        (local(2026, 9, 30, 10, 15), [("ticket.reminded", "dispatch", "0.5", OFFICE)]),
        (local(2026, 9, 30, 10, 24), [("ticket.reminded", "dispatch", "0.8", OFFICE)]),
        (
            local(2026, 9, 30, 10, 30),
            [("ticket.breached", "dispatch", OFFICE), ("ticket.escalated", "dispatch", "level 1", OFFICE)],
        ),
    ]
    ticket = world.ticket(number)
    timer = ticket.handling.timers[TimerName.DISPATCH]
    assert (timer.breached_at, timer.level, timer.reminded) == (local(2026, 9, 30, 10, 30), 1, [0.5, 0.8])
    assert ticket.overdue and ticket.handling.escalation_level == 1

    # Every notification is stored with the change that made it (the stream sends it) and matches the timeline.
    sent = [(n.kind, n.recipients, n.level, n.timer) for n in world.notified]
    assert sent == [
        ("reminder", [OFFICE], None, TimerName.DISPATCH),
        ("reminder", [OFFICE], None, TimerName.DISPATCH),
        ("breach", [OFFICE], None, TimerName.DISPATCH),
        ("escalation", [OFFICE], 1, TimerName.DISPATCH),
    ]
    assert all(n.number == number for n in world.notified)
    assert "50%" in world.notified[0].message and "80%" in world.notified[1].message
    assert [n.at for n in world.notified] == [e.at for e in world.timeline(number)[1:]]


def test_an_undispatched_ticket_climbs_the_ladder_in_order_from_the_dispatch_desk() -> None:
    # An ordinary November week (no holidays): received Mon 2 Nov 10:00, breached at 10:30.
    world = World()
    world.at(local(2026, 11, 2, 10))
    number = world.receive(bus_complaint())
    first = world.wake(number)

    steps = walk(world, number, first, until=local(2027, 1, 1))

    escalations = [(at, rows) for at, rows in steps if rows and rows[-1][0] == "ticket.escalated"]
    assert escalations == [
        (
            local(2026, 11, 2, 10, 30),
            [("ticket.breached", "dispatch", OFFICE), ("ticket.escalated", "dispatch", "level 1", OFFICE)],
        ),
        # 2 working days after the breach: Tue 3 and Wed 4 November.
        (local(2026, 11, 4, 18), [("ticket.escalated", "dispatch", "level 2", OFFICE)]),
        # A week after the breach.
        (local(2026, 11, 9, 10, 30), [("ticket.escalated", "dispatch", "level 3", LEADERSHIP)]),
        # A month (30 days) after the breach.
        (local(2026, 12, 2, 10, 30), [("ticket.escalated", "dispatch", "level 4", HQ)]),
    ]
    assert world.wake(number) == Wake(None)
    assert world.ticket(number).handling.escalation_level == 4


def test_a_late_wake_handles_every_point_due_in_order_in_one_go() -> None:
    # The clock was not woken between 10:00 on 30 September and noon on 8 October (National Day).
    world = World()
    number = world.receive(bus_complaint())
    world.wake(number)
    world.at(local(2026, 10, 8, 12))

    wake = world.wake(number)

    assert summary(world.timeline(number)[1:]) == [
        ("ticket.reminded", "dispatch", "0.5", OFFICE),
        ("ticket.reminded", "dispatch", "0.8", OFFICE),
        ("ticket.breached", "dispatch", OFFICE),
        ("ticket.escalated", "dispatch", "level 1", OFFICE),
    ]
    assert all(e.at == local(2026, 10, 8, 12) for e in world.timeline(number)[1:])
    assert len(world.notified) == 4
    # The breach is dated at the due, not at the late wake-up.
    assert world.ticket(number).handling.timers[TimerName.DISPATCH].breached_at == local(2026, 9, 30, 10, 30)
    # Level 2 is due 2 working days after the breach (8 and 9 Oct); level 3's week (7 Oct) waits for it.
    assert wake == Wake(local(2026, 10, 9, 18))


def test_dispatching_stops_the_dispatch_timer_reminders() -> None:
    world = World()
    number = world.receive(bus_complaint())
    world.wake(number)
    world.at(local(2026, 9, 30, 10, 15))
    world.wake(number)
    world.at(local(2026, 9, 30, 10, 20))
    world.act(number, DISPATCHER, c.Dispatch(unit_id=URBAN))
    world.at(local(2026, 9, 30, 10, 30))

    world.wake(number)

    assert "ticket.breached" not in world.event_types(number)
    assert world.ticket(number).handling.timers[TimerName.DISPATCH].met_at == local(2026, 9, 30, 10, 20)
    assert [n.kind for n in world.notified] == ["reminder"]  # the 10:15 one only


# -- a unit's timers ----------------------------------------------------------------------------------


def test_an_overdue_accept_escalates_to_the_units_manager() -> None:
    world = World()
    number = world.routed_noise()
    world.at(local(2026, 10, 1, 10))

    world.wake(number)

    assert summary(world.timeline(number)[2:]) == [
        ("ticket.reminded", "accept", "0.5", URBAN),
        ("ticket.reminded", "accept", "0.8", URBAN),
        ("ticket.breached", "accept", URBAN),
        ("ticket.escalated", "accept", "level 1", URBAN),
    ]
    assert world.ticket(number).overdue


def test_resolve_timer_reminds_in_working_time_and_climbs_from_the_unit_in_order() -> None:
    world = World()
    number = world.routed_noise()
    world.at(local(2026, 9, 30, 11))
    world.act(number, URBAN_HANDLER, c.Accept())
    wake = world.wake(number)
    assert wake.wake_at == local(2026, 10, 9, 9, 30)  # half of the 29 working hours to Sat 10 Oct 18:00

    steps = walk(world, number, wake, until=local(2027, 1, 1))

    assert steps == [
        (local(2026, 10, 9, 9, 30), [("ticket.reminded", "resolve", "0.5", URBAN)]),
        (local(2026, 10, 10, 10, 42), [("ticket.reminded", "resolve", "0.8", URBAN)]),
        (
            local(2026, 10, 10, 18),
            [("ticket.breached", "resolve", URBAN), ("ticket.escalated", "resolve", "level 1", URBAN)],
        ),
        # Breached at close of business on Saturday 10th: 2 working days are Tue 13 and Wed 14.
        (local(2026, 10, 14, 18), [("ticket.escalated", "resolve", "level 2", OFFICE)]),
        (local(2026, 10, 17, 18), [("ticket.escalated", "resolve", "level 3", LEADERSHIP)]),
        (local(2026, 11, 9, 18), [("ticket.escalated", "resolve", "level 4", HQ)]),
    ]
    assert world.ticket(number).handling.clock.wake_at is None


def test_a_reply_after_the_breach_stops_the_ladder() -> None:
    world = World()
    number = world.in_progress()
    world.at(local(2026, 10, 10, 18))
    world.wake(number)
    world.at(local(2026, 10, 12, 9))

    world.act(number, URBAN_HANDLER, c.Reply(result="已处理", cause_code="construction.permit"))

    # The clock runs on for the callback (3 working days to Thu 15th 18:00): its first reminder, half-way.
    assert world.next_wake(number) == local(2026, 10, 13, 18)
    world.at(local(2026, 10, 14, 18))  # when the resolve ladder would have reached level 2
    before = len(world.timeline(number))
    world.wake(number)
    assert summary(world.timeline(number)[before:]) == [("ticket.reminded", "callback", "0.5", OFFICE)]


# -- idempotence --------------------------------------------------------------------------------------


def test_a_wake_with_nothing_due_changes_nothing() -> None:
    world = World()
    number = world.receive(bus_complaint())
    world.wake(number)
    before = world.ticket(number)
    world.at(local(2026, 9, 30, 10, 5))

    wake = world.wake(number)

    assert wake == Wake(local(2026, 9, 30, 10, 15))
    assert world.ticket(number) == before
    assert len(world.timeline(number)) == 1
    assert world.notified == []


def test_a_repeated_wake_sends_nothing_twice() -> None:
    world = World()
    number = world.receive(bus_complaint())
    world.wake(number)
    world.at(local(2026, 9, 30, 10, 30))
    first = world.wake(number)
    after_first = (world.ticket(number), world.timeline(number), list(world.notified))

    second = world.wake(number)

    assert second == first
    assert (world.ticket(number), world.timeline(number), world.notified) == after_first


def test_a_wake_of_a_replaced_clock_is_ignored() -> None:
    world = World()
    number = world.routed_noise()
    routed_clock = world.ticket(number).handling.clock.generation
    world.act(number, URBAN_HANDLER, c.Accept())
    # A new clock replaces intake's, waking at half of the resolve time (29 working hours from 30 Sep 10:00).
    assert world.runs(number) == [RECEIVED, local(2026, 10, 9, 9, 30)]
    assert world.next_wake(number) == local(2026, 10, 9, 9, 30)
    before = world.ticket(number)
    world.at(local(2026, 10, 20))

    assert world.wake(number, generation=routed_clock) == Wake(None)
    assert world.ticket(number) == before
    assert world.notified == []


def test_a_wake_for_an_unknown_ticket_ends_the_clock() -> None:
    assert World().wake("2609-999999", generation=1) == Wake(None)


def test_a_paused_ticket_wakes_only_when_the_customers_time_to_answer_is_over() -> None:
    world = World()
    number = world.in_progress()
    world.act(number, URBAN_HANDLER, c.RequestInfo(question="请提供施工地点门牌号"))
    # 5 working days from Wed 30 Sep: 8, 9, 10 (a make-up working Saturday), 12 and 13 October.
    assert world.next_wake(number) == local(2026, 10, 13, 18)
    world.at(local(2026, 12, 1))

    assert world.wake(number) == Wake(None)
    assert "ticket.breached" not in world.event_types(number)
    assert world.event_types(number)[-1] == "ticket.reminded"


@dataclass
class RacingRepository(FakeTicketRepository):
    """Lets a staff action land between the clock's read and its save, once."""

    race: list[object] | None = None

    def save(self, ticket: Ticket, events: list[TicketEvent], *rest: Any) -> Ticket:
        if self.race:
            action = self.race.pop()
            assert callable(action)
            action()
        return super().save(ticket, events, *rest)


def test_a_staff_action_during_a_wake_wins_and_the_wake_looks_again() -> None:
    world = World(store=RacingRepository())
    store = world.store
    assert isinstance(store, RacingRepository)
    number = world.receive(bus_complaint())
    world.wake(number)
    world.at(local(2026, 9, 30, 10, 15))
    store.race = [lambda: world.act(number, DISPATCHER, c.Urge(note="请尽快派单"))]

    wake = ClockWakeUp(store, lambda: world.rules, world.clock).wake(number, 1)

    assert world.event_types(number) == ["ticket.created", "ticket.urged", "ticket.reminded"]
    assert world.ticket(number).handling.counts.urged == 1
    assert world.ticket(number).handling.timers[TimerName.DISPATCH].reminded == [0.5]
    assert wake.wake_at == local(2026, 9, 30, 10, 24)


def test_a_wake_that_keeps_losing_the_race_gives_up_loudly() -> None:
    world = World()
    number = world.receive(bus_complaint())
    world.at(local(2026, 9, 30, 10, 15))

    class Busy(FakeTicketRepository):
        def save(self, ticket: Ticket, events: list[TicketEvent], *rest: Any) -> Ticket:
            raise Conflict("changed meanwhile", "version_mismatch", "received")

    busy = Busy(tickets=world.store.tickets, events=world.store.events)
    pauses: list[int] = []
    clock = ClockWakeUp(busy, lambda: world.rules, world.clock, pause=pauses.append)
    try:
        clock.wake(number, 1)
    except RuntimeError as error:
        assert "kept changing" in str(error)
    else:
        raise AssertionError("expected the wake-up to give up")
    assert world.notified == []
    assert pauses == list(range(1, SAVE_ATTEMPTS))  # then Step Functions retries the wake-up


# -- repeat callers -----------------------------------------------------------------------------------


def test_a_third_ticket_from_the_same_phone_within_30_days_escalates_to_the_units_manager() -> None:
    world = World()
    phone = {"phone": "13800138000"}
    world.at(RECEIVED - timedelta(days=40))
    world.receive(draft(contact=phone), wake=True)  # too long ago
    world.at(RECEIVED - timedelta(days=30))  # just inside the window
    world.receive(draft(contact=phone), wake=True)
    world.at(RECEIVED - timedelta(days=1))
    second = world.receive(draft(contact=phone), wake=True)
    world.receive(draft(contact={"phone": "13900139000"}), wake=True)  # someone else
    assert "ticket.escalated" not in world.event_types(second)

    world.at(RECEIVED)
    third = world.receive(draft(contact=phone), wake=True)

    (escalated,) = world.events(third, "ticket.escalated")
    assert escalated.data["level"] == 1
    assert escalated.data["to"] == [URBAN]  # routed first, so the unit's manager hears
    assert escalated.data["reason"] == "repeat caller: 3 tickets in 30 days"
    assert world.ticket(third).handling.escalation_level == 1
    assert [(n.kind, n.recipients, n.level) for n in world.notified] == [("escalation", [URBAN], 1)]


def test_a_ticket_without_a_phone_is_never_a_repeat_caller() -> None:
    world = World()
    numbers = [world.receive(draft(ticket_type=TicketType.REQUEST), wake=True) for _ in range(4)]
    assert all("ticket.escalated" not in world.event_types(n) for n in numbers)
