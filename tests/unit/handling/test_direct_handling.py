"""Direct handling (直办): a call settled at intake is stored closed, never routed nor clocked; a praise is delivered
to its unit and closed without timers to accept or resolve."""

import pytest
from hotline.domain.base.errors import InvalidInput
from hotline.domain.handling import commands as c
from hotline.domain.tickets.catalog import Channel, TicketType
from hotline.domain.tickets.disposition import Disposition
from hotline.domain.tickets.ticket import Resolution, Status
from hotline.domain.tickets.timers import TimerName

from tests.unit.ticket_world import AGENT, DISPATCHER, URBAN, World, draft, local

ANSWER = "施工噪音夜间22点后禁止施工，可拨打12345或向城管执法局举报。"


@pytest.fixture
def world() -> World:
    shelved = World()
    shelved.shelf.articles.update({"kb-noise-1": False, "kb-12": False, "kb-old": True})
    return shelved


def call(world: World, disposition: dict[str, object], **extra: object) -> str:
    """A noise complaint a routing rule matches, settled on the call."""
    settled = Disposition.model_validate(disposition)
    return world.intake.register_for_customer(AGENT, draft(**extra), Channel.PHONE, settled).ticket.number


def test_a_call_answered_at_intake_is_stored_closed_never_routed_and_never_clocked(world: World) -> None:
    number = call(world, {"resolution": "direct_answer", "answer": ANSWER, "articles": ["kb-noise-1", "kb-12"]})

    ticket = world.ticket(number)
    assert (ticket.status, ticket.handling.resolution, ticket.unit_id) == (
        Status.CLOSED,
        Resolution.DIRECT_ANSWER,
        None,
    )
    assert (ticket.handling.result, ticket.handling.public_note) == (ANSWER, ANSWER)
    assert ticket.handling.articles == ["kb-noise-1", "kb-12"]
    assert ticket.handling.timers == {}
    assert world.runs(number) == []  # no clock: nothing can route it behind the agent's back
    assert world.event_types(number) == ["ticket.created", "ticket.closed"]
    closed = world.events(number, "ticket.closed")[0]
    assert closed.number == number and closed.actor == AGENT.actor
    assert closed.data["articles"] == ["kb-noise-1", "kb-12"]


def test_a_call_referred_at_intake_records_the_agency(world: World) -> None:
    number = call(world, {"resolution": "referred", "agency": "12348", "note": "劳动仲裁咨询"})

    ticket = world.ticket(number)
    assert (ticket.status, ticket.handling.resolution) == (Status.CLOSED, Resolution.REFERRED)
    assert ticket.handling.referred_to == "12348"
    assert ticket.handling.result is not None and "12348" in ticket.handling.result
    assert world.events(number, "ticket.closed")[0].data["note"] == "劳动仲裁咨询"


@pytest.mark.parametrize(
    ("disposition", "field"),
    [({"resolution": "direct_answer"}, "disposition.answer"), ({"resolution": "referred"}, "disposition.agency")],
)
def test_a_disposition_without_its_answer_or_agency_is_refused_and_nothing_is_stored(
    world: World, disposition: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        call(world, disposition)

    assert [f.field for f in error.value.fields] == [field]
    assert world.store.tickets == {}


def test_a_closed_direct_answer_reopens_to_the_dispatchers(world: World) -> None:
    number = call(world, {"resolution": "direct_answer", "answer": ANSWER})

    ticket = world.act(number, AGENT, c.Reopen(reason="市民再次来电，问题未解决"))

    assert (ticket.status, ticket.unit_id) == (Status.RECEIVED, None)
    assert world.next_wake(number) is not None


# -- praise (表扬) ---------------------------------------------------------------------------------------

PRAISE = {"category": "urban.sanitation", "ticket_type": TicketType.PRAISE, "subject": "表扬环卫工人"}


def test_a_praise_routed_to_its_unit_is_delivered_and_closed_without_accept_or_resolve_timers(world: World) -> None:
    world.at(local(2026, 9, 30, 10))
    number = world.receive(draft(**PRAISE), wake=True)

    ticket = world.ticket(number)
    assert (ticket.status, ticket.unit_id, ticket.handling.resolution) == (
        Status.CLOSED,
        URBAN,
        Resolution.DIRECT_ANSWER,
    )
    assert set(ticket.handling.timers) == {TimerName.DISPATCH}
    assert ticket.handling.timers[TimerName.DISPATCH].met_at == local(2026, 9, 30, 10)
    assert [(n.kind, n.recipients) for n in world.notified] == [("praise", [URBAN])]
    assert world.event_types(number) == ["ticket.created", "ticket.dispatched", "ticket.closed"]
    assert world.events(number, "ticket.closed")[0].data["note"] == "praise recorded"
    assert ticket.handling.clock.wake_at is None  # the wake-up that delivered it ends the clock


def test_a_praise_no_rule_routes_is_delivered_and_closed_when_a_dispatcher_dispatches_it(world: World) -> None:
    number = world.receive(draft("transport.bus", TicketType.PRAISE, subject="表扬公交司机"), wake=True)
    assert world.ticket(number).status is Status.RECEIVED

    ticket = world.act(number, DISPATCHER, c.Dispatch(unit_id=URBAN))

    assert (ticket.status, ticket.handling.resolution) == (Status.CLOSED, Resolution.DIRECT_ANSWER)
    assert TimerName.ACCEPT not in ticket.handling.timers and TimerName.RESOLVE not in ticket.handling.timers
    assert [(n.kind, n.recipients) for n in world.notified] == [("praise", [URBAN])]
    assert world.next_wake(number) is None


def test_a_direct_answer_naming_an_agency_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput) as error:
        call(world, {"resolution": "direct_answer", "answer": ANSWER, "agency": "110"})

    assert [f.field for f in error.value.fields] == ["disposition.agency"]


def test_an_answer_citing_an_unknown_or_retired_article_is_refused_naming_each(world: World) -> None:
    cited = ["kb-noise-1", "kb-nope", "kb-old"]
    with pytest.raises(InvalidInput) as error:
        call(world, {"resolution": "direct_answer", "answer": ANSWER, "articles": cited})

    assert [(f.field, f.problem) for f in error.value.fields] == [
        ("disposition.articles[1]", "no article 'kb-nope'"),
        ("disposition.articles[2]", "article 'kb-old' is retired"),
    ]
    assert world.store.tickets == {}  # nothing stored

    number = world.receive()
    with pytest.raises(InvalidInput) as error:
        world.act(number, AGENT, c.Close(resolution=Resolution.DIRECT_ANSWER, answer=ANSWER, articles=cited))
    assert [f.field for f in error.value.fields] == ["articles[1]", "articles[2]"]
    assert world.ticket(number).status is Status.RECEIVED


def test_an_answer_sent_with_another_resolution_is_refused_not_dropped(world: World) -> None:
    number = world.replied()

    with pytest.raises(InvalidInput) as error:
        world.act(number, AGENT, c.Close(resolution=Resolution.RESOLVED, answer=ANSWER, articles=["kb-1"]))

    assert [f.field for f in error.value.fields] == ["answer", "articles"]
    assert world.ticket(number).status is Status.REPLIED
