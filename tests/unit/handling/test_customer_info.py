"""The customer's answer to a unit's question, and a question left unanswered beyond the policy's limit."""

import pytest
from hotline.domain.base.errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyAttempts
from hotline.domain.customers.access import MAX_WRONG_CODES
from hotline.domain.handling import commands as c
from hotline.domain.handling.wake_up import Wake
from hotline.domain.tickets.customer_message import MessageKind
from hotline.domain.tickets.ticket import Actor, Resolution, Status
from hotline.domain.tickets.timers import TimerName

from tests.unit.ticket_world import AGENT, SITE, URBAN, URBAN_HANDLER, World, draft, local

ASKED = local(2026, 10, 8, 10)  # Thursday, after the National Day holiday
LIMIT = local(2026, 10, 14, 18)  # 5 working days: 9, 10 (a make-up Saturday), 12, 13 and 14 October
QUESTION = c.RequestInfo(question="请提供施工地点的门牌号")


@pytest.fixture
def world() -> World:
    return World()


def asked(world: World, **extra: object) -> str:
    """A noise complaint in progress, whose unit asks the customer a question on Thu 8 Oct 10:00."""
    number = world.receive(draft(**extra), wake=True)
    world.act(number, URBAN_HANDLER, c.Accept())
    world.at(ASKED)
    world.act(number, URBAN_HANDLER, QUESTION)
    return number


# -- the customer answers -------------------------------------------------------------------------------


def test_the_answer_resumes_the_resolve_clock_and_tells_the_unit(world: World) -> None:
    number = asked(world)
    resolve_due = world.ticket(number).handling.timers[TimerName.RESOLVE].due
    world.at(local(2026, 10, 9, 10))  # a day later: 7.5 working hours waited

    ticket = world.customer_info.answer(number, world.codes[number], "建国路88号工地，晚上11点后仍施工")

    assert ticket.status is Status.IN_PROGRESS
    assert ticket.handling.customer_wait is None
    resolve = ticket.handling.timers[TimerName.RESOLVE]
    assert resolve.paused_at is None
    assert resolve.due == world.rules.calendar(ticket).shift(resolve_due, ASKED, local(2026, 10, 9, 10), resolve.unit)
    (event,) = world.events(number, "ticket.info_received")
    assert event.actor == Actor(role="customer")
    assert event.data["text"] == "建国路88号工地，晚上11点后仍施工"
    assert event.data["paused_seconds"] == 86400.0
    (told,) = [n for n in world.notified if n.kind == "info_received"]
    assert told.recipients == [URBAN]
    assert "建国路" not in told.message  # the answer stays on the ticket
    assert world.next_wake(number) == ticket.handling.clock.wake_at is not None  # the resolve clock runs again


def test_a_wrong_code_is_not_found_like_an_unknown_number_and_counts(world: World) -> None:
    number = asked(world)
    code = world.codes[number]
    wrong = "0" * 8 if code != "0" * 8 else "1" * 8

    with pytest.raises(NotFound) as unknown:
        world.customer_info.answer("2609-999999", code, "门牌号8号")
    with pytest.raises(NotFound) as mistaken:
        world.customer_info.answer(number, wrong, "门牌号8号")

    assert unknown.value.message == mistaken.value.message
    assert world.code_attempts.failures(number, world.clock.now()) == 1
    assert world.ticket(number).status is Status.AWAITING_CUSTOMER


def test_after_too_many_wrong_codes_even_the_right_one_is_refused(world: World) -> None:
    number = asked(world)
    code = world.codes[number]
    for guess in [f"{n:08d}" for n in range(MAX_WRONG_CODES + 1) if f"{n:08d}" != code][:MAX_WRONG_CODES]:
        with pytest.raises(NotFound):
            world.customer_info.answer(number, guess, "门牌号8号")

    with pytest.raises(TooManyAttempts):
        world.customer_info.answer(number, code, "门牌号8号")
    assert world.ticket(number).status is Status.AWAITING_CUSTOMER


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.REPLIED])
def test_an_answer_nobody_asked_for_is_a_conflict_naming_the_status(world: World, status: Status) -> None:
    number = world.in_progress() if status is Status.IN_PROGRESS else world.replied()
    before = world.ticket(number)

    with pytest.raises(Conflict) as error:
        world.customer_info.answer(number, world.codes[number], "补充说明")

    assert (error.value.code, error.value.current_status) == ("invalid_transition", status.value)
    assert world.ticket(number) == before


# -- the question, by text ------------------------------------------------------------------------------


