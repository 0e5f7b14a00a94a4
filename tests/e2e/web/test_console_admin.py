"""The staff console's knowledge, incidents, reports and admin pages on a desk-sized tab against the local cloud: an
admin adds next year's holidays and a make-up workday and the API then counts with them, an editor writes an article
and finds it, a supervisor declares and dismisses an incident and orders a report whose charts and files appear, an
admin creates a partner and sees its key once, and edits units and policies. Each page is kept as a screenshot and
axe-core finds no serious or critical problem on it."""

import json
from datetime import date, timedelta

import pytest
import requests
from playwright.sync_api import Page, expect

from infra.local.units import DEMO_UNITS
from tests.e2e.conftest import Cloud
from tests.e2e.web.conftest import accessible, shoot
from tests.e2e.web.console_pages import sign_in
from tests.support.forms import FORM

pytestmark = pytest.mark.e2e


def second_working_day_after(received: date, calendar: dict[str, list[str]]) -> date:
    """The close of 2 working days, as the calendar counts them (the day of receipt not counted)."""

    def working(day: date) -> bool:
        iso = day.isoformat()
        return iso not in calendar["holidays"] and (day.isoweekday() < 6 or iso in calendar["workdays"])

    day, counted = received, 0
    while not working(day):  # received on a rest day: counted from the next working day's opening
        day += timedelta(days=1)
    while counted < 2:
        day += timedelta(days=1)
        counted += working(day)
    return day


def open_page(page: Page, cloud: Cloud, path: str, heading: str) -> None:
    page.goto(f"{cloud.url}/console/{path}")
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()


def test_an_admin_adds_next_years_holidays_and_a_make_up_workday(
    cloud: Cloud, desk: Page, http: requests.Session
) -> None:
    year = date.today().year + 1
    sign_in(desk, cloud, "admin")
    open_page(desk, cloud, "admin/calendars", "工作日历")
    expect(desk.get_by_role("heading", name="（cn）")).to_be_visible()
    # The built-in calendar is listed though no one stored it (GET /v1/staff/calendars).
    expect(desk.get_by_label("日历", exact=True).locator("option[value=cn]")).to_have_text(
        "中国大陆 (China mainland)（cn）"
    )

    desk.get_by_role("radio", name="节假日（放假）").check()
    desk.get_by_label("日期", exact=True).fill(f"{year}-10-01")
    desk.get_by_label("至（可选，连续多天）").fill(f"{year}-10-07")
    desk.get_by_role("button", name="添加", exact=True).click()
    expect(desk.get_by_role("status")).to_contain_text(f"已添加 7 个节假日：{year}-10-01 至 {year}-10-07")

    desk.get_by_role("radio", name="调休上班日").check()
    desk.get_by_label("日期", exact=True).fill(f"{year}-10-09")
    desk.get_by_role("button", name="添加", exact=True).click()
    expect(desk.get_by_role("status")).to_contain_text(f"已添加 1 个调休上班日：{year}-10-09")

    # The page shows the year just changed, each day under its kind.
    expect(desk.get_by_role("heading", name=f"{year} 年")).to_be_visible()
    holidays, workdays = desk.locator("table[data-kind=holidays]"), desk.locator("table[data-kind=workdays]")
    expect(holidays.get_by_role("rowheader", name=f"{year}-10-07")).to_be_visible()
    expect(workdays.get_by_role("rowheader", name=f"{year}-10-09")).to_be_visible()
    assert accessible(desk) == []
    shoot(desk, "console-calendars")

    calendar = http.get(f"{cloud.url}/v1/staff/calendars/cn", headers=cloud.staff("admin"), timeout=30).json()
    assert {f"{year}-10-0{d}" for d in range(1, 8)} <= set(calendar["holidays"])
    assert f"{year}-10-09" in calendar["workdays"]
    # … and deadlines count with them: 2 working days from 30 September skip the holidays and take the make-up day.
    due = http.get(
        f"{cloud.url}/v1/staff/calendars/cn/deadline",
        params={"from": f"{year}-09-30T02:00:00Z", "amount": 2, "unit": "working_days"},
        headers=cloud.staff("admin"),
        timeout=30,
    ).json()
    assert due["due_local"] == f"{second_working_day_after(date(year, 9, 30), calendar)}T18:00:00.000+08:00"

    # A day added by mistake is removed again.
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.get_by_role("button", name=f"删除调休上班日 {year}-10-09").click()
    expect(desk.get_by_role("status")).to_contain_text(f"已删除 {year}-10-09")
    calendar = http.get(f"{cloud.url}/v1/staff/calendars/cn", headers=cloud.staff("admin"), timeout=30).json()
    assert f"{year}-10-09" not in calendar["workdays"]


