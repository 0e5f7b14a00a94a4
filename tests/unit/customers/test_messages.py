"""What customers are told by text: the receipt, quiet hours in the calendar's zone, templates as admin data, and
never the customer's name or address."""

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hotline.domain.base.calendar import china_calendar
from hotline.domain.base.errors import Forbidden
from hotline.domain.config.admin import ConfigAdmin
from hotline.domain.config.messages import DEFAULT_TEMPLATES, PLACEHOLDERS, MessageTemplates
from hotline.domain.customers.messages import sending_opens
from hotline.domain.handling import commands as c
from hotline.domain.staff.roles import Role
from hotline.domain.tickets.catalog import Channel
from hotline.domain.tickets.customer_message import CustomerMessage, MessageKind
from hotline.domain.tickets.ticket import Actor
from pydantic import ValidationError

from tests.unit.fakes import FakeCalendarRepository, FakeHandlingConfigRepository, FakeUnitRepository, demo_rules
from tests.unit.ticket_world import AGENT, SITE, URBAN_HANDLER, World, draft, local, staff

CUSTOMER = {"name": "张三", "phone": "138 0013 8000"}
HOME = {"address": "北京市朝阳区建国路88号3号楼2单元501室", "lat": 39.9087, "long": 116.4605}
ADMIN = staff(Role.ADMIN, username="admin1")
URUMQI = ZoneInfo("Asia/Urumqi")  # UTC+6: two hours behind Shanghai


def receipt_of(world: World, number: str) -> CustomerMessage:
    (receipt,) = [m for m in world.store.messages if m.kind is MessageKind.RECEIPT]
    assert receipt.number == number
    return receipt


# -- the receipt ----------------------------------------------------------------------------------------


def test_the_receipt_is_on_the_first_write_with_the_number_the_code_and_the_tracking_link() -> None:
    world = World()  # Wed 30 Sep 2026, 10:00 in Shanghai

    number = world.receive(draft(contact=CUSTOMER, location=HOME))

    first = world.store.stream[0]
    (receipt,) = first.messages
    assert (receipt.kind, receipt.to, receipt.not_before) == (
        MessageKind.RECEIPT,
        "+8613800138000",
        local(2026, 9, 30, 10),
    )
    assert number in receipt.text and world.codes[number] in receipt.text
    assert f"{SITE}/track/{number}" in receipt.text
    assert "张三" not in receipt.text and "建国路" not in receipt.text
    assert first.ticket.handling.held_messages == []


def test_a_ticket_without_a_mobile_number_gets_no_text() -> None:
    world = World()
    world.receive(draft(contact={"name": "张三", "phone": "010-6512 3456"}))  # a landline
    world.receive()
    assert world.store.messages == []


def test_a_partners_customer_hears_from_the_partner_and_an_open311_customer_by_text() -> None:
    world = World()
    partner = Actor(role="partner", id="city-app")

    world.intake.register(draft(contact=CUSTOMER), Channel.PARTNER, partner, partner_id="city-app")
    assert world.store.messages == []  # the partner has the number and code, and every event by webhook

    world.intake.register(draft(contact=CUSTOMER), Channel.PARTNER, partner, partner_id="city-app", open311=True)
    assert [m.kind for m in world.store.messages] == [MessageKind.RECEIPT]


def test_a_receipt_at_23_00_waits_on_the_ticket_for_08_00_the_next_day() -> None:
    world = World()
    world.at(local(2026, 9, 30, 23))

    number = world.receive(draft(contact=CUSTOMER))

    assert world.store.stream[0].messages == []
    (held,) = world.ticket(number).handling.held_messages
    assert (held.kind, held.not_before) == (MessageKind.RECEIPT, local(2026, 10, 1, 8))
    assert world.codes[number] in held.text  # the plain code waits on the ticket until the text goes
    assert world.ticket(number).customer_due == local(2026, 10, 1, 8)


def test_quiet_hours_follow_the_zone_of_the_tickets_calendar() -> None:
    west = china_calendar().model_copy(update={"time_zone": "Asia/Urumqi"})
    rules = demo_rules()
    world = World(rules=replace(rules, calendar_of={"cn": west}.get))
    world.at(local(2026, 9, 30, 9))  # 09:00 in Shanghai is 07:00 in Urumqi: still quiet there

    number = world.receive(draft(contact=CUSTOMER))

    (held,) = world.ticket(number).handling.held_messages
    assert held.not_before == datetime(2026, 9, 30, 8, tzinfo=URUMQI) == local(2026, 9, 30, 10)


