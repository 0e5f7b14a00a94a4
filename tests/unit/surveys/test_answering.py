"""Answering the survey: satisfied closes, dissatisfied sends the ticket back for rework (counted, escalated, a problem
ticket at the third), one answer per round; the customer, the partner or an agent's callback call answers."""

import pytest
from hotline.domain.base.errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyAttempts
from hotline.domain.base.paging import PageRequest
from hotline.domain.customers.access import MAX_WRONG_CODES
from hotline.domain.handling import commands as c
from hotline.domain.partners.partner import Partner
from hotline.domain.surveys.outcomes import CallRecord
from hotline.domain.tickets.catalog import Channel
from hotline.domain.tickets.ports import TicketFilter
from hotline.domain.tickets.survey import Grade
from hotline.domain.tickets.ticket import Actor, Resolution, Status, Ticket
from hotline.domain.tickets.timers import TimerName

from tests.unit.surveys.world import REPLIED, SurveyWorld, answer
from tests.unit.ticket_world import AGENT, LEADERSHIP, OFFICE, SUPERVISOR, URBAN, URBAN_HANDLER, local

CITY_APP = Partner(id="city-app", name="City app", api_key_id="key-city-app")
CRM = Partner(id="crm", name="CRM", api_key_id="key-crm")


@pytest.fixture
def world() -> SurveyWorld:
    world = SurveyWorld()
    world.at(REPLIED)
    return world


def replied(world: SurveyWorld, channel: Channel = Channel.WEB, **where: object) -> str:
    number = world.submit(channel, **where)
    world.reply(number)
    return number


def dissatisfied(world: SurveyWorld, number: str) -> Ticket:
    return world.surveys.answer(number, world.codes[number], answer("dissatisfied", comment="晚上还在施工"))


# -- what an answer does ----------------------------------------------------------------------------------


@pytest.mark.parametrize("grade", ["satisfied", "basically_satisfied"])
def test_satisfied_closes_the_ticket_resolved_and_meets_the_callback(world: SurveyWorld, grade: str) -> None:
    number = replied(world)
    world.at(local(2026, 11, 19, 15))

    ticket = world.surveys.answer(number, world.codes[number], answer(grade, solved=True, comment="很及时"))

    assert (ticket.status, ticket.handling.resolution) == (Status.CLOSED, Resolution.RESOLVED)
    callback = ticket.handling.timers[TimerName.CALLBACK]
    assert (callback.met_at, callback.breached_at) == (local(2026, 11, 19, 15), None)
    survey = ticket.handling.survey
    assert survey is not None
    assert (survey.grade, survey.solved, survey.comment) == (Grade(grade), True, "很及时")
    (answered,) = world.events(number, "survey.answered")
    assert answered.actor == Actor(role="customer")
    assert answered.data == {"round": 1, "channel": "sms", "grade": grade, "solved": True, "comment": "很及时"}
    assert world.event_types(number)[-2:] == ["survey.answered", "ticket.closed"]
    assert ticket.customer_due is None and ticket.callback_due is None
    assert world.next_wake(number) is None  # nothing left for the ticket clock


def test_dissatisfied_sends_it_back_to_the_same_unit_with_a_fresh_resolve_timer(world: SurveyWorld) -> None:
    number = replied(world)
    world.at(local(2026, 11, 19, 10))

    ticket = dissatisfied(world, number)

    assert (ticket.status, ticket.unit_id, ticket.handling.resolution) == (Status.IN_PROGRESS, URBAN, None)
    assert (ticket.handling.counts.reopened, ticket.handling.counts.dissatisfied) == (1, 1)
    resolve = ticket.handling.timers[TimerName.RESOLVE]
    assert (resolve.started_at, resolve.due) == (local(2026, 11, 19, 10), local(2026, 11, 24, 18))  # 3 working days
    assert ticket.handling.timers[TimerName.CALLBACK].met_at == local(2026, 11, 19, 10)  # the call-back happened
    assert world.events(number, "survey.answered")[0].data["comment"] == "晚上还在施工"
    (reopened,) = world.events(number, "ticket.reopened")
    assert reopened.data["rework"] == 1
    (rework,) = [n for n in world.notified if n.kind == "rework"]
    assert rework.recipients == [URBAN]
    assert "晚上还在施工" not in rework.message  # the customer's words stay on the ticket
    assert ticket.handling.escalation_level == 0
    assert world.next_wake(number) == ticket.handling.clock.wake_at is not None  # the resolve clock runs again