def test_an_editor_writes_an_article_and_finds_it(cloud: Cloud, desk: Page) -> None:
    sign_in(desk, cloud, "knowledge")
    open_page(desk, cloud, "knowledge", "知识库")
    desk.get_by_role("button", name="新建文章").click()
    desk.get_by_label("标题").fill("夜间施工噪音投诉处理指南")
    desk.get_by_label("正文").fill(
        "夜间22时至次日6时，禁止在居民区附近进行产生噪音的建筑施工作业。\n来电反映夜间施工噪音的，请记录工地地址和施工时间，交区城管局查处。"
    )
    desk.get_by_label("类别").select_option("urban.noise")
    desk.get_by_label("关键词").fill("噪音，施工，扰民")
    desk.get_by_label("公开（群众可在网站常见问题中检索）").check()
    desk.get_by_label("负责单位").select_option("district-urban-management")
    desk.get_by_role("button", name="发布文章").click()
    expect(desk.get_by_role("status")).to_contain_text("已发布《夜间施工噪音投诉处理指南》")
    expect(desk.get_by_role("heading", level=2, name="夜间施工噪音投诉处理指南")).to_be_visible()

    # Searched in other words (traditional characters, a phrase), it comes first, its match marked.
    desk.get_by_role("searchbox", name="检索词").fill("夜間施工噪音")
    desk.get_by_role("button", name="搜索").click()
    results = desk.get_by_role("list", name="检索结果")
    first = results.get_by_role("listitem").first
    expect(first.get_by_role("button", name="夜间施工噪音投诉处理指南")).to_be_visible()
    expect(first.locator("mark").first).to_be_visible()
    first.get_by_role("button", name="夜间施工噪音投诉处理指南").click()
    expect(desk.get_by_text("被引用")).to_be_visible()
    expect(desk.get_by_text("0 次（直办答复）")).to_be_visible()
    assert accessible(desk) == []
    shoot(desk, "console-knowledge")

    # A revision is a new version.
    desk.get_by_role("button", name="修订").click()
    desk.get_by_label("标题").fill("夜间施工噪音投诉处理指南（2027年修订）")
    desk.get_by_role("button", name="保存修订").click()
    expect(desk.get_by_role("status")).to_contain_text("已保存第 2 版")


def test_a_supervisor_declares_an_incident_from_tickets_and_dismisses_it(
    cloud: Cloud, desk: Page, http: requests.Session
) -> None:
    numbers = []
    for _ in range(2):
        created = http.post(f"{cloud.url}/v1/tickets", json=FORM, timeout=30)
        assert created.status_code == 201, created.text
        numbers.append(created.json()["number"])

    sign_in(desk, cloud, "supervisor")
    open_page(desk, cloud, "incidents", "重大事件")
    desk.get_by_label("工单编号").fill(" ".join(numbers))
    desk.get_by_label("标题（可选）").fill("建国路夜间施工噪音")
    desk.get_by_role("button", name="认定为重大事件").click()
    # Declaring binds the tickets under the primary before it answers.
    expect(desk.get_by_role("heading", level=1, name="建国路夜间施工噪音")).to_be_visible(timeout=30_000)
    tickets = desk.locator("section", has=desk.get_by_role("heading", name="工单（2）"))
    for number in numbers:
        expect(tickets.get_by_role("link", name=number)).to_be_visible()
    expect(tickets.get_by_text("…")).to_have_count(0)  # each ticket's status read
    expect(tickets.get_by_text("无法读取")).to_have_count(0)
    expect(tickets.get_by_text("主工单")).to_be_visible()
    assert accessible(desk) == []
    shoot(desk, "console-incident")

    desk.get_by_role("link", name="← 重大事件").click()
    row = desk.get_by_role("row", name="建国路夜间施工噪音")
    expect(row).to_contain_text("处置中")
    expect(row).to_contain_text("人工认定")
    assert accessible(desk) == []
    shoot(desk, "console-incidents")

    row.get_by_role("link", name="建国路夜间施工噪音").click()
    desk.get_by_label("原因（可选）").fill("同一工地，已由城管当场处理")
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.get_by_role("button", name="撤销事件").click()
    expect(desk.get_by_role("status")).to_contain_text("事件已撤销")
    expect(desk.get_by_text("已撤销（误报）")).to_be_visible()


def test_the_reports_page_draws_todays_charts_and_orders_a_report(cloud: Cloud, desk: Page) -> None:
    sign_in(desk, cloud, "supervisor")
    open_page(desk, cloud, "reports", "报表")
    charts = desk.locator("figure.chart canvas")
    expect(charts).to_have_count(2)
    for i in range(2):
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50, box
    # chart.js drew on them: the canvas is not blank.
    assert charts.first.evaluate(
        "c => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some(v => v !== 0)"
    )
    expect(desk.get_by_role("img", name="考核指标（%）")).to_be_visible()
    expect(desk.get_by_role("row", name="按时办结率").first).to_be_visible()

    today = date.today().isoformat()
    desk.get_by_label("起始日期").fill(today)
    desk.get_by_label("截止日期").fill(today)
    desk.get_by_role("button", name="生成报表").click()
    expect(desk.get_by_text(f"自定义 · {today} 至 {today}")).to_be_visible()
    # Ready within a minute: the page looks again by itself, then links the files.
    expect(desk.get_by_role("heading", name="文件下载")).to_be_visible(timeout=90_000)
    for name in ("JSON", "CSV", "XLSX", "HTML"):
        expect(desk.get_by_text(f"（{name}，")).to_be_visible()
    assert accessible(desk) == []
    shoot(desk, "console-reports")


