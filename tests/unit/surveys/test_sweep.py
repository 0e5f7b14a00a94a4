"""The survey sweep: texts held by quiet hours go at 08:00 (a held survey with a fresh link), unanswered texted and
partner surveys close the ticket `no_response` after their window; a second run changes nothing."""

import pytest
from hotline.domain.base.errors import Gone
from hotline.domain.handling import commands as c
from hotline.domain.tickets.catalog import Channel
from hotline.domain.tickets.customer_message import MessageKind
from hotline.domain.tickets.ticket import Resolution, Status
from hotline.domain.tickets.timers import TimerName

from tests.unit.fakes import TEST_PEPPER
from tests.unit.surveys.world import EXPIRES, REPLIED, SurveyWorld, answer
from tests.unit.ticket_world import SUPERVISOR, local

NIGHT = local(2026, 11, 18, 22)
MORNING = local(2026, 11, 19, 8)


@pytest.fixture
def world() -> SurveyWorld:
    world = SurveyWorld()
    world.at(REPLIED)
    return world


def replied_at_night(world: SurveyWorld) -> str:
    number = world.submit()
    world.at(NIGHT)
    world.reply(number)
    return number


def test_a_survey_held_by_quiet_hours_is_texted_at_eight_with_a_fresh_link_once(world: SurveyWorld) -> None:
    number = replied_at_night(world)
    world.at(local(2026, 11, 19, 7, 55))
    assert world.sweep.sweep(world.clock.now()) == 0  # not yet: nothing is due

    world.at(local(2026, 11, 19, 8, 5))
    assert world.sweep.sweep(world.clock.now()) == 1

    ticket = world.ticket(number)
    survey = ticket.handling.survey
    assert survey is not None
    assert survey.sent_at == local(2026, 11, 19, 8, 5)
    assert survey.expires_at == local(2026, 11, 23, 18)  # counted from Thursday's opening: Friday and Monday
    reply = world.texts(number)[-1]
    assert reply.kind is MessageKind.REPLY and reply.not_before == local(2026, 11, 19, 8, 5)
    assert survey.token_hash == TEST_PEPPER.link_token_hash(number, world.link_code(number))
    (sent,) = world.events(number, "survey.sent")
    assert sent.at == local(2026, 11, 19, 8, 5)
    texts = len(world.texts(number))

    assert world.sweep.sweep(world.clock.now()) == 0  # the schedule firing again
    assert not world.sweep.wake(number)
    assert len(world.texts(number)) == texts and len(world.events(number, "survey.sent")) == 1


def test_the_held_survey_link_answers_the_survey(world: SurveyWorld) -> None:
    number = replied_at_night(world)
    world.at(MORNING)
    world.sweep.wake(number)

    ticket = world.surveys.answer(number, world.link_code(number), answer("satisfied", solved=True))

    assert ticket.status is Status.CLOSED


def test_an_answer_before_eight_leaves_nothing_to_send(world: SurveyWorld) -> None:
    number = replied_at_night(world)
    world.surveys.answer(number, world.codes[number], answer("satisfied"))  # tracked the ticket with the code
    texts = len(world.texts(number))
    world.at(MORNING)

    assert not world.sweep.wake(number)
    assert len(world.texts(number)) == texts
    assert not world.events(number, "survey.sent")


def test_other_texts_held_by_quiet_hours_go_at_eight_too(world: SurveyWorld) -> None:
    world.at(local(2026, 11, 18, 23, 30))
    number = world.submit()  # the receipt text waits for the morning
    held = world.ticket(number).handling.held_messages
    assert [m.kind for m in held] == [MessageKind.RECEIPT]

    world.at(MORNING)
    assert world.sweep.sweep(MORNING) == 1

    assert world.ticket(number).handling.held_messages == []
    assert world.texts(number)[-1].id == held[0].id
    assert world.ticket(number).customer_due is None


@pytest.mark.parametrize(("channel", "where"), [(Channel.WEB, {}), (Channel.PARTNER, {"partner_id": "city-app"})])
def test_an_unanswered_survey_closes_the_ticket_no_response_once_its_window_is_over(
    world: SurveyWorld, channel: Channel, where: dict[str, object]
) -> None:
    number = world.submit(channel, **where)
    world.reply(number)
    world.at(local(2026, 11, 20, 17, 55))
    assert world.sweep.sweep(world.clock.now()) == 0

    world.at(local(2026, 11, 20, 18, 5))
    assert world.sweep.sweep(world.clock.now()) == 1

    ticket = world.ticket(number)
    assert (ticket.status, ticket.handling.resolution) == (Status.CLOSED, Resolution.NO_RESPONSE)
    assert ticket.handling.timers[TimerName.CALLBACK].cancelled_at == local(2026, 11, 20, 18, 5)
    survey = ticket.handling.survey
    assert survey is not None and survey.expired_at == local(2026, 11, 20, 18, 5)
    assert world.event_types(number)[-2:] == ["survey.expired", "ticket.closed"]
    assert world.events(number, "ticket.closed")[-1].data["resolution"] == "no_response"
    assert ticket.customer_due is None
    assert world.next_wake(number) is None  # the clock stopped with the callback timer

    assert world.sweep.sweep(world.clock.now()) == 0
    assert not world.sweep.wake(number)
    assert len(world.events(number, "survey.expired")) == 1


def test_an_expired_survey_cannot_be_answered(world: SurveyWorld) -> None:
    number = world.submit()
    world.reply(number)
    link = world.link_code(number)
    world.at(EXPIRES)
    world.sweep.wake(number)

    with pytest.raises(Gone) as gone:
        world.surveys.answer(number, link, answer("satisfied"))  # the link closed with the survey
    assert gone.value.code == "survey_link_expired"


def test_the_sweep_pages_through_every_due_ticket(world: SurveyWorld) -> None:
    numbers = [world.submit() for _ in range(3)]
    for number in numbers:
        world.reply(number)
    world.at(EXPIRES)

    assert world.sweep.sweep(EXPIRES) == 3

    assert {world.ticket(number).status for number in numbers} == {Status.CLOSED}


def test_a_staff_reopen_withdraws_the_survey_from_the_sweep(world: SurveyWorld) -> None:
    number = world.submit()
    world.reply(number)
    world.act(number, SUPERVISOR, c.Reopen(reason="结果不完整"))
    world.at(EXPIRES)

    assert world.ticket(number).customer_due is None
    assert not world.sweep.wake(number)
    assert world.ticket(number).status is Status.IN_PROGRESS