def test_a_second_dissatisfied_goes_to_the_office_and_the_third_rework_makes_a_problem_ticket(
    world: SurveyWorld,
) -> None:
    number = replied(world)
    dissatisfied(world, number)
    world.reply(number)
    second = dissatisfied(world, number)

    assert second.handling.escalation_level == 2
    assert [e.data["level"] for e in world.events(number, "ticket.escalated")] == [2]
    assert [n.recipients for n in world.notified if n.kind == "escalation"] == [[OFFICE]]
    assert not second.handling.problem

    world.reply(number)
    third = dissatisfied(world, number)

    assert third.handling.counts.reopened == 3 and third.handling.problem
    assert third.handling.escalation_level == 3
    assert [n.recipients for n in world.notified if n.kind == "escalation"] == [[OFFICE], [LEADERSHIP]]
    assert world.events(number, "ticket.reopened")[-1].data["problem"] is True
    assert [t.number for t in world.store.list(TicketFilter(problem=True), PageRequest()).items] == [number]


def test_staff_reopens_count_as_reworks_too(world: SurveyWorld) -> None:
    number = replied(world)
    world.act(number, SUPERVISOR, c.Reopen(reason="结果不完整"))
    world.reply(number)
    world.act(number, SUPERVISOR, c.Reopen(reason="仍未处理"))
    world.reply(number)

    third = dissatisfied(world, number)

    assert third.handling.counts.reopened == 3 and third.handling.counts.dissatisfied == 1
    assert third.handling.problem and third.handling.escalation_level == 3


def test_a_second_answer_to_the_same_round_is_a_conflict(world: SurveyWorld) -> None:
    number = replied(world)
    world.surveys.answer(number, world.codes[number], answer("satisfied"))

    with pytest.raises(Conflict) as second:
        world.surveys.answer(number, world.codes[number], answer("dissatisfied"))
    assert (second.value.code, second.value.current_status) == ("survey_answered", "closed")

    reworked = replied(world)
    dissatisfied(world, reworked)
    with pytest.raises(Conflict) as again:
        dissatisfied(world, reworked)  # the round is answered; the unit has not replied again
    assert (again.value.code, again.value.current_status) == ("survey_answered", "in_progress")
    assert world.ticket(reworked).handling.counts.dissatisfied == 1


def test_no_survey_before_a_reply_nor_after_staff_closed_it(world: SurveyWorld) -> None:
    number = world.submit()
    with pytest.raises(Conflict) as early:
        world.surveys.answer(number, world.codes[number], answer("satisfied"))
    assert early.value.code == "no_open_survey"

    closed = replied(world)
    world.act(closed, AGENT, c.Close(resolution=Resolution.RESOLVED))
    with pytest.raises(Conflict):
        world.surveys.answer(closed, world.codes[closed], answer("dissatisfied"))
    assert world.ticket(closed).customer_due is None  # nothing left for the sweep either


# -- who may answer -------------------------------------------------------------------------------------


def test_the_texts_link_answers_its_own_round_only(world: SurveyWorld) -> None:
    number = replied(world)
    first_link = world.link_code(number)
    dissatisfied(world, number)
    world.reply(number)

    with pytest.raises(NotFound):
        world.surveys.answer(number, first_link, answer("satisfied"))  # an older round's link opens nothing
    ticket = world.surveys.answer(number, world.link_code(number), answer("satisfied"))

    assert ticket.status is Status.CLOSED


def test_a_second_answer_by_the_link_is_the_same_conflict_as_by_the_access_code(world: SurveyWorld) -> None:
    number = replied(world)
    link = world.link_code(number)
    world.surveys.answer(number, link, answer("satisfied"))

    with pytest.raises(Conflict) as by_link:
        world.surveys.answer(number, link, answer("dissatisfied"))
    with pytest.raises(Conflict) as by_code:
        world.surveys.answer(number, world.codes[number], answer("dissatisfied"))

    assert (by_link.value.code, by_link.value.message, by_link.value.current_status) == (
        by_code.value.code,
        by_code.value.message,
        "closed",
    )
    assert by_link.value.code == "survey_answered"
    assert world.code_attempts.failures(number, world.clock.now()) == 0


def test_a_wrong_code_is_not_found_like_an_unknown_number_and_counts_towards_the_lockout(world: SurveyWorld) -> None:
    number = replied(world)

    with pytest.raises(NotFound) as unknown:
        world.surveys.answer("2611-999999", "12345678", answer("satisfied"))
    for _ in range(MAX_WRONG_CODES):
        with pytest.raises(NotFound) as wrong:
            world.surveys.answer(number, "00000000", answer("satisfied"))
        assert wrong.value.message == unknown.value.message
    with pytest.raises(TooManyAttempts):
        world.surveys.answer(number, world.link_code(number), answer("satisfied"))  # even the right code, for now

    assert world.ticket(number).status is Status.REPLIED