def test_an_admin_creates_a_partner_and_sees_its_key_once(cloud: Cloud, desk: Page, http: requests.Session) -> None:
    sign_in(desk, cloud, "admin")
    open_page(desk, cloud, "admin/partners", "合作方")
    expect(desk.locator("tr[data-partner=demo-partner]")).to_be_visible()
    desk.get_by_label("ID", exact=True).fill("city-app")
    desk.get_by_label("名称", exact=True).fill("市民服务 App")
    desk.get_by_label("联系邮箱").fill("ops@city.example")
    desk.get_by_role("button", name="创建并发放密钥").click()

    shown = desk.get_by_role("alert").filter(has_text="此密钥只显示这一次")
    expect(shown).to_be_visible()
    key = desk.get_by_label("API 密钥（请求头 x-api-key）").input_value()
    assert len(key) >= 20
    assert accessible(desk) == []
    shoot(desk, "console-partners")
    # The key works at once …
    listed = http.get(f"{cloud.url}/v1/partner/tickets", headers={"x-api-key": key}, timeout=30)
    assert listed.status_code == 200, listed.text
    # … and once closed it is nowhere on the page, nor after a reload.
    desk.get_by_role("button", name="我已妥善保存，关闭").click()
    expect(shown).to_have_count(0)
    expect(desk.locator("tr[data-partner=city-app]")).to_contain_text("正常")
    assert key not in desk.content()
    desk.reload()
    expect(desk.locator("tr[data-partner=city-app]")).to_be_visible()
    assert key not in desk.content()


def test_admins_see_units_policies_and_routing_and_edits_are_checked(
    cloud: Cloud, desk: Page, http: requests.Session
) -> None:
    sign_in(desk, cloud, "admin")
    open_page(desk, cloud, "admin/units", "承办单位")
    for unit in DEMO_UNITS:
        expect(desk.locator(f"tr[data-unit={unit.id}]")).to_contain_text(unit.name_zh)
    desk.get_by_label("ID", exact=True).fill("district-water")
    desk.get_by_label("中文名称").fill("区水务局")
    desk.get_by_label("英文名称").fill("District water")
    desk.get_by_label("上级单位").select_option("hotline-office")
    desk.get_by_role("button", name="创建", exact=True).click()
    expect(desk.get_by_role("status")).to_contain_text("已创建：区水务局")
    expect(desk.locator("tr[data-unit=district-water]")).to_contain_text("12345热线办公室")
    assert accessible(desk) == []
    shoot(desk, "console-units")

    open_page(desk, cloud, "admin/policies", "办理时限")
    expect(desk.get_by_role("row").filter(has_text="投诉举报").first).to_contain_text("30 分钟")
    assert accessible(desk) == []
    shoot(desk, "console-policies")
    # A value the API refuses is named beside the JSON, and nothing is stored.
    desk.get_by_role("button", name="编辑", exact=True).click()
    editor = desk.get_by_label("时限策略（JSON，单位：minutes、hours、working_hours、working_days）")
    book = json.loads(editor.input_value())
    book["policies"][0]["calendar"] = "mars"
    editor.fill(json.dumps(book, ensure_ascii=False))
    desk.get_by_role("button", name="保存", exact=True).click()
    expect(desk.get_by_role("alert").get_by_text("policies.0.calendar")).to_be_visible()

    open_page(desk, cloud, "admin/routing", "派单规则")
    expect(desk.get_by_role("listitem").filter(has_text="区城管局").first).to_be_visible()
    assert accessible(desk) == []
    shoot(desk, "console-routing")
    # The keyword rule moves to the top, ahead of the category rules.
    before = http.get(f"{cloud.url}/v1/staff/config/routing", headers=cloud.staff("admin"), timeout=30).json()["rules"]
    desk.get_by_role("button", name="编辑规则").click()
    last = len(before)
    for position in range(last, 1, -1):
        desk.get_by_role("button", name=f"第 {position} 条上移").click()
    desk.get_by_role("button", name="保存", exact=True).click()
    expect(desk.get_by_role("status")).to_contain_text("派单规则已保存")
    after = http.get(f"{cloud.url}/v1/staff/config/routing", headers=cloud.staff("admin"), timeout=30).json()["rules"]
    assert after == [before[-1], *before[:-1]]
