"""The outbox relay: a change is stored with its notifications and nothing is sent until the table stream hands the
write to the relay, which publishes its events, then sends its notifications, then its texts, at least once."""

import pytest
from hotline.domain.handling import commands as c
from hotline.domain.handling.relay import Relay, Write
from hotline.domain.tickets.customer_message import CustomerMessage, MessageKind
from hotline.domain.tickets.ticket import Ticket

from tests.unit.fakes import FakeBus, FakeNotifier, FakeRunner, FakeTexter
from tests.unit.ticket_world import AGENT, OFFICE, SUPERVISOR, URBAN, URBAN_HANDLER, World, draft, local


def relay(texter: FakeTexter | None = None) -> tuple[Relay, FakeBus, FakeNotifier, FakeRunner]:
    bus, notifier, runner = FakeBus(), FakeNotifier(), FakeRunner()
    return Relay(runner=runner, bus=bus, notifier=notifier, texter=texter or FakeTexter()), bus, notifier, runner


def hand_on(writes: list[Write], to: Relay) -> None:
    """Each stored write, in order, as the table stream's consumer receives it (with the item it replaced)."""
    before: dict[str, Ticket] = {}
    for write in writes:
        to.hand_on(write, before.get(write.ticket.number))
        before[write.ticket.number] = write.ticket


def test_a_staff_action_stores_its_notifications_in_the_write_that_records_its_events() -> None:
    world = World()
    number = world.in_progress()

    world.act(number, SUPERVISOR, c.Supervise(note="多次投诉，列入督办"))

    last = world.store.stream[-1]
    assert [e.type for e in last.events] == ["ticket.supervised", "ticket.escalated"]
    assert [(n.kind, n.recipients) for n in last.notifications] == [("supervision", [URBAN]), ("escalation", [OFFICE])]


def test_a_clock_wake_up_stores_its_reminders_breach_and_escalation_in_the_write_that_records_them() -> None:
    world = World()
    number = world.receive(draft("transport.bus", subject="公交车晚点", description="12路经常晚点"), wake=True)
    world.at(local(2026, 9, 30, 12))

    world.wake(number)

    last = world.store.stream[-1]
    assert [n.kind for n in last.notifications] == ["reminder", "reminder", "breach", "escalation"]
    assert [e.type for e in last.events] == [f"ticket.{kind}ed" for kind in ("remind", "remind", "breach", "escalat")]


def test_each_write_is_handed_on_once_events_first_and_later_writes_send_nothing_again() -> None:
    world = World()
    number = world.in_progress()
    world.act(number, AGENT, c.Urge(note="市民再次来电"))
    world.act(number, URBAN_HANDLER, c.Reply(result="已责令停工", cause_code="construction.permit"))
    to, bus, notifier, runner = relay()

    hand_on(world.store.stream, to)

    assert [(n.kind, n.recipients) for n in notifier.sent] == [("urge", [URBAN])]  # not again for the reply
    assert notifier.sent == world.notified
    assert [p.id for p in bus.published] == [e.id for e in world.timeline(number)]
    # Each clock the actions started is (re)started once, in order: the last one runs for the callback.
    assert runner.restarts == world.runner.restarts
    assert world.next_wake(number) == world.ticket(number).handling.clock.wake_at is not None


def test_a_write_whose_notifications_fail_raises_so_the_stream_retries_it_with_the_same_ids() -> None:
    world = World()
    number = world.in_progress()
    world.act(number, AGENT, c.Urge(note="市民再次来电"))
    *earlier, urged = world.store.stream
    to, bus, notifier, _ = relay()
    hand_on(earlier, to)
    notifier.down = True

    with pytest.raises(ConnectionError):
        to.hand_on(urged, earlier[-1].ticket)
    assert notifier.sent == [] and bus.published[-1].type == "ticket.urged"  # its events went out first

    notifier.down = False
    to.hand_on(urged, earlier[-1].ticket)  # the stream's retry

    assert [(n.kind, n.number) for n in notifier.sent] == [("urge", number)]
    assert notifier.sent == world.notified  # the same notification, id and all, as the action stored
    urges = [p.id for p in bus.published if p.type == "ticket.urged"]
    assert len(urges) == 2 and len(set(urges)) == 1  # the retry repeated its event under the same id


def test_texts_go_last_and_a_write_whose_texts_fail_is_retried_whole() -> None:
    world = World()
    number = world.in_progress()
    world.act(number, URBAN_HANDLER, c.Reply(result="已责令停工", cause_code="construction.permit"))
    *earlier, replied = world.store.stream
    text = CustomerMessage(
        id="m-1",
        number=number,
        kind=MessageKind.REPLY,
        to="+8613800138000",
        text="【12345热线】已办理",
        at=local(2026, 9, 30, 12),
        not_before=local(2026, 9, 30, 12),
    )
    replied = replied._replace(messages=[text])
    texter = FakeTexter()
    to, bus, _, _ = relay(texter)
    hand_on(earlier, to)
    texter.down, texter.sent = True, []

    with pytest.raises(ConnectionError):
        to.hand_on(replied, earlier[-1].ticket)
    assert bus.published[-1].type == "ticket.replied"  # everything else went out before the texts

    texter.down = False
    to.hand_on(replied, earlier[-1].ticket)  # the stream's retry

    assert texter.sent == [text]
