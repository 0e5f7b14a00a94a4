"""The primary's reply reaching its bound tickets, off the request path (the table stream's follow-up)."""

import pytest
from hotline.domain.handling import commands as c
from hotline.domain.tickets.catalog import Channel
from hotline.domain.tickets.customer_message import MessageKind
from hotline.domain.tickets.survey import SurveyChannel
from hotline.domain.tickets.ticket import Resolution, Status
from hotline.domain.tickets.timers import TimerName

from tests.unit.duplicates.world import DuplicatesWorld
from tests.unit.ticket_world import AGENT, URBAN_HANDLER, local

REPLY = c.Reply(result="已责令王先生所在工地停止夜间施工", cause_code="construction.permit")


@pytest.fixture
def world() -> DuplicatesWorld:
    world = DuplicatesWorld()
    world.at(local(2026, 11, 18, 10))  # a Wednesday morning: texts go out at once
    return world


def cluster(world: DuplicatesWorld, bound: int = 2) -> tuple[str, list[str]]:
    """A primary in progress (a web ticket with a phone) and `bound` tickets bound to it: a web ticket with a phone
    (surveyed by text), then phone tickets (surveyed by a callback call)."""
    primary = world.submit()
    world.wake(primary)
    world.act(primary, URBAN_HANDLER, c.Accept())
    others = [world.submit(channel=Channel.WEB if i == 0 else Channel.PHONE) for i in range(bound)]
    for number in others:
        world.wake(number)
        world.linking.link(number, primary, AGENT)
    world.stream()
    return primary, others


def test_the_primarys_reply_reaches_every_bound_ticket_each_told_and_surveyed(world: DuplicatesWorld) -> None:
    primary, (texted, called) = cluster(world)

    world.at(local(2026, 11, 18, 11))
    world.act(primary, URBAN_HANDLER, REPLY)
    world.stream()

    for number in (texted, called):
        ticket = world.ticket(number)
        assert ticket.status is Status.REPLIED
        assert ticket.handling.cause_code == "construction.permit"
        assert ticket.handling.primary_round == 1 and ticket.handling.counts.replies == 1
        assert ticket.handling.timers[TimerName.CALLBACK].open
        assert ticket.handling.timers[TimerName.RESOLVE].met_at == local(2026, 11, 18, 11)
        [replied] = world.events(number, "ticket.replied")
        assert replied.data["primary"] == primary
    assert world.ticket(texted).handling.survey.channel is SurveyChannel.SMS  # type: ignore[union-attr]
    assert world.ticket(called).handling.survey.channel is SurveyChannel.CALL  # type: ignore[union-attr]
    assert world.ticket(called).callback_due is not None  # in the callback queue
    reply_texts = [m for m in world.store.messages if m.kind is MessageKind.REPLY]
    assert sorted(m.number for m in reply_texts) == sorted([primary, texted])
    assert all(f"/survey/{m.number}?code=" in m.text for m in reply_texts)


def test_the_primary_customers_name_never_reaches_the_bound_customers(world: DuplicatesWorld) -> None:
    primary, (texted, _) = cluster(world)
    world.act(primary, URBAN_HANDLER, REPLY)
    world.stream()

    assert "王先生" not in (world.ticket(texted).handling.result or "")
    assert world.ticket(texted).handling.result == "已责令***所在工地停止夜间施工"


def test_a_redelivered_write_replies_each_bound_ticket_once(world: DuplicatesWorld) -> None:
    primary, bound = cluster(world)
    world.act(primary, URBAN_HANDLER, REPLY)
    world.stream()
    texts = len(world.store.messages)

    world.redeliver_all()
    world.redeliver_all()

    for number in bound:
        assert len(world.events(number, "ticket.replied")) == 1
    assert len(world.events(bound[0], "survey.sent")) == 1
    assert len(world.store.messages) == texts


def test_a_ticket_bound_to_a_replied_primary_gets_its_reply_at_once(world: DuplicatesWorld) -> None:
    primary, _ = cluster(world, bound=0)
    world.act(primary, URBAN_HANDLER, REPLY)
    world.stream()
    late = world.submit(channel=Channel.PHONE)

    world.linking.link(late, primary, AGENT)
    world.stream()

    assert world.ticket(late).status is Status.REPLIED
    assert world.ticket(late).handling.result == world.ticket(primary).handling.result.replace("王先生", "***")  # type: ignore[union-attr]


def test_the_primarys_close_after_its_reply_closes_no_bound_ticket(world: DuplicatesWorld) -> None:
    primary, bound = cluster(world)
    world.act(primary, URBAN_HANDLER, REPLY)
    world.stream()

    world.act(primary, AGENT, c.Close(resolution=Resolution.RESOLVED))
    world.stream()

    assert world.ticket(primary).status is Status.CLOSED
    assert all(world.ticket(n).status is Status.REPLIED for n in bound)  # each waits for its own survey
    assert all(world.ticket(n).handling.primary == primary for n in bound)


def test_a_primary_closed_without_a_reply_releases_its_bound_tickets_to_their_own_clock(world: DuplicatesWorld) -> None:
    primary = world.submit(channel=Channel.PHONE)  # still in the dispatch queue
    bound = world.submit(channel=Channel.PHONE)
    world.wake(bound)
    world.linking.link(bound, primary, AGENT)
    world.act(primary, AGENT, c.Close(resolution=Resolution.REFERRED, agency="12348"))

    world.stream()

    ticket = world.ticket(bound)
    assert ticket.handling.primary is None and ticket.status is Status.DISPATCHED
    assert not any(t.paused_at for t in ticket.handling.timers.values())
    assert world.events(bound, "ticket.unlinked")[0].data["reason"] == "the primary closed without a reply"
    assert world.next_wake(bound) is not None


def test_a_reworked_primarys_second_reply_reaches_a_bound_ticket_still_open(world: DuplicatesWorld) -> None:
    primary, (_, called) = cluster(world)
    world.act(primary, URBAN_HANDLER, REPLY)
    world.stream()
    world.act(primary, AGENT, c.Reopen(reason="施工仍在继续"))
    world.act(primary, URBAN_HANDLER, c.Reply(result="已查封施工设备", cause_code="construction.permit"))

    world.stream()

    assert world.ticket(called).handling.result == "已查封施工设备"
    assert world.ticket(called).handling.primary_round == 2
    assert len(world.events(called, "ticket.replied")) == 2
