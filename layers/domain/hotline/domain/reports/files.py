"""A bulletin as files: JSON (the bulletin itself), CSV (every figure, one a line) and XLSX (a sheet per section, and
every figure); the HTML page is hotline.domain.reports.page."""

import csv
import io
from collections.abc import Iterator
from typing import NamedTuple

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from hotline.domain.reports.bulletin import Bulletin, Pareto, Share
from hotline.domain.reports.figures import Rate

PERCENT = "0.00%"


class Line(NamedTuple):
    """One figure: its section, what it counts, the code and name of what it is about, the count or the rate."""

    section: str
    item: str
    code: str
    name: str
    number: float | None
    """A count, a score or a rank."""
    rate: Rate | None


COLUMNS = ("板块", "项目", "代码", "名称", "数量", "比率", "分子", "分母")


def _count(section: str, item: str, count: int, code: str = "", name: str = "") -> Line:
    return Line(section, item, code, name, count, None)


def _rate(section: str, item: str, rate: Rate, code: str = "", name: str = "") -> Line:
    return Line(section, item, code, name, None, rate)


def _shares(section: str, item: str, shares: list[Share]) -> Iterator[Line]:
    for share in shares:
        yield Line(section, item, share.code, share.name, share.count, share.share)


def _pareto(item: str, pareto: Pareto) -> Iterator[Line]:
    for row in pareto.rows:
        yield Line("原因分析", f"{item}·{pareto.name}", row.code, row.name, row.count, row.cumulative)


def lines(bulletin: Bulletin) -> Iterator[Line]:
    """Every figure of the bulletin, section by section."""
    b, c = bulletin.basics, bulletin.callbacks
    s = "基本情况"
    yield _count(s, "受理总量", b.received)
    yield from _shares(s, "受理渠道", b.by_channel)
    yield from _shares(s, "诉求类型", b.by_type)
    yield from _shares(s, "诉求分类", b.by_category)
    yield from _shares(s, "所属区域", b.by_region)
    yield from _shares(s, "紧急程度", b.by_priority)
    yield _count(s, "直办", b.direct)
    yield _count(s, "交办", b.dispatched)
    yield _rate(s, "直办率", b.direct_rate)
    yield _count(s, "退回", b.returned)
    yield _count(s, "再次交办", b.redispatched)
    yield _rate(s, "按时签收率", b.accept_on_time)
    yield _count(s, "答复", b.replied)
    yield _count(s, "按时答复", b.replied_on_time)
    yield _count(s, "超时答复", b.replied_late)
    yield _rate(s, "按时办结率", b.resolve_on_time)
    yield from _shares(s, "办结方式", b.closed)
    for day in b.trend:
        yield _count("每日趋势", "受理", day.received, day.day.isoformat())
        yield _count("每日趋势", "答复", day.replied, day.day.isoformat())
    s = "回访情况"
    for item, n in (
        ("发送回访", c.sent),
        ("回访答复", c.answered),
        ("满意", c.satisfied),
        ("基本满意", c.basically_satisfied),
        ("不满意", c.dissatisfied),
        ("已解决", c.solved),
        ("未解决", c.unsolved),
        ("未获回复", c.no_response),
        ("未接通", c.unreached),
    ):
        yield _count(s, item, n)
    yield _rate(s, "回访率", c.response_rate)
    yield _rate(s, "满意率", c.satisfaction)
    yield _rate(s, "解决率", c.solved_rate)
    for unit in c.units_at_full:
        yield Line(s, "满意率100%单位", unit.unit_id, unit.name, None, None)
    for low in c.units_below:
        if "satisfaction" in low.below:
            yield _rate(s, "满意率低于阈值", low.satisfaction, low.unit_id, low.name)
        if "reply_rate" in low.below:
            yield _rate(s, "按时答复率低于阈值", low.reply_rate, low.unit_id, low.name)
    for topic in bulletin.hot_topics:
        yield Line("热点问题", "受理量", topic.code, topic.name, topic.count, topic.share)
        yield _rate("热点问题", "满意率", topic.satisfaction, topic.code, topic.name)
    yield _count("重复投诉", "数量", bulletin.repeat_complaints.count)
    yield _rate("重复投诉", "满意率", bulletin.repeat_complaints.satisfaction)
    e = bulletin.escalations
    yield _count("升级督办", "升级总数", e.total)
    for level in e.by_level:
        yield _count("升级督办", f"升级至{level.level}级", level.count, str(level.level), level.name)
    yield _count("升级督办", "催办", e.urged)
    yield _count("升级督办", "督办", e.supervised)
    x = bulletin.extensions
    yield _count("延期", "申请", x.requested)
    yield _count("延期", "批准", x.approved)
    yield _count("延期", "不批准", x.refused)
    yield _count("重大事件", "启动", bulletin.incidents.declared)
    yield from _pareto("全部", bulletin.causes.overall)
    for pareto in bulletin.causes.by_category:
        yield from _pareto("分类", pareto)
    for pareto in bulletin.causes.by_unit:
        yield from _pareto("单位", pareto)
    for line in bulletin.assessment:
        s, code, name = "单位考核", line.unit_id, line.name
        yield _count(s, "交办", line.dispatched, code, name)
        yield _rate(s, "按时签收率", line.accept_on_time, code, name)
        yield _rate(s, "按时办结率", line.resolve_on_time, code, name)
        yield _rate(s, "满意率", line.satisfaction, code, name)
        yield _rate(s, "发回重办率", line.rework_rate, code, name)
        yield Line(s, "综合得分", code, name, line.score, None)
        yield Line(s, "排名", code, name, line.rank, None)


