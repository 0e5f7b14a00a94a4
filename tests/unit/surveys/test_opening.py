"""Each reply opens the survey of its round, by the channel that reaches the customer: a text with a one-time link,
the partner, or a callback call."""

import pytest
from hotline.domain.base.paging import PageRequest
from hotline.domain.tickets.catalog import Channel
from hotline.domain.tickets.customer_message import MessageKind
from hotline.domain.tickets.survey import SurveyChannel
from hotline.domain.tickets.timers import TimerName

from tests.unit.fakes import TEST_PEPPER
from tests.unit.surveys.world import EXPIRES, MOBILE, REPLIED, SurveyWorld, answer
from tests.unit.ticket_world import SITE, local


@pytest.fixture
def world() -> SurveyWorld:
    world = SurveyWorld()
    world.at(REPLIED)
    return world


@pytest.mark.parametrize(
    ("channel", "phone", "where", "expected"),
    [
        (Channel.WEB, MOBILE, {}, SurveyChannel.SMS),
        (Channel.MOBILE, "+86 138-0013-8000", {}, SurveyChannel.SMS),
        (Channel.PARTNER, MOBILE, {"partner_id": "city-app", "open311": True}, SurveyChannel.SMS),
        (Channel.PARTNER, MOBILE, {"partner_id": "city-app"}, SurveyChannel.PARTNER),
        (Channel.PARTNER, None, {"partner_id": "city-app", "open311": True}, SurveyChannel.PARTNER),
        (Channel.PHONE, MOBILE, {}, SurveyChannel.CALL),
        (Channel.LETTER, None, {}, SurveyChannel.CALL),
        (Channel.VISIT, MOBILE, {}, SurveyChannel.CALL),
        (Channel.WEB, "010-6512 3456", {}, SurveyChannel.CALL),  # a landline cannot take a text
        (Channel.WEB, None, {}, SurveyChannel.CALL),
    ],
)
def test_the_survey_goes_by_the_channel_that_reaches_the_customer(
    world: SurveyWorld, channel: Channel, phone: str | None, where: dict[str, object], expected: SurveyChannel
) -> None:
    number = world.submit(channel, phone, **where)
    world.reply(number)

    survey = world.ticket(number).handling.survey
    assert survey is not None and survey.channel is expected


def test_a_texted_survey_goes_with_the_reply_and_a_one_time_link_only_hashed_on_the_ticket(world: SurveyWorld) -> None:
    number = world.submit()
    world.reply(number)

    ticket = world.ticket(number)
    survey = ticket.handling.survey
    assert survey is not None
    assert (survey.round, survey.sent_at, survey.expires_at) == (1, REPLIED, EXPIRES)
    reply = world.texts(number)[-1]
    assert (reply.kind, reply.to, reply.not_before) == (MessageKind.REPLY, "+8613800138000", REPLIED)
    assert "已责令施工方夜间停工" in reply.text and f"{SITE}/survey/{number}?code=" in reply.text
    token = world.link_code(number)
    assert len(token) >= 20  # 128 random bits
    assert survey.token_hash == TEST_PEPPER.link_token_hash(number, token)
    assert token not in ticket.model_dump_json()  # only its keyed hash is kept
    (sent,) = world.events(number, "survey.sent")
    assert sent.data == {"round": 1, "channel": "sms", "expires_at": "2026-11-20T10:00:00.000Z"}
    assert ticket.customer_due == EXPIRES  # the sweep comes back to expire it


def test_a_reply_in_quiet_hours_is_texted_at_eight_with_the_survey_then_sent(world: SurveyWorld) -> None:
    number = world.submit()
    world.at(local(2026, 11, 18, 22))
    texts_before = len(world.texts(number))
    world.reply(number)

    ticket = world.ticket(number)
    survey = ticket.handling.survey
    assert survey is not None
    assert (survey.sent_at, survey.send_at, survey.expires_at, survey.token_hash) == (
        None,
        local(2026, 11, 19, 8),
        None,
        None,
    )
    assert len(world.texts(number)) == texts_before  # nothing goes at 22:00, no link exists yet
    assert not world.events(number, "survey.sent")
    assert ticket.customer_due == local(2026, 11, 19, 8)


def test_a_partner_survey_is_sent_at_once_for_the_partners_webhook(world: SurveyWorld) -> None:
    number = world.submit(Channel.PARTNER, partner_id="city-app")
    world.at(local(2026, 11, 18, 23))  # quiet hours hold texts, not webhooks
    world.reply(number)

    survey = world.ticket(number).handling.survey
    assert survey is not None
    assert survey.sent_at == local(2026, 11, 18, 23)
    assert survey.expires_at == local(2026, 11, 23, 18)  # counted from Thursday's opening: Friday and Monday
    assert [e.data["channel"] for e in world.events(number, "survey.sent")] == ["partner"]
    assert not [m for m in world.texts(number) if m.kind is MessageKind.REPLY]


def test_a_callback_survey_waits_in_the_queue_and_never_expires(world: SurveyWorld) -> None:
    number = world.submit(Channel.PHONE)
    world.reply(number)

    ticket = world.ticket(number)
    survey = ticket.handling.survey
    assert survey is not None
    assert (survey.sent_at, survey.expires_at) == (None, None)
    assert ticket.customer_due is None  # nothing for the sweep
    assert ticket.callback_due == ticket.handling.timers[TimerName.CALLBACK].due
    assert [t.number for t in world.store.callbacks(PageRequest()).items] == [number]
    assert not world.events(number, "survey.sent")


def test_each_reply_opens_a_new_round(world: SurveyWorld) -> None:
    number = world.submit()
    world.reply(number)
    first = world.link_code(number)
    world.surveys.answer(number, first, answer("dissatisfied"))
    world.reply(number)

    ticket = world.ticket(number)
    assert ticket.handling.counts.replies == 2
    survey = ticket.handling.survey
    assert survey is not None and survey.round == 2 and survey.answered_at is None
    assert world.link_code(number) != first
    assert [e.data["round"] for e in world.events(number, "survey.sent")] == [1, 2]
