"""The bulletin's files: the XLSX read back with openpyxl, the CSV with the csv module, the HTML page's charts."""

import csv
import io
from datetime import UTC, datetime

import pytest
from hotline.domain.config.causes import DEFAULT_CAUSES
from hotline.domain.reports import files, page
from hotline.domain.reports.bulletin import Bulletin, Names, compose
from hotline.domain.reports.figures import Figures
from hotline.domain.reports.policy import DEFAULT_POLICY, Period, ReportKind
from hotline.domain.tickets.catalog import DEFAULT_CATALOG
from openpyxl import load_workbook

from infra.local.units import DEMO_UNITS
from tests.unit.fakes import FakeAggregates
from tests.unit.reports.world import FIRST, LAST, Fortnight
from tests.unit.ticket_world import MARKET, URBAN

NAMES = Names(DEFAULT_CATALOG, DEFAULT_CAUSES, {unit.id: unit for unit in DEMO_UNITS}.get)


@pytest.fixture(scope="module")
def bulletin() -> Bulletin:
    aggregates = FakeAggregates()
    Fortnight().play().count(aggregates)
    period = Period(kind=ReportKind.CUSTOM, first=FIRST, last=LAST)
    return compose(
        Figures.of(aggregates.totals(FIRST, LAST), aggregates.daily(FIRST, LAST)),
        period,
        NAMES,
        DEFAULT_POLICY,
        datetime(2026, 12, 1, tzinfo=UTC),
    )


def test_the_spreadsheet_reads_back_with_its_assessment_and_percentages(bulletin: Bulletin) -> None:
    book = load_workbook(io.BytesIO(files.to_xlsx(bulletin)))

    assert book.sheetnames == ["说明", "考核排名", "热点问题", "原因分析", "每日趋势", "明细"]
    ranking = [[cell.value for cell in row] for row in book["考核排名"].iter_rows()]
    assert ranking[0][:3] == ["排名", "单位", "单位代码"]
    assert [row[:3] for row in ranking[1:]] == [[1, "区城管局", URBAN], [2, "区市场监管局", MARKET]]
    assert ranking[1][7] == 0.75 and book["考核排名"]["H2"].number_format == "0.00%"  # 按时办结率
    assert ranking[1][12] == 76.67
    causes = [[cell.value for cell in row] for row in book["原因分析"].iter_rows(min_row=2)]
    assert causes[0] == ["违规施工（超时、无证）", "construction.permit", 2, 0.3333, 0.3333, "是"]
    trend = list(book["每日趋势"].iter_rows(min_row=2, values_only=True))
    assert len(trend) == 14 and ("2026-11-18", 5, 1, 4, 0) in trend


def test_the_csv_has_every_figure_one_a_line(bulletin: Bulletin) -> None:
    body = files.to_csv(bulletin)

    assert body.startswith("\ufeff".encode())  # spreadsheet programs then read it as UTF-8
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    figure = {(r["板块"], r["项目"], r["代码"]): r for r in rows}
    assert figure[("基本情况", "受理总量", "")]["数量"] == "5"
    assert figure[("回访情况", "满意率", "")]["比率"] == "0.4"
    assert (figure[("回访情况", "满意率", "")]["分子"], figure[("回访情况", "满意率", "")]["分母"]) == ("2", "5")
    assert figure[("单位考核", "发回重办率", MARKET)]["比率"] == "1.0"
    assert figure[("回访情况", "满意率低于阈值", MARKET)]["名称"] == "区市场监管局"


def test_the_page_is_self_contained_with_its_charts(bulletin: Bulletin) -> None:
    html = page.render(bulletin).decode()

    assert (
        html.startswith("<!DOCTYPE html>")
        and "<script" not in html
        and "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )
    assert html.count("<svg") == 5
    assert "区市场监管局" in html and "违规施工（超时、无证）" in html
