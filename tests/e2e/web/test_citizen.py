"""The citizen site on a phone, in Chinese and English, against the local cloud: a citizen searches the FAQ, reports a
problem with a photo, keeps the number and access code, tracks the ticket, answers the unit's question and rates the
reply from the texted link, while staff handle the ticket through the API. axe-core finds no serious or critical
problem on any page, and each page is kept as a screenshot."""

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Cloud
from tests.e2e.web.citizen_pages import png, survey_link
from tests.e2e.web.conftest import accessible, shoot
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e

UNIT = "district-urban-management"  # unit1's unit
SHANGHAI = ZoneInfo("Asia/Shanghai")
TITLE = "公交车晚点怎么办"
ARTICLE: dict[str, Any] = {
    "title": TITLE,
    "body": "公交车晚点或不按时发车，可以先拨打公交公司服务电话查询车辆实时到站信息。\n"
    "同一线路经常晚点的，请写明线路、站点和时间反映，由交通部门督促公交公司整改。",
    "category": "transport.bus",
    "keywords": ["公交", "晚点"],
    "public": True,
}


def _staff(http: requests.Session, cloud: Cloud, role: str, number: str, action: str, body: dict[str, Any]) -> None:
    reply = http.post(
        f"{cloud.url}/v1/staff/tickets/{number}/{action}", json=body, headers=cloud.staff(role), timeout=30
    )
    assert reply.status_code == 200, reply.text


def _clean(page: Page, name: str) -> None:
    """No serious or critical accessibility problem on the page as it stands; then it is kept as a screenshot."""
    assert accessible(page) == [], name
    shoot(page, f"citizen-{name}")


@pytest.fixture(scope="module")
def article(cloud: Cloud) -> str:
    reply = requests.post(f"{cloud.url}/v1/staff/knowledge", json=ARTICLE, headers=cloud.staff("knowledge"), timeout=30)
    assert reply.status_code == 201, reply.text
    return str(reply.json()["id"])


def test_the_home_page_finds_faq_answers_in_chinese_and_english(phone: Page, cloud: Cloud, article: str) -> None:
    phone.goto(f"{cloud.url}/")
    expect(phone.locator("h1")).to_have_text("12345 政务服务便民热线")
    expect(phone.locator("html")).to_have_attribute("lang", "zh-CN")
    _clean(phone, "home")

    phone.get_by_label("搜索常见问题").fill("公交车晚点")
    phone.get_by_role("button", name="搜索").click()
    phone.get_by_role("link", name=TITLE).click()

    expect(phone.locator("h1")).to_have_text(TITLE)
    assert phone.url.endswith(f"/faq/{article}"), phone.url
    expect(phone.get_by_text("同一线路经常晚点的")).to_be_visible()
    expect(phone.get_by_text("交通出行 / 公交服务")).to_be_visible()  # the category, named from the catalogue
    _clean(phone, "faq-article")
    phone.go_back()
    expect(phone.get_by_role("link", name=TITLE)).to_be_visible()  # the results are still there

    phone.get_by_role("button", name="English").click()
    expect(phone.locator("h1")).to_have_text("12345 Citizen Service Hotline")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    phone.reload()  # the choice is remembered
    expect(phone.get_by_role("heading", name="Frequently asked questions")).to_be_visible()
    _clean(phone, "home-en")

    phone.get_by_role("navigation").get_by_role("link", name="Report a problem").click()
    expect(phone.locator("h1")).to_have_text("Report a problem")
    expect(phone.locator("#category option", has_text="Bus service")).to_have_count(1)  # the catalogue's English
    _clean(phone, "submit-en")
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator(".summary")).to_be_focused()
    expect(phone.locator("#err-subject")).to_have_text("Please fill this in")
    assert accessible(phone) == []
    phone.get_by_role("button", name="中文").click()
    expect(phone.locator("h1")).to_have_text("我要反映")
    expect(phone.locator("html")).to_have_attribute("lang", "zh-CN")