@pytest.mark.parametrize(
    ("now", "opens"),
    [
        (datetime(2026, 9, 30, 23, tzinfo=ZoneInfo("Asia/Shanghai")), local(2026, 10, 1, 8)),
        (local(2026, 9, 30, 7, 59), local(2026, 9, 30, 8)),
        (local(2026, 9, 30, 8), local(2026, 9, 30, 8)),
        (local(2026, 9, 30, 20, 59), local(2026, 9, 30, 20, 59)),
        (local(2026, 9, 30, 21), local(2026, 10, 1, 8)),
        # 23:00 in Shanghai is 15:00 UTC: the next 08:00 is Shanghai's, a day later in UTC too.
        (datetime(2026, 9, 30, 15, tzinfo=UTC), datetime(2026, 10, 1, 0, tzinfo=UTC)),
    ],
)
def test_texts_go_out_between_08_00_and_21_00_in_the_zone(now: datetime, opens: datetime) -> None:
    assert sending_opens(now, "Asia/Shanghai") == opens


def test_the_same_instant_is_quiet_in_one_zone_and_not_in_another() -> None:
    evening = datetime(2026, 9, 30, 14, 30, tzinfo=UTC)  # 22:30 in Shanghai, 20:30 in Urumqi
    assert sending_opens(evening, "Asia/Urumqi") == evening
    assert sending_opens(evening, "Asia/Shanghai") == local(2026, 10, 1, 8)


# -- a unit's words never carry the customer's name or address -----------------------------------------


def test_a_question_naming_the_customer_or_their_address_is_texted_without_them() -> None:
    world = World()
    number = world.receive(draft(contact=CUSTOMER, location=HOME), wake=True)
    world.act(number, URBAN_HANDLER, c.Accept())

    world.act(number, URBAN_HANDLER, c.RequestInfo(question=f"张三您好，请确认{HOME['address']}是否为施工地点"))

    (question,) = [m for m in world.store.messages if m.kind is MessageKind.QUESTION]
    assert "张三" not in question.text and "建国路" not in question.text
    assert "***您好，请确认***是否为施工地点" in question.text
    assert world.ticket(number).handling.public_note == f"张三您好，请确认{HOME['address']}是否为施工地点"


# -- templates as data ----------------------------------------------------------------------------------


def test_every_kind_of_text_has_a_default_template_using_only_what_it_provides() -> None:
    for kind in MessageKind:
        assert DEFAULT_TEMPLATES.of(kind)
        assert kind in PLACEHOLDERS


def test_texts_follow_the_templates_in_force() -> None:
    templates = DEFAULT_TEMPLATES.model_copy(update={"receipt": "【市民热线】{number}已受理，查询码{code}。{link}"})
    world = World(rules=demo_rules(templates=templates))

    number = world.receive(draft(contact=CUSTOMER))

    code = world.codes[number]
    assert receipt_of(world, number).text == f"【市民热线】{number}已受理，查询码{code}。{SITE}/track/{number}"


@pytest.mark.parametrize(
    ("field", "template", "problem"),
    [
        ("receipt", "您好{name}，工单号{number}", "{name} is not a placeholder of this text"),
        ("question", "工单{number}：地址{address}", "{address} is not a placeholder of this text"),
        ("survey", "请评价{result}：{link}", "{result} is not a placeholder of this text"),
        ("reply", "工单{}已办理", "{} is not a placeholder of this text"),
        ("reply", "工单{number:>20}已办理", "write {number} as it is, without a format or conversion"),
        ("reply", "工单{number!r}已办理", "write {number} as it is, without a format or conversion"),
        ("reply", "工单{number.real}已办理", "{number.real} is not a placeholder of this text"),
        ("receipt", "工单{number", "not a template"),
        ("receipt", "   ", "at least 1 character"),
        ("question", "长" * 301, "at most 300 characters"),
    ],
)
def test_a_template_that_does_not_fit_its_kind_is_refused_naming_it(field: str, template: str, problem: str) -> None:
    with pytest.raises(ValidationError) as error:
        MessageTemplates.model_validate({**DEFAULT_TEMPLATES.model_dump(), field: template})

    (found,) = error.value.errors()
    assert found["loc"] == (field,)
    assert problem in found["msg"]


def test_a_template_may_leave_out_placeholders_and_write_braces_twice() -> None:
    templates = MessageTemplates.model_validate(
        {**DEFAULT_TEMPLATES.model_dump(), "survey": "{{12345}} 请评价：{link}"}
    )
    assert templates.survey.format(number="2610-000001", link="L") == "{12345} 请评价：L"


def test_only_admins_read_and_replace_the_templates() -> None:
    admin = ConfigAdmin(FakeCalendarRepository(), FakeHandlingConfigRepository(), FakeUnitRepository())
    changed = DEFAULT_TEMPLATES.model_copy(update={"survey": "请评价工单{number}：{link}"})

    for who in (AGENT, URBAN_HANDLER):
        with pytest.raises(Forbidden):
            admin.messages(who)
        with pytest.raises(Forbidden):
            admin.replace_messages(who, changed)

    assert admin.messages(ADMIN) == DEFAULT_TEMPLATES
    assert admin.replace_messages(ADMIN, changed) == changed
    assert admin.messages(ADMIN).survey == "请评价工单{number}：{link}"