def _cells(line: Line) -> list[object]:
    rate = line.rate
    return [
        line.section,
        line.item,
        line.code,
        line.name,
        line.number,
        None if rate is None else rate.value,
        None if rate is None or not rate.denominator else rate.numerator,
        None if rate is None or not rate.denominator else rate.denominator,
    ]


def to_json(bulletin: Bulletin) -> bytes:
    return bulletin.model_dump_json(indent=2).encode()


def to_csv(bulletin: Bulletin) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for line in lines(bulletin):
        writer.writerow(["" if cell is None else cell for cell in _cells(line)])
    return out.getvalue().encode("utf-8-sig")


def _sheet(book: Workbook, title: str, header: list[str], rows: list[list[object]], percent: set[int]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column in percent:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = PERCENT
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(name) * 2 + 4)
    sheet.freeze_panes = "A2"


def to_xlsx(bulletin: Bulletin) -> bytes:
    book = Workbook()
    book.active.title = "说明"
    book.active.append(["标题", bulletin.title])
    book.active.append(["统计期间", f"{bulletin.period.first.isoformat()} 至 {bulletin.period.last.isoformat()}"])
    book.active.append(["生成时间", bulletin.generated_at.isoformat()])
    book.active.column_dimensions["B"].width = 48
    _sheet(
        book,
        "考核排名",
        [
            *("排名", "单位", "单位代码", "交办", "签收", "按时签收率", "答复", "按时办结率", "回访答复", "满意率"),
            *("发回重办", "发回重办率", "综合得分"),
        ],
        [
            [
                line.rank,
                line.name,
                line.unit_id,
                line.dispatched,
                line.accepted,
                line.accept_on_time.value,
                line.replied,
                line.resolve_on_time.value,
                line.answered,
                line.satisfaction.value,
                line.reworks,
                line.rework_rate.value,
                line.score,
            ]
            for line in bulletin.assessment
        ],
        {6, 8, 10, 12},
    )
    _sheet(
        book,
        "热点问题",
        ["分类", "代码", "受理量", "占比", "满意率"],
        [[t.name, t.code, t.count, t.share.value, t.satisfaction.value] for t in bulletin.hot_topics],
        {4, 5},
    )
    overall = bulletin.causes.overall
    _sheet(
        book,
        "原因分析",
        ["原因", "代码", "答复量", "占比", "累计占比", "关键少数"],
        [[r.name, r.code, r.count, r.share.value, r.cumulative.value, "是" if r.vital else ""] for r in overall.rows],
        {4, 5},
    )
    _sheet(
        book,
        "每日趋势",
        ["日期", "受理", "直办", "交办", "答复"],
        [[d.day.isoformat(), d.received, d.direct, d.dispatched, d.replied] for d in bulletin.basics.trend],
        set(),
    )
    _sheet(book, "明细", list(COLUMNS), [_cells(line) for line in lines(bulletin)], {6})
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