def test_a_citizen_reports_tracks_answers_and_rates(
    phone: Page, cloud: Cloud, http: requests.Session, article: str, tmp_path: Path
) -> None:
    phone.goto(f"{cloud.url}/submit")
    expect(phone.get_by_role("radio", name="求助")).to_be_visible()  # the catalogue's types
    _clean(phone, "submit")

    phone.get_by_role("button", name="提交").click()  # nothing filled in
    summary = phone.locator(".summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("listitem")).to_have_count(4)  # type, category, subject, description
    expect(phone.locator("#subject")).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#err-subject")).to_have_text("请填写此项")
    assert "err-subject" in (phone.locator("#subject").get_attribute("aria-describedby") or "")
    _clean(phone, "submit-errors")

    phone.get_by_role("radio", name="咨询").check()  # 欠薪 is for complaints and help only
    expect(phone.locator("#category option", has_text="欠薪")).to_have_count(0)
    phone.get_by_role("radio", name="一般诉求").check()
    phone.get_by_role("combobox", name="类别").select_option("transport.bus")
    phone.get_by_label("标题").fill("公交车晚点")
    suggested = phone.get_by_role("region", name="这些常见问题也许能解答您的问题")
    expect(suggested.get_by_role("link", name=TITLE)).to_be_visible()  # the FAQ, before submitting
    description = "88路公交车每天早上在建国门站都晚点二十分钟以上，上班经常迟到。"
    phone.get_by_label("具体情况").fill(description)
    expect(phone.locator("#count-description")).to_have_text(f"已输入 {len(description)} / 4000 字")
    phone.get_by_label("地址（选填）").fill("建国门公交站")
    phone.get_by_role("button", name="使用我的位置").click()
    expect(phone.get_by_text("您没有允许获取位置")).to_be_visible()  # the tab was not allowed
    phone.context.grant_permissions(["geolocation"])
    phone.context.set_geolocation({"latitude": 39.9087, "longitude": 116.4356})
    phone.get_by_role("button", name="使用我的位置").click()
    expect(phone.get_by_text("已附上您的位置")).to_be_visible()
    phone.get_by_label("姓名（选填）").fill("李四")
    phone.get_by_label("手机号码（选填）").fill("12ab")

    note = tmp_path / "readme.txt"
    note.write_text("not a photo")
    phone.get_by_label("添加照片或 PDF").set_input_files([note, png(tmp_path / "站台.png")])
    expect(phone.get_by_text("readme.txt：只能上传图片或 PDF 文件")).to_be_visible()  # refused before any upload
    expect(phone.get_by_text("已上传")).to_be_visible()
    expect(phone.get_by_role("img", name="站台.png 预览")).to_be_visible()

    phone.get_by_role("button", name="提交").click()
    expect(phone.locator("#err-phone")).to_have_text("请填写正确的手机号码")  # the API's 422, next to the field
    expect(phone.locator("#phone")).to_have_attribute("aria-invalid", "true")
    phone.get_by_label("手机号码（选填）").fill("13800138001")
    phone.get_by_role("button", name="提交").click()

    expect(phone.locator("h1")).to_have_text("提交成功")
    number = phone.get_by_test_id("number").inner_text()
    code = phone.get_by_test_id("code").inner_text()
    assert re.fullmatch(r"\d{4}-\d{6}", number) and re.fullmatch(r"\d{8}", code)
    expect(phone.get_by_text("请记下工单编号和查询码")).to_be_visible()
    _clean(phone, "submitted")
    staff_view = http.get(f"{cloud.url}/v1/staff/tickets/{number}", headers=cloud.staff("dispatcher"), timeout=30)
    ticket = staff_view.json()
    assert [a["name"] for a in ticket["attachments"]] == ["站台.png"] and ticket["attachments"][0]["url"]
    assert ticket["location"]["lat"] == pytest.approx(39.9087)
    assert (ticket["subject"], ticket["category"], ticket["type"]) == ("公交车晚点", "transport.bus", "request")

    phone.goto(f"{cloud.url}/track")
    phone.get_by_label("工单编号").fill(number)
    phone.get_by_label("查询码").fill(code)
    phone.get_by_role("button", name="查询").click()
    expect(phone.locator("h1")).to_have_text(f"工单 {number}")
    expect(phone.get_by_test_id("status")).to_have_text("已受理")
    expect(phone.locator(".timeline li")).to_have_count(1)
    expect(phone.get_by_text("站台.png")).to_be_visible()  # the files' names

    _staff(http, cloud, "dispatcher", number, "dispatch", {"unit_id": UNIT})
    _staff(http, cloud, "unit", number, "accept", {})
    phone.get_by_role("button", name="刷新").click()
    expect(phone.get_by_test_id("status")).to_have_text("办理中")
    expect(phone.locator(".timeline")).to_contain_text("承办单位已接单，正在办理")
    due = phone.get_by_test_id("reply-by")
    customer = http.get(f"{cloud.url}/v1/tickets/{number}", params={"code": code}, timeout=30).json()
    expect(due).to_have_attribute("datetime", customer["reply_by"])
    local = datetime.fromisoformat(customer["reply_by"].replace("Z", "+00:00")).astimezone(SHANGHAI)
    expect(due).to_contain_text(f"{local.year}年{local.month}月{local.day}日")
    expect(due).to_contain_text(f"{local:%H:%M}")
    _clean(phone, "track")

    question = "请问具体是哪个方向的站台？"
    _staff(http, cloud, "unit", number, "request-info", {"question": question})
    phone.reload()
    form = phone.get_by_role("region", name="承办单位请您补充材料")
    expect(form.get_by_text(question)).to_be_visible()
    _clean(phone, "info")
    form.get_by_label("您的回答").fill("往国贸方向的站台。")
    form.get_by_role("button", name="提交回答").click()
    expect(phone.get_by_text("已收到您的回答")).to_be_visible()
    expect(phone.get_by_test_id("status")).to_have_text("办理中")
    expect(phone.locator(".timeline")).to_contain_text("往国贸方向的站台。")

    result = "已督促公交公司增加早高峰发车班次。"
    _staff(http, cloud, "unit", number, "reply", {"result": result, "cause_code": "management.coordination"})
    link = wait_for("the survey text", lambda: survey_link(cloud, number))
    phone.goto(link)
    expect(phone.locator("h1")).to_have_text(f"工单 {number} 办理结果评价")
    expect(phone.get_by_test_id("result")).to_have_text(result)  # the result it asks about, before the grades
    expect(phone.get_by_role("button", name="提交评价")).to_be_visible()
    _clean(phone, "survey")
    again = phone.context.new_page()  # the link opened twice (a second tab) before answering
    again.goto(link)
    expect(again.get_by_test_id("result")).to_have_text(result)
    phone.get_by_role("radio", name="满意", exact=True).check()
    phone.get_by_role("radio", name="解决了").check()
    phone.get_by_label("您的意见（选填）").fill("班次多了，谢谢。")
    phone.get_by_role("button", name="提交评价").click()
    expect(phone.get_by_text("感谢您的评价！")).to_be_visible()
    expect(phone.get_by_test_id("status")).to_have_text("已办结")
    _clean(phone, "survey-answered")

    again.get_by_role("radio", name="不满意").check()  # answering again from the link: already answered
    again.get_by_role("radio", name="没有解决").check()
    again.get_by_role("button", name="提交评价").click()
    expect(again.get_by_role("alert")).to_have_text("这次答复您已经评价过了，感谢您的参与。")
    again.close()
    phone.goto(link)  # the texted link opened again after the answer: no second rating, the result shown
    expect(phone.get_by_test_id("survey-state")).to_have_text("这次答复您已经评价过了，感谢您的参与。")
    expect(phone.get_by_test_id("status")).to_have_text("已办结")
    expect(phone.get_by_text(result)).to_be_visible()
    expect(phone.get_by_role("button", name="提交评价")).to_have_count(0)
    _clean(phone, "survey-again")

    phone.goto(f"{cloud.url}/track/{number}?code={code}")
    expect(phone.get_by_test_id("status")).to_have_text("已办结")
    expect(phone.locator(".timeline")).to_contain_text("您已评价")


def test_an_unknown_page_says_so(phone: Page, cloud: Cloud) -> None:
    phone.goto(f"{cloud.url}/no/such/page")
    expect(phone.locator("h1")).to_have_text("页面不存在")
    phone.get_by_role("link", name="返回首页").click()
    expect(phone.locator("h1")).to_have_text("12345 政务服务便民热线")
    phone.goto(f"{cloud.url}/no/such/page")
    _clean(phone, "not-found")


def test_times_are_in_beijing_time_on_a_phone_set_to_another_zone(browser: Browser, cloud: Cloud) -> None:
    form = {"type": "request", "category": "transport.bus", "subject": "公交晚点", "description": "88路公交经常晚点"}
    created = requests.post(f"{cloud.url}/v1/tickets", json=form, timeout=30).json()
    context = browser.new_context(viewport={"width": 390, "height": 844}, timezone_id="America/New_York")
    try:
        page = context.new_page()
        page.goto(f"{cloud.url}/track/{created['number']}?code={created['access_code']}")
        page.get_by_role("button", name="English").click()

        expect(page.locator("h1")).to_have_text(f"Ticket {created['number']}")
        received = datetime.fromisoformat(created["received_at"].replace("Z", "+00:00")).astimezone(SHANGHAI)
        expect(page.locator(f'time[datetime="{created["received_at"]}"]').first).to_contain_text(f"{received:%H:%M}")
        expect(page.get_by_test_id("status")).to_have_text("Received")
        assert accessible(page) == []
    finally:
        context.close()
