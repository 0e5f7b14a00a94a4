"""Staff actions on a ticket (办理): who may do what and when, and what each does to deadlines and the clock."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from hotline.domain.base.calendar import Duration, DurationUnit
from hotline.domain.base.errors import Conflict, Forbidden, InvalidInput, NotFound
from hotline.domain.changes.change import SAVE_ATTEMPTS
from hotline.domain.handling import commands as c
from hotline.domain.handling.lifecycle import allowed
from hotline.domain.handling.wake_up import Wake
from hotline.domain.staff.roles import Role, StaffMember
from hotline.domain.tickets.catalog import Priority, TicketType
from hotline.domain.tickets.ticket import Resolution, Status, Ticket, TicketEvent
from hotline.domain.tickets.timers import TimerName

from tests.unit.fakes import FakeTicketRepository
from tests.unit.ticket_world import (
    AGENT,
    DISPATCHER,
    MARKET,
    MARKET_HANDLER,
    OFFICE,
    SUPERVISOR,
    URBAN,
    URBAN_HANDLER,
    World,
    draft,
    local,
    staff,
)

RECEIVED = local(2026, 9, 30, 10)  # Wednesday before the National Day holiday (1–7 October)
RESOLVE_DUE = local(2026, 10, 10, 18)  # a complaint: 3 working days (8, 9, 10 October)
ADMIN = staff(Role.ADMIN, username="admin")

REPLY = c.Reply(result="已责令施工方夜间停工", cause_code="construction.permit")


@pytest.fixture
def world() -> World:
    return World()


def bus(world: World) -> str:
    """A bus complaint no rule routes: received, waiting for a dispatcher."""
    return world.receive(draft("transport.bus", subject="公交车晚点", description="12路经常晚点"), wake=True)


def closed(world: World) -> str:
    number = world.replied()
    world.act(number, AGENT, c.Close(resolution=Resolution.RESOLVED))
    return number


def awaiting(world: World) -> str:
    number = world.in_progress()
    world.act(number, URBAN_HANDLER, c.RequestInfo(question="请提供门牌号"))
    return number


# -- who may do what, and when --------------------------------------------------------------------------

State = Callable[[World], str]
STATES: dict[Status, State] = {
    Status.RECEIVED: bus,
    Status.DISPATCHED: World.routed_noise,
    Status.IN_PROGRESS: World.in_progress,
    Status.AWAITING_CUSTOMER: awaiting,
    Status.REPLIED: World.replied,
    Status.CLOSED: closed,
}

COMMANDS: dict[str, c.Command] = {
    "dispatch": c.Dispatch(unit_id=URBAN),
    "accept": c.Accept(),
    "request-info": c.RequestInfo(question="请提供门牌号"),
    "info-received": c.InfoReceived(note="门牌号是幸福路8号"),
    "reply": REPLY,
    "return": c.Return(reason="不属于本单位职责"),
    "request-extension": c.RequestExtension(
        extend_by=Duration(amount=2, unit=DurationUnit.WORKING_DAYS), reason="需现场勘查"
    ),
    "decide-extension": c.DecideExtension(approve=True),
    "urge": c.Urge(note="请抓紧办理"),
    "supervise": c.Supervise(note="列入督办"),
    "close": c.Close(resolution=Resolution.DIRECT_ANSWER, answer="末班车22:30发车"),
    "reopen": c.Reopen(reason="市民不满意"),
    "change-priority": c.ChangePriority(priority=Priority.HIGH, reason="涉及老人"),
    "publish": c.Publish(public=True, reason="市民同意公开"),
}


@pytest.mark.parametrize(
    ("action", "status", "who"),
    [
        ("dispatch", Status.RECEIVED, AGENT),
        ("accept", Status.DISPATCHED, AGENT),
        ("accept", Status.DISPATCHED, DISPATCHER),
        ("request-info", Status.IN_PROGRESS, AGENT),
        ("info-received", Status.AWAITING_CUSTOMER, DISPATCHER),
        ("reply", Status.IN_PROGRESS, DISPATCHER),
        ("return", Status.DISPATCHED, DISPATCHER),
        ("request-extension", Status.IN_PROGRESS, AGENT),
        ("decide-extension", Status.IN_PROGRESS, URBAN_HANDLER),
        ("decide-extension", Status.IN_PROGRESS, DISPATCHER),
        ("urge", Status.IN_PROGRESS, URBAN_HANDLER),
        ("supervise", Status.IN_PROGRESS, DISPATCHER),
        ("supervise", Status.IN_PROGRESS, URBAN_HANDLER),
        ("close", Status.REPLIED, URBAN_HANDLER),
        ("reopen", Status.REPLIED, DISPATCHER),
        ("reopen", Status.REPLIED, URBAN_HANDLER),
        ("change-priority", Status.IN_PROGRESS, URBAN_HANDLER),
    ],
)
def test_a_role_without_the_right_is_forbidden_and_nothing_changes(
    world: World, action: str, status: Status, who: StaffMember
) -> None:
    number = STATES[status](world)
    before, events = world.ticket(number), len(world.timeline(number))

    with pytest.raises(Forbidden):
        world.act(number, who, COMMANDS[action])

    assert world.ticket(number) == before and len(world.timeline(number)) == events


@pytest.mark.parametrize(
    ("action", "status", "who"),
    [
        ("dispatch", Status.DISPATCHED, DISPATCHER),
        ("accept", Status.IN_PROGRESS, URBAN_HANDLER),
        ("request-info", Status.DISPATCHED, URBAN_HANDLER),
        ("request-info", Status.AWAITING_CUSTOMER, URBAN_HANDLER),
        ("info-received", Status.IN_PROGRESS, AGENT),
        ("reply", Status.DISPATCHED, URBAN_HANDLER),
        ("reply", Status.REPLIED, URBAN_HANDLER),
        ("return", Status.RECEIVED, SUPERVISOR),
        ("return", Status.REPLIED, URBAN_HANDLER),
        ("request-extension", Status.REPLIED, URBAN_HANDLER),
        ("decide-extension", Status.RECEIVED, SUPERVISOR),
        ("urge", Status.CLOSED, DISPATCHER),
        ("supervise", Status.CLOSED, SUPERVISOR),
        ("close", Status.IN_PROGRESS, AGENT),
        ("close", Status.CLOSED, AGENT),
        ("reopen", Status.IN_PROGRESS, AGENT),
        ("change-priority", Status.REPLIED, DISPATCHER),
        ("change-priority", Status.CLOSED, DISPATCHER),
    ],
)
def test_an_action_in_the_wrong_status_is_a_conflict_naming_the_current_status(
    world: World, action: str, status: Status, who: StaffMember
) -> None:
    number = STATES[status](world)
    assert world.ticket(number).status is status
    before = world.ticket(number)

    with pytest.raises(Conflict) as error:
        world.act(number, who, COMMANDS[action])

    assert (error.value.code, error.value.current_status) == ("invalid_transition", status.value)
    assert world.ticket(number) == before


@pytest.mark.parametrize("action", sorted(COMMANDS))
def test_another_units_handler_cannot_even_see_the_ticket(world: World, action: str) -> None:
    number = world.in_progress()
    with pytest.raises(NotFound):
        world.act(number, MARKET_HANDLER, COMMANDS[action])


EVERYONE = (AGENT, DISPATCHER, URBAN_HANDLER, MARKET_HANDLER, SUPERVISOR, ADMIN)


@pytest.mark.parametrize("status", list(Status))
def test_the_allowed_actions_are_exactly_those_that_pass_the_role_and_status_checks(status: Status) -> None:
    # What the staff view offers (`actions`) must never disagree with what acting does.
    for who in EVERYONE:
        world = World()
        offered = allowed(who, world.ticket(STATES[status](world)))
        for action, command in COMMANDS.items():
            world = World()
            number = STATES[status](world)
            try:
                world.act(number, who, command)
                passed = True
            except (Forbidden, NotFound):
                passed = False
            except Conflict as error:
                passed = error.code != "invalid_transition"
            except InvalidInput:
                passed = True  # past the checks, refused on the body
            assert (action in offered) == passed, (action, status, who.username)


def test_the_allowed_actions_of_a_unit_handler_and_a_dispatcher(world: World) -> None:
    number = world.routed_noise()
    assert allowed(URBAN_HANDLER, world.ticket(number)) == ["accept", "return", "request-extension"]
    assert allowed(MARKET_HANDLER, world.ticket(number)) == []  # not its unit's ticket
    assert allowed(DISPATCHER, world.ticket(bus(world))) == ["dispatch", "urge", "close", "change-priority"]


def test_a_unit_handler_cannot_see_a_ticket_no_unit_holds_and_unknown_numbers_are_not_found(world: World) -> None:
    number = bus(world)
    with pytest.raises(NotFound):
        world.act(number, URBAN_HANDLER, c.Accept())
    with pytest.raises(NotFound):
        world.act("2609-999999", SUPERVISOR, c.Urge())
    with pytest.raises(NotFound):
        world.act("not-a-number", SUPERVISOR, c.Urge())
    assert "not-a-number" not in world.store.gets  # malformed numbers never reach storage


def test_a_supervisor_and_an_admin_may_do_a_units_work(world: World) -> None:
    number = world.routed_noise()
    world.act(number, SUPERVISOR, c.Accept())
    world.act(number, ADMIN, REPLY)
    assert world.ticket(number).status is Status.REPLIED
    assert [e.actor.role for e in world.events(number, "ticket.accepted", "ticket.replied")] == ["supervisor", "admin"]


def test_a_stale_version_is_a_conflict_and_the_current_one_succeeds(world: World) -> None:
    number = world.routed_noise()
    version = world.ticket(number).version

    with pytest.raises(Conflict) as error:
        world.act(number, URBAN_HANDLER, c.Accept(version=version - 1))
    assert (error.value.code, error.value.current_status) == ("version_mismatch", "dispatched")

    accepted = world.act(number, URBAN_HANDLER, c.Accept(version=version))
    assert accepted.version == version + 1 == world.ticket(number).version
    with pytest.raises(Conflict):
        world.act(number, URBAN_HANDLER, c.RequestInfo(question="?", version=version))


@dataclass
class Contended(FakeTicketRepository):
    """Another writer (a clock wake-up, another action) saves the ticket just before each of the next `races` saves."""

    races: int = 0

    def save(self, ticket: Ticket, events: list[TicketEvent], *rest: Any) -> Ticket:
        if self.races:
            self.races -= 1
            stored = self.tickets[ticket.number]
            self.tickets[ticket.number] = stored.model_copy(update={"version": stored.version + 1})
        return super().save(ticket, events, *rest)


def contended() -> tuple[World, Contended, list[int]]:
    store = Contended()
    world = World(store=store)
    pauses: list[int] = []
    world.lifecycle.pause = pauses.append
    return world, store, pauses


def test_without_a_version_an_action_that_loses_races_is_applied_once_to_the_newest_ticket() -> None:
    world, store, pauses = contended()
    number = world.routed_noise()
    store.races = SAVE_ATTEMPTS - 1

    ticket = world.act(number, AGENT, c.Urge(note="市民再次来电"))

    assert ticket.handling.counts.urged == 1 == world.ticket(number).handling.counts.urged
    assert world.event_types(number).count("ticket.urged") == 1
    assert len(world.notified) == 1  # only the attempt that was saved notifies
    assert pauses == list(range(1, SAVE_ATTEMPTS))  # backing off longer after each lost race


def test_without_a_version_an_action_gives_up_after_the_last_attempt_and_changes_nothing() -> None:
    world, store, pauses = contended()
    number = world.routed_noise()
    store.races = SAVE_ATTEMPTS

    with pytest.raises(Conflict) as error:
        world.act(number, AGENT, c.Urge())
    assert error.value.code == "version_mismatch"
    assert len(pauses) == SAVE_ATTEMPTS - 1
    assert "ticket.urged" not in world.event_types(number)


def test_with_a_version_a_lost_race_is_a_conflict_at_once() -> None:
    world, store, pauses = contended()
    number = world.routed_noise()
    store.races = 1

    with pytest.raises(Conflict) as error:
        world.act(number, AGENT, c.Urge(version=world.ticket(number).version))
    assert error.value.code == "version_mismatch"
    assert pauses == []
    assert "ticket.urged" not in world.event_types(number)


def test_a_committed_action_succeeds_when_the_clock_cannot_restart(world: World) -> None:
    number = world.routed_noise()
    routed_clock = world.ticket(number).handling.clock.generation
    world.runner.down = True

    ticket = world.act(number, URBAN_HANDLER, c.Accept())

    assert ticket.status is Status.IN_PROGRESS is world.ticket(number).status
    assert ticket.handling.clock == world.ticket(number).handling.clock  # the stream's consumer starts it from here
    # A new clock, towards half of the resolve time, replaces the routed one (whose wake-ups now end).
    assert ticket.handling.clock.wake_at == local(2026, 10, 9, 9, 30)
    assert world.wake(number, generation=routed_clock) == Wake(None)


# -- dispatch and accept --------------------------------------------------------------------------------


def test_a_dispatcher_dispatches_an_unrouted_ticket_and_the_units_timers_start(world: World) -> None:
    number = bus(world)
    started = len(world.runs(number))
    world.at(local(2026, 9, 30, 10, 20))

    ticket = world.act(number, DISPATCHER, c.Dispatch(unit_id=MARKET, note="涉及票价"))

    assert (ticket.status, ticket.unit_id) == (Status.DISPATCHED, MARKET)
    timers = ticket.handling.timers
    assert timers[TimerName.DISPATCH].met_at == local(2026, 9, 30, 10, 20)
    assert timers[TimerName.ACCEPT].due == local(2026, 10, 1, 10, 20)
    assert timers[TimerName.RESOLVE].due == RESOLVE_DUE
    (event,) = world.events(number, "ticket.dispatched")
    assert (event.actor.role, event.actor.id) == ("dispatcher", DISPATCHER.username)
    assert event.data == {"unit_id": MARKET, "auto": False, "note": "涉及票价"}
    # A new clock waits for half of the accept time (12 hours), not the old dispatch reminder.
    assert world.runs(number)[started:] == [local(2026, 9, 30, 22, 20)] == [world.next_wake(number)]
    assert ticket.handling.clock.wake_at == local(2026, 9, 30, 22, 20)
    # The market unit now sees it.
    world.act(number, MARKET_HANDLER, c.Accept())


def test_dispatch_to_an_unknown_unit_is_invalid_input(world: World) -> None:
    number = bus(world)
    with pytest.raises(InvalidInput) as error:
        world.act(number, DISPATCHER, c.Dispatch(unit_id="no-such-unit"))
    assert [f.field for f in error.value.fields] == ["unit_id"]
    assert world.ticket(number).status is Status.RECEIVED


def test_accepting_meets_the_accept_timer_and_the_clock_moves_on_to_resolve(world: World) -> None:
    number = world.routed_noise()
    world.at(local(2026, 9, 30, 11))

    ticket = world.act(number, URBAN_HANDLER, c.Accept(note="已联系市民"))

    assert ticket.status is Status.IN_PROGRESS
    assert ticket.handling.timers[TimerName.ACCEPT].met_at == local(2026, 9, 30, 11)
    assert world.events(number, "ticket.accepted")[0].data == {"note": "已联系市民"}
    assert world.next_wake(number) == local(2026, 10, 9, 9, 30)


# -- asking the customer, replying ----------------------------------------------------------------------


def test_waiting_for_the_customer_pauses_resolve_and_the_working_time_waited_is_added(world: World) -> None:
    number = world.in_progress()
    world.at(local(2026, 10, 8, 10))

    paused = world.act(number, URBAN_HANDLER, c.RequestInfo(question="请提供施工地点门牌号"))

    assert paused.status is Status.AWAITING_CUSTOMER
    assert paused.handling.public_note == "请提供施工地点门牌号"
    assert paused.handling.timers[TimerName.RESOLVE].paused_at == local(2026, 10, 8, 10)
    # Nothing runs but the wait for the answer: 5 working days (9, 10, 12, 13 and 14 October).
    assert world.next_wake(number) == local(2026, 10, 14, 18)

    # The customer answers a day later: 7.5 working hours waited (8th 10:00–18:00 less lunch, 9th 09:00–10:00).
    world.at(local(2026, 10, 9, 10))
    resumed = world.act(number, AGENT, c.InfoReceived(note="幸福路8号"))

    resolve = resumed.handling.timers[TimerName.RESOLVE]
    assert resumed.status is Status.IN_PROGRESS
    assert resolve.paused_at is None
    # Sat 10 Oct 18:00 + 7.5 working hours = a whole working day: Mon 12 Oct 18:00 (Sun 11th is a rest day).
    assert resolve.due == local(2026, 10, 12, 18)
    (event,) = world.events(number, "ticket.info_received")
    assert event.data == {
        "note": "幸福路8号",
        "paused_seconds": 86400.0,
        "resolve_due": "2026-10-12T10:00:00.000Z",
    }
    assert world.next_wake(number) == resumed.handling.clock.wake_at
    assert resumed.handling.clock.wake_at is not None


def test_a_pause_over_the_lunch_break_and_the_night_counts_only_working_time(world: World) -> None:
    number = world.in_progress()
    world.at(local(2026, 10, 9, 11, 30))
    world.act(number, URBAN_HANDLER, c.RequestInfo(question="请提供照片"))
    world.at(local(2026, 10, 10, 9, 30))  # the make-up working Saturday

    resumed = world.act(number, URBAN_HANDLER, c.InfoReceived(note="照片已收到"))

    # Waited 0.5 h + 4.5 h + 0.5 h = 5.5 working hours, added after Sat 18:00: Mon 12 Oct 09:00–12:00, 13:30–16:00.
    assert resumed.handling.timers[TimerName.RESOLVE].due == local(2026, 10, 12, 16)


def test_replying_meets_resolve_and_the_clock_runs_on_for_the_callback(world: World) -> None:
    number = world.in_progress()
    world.at(local(2026, 10, 9, 15))

    ticket = world.act(number, URBAN_HANDLER, REPLY)

    assert ticket.status is Status.REPLIED
    timers = ticket.handling.timers
    assert timers[TimerName.RESOLVE].met_at == local(2026, 10, 9, 15)
    callback = timers[TimerName.CALLBACK]
    # Call back within 3 working days: 10, 12 and 13 October.
    assert (callback.started_at, callback.due) == (local(2026, 10, 9, 15), local(2026, 10, 13, 18))
    assert (ticket.handling.result, ticket.handling.cause_code) == (REPLY.result, "construction.permit")
    assert ticket.handling.public_note == REPLY.result
    assert world.events(number, "ticket.replied")[0].data == {
        "result": REPLY.result,
        "cause_code": "construction.permit",
    }
    # Half the callback's working time (25.5 h): Fri 3 h, Sat 7.5 h, then 2.25 h on Monday.
    assert world.next_wake(number) == ticket.handling.clock.wake_at == local(2026, 10, 12, 11, 15)


# -- returns and reopens --------------------------------------------------------------------------------


def test_a_return_sends_the_ticket_back_to_the_dispatchers(world: World) -> None:
    number = world.in_progress()
    world.at(local(2026, 9, 30, 14))

    ticket = world.act(number, URBAN_HANDLER, c.Return(reason="属于住建局职责"))

    assert (ticket.status, ticket.unit_id) == (Status.RECEIVED, None)
    timers = ticket.handling.timers
    assert timers[TimerName.RESOLVE].cancelled_at == local(2026, 9, 30, 14)
    assert timers[TimerName.DISPATCH].started_at == local(2026, 9, 30, 14)
    assert timers[TimerName.DISPATCH].due == local(2026, 9, 30, 14, 30)
    assert world.events(number, "ticket.returned")[0].data == {"reason": "属于住建局职责", "unit_id": URBAN}
    assert ticket.handling.counts.returned == 1
    assert ticket.handling.escalation_level == 0
    assert world.next_wake(number) == local(2026, 9, 30, 14, 15)
    with pytest.raises(NotFound):  # no longer the unit's ticket
        world.act(number, URBAN_HANDLER, c.Accept())


def test_a_ticket_returned_twice_is_escalated_to_level_2(world: World) -> None:
    number = world.routed_noise()
    world.act(number, URBAN_HANDLER, c.Return(reason="不归我们管"))
    world.act(number, DISPATCHER, c.Dispatch(unit_id=MARKET))
    world.act(number, MARKET_HANDLER, c.Return(reason="也不归我们管"))

    ticket = world.ticket(number)
    assert ticket.handling.counts.returned == 2
    assert ticket.handling.escalation_level == 2
    (escalated,) = world.events(number, "ticket.escalated")
    # No unit holds the ticket any more: level 2, the hotline office, is the dispatch desk itself.
    assert escalated.data == {"level": 2, "reason": "returned 2 times", "timer": None, "to": [OFFICE]}
    assert [(n.kind, n.recipients, n.level) for n in world.notified] == [("escalation", [OFFICE], 2)]


def test_reopening_a_replied_ticket_sends_it_back_to_the_unit_with_a_new_resolve_timer(world: World) -> None:
    number = world.replied()
    world.at(local(2026, 10, 9, 10))

    ticket = world.act(number, AGENT, c.Reopen(reason="噪音依旧"))

    assert (ticket.status, ticket.unit_id) == (Status.IN_PROGRESS, URBAN)
    timers = ticket.handling.timers
    assert timers[TimerName.CALLBACK].cancelled_at == local(2026, 10, 9, 10)
    assert (timers[TimerName.RESOLVE].started_at, timers[TimerName.RESOLVE].due) == (
        local(2026, 10, 9, 10),
        local(2026, 10, 13, 18),  # 3 working days: 10, 12, 13 October
    )
    assert world.events(number, "ticket.reopened")[0].data == {"reason": "噪音依旧", "rework": 1}
    assert ticket.handling.escalation_level == 0
    # The clock runs again, towards half of the new resolve time (14.5 of 29 working hours).
    assert world.next_wake(number) == local(2026, 10, 12, 9, 30)


def test_a_ticket_reopened_twice_is_escalated_to_the_hotline_office(world: World) -> None:
    number = world.replied()
    world.act(number, AGENT, c.Reopen(reason="噪音依旧"))
    world.act(number, URBAN_HANDLER, REPLY)
    world.act(number, SUPERVISOR, c.Reopen(reason="还是不满意"))

    ticket = world.ticket(number)
    assert ticket.handling.counts.reopened == 2
    (escalated,) = world.events(number, "ticket.escalated")
    assert escalated.data == {"level": 2, "reason": "reopened 2 times", "timer": None, "to": [OFFICE]}
    assert world.events(number, "ticket.reopened")[-1].data["rework"] == 2


def test_a_closed_ticket_can_be_reopened(world: World) -> None:
    number = closed(world)
    world.at(local(2026, 10, 12, 9))

    ticket = world.act(number, AGENT, c.Reopen(reason="市民反映问题复发"))

    assert ticket.status is Status.IN_PROGRESS
    assert ticket.handling.resolution is None
    assert ticket.handling.timers[TimerName.RESOLVE].due == local(2026, 10, 15, 18)
    assert world.next_wake(number) == ticket.handling.clock.wake_at
    assert ticket.handling.clock.wake_at is not None


def test_a_ticket_closed_at_intake_reopens_to_the_dispatchers(world: World) -> None:
    number = bus(world)
    world.act(number, AGENT, c.Close(resolution=Resolution.REFERRED, agency="12328", note="已转12328"))
    world.at(local(2026, 10, 8, 9))

    ticket = world.act(number, AGENT, c.Reopen(reason="12328不受理"))

    assert (ticket.status, ticket.unit_id) == (Status.RECEIVED, None)
    assert ticket.handling.timers[TimerName.DISPATCH].due == local(2026, 10, 8, 9, 30)


# -- extensions -----------------------------------------------------------------------------------------

TWO_DAYS = Duration(amount=2, unit=DurationUnit.WORKING_DAYS)


def test_an_extension_asked_before_the_deadline_and_approved_moves_the_due_and_keeps_the_original(
    world: World,
) -> None:
    number = world.in_progress()
    world.at(local(2026, 10, 9, 10))

    asked = world.act(number, URBAN_HANDLER, c.RequestExtension(extend_by=TWO_DAYS, reason="需协调施工方"))

    request = asked.handling.extension
    assert request is not None
    assert (request.requested_at, request.due, request.requested_by.id) == (
        local(2026, 10, 9, 10),
        local(2026, 10, 13, 18),  # two more working days after Sat 10th: Mon 12th and Tue 13th
        URBAN_HANDLER.username,
    )
    assert asked.handling.timers[TimerName.RESOLVE].due == RESOLVE_DUE  # nothing moves until approved
    assert world.events(number, "ticket.extension_requested")[0].data == {
        "reason": "需协调施工方",
        "extend_by": "2 working_days",
        "requested_due": "2026-10-13T10:00:00.000Z",
    }

    world.at(local(2026, 10, 9, 11))
    approved = world.act(number, SUPERVISOR, c.DecideExtension(approve=True, note="同意"))

    resolve = approved.handling.timers[TimerName.RESOLVE]
    assert (resolve.due, resolve.original_due) == (local(2026, 10, 13, 18), RESOLVE_DUE)
    assert approved.handling.extension is None
    assert approved.handling.counts.extensions == 1
    assert world.events(number, "ticket.extension_decided")[0].data == {
        "approved": True,
        "note": "同意",
        "due": "2026-10-13T10:00:00.000Z",
        "original_due": "2026-10-10T10:00:00.000Z",
    }
    assert world.next_wake(number) == approved.handling.clock.wake_at
    # Half of the longer span (44 working hours from 30 Sep 10:00): Sat 10 Oct 09:30.
    assert approved.handling.clock.wake_at == local(2026, 10, 10, 9, 30)

    # A second extension keeps the first original due for the statistics.
    world.act(number, URBAN_HANDLER, c.RequestExtension(extend_by=TWO_DAYS, reason="施工方仍未整改"))
    again = world.act(number, SUPERVISOR, c.DecideExtension(approve=True))
    resolve = again.handling.timers[TimerName.RESOLVE]
    assert (resolve.due, resolve.original_due) == (local(2026, 10, 15, 18), RESOLVE_DUE)


def test_a_denied_extension_leaves_the_due(world: World) -> None:
    number = world.in_progress()
    world.act(number, URBAN_HANDLER, c.RequestExtension(extend_by=TWO_DAYS, reason="人手不足"))

    denied = world.act(number, ADMIN, c.DecideExtension(approve=False, note="理由不充分"))

    resolve = denied.handling.timers[TimerName.RESOLVE]
    assert (resolve.due, resolve.original_due) == (RESOLVE_DUE, None)
    assert denied.handling.extension is None and denied.handling.counts.extensions == 0
    assert world.events(number, "ticket.extension_decided")[0].data["approved"] is False
    # A new request may follow.
    world.act(number, URBAN_HANDLER, c.RequestExtension(extend_by=TWO_DAYS, reason="已找到施工方"))


def test_an_extension_cannot_be_asked_once_the_deadline_has_passed(world: World) -> None:
    number = world.in_progress()
    world.at(RESOLVE_DUE)

    with pytest.raises(Conflict) as error:
        world.act(number, URBAN_HANDLER, c.RequestExtension(extend_by=TWO_DAYS, reason="来不及了"))

    assert (error.value.code, error.value.current_status) == ("deadline_passed", "in_progress")
    assert world.ticket(number).handling.extension is None


def test_a_pending_extension_blocks_a_second_and_a_decision_needs_a_request(world: World) -> None:
    number = world.in_progress()
    with pytest.raises(Conflict) as nothing:
        world.act(number, SUPERVISOR, c.DecideExtension(approve=True))
    assert nothing.value.code == "no_extension_pending"

    world.act(number, URBAN_HANDLER, c.RequestExtension(extend_by=TWO_DAYS, reason="需现场勘查"))
    with pytest.raises(Conflict) as pending:
        world.act(number, URBAN_HANDLER, c.RequestExtension(extend_by=TWO_DAYS, reason="再延两天"))
    assert (pending.value.code, pending.value.current_status) == ("extension_pending", "in_progress")


def test_an_extension_may_be_asked_while_waiting_for_the_customer(world: World) -> None:
    number = awaiting(world)
    asked = world.act(number, URBAN_HANDLER, c.RequestExtension(extend_by=TWO_DAYS, reason="等市民材料"))
    assert asked.handling.extension is not None


# -- priority -------------------------------------------------------------------------------------------


def test_raising_to_urgent_recomputes_the_dues_from_their_start_and_restarts_the_clock(world: World) -> None:
    number = world.routed_noise()
    world.at(local(2026, 9, 30, 10, 5))
    started = len(world.runs(number))

    ticket = world.act(number, DISPATCHER, c.ChangePriority(priority=Priority.URGENT, reason="老人夜间无法入睡"))

    timers = ticket.handling.timers
    assert ticket.priority is Priority.URGENT
    assert timers[TimerName.ACCEPT].due == local(2026, 9, 30, 10, 30)  # 30 minutes from dispatch
    assert timers[TimerName.RESOLVE].due == local(2026, 10, 1, 10)  # 24 hours
    assert timers[TimerName.DISPATCH].due == local(2026, 9, 30, 10, 30)  # met: left as it was
    assert world.events(number, "ticket.priority_changed")[0].data == {
        "before": "normal",
        "after": "urgent",
        "reason": "老人夜间无法入睡",
    }
    assert world.runs(number)[started:] == [local(2026, 9, 30, 10, 15)] == [world.next_wake(number)]

    # The restarted clock then reminds and breaches on the new dues.
    world.at(local(2026, 9, 30, 10, 30))
    world.wake(number)
    assert world.ticket(number).handling.timers[TimerName.ACCEPT].breached_at == local(2026, 9, 30, 10, 30)


def test_lowering_the_priority_lifts_a_breach_the_new_due_has_not_reached(world: World) -> None:
    number = world.receive(draft(priority=Priority.URGENT), wake=True)
    world.at(local(2026, 9, 30, 10, 45))
    world.wake(number)
    assert world.ticket(number).handling.timers[TimerName.ACCEPT].breached_at is not None

    ticket = world.act(number, SUPERVISOR, c.ChangePriority(priority=Priority.NORMAL, reason="误标特急"))

    accept = ticket.handling.timers[TimerName.ACCEPT]
    assert (accept.due, accept.breached_at, accept.level) == (local(2026, 10, 1, 10), None, 0)
    assert not ticket.overdue


def test_a_received_tickets_dispatch_due_follows_the_new_priority(world: World) -> None:
    number = world.receive(draft("transport.bus", TicketType.REQUEST, subject="公交站牌坏了"), wake=True)
    assert world.ticket(number).handling.timers[TimerName.DISPATCH].due == local(2026, 9, 30, 11)

    ticket = world.act(number, AGENT, c.ChangePriority(priority=Priority.HIGH, reason="站牌倒地"))

    assert ticket.handling.timers[TimerName.DISPATCH].due == local(2026, 9, 30, 10, 30)


# -- closing --------------------------------------------------------------------------------------------


def test_a_received_ticket_closes_as_a_direct_answer_with_the_answer_and_its_articles(world: World) -> None:
    number = bus(world)
    world.at(local(2026, 9, 30, 10, 5))

    answer = "88路末班车22:30从起点站发车。"
    world.shelf.articles["kb-17"] = False
    close = c.Close(resolution=Resolution.DIRECT_ANSWER, answer=answer, articles=["kb-17"], note="已当场解答")
    ticket = world.act(number, AGENT, close)

    assert (ticket.status, ticket.handling.resolution) == (Status.CLOSED, Resolution.DIRECT_ANSWER)
    assert (ticket.handling.result, ticket.handling.articles) == (answer, ["kb-17"])
    assert ticket.handling.timers[TimerName.DISPATCH].cancelled_at == local(2026, 9, 30, 10, 5)
    assert world.events(number, "ticket.closed")[0].data == {
        "resolution": "direct_answer",
        "note": "已当场解答",
        "answer": answer,
        "agency": None,
        "articles": ["kb-17"],
    }
    assert world.next_wake(number) is None


def test_a_received_ticket_closes_as_referred_to_the_agency(world: World) -> None:
    number = bus(world)

    ticket = world.act(number, AGENT, c.Close(resolution=Resolution.REFERRED, agency="12348"))

    assert (ticket.status, ticket.handling.resolution) == (Status.CLOSED, Resolution.REFERRED)
    assert ticket.handling.referred_to == "12348"
    assert ticket.handling.result is not None and "12348" in ticket.handling.result
    assert world.events(number, "ticket.closed")[0].data["agency"] == "12348"


@pytest.mark.parametrize(
    ("resolution", "field"), [(Resolution.DIRECT_ANSWER, "answer"), (Resolution.REFERRED, "agency")]
)
def test_a_direct_close_without_its_answer_or_agency_is_invalid_input(
    world: World, resolution: Resolution, field: str
) -> None:
    number = bus(world)

    with pytest.raises(InvalidInput) as error:
        world.act(number, AGENT, c.Close(resolution=resolution, note="已告知市民"))

    assert [f.field for f in error.value.fields] == [field]
    assert world.ticket(number).status is Status.RECEIVED


def test_a_duplicate_names_an_existing_other_ticket(world: World) -> None:
    original = bus(world)
    number = bus(world)

    for duplicate_of in (None, "2609-999999", number):
        with pytest.raises(InvalidInput) as error:
            world.act(number, AGENT, c.Close(resolution=Resolution.DUPLICATE, duplicate_of=duplicate_of))
        assert [f.field for f in error.value.fields] == ["duplicate_of"]

    ticket = world.act(number, AGENT, c.Close(resolution=Resolution.DUPLICATE, duplicate_of=original))
    assert ticket.handling.resolution is Resolution.DUPLICATE
    assert world.events(number, "ticket.closed")[0].data["duplicate_of"] == original


def test_a_replied_ticket_closes_as_resolved_meeting_the_callback(world: World) -> None:
    number = world.replied()
    world.at(local(2026, 10, 9, 16))

    ticket = world.act(number, AGENT, c.Close(resolution=Resolution.RESOLVED, note="市民满意"))

    assert (ticket.status, ticket.handling.resolution) == (Status.CLOSED, Resolution.RESOLVED)
    assert ticket.handling.timers[TimerName.CALLBACK].met_at == local(2026, 10, 9, 16)


def test_a_replied_ticket_nobody_answers_for_closes_as_no_response(world: World) -> None:
    number = world.replied()
    ticket = world.act(number, AGENT, c.Close(resolution=Resolution.NO_RESPONSE))
    callback = ticket.handling.timers[TimerName.CALLBACK]
    assert (callback.met_at, callback.cancelled_at) == (None, RECEIVED)


@pytest.mark.parametrize(
    ("status", "resolution"),
    [
        (Status.RECEIVED, Resolution.RESOLVED),
        (Status.RECEIVED, Resolution.NO_RESPONSE),
        (Status.REPLIED, Resolution.DIRECT_ANSWER),
        (Status.REPLIED, Resolution.REFERRED),
        (Status.REPLIED, Resolution.DUPLICATE),
    ],
)
def test_a_resolution_that_does_not_fit_the_status_is_invalid_input(
    world: World, status: Status, resolution: Resolution
) -> None:
    number = STATES[status](world)

    with pytest.raises(InvalidInput) as error:
        world.act(number, AGENT, c.Close(resolution=resolution))

    assert [f.field for f in error.value.fields] == ["resolution"]
    assert world.ticket(number).status is status


# -- urging and supervision -----------------------------------------------------------------------------


def test_urging_tells_the_unit_and_counts(world: World) -> None:
    number = world.in_progress()

    world.act(number, DISPATCHER, c.Urge(note="市民第三次来电"))
    ticket = world.act(number, AGENT, c.Urge())

    assert ticket.handling.counts.urged == 2
    assert [e.data for e in world.events(number, "ticket.urged")] == [
        {"note": "市民第三次来电", "to": [URBAN]},
        {"note": None, "to": [URBAN]},
    ]
    assert [(n.kind, n.recipients) for n in world.notified] == [("urge", [URBAN]), ("urge", [URBAN])]
    assert "市民第三次来电" in world.notified[0].message
    assert ticket.handling.escalation_level == 0


def test_urging_an_undispatched_ticket_tells_the_dispatch_desk(world: World) -> None:
    number = bus(world)
    world.act(number, AGENT, c.Urge())
    assert world.notified[-1].recipients == [OFFICE]


def test_supervision_marks_the_ticket_and_escalates_it_to_the_hotline_office(world: World) -> None:
    number = world.in_progress()
    world.at(local(2026, 10, 8, 9))
    runs = world.runs(number)

    ticket = world.act(number, SUPERVISOR, c.Supervise(note="多次投诉，列入督办"))

    assert ticket.handling.supervised
    assert ticket.handling.escalation_level == 2
    assert world.event_types(number)[-2:] == ["ticket.supervised", "ticket.escalated"]
    assert world.events(number, "ticket.escalated")[0].data["to"] == [OFFICE]
    assert [(n.kind, n.recipients) for n in world.notified] == [("supervision", [URBAN]), ("escalation", [OFFICE])]
    # Actions that move no due point leave the clock running as it was.
    assert world.runs(number) == runs and world.next_wake(number) == runs[-1]


def test_every_action_is_on_the_timeline_with_its_actor_and_time(world: World) -> None:
    number = world.routed_noise()
    world.at(RECEIVED + timedelta(hours=1))
    world.act(number, URBAN_HANDLER, c.Accept())
    (accepted,) = world.events(number, "ticket.accepted")
    assert (accepted.actor.role, accepted.actor.id, accepted.at, accepted.number) == (
        "unit",
        URBAN_HANDLER.username,
        RECEIVED + timedelta(hours=1),
        number,
    )
    assert world.ticket(number).updated_at == RECEIVED + timedelta(hours=1)
