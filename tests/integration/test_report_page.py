"""The bulletin's HTML page rendered in headless Chromium (Debian's `chromium`, driven by Playwright; `make test`
installs it): its charts are drawn, nothing is fetched, nothing fails."""

from datetime import UTC, datetime
from pathlib import Path

from hotline.domain.config.causes import DEFAULT_CAUSES
from hotline.domain.reports import page
from hotline.domain.reports.bulletin import Names, compose
from hotline.domain.reports.figures import Figures
from hotline.domain.reports.policy import DEFAULT_POLICY, Period, ReportKind
from hotline.domain.tickets.catalog import DEFAULT_CATALOG
from playwright.sync_api import Browser

from infra.local.units import DEMO_UNITS
from tests.unit.fakes import FakeAggregates
from tests.unit.reports.world import FIRST, LAST, Fortnight


def test_the_report_page_renders_its_charts_in_chromium(browser: Browser, tmp_path: Path) -> None:
    aggregates = FakeAggregates()
    Fortnight().play().count(aggregates)
    names = Names(DEFAULT_CATALOG, DEFAULT_CAUSES, {unit.id: unit for unit in DEMO_UNITS}.get)
    period = Period(kind=ReportKind.MONTHLY, first=FIRST.replace(day=1), last=LAST.replace(day=30))
    bulletin = compose(
        Figures.of(aggregates.totals(period.first, period.last), aggregates.daily(period.first, period.last)),
        period,
        names,
        DEFAULT_POLICY,
        datetime(2026, 12, 5, tzinfo=UTC),
    )
    html = tmp_path / "report.html"
    html.write_bytes(page.render(bulletin))
    context = browser.new_context(viewport={"width": 900, "height": 1200}, offline=True)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    requested: list[str] = []
    tab.on("request", lambda request: requested.append(request.url))

    tab.goto(html.as_uri())

    assert tab.title() == "12345热线月报（2026年11月）"
    charts = tab.locator("svg.chart")
    assert charts.count() == 5
    for index in range(5):
        box = charts.nth(index).bounding_box()
        assert box is not None and box["width"] > 600 and box["height"] > 50  # drawn at the page's width
    assert [charts.nth(i).get_attribute("aria-label") for i in range(5)] == [
        "受理与答复趋势",
        "按诉求类型",
        "按诉求分类",
        "原因排列图",
        "各单位按时与满意情况",
    ]
    trend = tab.locator("svg.chart polyline.series").first.get_attribute("points") or ""
    assert len(trend.split()) == 30  # a point for each day of November
    pareto = tab.locator("svg.chart polyline.cumulative").get_attribute("points") or ""
    assert len(pareto.split()) == 4  # the cumulative line through the four causes
    assert tab.locator("svg.chart rect.bar").count() > 10
    assert tab.get_by_text("区市场监管局").count() >= 2  # in the assessment and among the units under the thresholds
    tab.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 20_000
    assert problems == [] and requested == [html.as_uri()]
    context.close()
