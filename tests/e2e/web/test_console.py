"""The staff console in a real browser against the local cloud: signing in, the work queues and the ticket page.

The local cloud runs an hour of deadlines a second, so the ticket clock keeps changing an open ticket (reminders,
breaches, escalations) while a person fills in a form: each form still works the first time, as the console sends no
`version` and the API acts on the ticket as it is now. What a person changed meanwhile is refused by the ticket's
status, and the page shows the ticket as it is now.
"""

import re
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Cloud
from tests.e2e.web.conftest import accessible, shoot
from tests.e2e.web.console_pages import choose, sign_in, sign_out, submit
from tests.support.forms import BUS

pytestmark = pytest.mark.e2e

URBAN = "district-urban-management"


def submitted(cloud: Cloud, http: requests.Session, subject: str) -> str:
    """A bus request from the public form, which no routing rule dispatches: it waits in 待派单."""
    body = {**BUS, "subject": subject, "contact": {"name": "李四", "phone": "13900139000"}}
    reply = http.post(f"{cloud.url}/v1/tickets", json=body, timeout=30)
    assert reply.status_code == 201, reply.text
    number: str = reply.json()["number"]
    return number


def staff_ticket(cloud: Cloud, http: requests.Session, number: str) -> dict[str, Any]:
    reply = http.get(f"{cloud.url}/v1/staff/tickets/{number}", headers=cloud.staff("supervisor"), timeout=30)
    assert reply.status_code == 200, reply.text
    ticket: dict[str, Any] = reply.json()
    return ticket


def test_a_dispatcher_dispatches_a_ticket_and_its_unit_accepts_and_replies(
    desk: Page, cloud: Cloud, http: requests.Session
) -> None:
    number = submitted(cloud, http, "88路公交经常晚点（工作台）")

    desk.goto(f"{cloud.url}/console/")
    expect(desk).to_have_url(re.compile(r"/console/signin\?next="))
    shoot(desk, "console-sign-in")
    assert accessible(desk) == []
    sign_in(desk, cloud, "dispatcher", password="not-the-password-1A!")
    expect(desk.get_by_role("alert")).to_have_text("用户名或密码错误。")
    sign_in(desk, cloud, "dispatcher")

    expect(desk).to_have_url(re.compile(r"/console/queues/dispatch$"))
    queue = desk.get_by_role("table", name="待派单")
    expect(queue.get_by_role("link", name=number)).to_be_visible()
    shoot(desk, "console-queue-dispatch")
    assert accessible(desk) == []
    queue.get_by_role("link", name=number).click()

    expect(desk.get_by_role("heading", level=1)).to_contain_text(number)
    expect(desk.get_by_text("13900139000")).to_be_visible()  # staff see the contact
    choose(desk, "派单")
    desk.get_by_label("承办单位").select_option(URBAN)
    submit(desk, "派单")
    expect(desk.locator(".badges")).to_contain_text("已派单")
    sign_out(desk)

    sign_in(desk, cloud, "unit")
    expect(desk).to_have_url(re.compile(r"/console/queues/inbox$"))
    inbox = desk.get_by_role("table", name="待签收")
    expect(inbox.get_by_role("link", name=number)).to_be_visible()
    shoot(desk, "console-queue-inbox")
    inbox.get_by_role("link", name=number).click()

    choose(desk, "签收")
    submit(desk, "签收")
    expect(desk.locator(".badges")).to_contain_text("办理中")
    choose(desk, "答复")
    desk.get_by_label("办理结果（答复市民）").fill("已联系公交公司，88路将增加早高峰班次。")
    desk.get_by_label("原因分类").select_option("management.coordination")
    submit(desk, "答复")
    expect(desk.locator(".badges")).to_contain_text("已答复")
    expect(desk.get_by_role("group", name="可办理的操作")).to_have_count(0)  # nothing left for the unit to do
    timeline = desk.locator(".timeline")
    for step in ("受理", "派单", "签收", "答复"):
        expect(timeline).to_contain_text(step)
    shoot(desk, "console-ticket")
    assert accessible(desk) == []

    ticket = staff_ticket(cloud, http, number)
    assert (ticket["status"], ticket["unit_id"]) == ("replied", URBAN)
    assert ticket["handling"]["cause_code"] == "management.coordination"
    assert [e["actor"]["id"] for e in ticket["timeline"] if e["type"] in ("ticket.dispatched", "ticket.replied")] == [
        "dispatcher1",
        "unit1",
    ]


