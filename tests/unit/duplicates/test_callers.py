"""Repeat callers: the customer file by phone, and repeat complaints (重复投诉) flagged from the table stream."""

import pytest
from hotline.domain.base.errors import Forbidden
from hotline.domain.handling import commands as c
from hotline.domain.surveys.answering import Surveys
from hotline.domain.surveys.outcomes import Answer
from hotline.domain.tickets.catalog import TicketType
from hotline.domain.tickets.survey import Grade

from tests.unit.duplicates.world import DuplicatesWorld
from tests.unit.fakes import TEST_PEPPER
from tests.unit.ticket_world import AGENT, URBAN_HANDLER, local

OTHER_MOBILE = "13900139000"


@pytest.fixture
def world() -> DuplicatesWorld:
    world = DuplicatesWorld()
    world.at(local(2026, 11, 2, 10))
    return world


def test_a_callers_second_ticket_about_the_same_matter_is_a_repeat_complaint(world: DuplicatesWorld) -> None:
    first = world.submit()
    world.stream()
    world.at(local(2026, 11, 20, 10))  # 18 days later

    second = world.submit(subject="工地又在夜间施工")
    world.stream()

    assert world.ticket(first).handling.repeat_of == []
    assert world.ticket(second).handling.repeat_of == [first]
    [flag] = world.events(second, "ticket.repeat_complaint")
    assert flag.data == {"of": [first], "window_days": 30}


def test_similar_words_in_another_category_repeat_too_other_callers_and_old_tickets_do_not(
    world: DuplicatesWorld,
) -> None:
    world.submit(phone=OTHER_MOBILE)  # another caller
    old = world.submit()
    world.at(local(2026, 12, 10, 10))  # 38 days later: outside the window
    world.submit(category="urban.sanitation", subject="门口垃圾没人清运", description="垃圾堆了一周")
    world.stream()
    assert not any(world.ticket(n).handling.repeat_of for n in world.store.tickets)

    again = world.submit(category="urban.sanitation", subject="门口垃圾还是没人清运", description="垃圾堆了两周")
    reworded = world.submit(category="urban.street_vending", subject="门口垃圾还是没人清运", description="垃圾堆了两周")
    world.stream()

    assert len(world.ticket(again).handling.repeat_of) == 1 and old not in world.ticket(again).handling.repeat_of
    assert again in world.ticket(reworded).handling.repeat_of  # different category, nearly the same words


def test_a_praise_is_never_a_repeat_and_a_redelivered_write_flags_once(world: DuplicatesWorld) -> None:
    world.submit()
    praise = world.submit(ticket_type=TicketType.PRAISE, category="urban.noise", subject="感谢及时处理")
    repeat = world.submit()
    world.stream()
    world.redeliver_all()

    assert world.ticket(praise).handling.repeat_of == []
    assert len(world.events(repeat, "ticket.repeat_complaint")) == 1


def test_the_customer_file_counts_the_callers_tickets_of_30_and_90_days(world: DuplicatesWorld) -> None:
    world.at(local(2026, 6, 1, 10))
    world.submit()  # more than 90 days before: not in the file
    world.at(local(2026, 8, 20, 10))
    older = world.submit()
    world.at(local(2026, 10, 25, 10))
    recent = world.submit()
    world.at(local(2026, 11, 2, 10))
    latest = world.submit()
    world.submit(phone=OTHER_MOBILE)
    world.stream()

    file = world.files.of_ticket(latest, AGENT)

    assert file.known and [t.number for t in file.tickets] == [latest, recent, older]
    assert (file.last_30_days, file.last_90_days) == (2, 3)
    assert file.repeat_complaints == 1  # the latest repeats the one 8 days before it
    assert file.last_grade is None


def test_the_file_shows_the_callers_latest_survey_answer(world: DuplicatesWorld) -> None:
    surveys = Surveys(
        world.store,
        lambda: world.rules,
        world.clock,
        runner=world.runner,
        pepper=TEST_PEPPER,
        attempts=world.code_attempts,
        queue=world.store,
    )
    number = world.submit()
    world.wake(number)
    world.act(number, URBAN_HANDLER, c.Accept())
    world.act(number, URBAN_HANDLER, c.Reply(result="已处理", cause_code="construction.permit"))
    world.at(local(2026, 11, 3, 9))
    surveys.answer(number, world.codes[number], Answer(grade=Grade.BASICALLY_SATISFIED, solved=True))

    file = world.files.of_ticket(world.submit(), AGENT)

    assert file.last_grade is Grade.BASICALLY_SATISFIED and file.last_graded_at == local(2026, 11, 3, 9)


def test_no_phone_no_file_and_only_the_centre_reads_files(world: DuplicatesWorld) -> None:
    anonymous = world.submit(phone=None)
    assert not world.files.of_ticket(anonymous, AGENT).known
    with pytest.raises(Forbidden):
        world.files.of_ticket(anonymous, URBAN_HANDLER)
    assert world.files.shown_to(URBAN_HANDLER, world.ticket(anonymous)) is None
