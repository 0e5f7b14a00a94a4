"""One ticket's whole journey through the web pages, in a real browser against the local cloud: a citizen reports a
problem with a photo on a phone and tracks it, a dispatcher signs in to the console and dispatches it, the unit
accepts and replies, the citizen rates the reply from the texted link, and an admin adds next year's holiday."""

import re
from datetime import date
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Cloud
from tests.e2e.web.citizen_pages import png, survey_link
from tests.e2e.web.conftest import DESK, PHONE
from tests.e2e.web.console_pages import choose, sign_in, sign_out, submit
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e

URBAN = "district-urban-management"  # unit1's unit
RESULT = "已通知公交公司更换站台顶棚，本周内完成。"


def _report(phone: Page, cloud: Cloud, tmp_path: Path) -> tuple[str, str]:
    """The citizen fills in the form with a photo and keeps the number and access code."""
    phone.goto(f"{cloud.url}/submit")
    phone.get_by_role("radio", name="一般诉求").check()
    phone.get_by_role("combobox", name="类别").select_option("transport.bus")  # no rule routes it: a dispatcher will
    phone.get_by_label("标题").fill("公交站台顶棚破损漏雨")
    phone.get_by_label("具体情况").fill("建国门公交站的顶棚破了一个大洞，下雨时候车的人都被淋湿。")
    phone.get_by_label("地址（选填）").fill("建国门公交站")
    phone.get_by_label("手机号码（选填）").fill("13800138123")
    phone.get_by_label("添加照片或 PDF").set_input_files(png(tmp_path / "站台.png"))
    expect(phone.get_by_text("已上传")).to_be_visible()
    phone.get_by_role("button", name="提交").click()
    expect(phone.locator("h1")).to_have_text("提交成功")
    return phone.get_by_test_id("number").inner_text(), phone.get_by_test_id("code").inner_text()


def _dispatch(desk: Page, cloud: Cloud, number: str) -> None:
    desk.goto(f"{cloud.url}/console/")
    sign_in(desk, cloud, "dispatcher")
    desk.get_by_role("table", name="待派单").get_by_role("link", name=number).click()
    expect(desk.get_by_role("img", name=re.compile("站台.png"))).to_be_visible()  # the photo, by a short-lived link
    choose(desk, "派单")
    desk.get_by_label("承办单位").select_option(URBAN)
    submit(desk, "派单")
    sign_out(desk)


def _accept_and_reply(desk: Page, cloud: Cloud, number: str) -> None:
    sign_in(desk, cloud, "unit")
    desk.get_by_role("table", name="待签收").get_by_role("link", name=number).click()
    choose(desk, "签收")
    submit(desk, "签收")
    choose(desk, "答复")
    desk.get_by_label("办理结果（答复市民）").fill(RESULT)
    desk.get_by_label("原因分类").select_option("management.coordination")
    submit(desk, "答复")
    expect(desk.locator(".badges")).to_contain_text("已答复")
    sign_out(desk)


def _add_holiday(desk: Page, cloud: Cloud, day: str) -> None:
    sign_in(desk, cloud, "admin")
    desk.goto(f"{cloud.url}/console/admin/calendars")
    desk.get_by_role("radio", name="节假日（放假）").check()
    desk.get_by_label("日期", exact=True).fill(day)
    desk.get_by_role("button", name="添加", exact=True).click()
    expect(desk.get_by_role("status")).to_contain_text(f"已添加 1 个节假日：{day}")


def test_a_ticket_from_the_citizens_phone_to_the_unit_and_back(
    browser: Browser, cloud: Cloud, http: requests.Session, tmp_path: Path
) -> None:
    phone = browser.new_context(**PHONE, locale="zh-CN", timezone_id="Asia/Shanghai").new_page()  # type: ignore[arg-type]
    desk = browser.new_context(**DESK, locale="zh-CN", timezone_id="Asia/Shanghai").new_page()  # type: ignore[arg-type]
    try:
        number, code = _report(phone, cloud, tmp_path)

        phone.goto(f"{cloud.url}/track")
        phone.get_by_label("工单编号").fill(number)
        phone.get_by_label("查询码").fill(code)
        phone.get_by_role("button", name="查询").click()
        expect(phone.get_by_test_id("status")).to_have_text("已受理")

        _dispatch(desk, cloud, number)
        _accept_and_reply(desk, cloud, number)

        phone.goto(wait_for("the survey text", lambda: survey_link(cloud, number)))
        expect(phone.get_by_test_id("result")).to_have_text(RESULT)
        phone.get_by_role("radio", name="满意", exact=True).check()
        phone.get_by_role("radio", name="解决了").check()
        phone.get_by_role("button", name="提交评价").click()
        expect(phone.get_by_test_id("status")).to_have_text("已办结")

        holiday = f"{date.today().year + 1}-05-01"
        _add_holiday(desk, cloud, holiday)
        calendar = http.get(f"{cloud.url}/v1/staff/calendars/cn", headers=cloud.staff("admin"), timeout=30).json()
        assert holiday in calendar["holidays"]

        ticket = http.get(f"{cloud.url}/v1/staff/tickets/{number}", headers=cloud.staff("admin"), timeout=30).json()
        assert (ticket["status"], ticket["resolution"], ticket["unit_id"]) == ("closed", "resolved", URBAN)
        assert [a["name"] for a in ticket["attachments"]] == ["站台.png"]
    finally:
        phone.context.close()
        desk.context.close()