def test_a_partner_answers_its_own_tickets_partner_survey_only(world: SurveyWorld) -> None:
    number = replied(world, Channel.PARTNER, partner_id=CITY_APP.id)
    texted = replied(world, Channel.PARTNER, partner_id=CITY_APP.id, open311=True)

    with pytest.raises(NotFound):
        world.surveys.answer_for_partner(number, CRM, answer("satisfied"))
    with pytest.raises(Conflict) as not_partner:
        world.surveys.answer_for_partner(texted, CITY_APP, answer("satisfied"))
    assert not_partner.value.code == "survey_channel"
    ticket = world.surveys.answer_for_partner(number, CITY_APP, answer("basically_satisfied", solved=True))

    assert (ticket.status, ticket.handling.resolution) == (Status.CLOSED, Resolution.RESOLVED)
    assert world.events(number, "survey.answered")[0].actor == Actor(role="partner", id=CITY_APP.id)


# -- the callback queue -----------------------------------------------------------------------------------


def test_the_callback_queue_lists_calls_oldest_due_first_for_agents_and_supervisors(world: SurveyWorld) -> None:
    later = replied(world, Channel.PHONE)
    world.at(local(2026, 11, 17, 10))  # replied a day earlier: due sooner
    sooner = replied(world, Channel.VISIT)
    replied(world, Channel.WEB)  # texted, not called

    assert [t.number for t in world.surveys.callbacks(AGENT, PageRequest()).items] == [sooner, later]
    first = world.surveys.callbacks(SUPERVISOR, PageRequest(limit=1))
    assert [t.number for t in first.items] == [sooner] and first.next is not None
    with pytest.raises(Forbidden):
        world.surveys.callbacks(URBAN_HANDLER, PageRequest())

    world.surveys.record_call(sooner, AGENT, CallRecord(reached=True, grade=Grade.SATISFIED, solved=True))
    assert [t.number for t in world.surveys.callbacks(AGENT, PageRequest()).items] == [later]


def test_a_call_that_reaches_the_customer_records_their_opinion_with_the_answers_outcome(world: SurveyWorld) -> None:
    number = replied(world, Channel.PHONE)

    ticket = world.surveys.record_call(
        number, AGENT, CallRecord(reached=True, grade=Grade.DISSATISFIED, solved=False, comment="施工仍在继续")
    )

    assert (ticket.status, ticket.handling.counts.reopened) == (Status.IN_PROGRESS, 1)
    (answered,) = world.events(number, "survey.answered")
    assert answered.actor == AGENT.actor
    assert answered.data["comment"] == "施工仍在继续" and answered.data["channel"] == "call"


def test_a_reached_call_must_record_grade_and_solved(world: SurveyWorld) -> None:
    number = replied(world, Channel.PHONE)

    with pytest.raises(InvalidInput) as incomplete:
        world.surveys.record_call(number, AGENT, CallRecord(reached=True, grade=Grade.SATISFIED))

    assert [p.field for p in incomplete.value.fields] == ["solved"]


def test_calls_that_do_not_reach_the_customer_close_the_ticket_no_response_after_the_policys_attempts(
    world: SurveyWorld,
) -> None:
    number = replied(world, Channel.LETTER)
    attempts = world.rules.policy(world.ticket(number)).callback_attempts

    for _ in range(1, attempts):
        ticket = world.surveys.record_call(number, AGENT, CallRecord(reached=False))
        assert ticket.status is Status.REPLIED
        assert [t.number for t in world.surveys.callbacks(AGENT, PageRequest()).items] == [number]
    closed = world.surveys.record_call(number, AGENT, CallRecord(reached=False))

    assert (closed.status, closed.handling.resolution) == (Status.CLOSED, Resolution.NO_RESPONSE)
    assert closed.handling.timers[TimerName.CALLBACK].cancelled_at == REPLIED
    assert [e.data["attempt"] for e in world.events(number, "survey.unreached")] == list(range(1, attempts + 1))
    (expired,) = world.events(number, "survey.expired")
    assert expired.data == {"round": 1, "channel": "call", "attempts": attempts}
    assert world.surveys.callbacks(AGENT, PageRequest()).items == []
    with pytest.raises(Forbidden):
        world.surveys.record_call(number, URBAN_HANDLER, CallRecord(reached=False))