def test_the_question_is_texted_with_a_link_to_the_tickets_page(world: World) -> None:
    number = asked(world, contact={"name": "张三", "phone": "13800138000"})

    (text,) = [m for m in world.store.messages if m.kind is MessageKind.QUESTION]
    assert text.to == "+8613800138000"
    assert QUESTION.question in text.text
    assert f"{SITE}/track/{number}" in text.text
    assert "张三" not in text.text


def test_a_question_to_a_customer_without_a_mobile_number_is_not_texted(world: World) -> None:
    asked(world)
    assert [m for m in world.store.messages if m.kind is MessageKind.QUESTION] == []


# -- a question left unanswered -------------------------------------------------------------------------


def test_the_clock_wakes_once_when_the_customers_time_is_over_and_reminds_the_unit(world: World) -> None:
    number = asked(world)
    wait = world.ticket(number).handling.customer_wait
    assert wait is not None and (wait.since, wait.limit_at) == (ASKED, LIMIT)
    assert world.next_wake(number) == LIMIT

    world.at(LIMIT)
    assert world.wake(number) == Wake(None)  # nothing more to wake for: the unit decides now

    (event,) = world.events(number, "ticket.reminded")
    assert event.data == {
        "timer": "awaiting_customer",
        "since": "2026-10-08T02:00:00.000Z",
        "limit": "2026-10-14T10:00:00.000Z",
        "to": [URBAN],
    }
    (reminder,) = [n for n in world.notified if n.kind == "reminder"]
    assert (reminder.recipients, reminder.timer) == ([URBAN], None)
    assert world.ticket(number).status is Status.AWAITING_CUSTOMER
    world.at(local(2026, 10, 20, 9))
    assert world.wake(number) == Wake(None)
    assert len(world.events(number, "ticket.reminded")) == 1


def test_an_answer_recorded_by_staff_ends_the_wait_too(world: World) -> None:
    number = asked(world)
    world.at(local(2026, 10, 9, 10))

    resumed = world.act(number, AGENT, c.InfoReceived(note="市民来电告知门牌号"))

    assert resumed.handling.customer_wait is None
    world.at(LIMIT)
    world.wake(number)
    assert "awaiting_customer" not in [e.data["timer"] for e in world.events(number, "ticket.reminded")]


def test_the_unit_may_close_an_unanswered_ticket_as_no_response_only_after_the_limit(world: World) -> None:
    number = asked(world)
    world.at(local(2026, 10, 14, 17))

    with pytest.raises(Conflict) as early:
        world.act(number, URBAN_HANDLER, c.Close(resolution=Resolution.NO_RESPONSE))
    assert (early.value.code, early.value.current_status) == ("customer_may_still_answer", "awaiting_customer")
    assert "2026-10-14T18:00:00+08:00" in early.value.message

    world.at(LIMIT)
    closed = world.act(number, URBAN_HANDLER, c.Close(resolution=Resolution.NO_RESPONSE, note="多次联系未回复"))

    assert (closed.status, closed.handling.resolution) == (Status.CLOSED, Resolution.NO_RESPONSE)
    assert closed.handling.customer_wait is None
    assert closed.handling.timers[TimerName.RESOLVE].cancelled_at == LIMIT
    assert world.next_wake(number) is None


def test_an_unanswered_ticket_closes_only_as_no_response_and_only_by_its_unit(world: World) -> None:
    number = asked(world)
    world.at(LIMIT)

    with pytest.raises(InvalidInput) as error:
        world.act(number, URBAN_HANDLER, c.Close(resolution=Resolution.RESOLVED))
    assert [f.field for f in error.value.fields] == ["resolution"]
    with pytest.raises(Forbidden):
        world.act(number, AGENT, c.Close(resolution=Resolution.NO_RESPONSE))
    assert world.ticket(number).status is Status.AWAITING_CUSTOMER


def test_the_unit_may_reply_without_the_answer_and_the_time_waited_does_not_count(world: World) -> None:
    number = asked(world)
    resolve_due = world.ticket(number).handling.timers[TimerName.RESOLVE].due
    world.at(LIMIT)

    replied = world.act(number, URBAN_HANDLER, c.Reply(result="已现场核查并责令停工", cause_code="construction.permit"))

    assert replied.status is Status.REPLIED and replied.handling.customer_wait is None
    resolve = replied.handling.timers[TimerName.RESOLVE]
    assert resolve.due == world.rules.calendar(replied).shift(resolve_due, ASKED, LIMIT, resolve.unit)
    assert (resolve.met_at, resolve.breached_at) == (LIMIT, None)  # late only on the clock of the wait
    assert replied.handling.timers[TimerName.CALLBACK].started_at == LIMIT
