"""The callback timer is clocked like the others, and every timer met after its due stays breached (on-time rates stay
honest), whichever path meets it."""

from hotline.domain.base.paging import PageRequest
from hotline.domain.handling import commands as c
from hotline.domain.tickets.ports import TicketFilter
from hotline.domain.tickets.ticket import Resolution, Status
from hotline.domain.tickets.timers import TimerName

from tests.unit.handling.test_ticket_clock import walk
from tests.unit.ticket_world import AGENT, HQ, LEADERSHIP, OFFICE, URBAN_HANDLER, World, local

REPLY = c.Reply(result="已责令施工方夜间停工", cause_code="construction.permit")


def replied_on_friday(world: World) -> str:
    """Replied Fri 9 Oct 15:00: the callback is due in 3 working days, Tue 13 Oct 18:00 (10th is a make-up Saturday)."""
    number = world.in_progress()
    world.at(local(2026, 10, 9, 15))
    world.act(number, URBAN_HANDLER, REPLY)
    return number


def overdue(world: World) -> list[str]:
    return [t.number for t in world.store.list(TicketFilter(overdue=True), PageRequest(limit=50)).items]


def test_the_callback_reminds_breaches_and_climbs_the_ladder_from_the_dispatch_desk() -> None:
    world = World()
    number = replied_on_friday(world)
    ticket = world.ticket(number)
    assert ticket.handling.timers[TimerName.CALLBACK].due == local(2026, 10, 13, 18)

    steps = walk(world, number, world.wake(number), until=local(2027, 1, 1))

    # Calling back is the centre's work: the desk (hotline office) hears first, not the unit that replied.
    assert steps == [
        # 25.5 working hours: half is Fri 3 h + Sat 7.5 h + Mon 2.25 h, four fifths Tue 2.4 h in.
        (local(2026, 10, 12, 11, 15), [("ticket.reminded", "callback", "0.5", OFFICE)]),
        (local(2026, 10, 13, 11, 24), [("ticket.reminded", "callback", "0.8", OFFICE)]),
        (
            local(2026, 10, 13, 18),
            [("ticket.breached", "callback", OFFICE), ("ticket.escalated", "callback", "level 1", OFFICE)],
        ),
        # Breached at close of business, so counted from Wednesday's opening: 2 working days are Thu 15 and Fri 16.
        (local(2026, 10, 16, 18), [("ticket.escalated", "callback", "level 2", OFFICE)]),
        (local(2026, 10, 20, 18), [("ticket.escalated", "callback", "level 3", LEADERSHIP)]),
        (local(2026, 11, 12, 18), [("ticket.escalated", "callback", "level 4", HQ)]),
    ]
    assert [(n.kind, n.timer) for n in world.notified][-1] == ("escalation", TimerName.CALLBACK)
    assert world.ticket(number).handling.clock.wake_at is None


def test_a_ticket_whose_callback_is_late_is_listed_overdue_until_it_closes() -> None:
    world = World()
    number = replied_on_friday(world)
    world.at(local(2026, 10, 13, 18))
    world.wake(number)
    assert overdue(world) == [number]

    world.at(local(2026, 10, 14, 10))
    closed = world.act(number, AGENT, c.Close(resolution=Resolution.RESOLVED, note="回访满意"))

    callback = closed.handling.timers[TimerName.CALLBACK]
    assert (callback.met_at, callback.breached_at) == (local(2026, 10, 14, 10), local(2026, 10, 13, 18))
    assert overdue(world) == []
    assert world.next_wake(number) is None


def test_a_callback_met_late_without_any_wake_up_is_recorded_breached_as_well_as_met() -> None:
    world = World()
    number = replied_on_friday(world)
    world.at(local(2026, 10, 15, 9))  # the clock never woke (down, or late): nothing marked the breach

    closed = world.act(number, AGENT, c.Close(resolution=Resolution.RESOLVED))

    callback = closed.handling.timers[TimerName.CALLBACK]
    assert (callback.met_at, callback.breached_at) == (local(2026, 10, 15, 9), local(2026, 10, 13, 18))


def test_a_ticket_closed_otherwise_cancels_its_callback_and_the_clock_stops() -> None:
    world = World()
    number = replied_on_friday(world)

    closed = world.act(number, AGENT, c.Close(resolution=Resolution.NO_RESPONSE))

    callback = closed.handling.timers[TimerName.CALLBACK]
    assert (callback.met_at, callback.cancelled_at, callback.breached_at) == (None, local(2026, 10, 9, 15), None)
    assert world.next_wake(number) is None


def test_a_reopened_ticket_cancels_the_callback_and_clocks_the_new_resolve_timer() -> None:
    world = World()
    number = replied_on_friday(world)

    reopened = world.act(number, AGENT, c.Reopen(reason="市民反映仍在施工"))

    assert reopened.handling.timers[TimerName.CALLBACK].cancelled_at == local(2026, 10, 9, 15)
    resolve = reopened.handling.timers[TimerName.RESOLVE]
    assert world.next_wake(number) == reopened.handling.clock.wake_at
    assert resolve.started_at < world.next_wake(number) < resolve.due  # (not None) its first reminder


# -- met after the due: breached as well, on every path -------------------------------------------------


def test_a_late_auto_dispatch_is_recorded_breached_as_well_as_met() -> None:
    world = World()
    number = world.receive()  # a noise complaint the rules route; dispatch due in 30 minutes
    world.at(local(2026, 9, 30, 11))  # the first wake-up comes an hour late (the clock could not start)

    world.wake(number)

    ticket = world.ticket(number)
    assert ticket.status is Status.DISPATCHED
    dispatch = ticket.handling.timers[TimerName.DISPATCH]
    assert (dispatch.met_at, dispatch.breached_at) == (local(2026, 9, 30, 11), local(2026, 9, 30, 10, 30))
    assert not ticket.overdue  # met: nothing is waiting any more


def test_a_dispatch_on_time_is_met_and_not_breached() -> None:
    world = World()
    number = world.routed_noise()
    dispatch = world.ticket(number).handling.timers[TimerName.DISPATCH]
    assert (dispatch.met_at, dispatch.breached_at) == (local(2026, 9, 30, 10), None)


def test_a_late_accept_is_recorded_breached_as_well_as_met() -> None:
    world = World()
    number = world.routed_noise()  # accept within 24 hours: Thu 1 Oct 10:00
    world.at(local(2026, 10, 2, 9))  # no wake-up marked the breach

    accepted = world.act(number, URBAN_HANDLER, c.Accept())

    accept = accepted.handling.timers[TimerName.ACCEPT]
    assert (accept.met_at, accept.breached_at) == (local(2026, 10, 2, 9), local(2026, 10, 1, 10))


def test_an_accept_after_the_clock_marked_the_breach_keeps_that_breach() -> None:
    world = World()
    number = world.routed_noise()
    world.at(local(2026, 10, 1, 10))
    world.wake(number)
    world.at(local(2026, 10, 1, 12))

    accepted = world.act(number, URBAN_HANDLER, c.Accept())

    accept = accepted.handling.timers[TimerName.ACCEPT]
    assert (accept.met_at, accept.breached_at) == (local(2026, 10, 1, 12), local(2026, 10, 1, 10))
