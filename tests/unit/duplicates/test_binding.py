"""Binding tickets under a primary (参阅工单): the rules, the stopped clock, and undoing it."""

from datetime import timedelta

import pytest
from hotline.domain.base.errors import Conflict, Forbidden, InvalidInput, NotFound
from hotline.domain.changes.due_points import due_points
from hotline.domain.handling import commands as c
from hotline.domain.tickets.progress import public_timeline
from hotline.domain.tickets.ticket import Resolution, Status
from hotline.domain.tickets.timers import TimerName

from tests.unit.duplicates.world import DuplicatesWorld
from tests.unit.ticket_world import AGENT, DISPATCHER, URBAN_HANDLER, local


@pytest.fixture
def world() -> DuplicatesWorld:
    return DuplicatesWorld()


def test_a_bound_ticket_names_its_primary_and_the_primary_lists_it_with_events_on_both(world: DuplicatesWorld) -> None:
    primary, first, second = world.in_progress(), world.routed_noise(), world.routed_noise()

    world.linking.link(first, primary, AGENT)
    world.linking.link(second, primary, AGENT)

    assert world.ticket(first).handling.primary == primary
    assert world.ticket(primary).handling.bound == [first, second]
    [linked] = world.events(first, "ticket.linked")
    assert linked.data == {"primary": primary} and linked.actor == AGENT.actor
    assert [e.data for e in world.events(primary, "ticket.linked")] == [{"bound": first}, {"bound": second}]


def test_the_bound_tickets_clock_stops_its_timers_paused_not_cancelled(world: DuplicatesWorld) -> None:
    primary, bound = world.in_progress(), world.routed_noise()
    running = world.ticket(bound).handling.timers

    world.at(local(2026, 9, 30, 11))
    world.linking.link(bound, primary, DISPATCHER)

    ticket = world.ticket(bound)
    for name in (TimerName.ACCEPT, TimerName.RESOLVE):
        timer = ticket.handling.timers[name]
        assert timer.paused_at == local(2026, 9, 30, 11) and timer.open
        assert timer.due == running[name].due
    assert due_points(ticket, world.rules) == []
    assert world.next_wake(bound) is None  # the clock was restarted with nothing to wake for


def test_unbinding_resumes_the_clock_each_due_moved_by_the_time_bound(world: DuplicatesWorld) -> None:
    primary, bound = world.in_progress(), world.receive(wake=False)  # still in the dispatch queue
    dispatch_due = world.ticket(bound).handling.timers[TimerName.DISPATCH].due
    world.at(local(2026, 9, 30, 10, 10))
    world.linking.link(bound, primary, AGENT)

    world.at(local(2026, 9, 30, 10, 40))
    ticket = world.linking.unlink(bound, AGENT, "not the same building")

    timer = ticket.handling.timers[TimerName.DISPATCH]
    assert timer.paused_at is None and timer.due == dispatch_due + timedelta(minutes=30)  # natural minutes
    assert ticket.handling.primary is None and world.ticket(primary).handling.bound == []
    assert world.next_wake(bound) is not None
    assert [e.data for e in world.events(bound, "ticket.unlinked")] == [
        {"primary": primary, "reason": "not the same building"}
    ]
    assert [e.data for e in world.events(primary, "ticket.unlinked")] == [
        {"bound": bound, "reason": "not the same building"}
    ]


def test_a_question_to_the_customer_keeps_the_resolve_timer_paused_after_unbinding(world: DuplicatesWorld) -> None:
    primary, bound = world.in_progress(), world.in_progress()
    world.act(bound, URBAN_HANDLER, c.RequestInfo(question="请提供具体门牌号"))
    world.linking.link(bound, primary, AGENT)
    world.at(local(2026, 9, 30, 15))

    ticket = world.linking.unlink(bound, AGENT, None)

    assert ticket.status is Status.AWAITING_CUSTOMER
    assert ticket.handling.timers[TimerName.RESOLVE].paused_at == local(2026, 9, 30, 10)  # since the question


