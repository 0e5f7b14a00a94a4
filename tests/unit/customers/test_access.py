"""Reaching a ticket as its customer: the access code always, the text's survey link for tracking and the survey
while the link lasts (its round waits for the answer, or was answered and its window is not over)."""

import pytest
from hotline.domain.base.errors import Gone, NotFound
from hotline.domain.handling import commands as c
from hotline.domain.intake.reads import TicketQueries
from hotline.domain.tickets.ticket import Resolution, Status

from tests.unit.fakes import TEST_PEPPER, FakeCatalogRepository
from tests.unit.surveys.world import EXPIRES, REPLIED, SurveyWorld, answer
from tests.unit.ticket_world import AGENT, local


@pytest.fixture
def world() -> SurveyWorld:
    world = SurveyWorld()
    world.at(REPLIED)
    return world


def queries(world: SurveyWorld) -> TicketQueries:
    return TicketQueries(
        tickets=world.store,
        pepper=TEST_PEPPER,
        attempts=world.code_attempts,
        clock=world.clock,
        catalog=FakeCatalogRepository(),
    )


def replied(world: SurveyWorld) -> str:
    number = world.submit()
    world.reply(number)
    return number


def wrong_codes(world: SurveyWorld, number: str) -> int:
    return world.code_attempts.failures(number, world.clock.now())


def test_the_open_surveys_link_reads_the_ticket_as_the_access_code_does(world: SurveyWorld) -> None:
    number = replied(world)

    by_link = queries(world).for_customer(number, world.link_code(number))
    by_code = queries(world).for_customer(number, world.codes[number])

    assert by_link == by_code
    assert (by_link.ticket.status, by_link.ticket.handling.public_note) == (Status.REPLIED, "已责令施工方夜间停工")
    assert wrong_codes(world, number) == 0


def test_a_wrong_link_code_is_not_found_like_an_unknown_number_and_counts(world: SurveyWorld) -> None:
    number = replied(world)
    link = world.link_code(number)

    with pytest.raises(NotFound) as unknown:
        queries(world).for_customer("2611-999999", link)
    with pytest.raises(NotFound) as wrong:
        queries(world).for_customer(number, link[:-1] + ("A" if link[-1] != "A" else "B"))

    assert wrong.value.message == unknown.value.message
    assert wrong_codes(world, number) == 1


def test_an_answered_surveys_link_reads_the_ticket_until_the_surveys_window_ends(world: SurveyWorld) -> None:
    number = replied(world)
    link = world.link_code(number)
    world.surveys.answer(number, link, answer("satisfied", solved=True))

    world.at(local(2026, 11, 20, 17, 59))
    assert queries(world).for_customer(number, link).ticket.status is Status.CLOSED

    world.at(EXPIRES)
    with pytest.raises(Gone) as gone:
        queries(world).for_customer(number, link)
    assert (gone.value.code, gone.value.message) == ("survey_link_expired", "this survey link has expired")
    assert queries(world).for_customer(number, world.codes[number]).ticket.status is Status.CLOSED
    assert wrong_codes(world, number) == 0  # the link was right: nothing to count


def test_the_link_of_a_survey_that_closed_unanswered_has_expired(world: SurveyWorld) -> None:
    expired, closed_by_staff = replied(world), replied(world)
    links = {number: world.link_code(number) for number in (expired, closed_by_staff)}
    world.act(closed_by_staff, AGENT, c.Close(resolution=Resolution.RESOLVED))
    world.at(EXPIRES)
    world.sweep.sweep(world.clock.now())
    assert world.ticket(expired).handling.resolution is Resolution.NO_RESPONSE

    for number, link in links.items():
        with pytest.raises(Gone):
            queries(world).for_customer(number, link)
        with pytest.raises(Gone):
            world.surveys.answer(number, link, answer("satisfied"))
        assert wrong_codes(world, number) == 0


def test_an_older_rounds_link_is_a_wrong_code(world: SurveyWorld) -> None:
    number = replied(world)
    first = world.link_code(number)
    world.surveys.answer(number, first, answer("dissatisfied"))
    world.reply(number)  # a new round, a new link: only its token's hash is kept

    with pytest.raises(NotFound):
        queries(world).for_customer(number, first)

    assert wrong_codes(world, number) == 1
    assert queries(world).for_customer(number, world.link_code(number)).ticket.status is Status.REPLIED


def test_the_link_does_not_answer_the_units_question(world: SurveyWorld) -> None:
    number = replied(world)

    with pytest.raises(NotFound):
        world.customer_info.answer(number, world.link_code(number), "门牌号是88号")

    assert wrong_codes(world, number) == 1