def test_every_queue_of_a_supervisor_loads(desk: Page, cloud: Cloud) -> None:
    desk.goto(f"{cloud.url}/console/")
    sign_in(desk, cloud, "supervisor")
    tabs = desk.get_by_role("navigation", name="队列").get_by_role("link")
    expect(tabs).to_have_text(["待派单", "超期", "待回访", "延期待审批", "督办", "问题工单"])

    desk.get_by_label("分类").select_option(label="交通出行 · 公交服务")  # a filter the API takes
    expect(desk.get_by_role("table", name="待派单")).to_have_attribute("aria-busy", "false")
    expect(desk.get_by_role("alert")).to_have_count(0)

    for name in tabs.all_inner_texts():
        tabs.filter(has_text=name).click()
        expect(desk.get_by_role("heading", level=1)).to_have_text(f"工单队列 · {name}")
        expect(desk.get_by_role("table", name=name)).to_have_attribute("aria-busy", "false")
        expect(desk.get_by_role("alert")).to_have_count(0)  # the API took the queue's filters
        queue = desk.url.rsplit("/", 1)[-1]
        if queue != "dispatch":  # kept with a ticket in it by the dispatcher's test
            shoot(desk, f"console-queue-{queue}")
        assert accessible(desk) == []


def test_an_action_the_api_refuses_shows_its_message(desk: Page, cloud: Cloud, http: requests.Session) -> None:
    number = submitted(cloud, http, "公交站牌破损（工作台）")

    desk.goto(f"{cloud.url}/console/tickets/{number}")
    sign_in(desk, cloud, "dispatcher")
    expect(desk.get_by_role("heading", level=1)).to_contain_text(number)  # back where the link pointed

    choose(desk, "办结")
    desk.get_by_label("办结方式").select_option(label="重复诉求")
    desk.get_by_label("重复于工单编号").fill("2601-999999")  # no such ticket
    desk.get_by_role("button", name="提交办结").click()
    expect(desk.get_by_role("alert").filter(has_text="办结未成功")).to_contain_text("duplicate of what?")
    expect(desk.get_by_text("name the existing ticket this one duplicates")).to_be_visible()  # next to its field
    assert staff_ticket(cloud, http, number)["status"] == "received"

    # A supervisor dispatches the ticket while the dispatcher fills in the same form: the API refuses it by the
    # ticket's status, and the page shows the ticket as it is now, without the form it no longer allows.
    choose(desk, "派单")
    desk.get_by_label("承办单位").select_option(URBAN)
    reply = http.post(
        f"{cloud.url}/v1/staff/tickets/{number}/dispatch",
        json={"unit_id": URBAN},
        headers=cloud.staff("supervisor"),
        timeout=30,
    )
    assert reply.status_code == 200, reply.text
    desk.get_by_role("button", name="提交派单").click()
    expect(desk.get_by_role("alert").filter(has_text="派单未成功")).to_contain_text("dispatched")
    expect(desk.locator(".badges")).to_contain_text("已派单")
    actions = desk.get_by_role("group", name="可办理的操作")
    expect(actions.get_by_role("button", name="派单", exact=True)).to_have_count(0)
    expect(desk.locator("form#action-dispatch")).to_have_count(0)


def test_a_dispatcher_binds_a_ticket_to_a_similar_one_and_undoes_it(
    desk: Page, cloud: Cloud, http: requests.Session
) -> None:
    primary = submitted(cloud, http, "12路公交车站牌缺失")
    number = submitted(cloud, http, "12路公交车站牌缺失")

    desk.goto(f"{cloud.url}/console/tickets/{number}")
    sign_in(desk, cloud, "dispatcher")
    similar = desk.get_by_role("table", name="相似工单（可能为同一事项）")
    row = similar.get_by_role("row").filter(has=desk.get_by_role("link", name=primary))
    row.get_by_role("button", name="并入此工单").click()

    expect(desk.get_by_role("status")).to_have_text("已完成：合并办理。")
    related = desk.get_by_role("region", name="关联工单")
    expect(related.locator("dt", has_text="并入主工单").locator("+ dd")).to_have_text(primary)
    assert staff_ticket(cloud, http, number)["handling"]["primary"] == primary

    expect(desk.get_by_role("region", name="来电人档案")).to_contain_text("近 30 天来电")
    choose(desk, "取消合并")
    submit(desk, "取消合并")
    expect(related.locator("dt", has_text="并入主工单")).to_have_count(0)
    assert staff_ticket(cloud, http, number)["handling"]["primary"] is None