def test_a_ticket_cannot_be_bound_to_itself(world: DuplicatesWorld) -> None:
    number = world.routed_noise()
    with pytest.raises(InvalidInput) as refused:
        world.linking.link(number, number, AGENT)
    assert [f.field for f in refused.value.fields] == ["primary"]


def test_an_unknown_primary_is_refused_naming_it_and_an_unknown_ticket_is_not_found(world: DuplicatesWorld) -> None:
    number = world.routed_noise()
    with pytest.raises(InvalidInput) as refused:
        world.linking.link(number, "2609-999999", AGENT)
    assert [f.field for f in refused.value.fields] == ["primary"]
    with pytest.raises(NotFound):
        world.linking.link("2609-999999", number, AGENT)


def test_neither_a_closed_ticket_nor_a_closed_primary_can_be_bound(world: DuplicatesWorld) -> None:
    open_one, closed = world.routed_noise(), world.receive()
    world.act(closed, AGENT, c.Close(resolution=Resolution.DUPLICATE, duplicate_of=open_one))

    with pytest.raises(Conflict) as to_closed:
        world.linking.link(open_one, closed, AGENT)
    assert to_closed.value.code == "primary_closed"
    with pytest.raises(Conflict) as from_closed:
        world.linking.link(closed, open_one, AGENT)
    assert from_closed.value.code == "invalid_transition"


def test_binding_to_a_bound_ticket_binds_to_its_primary(world: DuplicatesWorld) -> None:
    primary, first, second = world.in_progress(), world.routed_noise(), world.routed_noise()
    world.linking.link(first, primary, AGENT)

    world.linking.link(second, first, AGENT)

    assert world.ticket(second).handling.primary == primary
    assert world.ticket(primary).handling.bound == [first, second]
    assert world.ticket(first).handling.bound == []
    assert world.events(second, "ticket.linked")[0].data == {"primary": primary, "asked": first}


def test_no_cycle_a_primary_cannot_be_bound_nor_bound_to_its_own_bound_ticket(world: DuplicatesWorld) -> None:
    primary, bound, other = world.in_progress(), world.routed_noise(), world.routed_noise()
    world.linking.link(bound, primary, AGENT)

    with pytest.raises(Conflict) as cycle:
        world.linking.link(primary, bound, AGENT)
    assert cycle.value.code == "binding_cycle"
    with pytest.raises(Conflict) as primary_bound:
        world.linking.link(primary, other, AGENT)
    assert primary_bound.value.code == "is_primary"
    assert world.ticket(primary).handling.primary is None and world.ticket(other).handling.bound == []


def test_a_bound_ticket_is_bound_again_only_to_the_same_primary_which_changes_nothing(world: DuplicatesWorld) -> None:
    primary, bound, other = world.in_progress(), world.routed_noise(), world.in_progress()
    world.linking.link(bound, primary, AGENT)
    version = world.ticket(bound).version

    world.linking.link(bound, primary, AGENT)
    assert world.ticket(bound).version == version and len(world.events(primary, "ticket.linked")) == 1

    with pytest.raises(Conflict) as elsewhere:
        world.linking.link(bound, other, AGENT)
    assert elsewhere.value.code == "already_bound"


def test_only_the_centre_binds_and_an_unbound_ticket_cannot_be_unbound(world: DuplicatesWorld) -> None:
    primary, bound = world.in_progress(), world.routed_noise()
    with pytest.raises(Forbidden):
        world.linking.link(bound, primary, URBAN_HANDLER)
    with pytest.raises(Conflict) as not_bound:
        world.linking.unlink(bound, AGENT, None)
    assert not_bound.value.code == "not_bound"


def test_the_bound_customer_reads_it_is_handled_with_the_primary_and_the_primarys_reads_nothing_of_it(
    world: DuplicatesWorld,
) -> None:
    primary, bound = world.in_progress(), world.routed_noise()
    world.linking.link(bound, primary, AGENT)

    [entry] = [e for e in public_timeline(world.timeline(bound)) if e.type == "ticket.linked"]
    assert entry.label == "与同一事项的工单合并办理" and entry.text == f"将与工单{primary}一并办理并答复"
    assert not [e for e in public_timeline(world.timeline(primary)) if e.type.startswith("ticket.linked")]
