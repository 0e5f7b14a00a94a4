"""The bulletin as one self-contained HTML page: its sections as tables, and charts as inline SVG (volume trend, by
class and category, the Pareto of causes with its cumulative line, on-time and satisfaction by unit)."""

from collections.abc import Iterable, Sequence
from html import escape

from hotline.domain.reports import charts
from hotline.domain.reports.bulletin import Bulletin, Share
from hotline.domain.reports.figures import Rate

STYLE = """
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:24px auto;max-width:820px;
color:#222;line-height:1.5}
h1{font-size:22px;border-bottom:3px solid #c23b3b;padding-bottom:6px}h2{font-size:18px;margin-top:28px}
table{border-collapse:collapse;width:100%;margin:8px 0 16px}th,td{border:1px solid #ccc;padding:4px 8px;font-size:13px}
th{background:#f3f3f3;text-align:left}td.n{text-align:right}.meta{color:#666;font-size:13px}
.low{color:#c23b3b;font-weight:bold}figure{margin:8px 0 20px}figcaption{font-size:13px;color:#555}
"""


def _rate(rate: Rate) -> str:
    return rate.percent


def _table(header: Sequence[str], rows: Iterable[Sequence[object]], numeric_from: int = 1) -> str:
    head = "".join(f"<th>{escape(name)}</th>" for name in header)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="n">{escape(str(cell))}</td>' if index >= numeric_from else f"<td>{escape(str(cell))}</td>"
            for index, cell in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    if not body:
        body.append(f'<tr><td colspan="{len(header)}">（无）</td></tr>')
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>"


def _shares(shares: list[Share]) -> str:
    return _table(["名称", "数量", "占比"], [(s.name, s.count, _rate(s.share)) for s in shares])


def render(bulletin: Bulletin) -> bytes:
    b, c = bulletin.basics, bulletin.callbacks
    period = bulletin.period
    sections = [
        f"<h1>{escape(bulletin.title)}</h1>",
        f'<p class="meta">统计期间：{period.first.isoformat()} 至 {period.last.isoformat()} · '
        f"生成时间：{bulletin.generated_at.isoformat(timespec='seconds')}</p>",
        "<h2>一、基本情况</h2>",
        f"<p>本期共受理诉求 <b>{b.received}</b> 件，其中直办 {b.direct} 件、交办 {b.dispatched} 件（直办率 "
        f"{_rate(b.direct_rate)}）；答复 {b.replied} 件，按时 {b.replied_on_time} 件、超时 {b.replied_late} 件"
        f"（按时办结率 {_rate(b.resolve_on_time)}）；按时签收率 {_rate(b.accept_on_time)}。</p>",
        _figure(
            charts.line_chart(
                "受理与答复趋势",
                [day.day.strftime("%m-%d") for day in b.trend],
                [("受理", [d.received for d in b.trend]), ("答复", [d.replied for d in b.trend])],
            ),
            "图1 受理与答复趋势（件/日）",
        ),
        _figure(charts.bar_chart("按诉求类型", [(s.name, s.count) for s in b.by_type]), "图2 按诉求类型（件）"),
        _figure(
            charts.bar_chart("按诉求分类", [(s.name, s.count) for s in b.by_category[:15]]), "图3 按诉求分类（件）"
        ),
        "<h3>受理渠道</h3>",
        _shares(b.by_channel),
        "<h3>诉求类型</h3>",
        _shares(b.by_type),
        "<h3>所属区域</h3>",
        _shares(b.by_region),
        "<h3>办结方式</h3>",
        _shares(b.closed),
        "<h2>二、回访情况</h2>",
        f"<p>发送回访 {c.sent} 件，答复 {c.answered} 件（回访率 {_rate(c.response_rate)}）：满意 {c.satisfied} 件、"
        f"基本满意 {c.basically_satisfied} 件、不满意 {c.dissatisfied} 件，满意率 <b>{_rate(c.satisfaction)}</b>；"
        f"已解决 {c.solved} 件（解决率 {_rate(c.solved_rate)}）；未获回复 {c.no_response} 件。</p>",
        "<p>满意率100%的单位：" + (escape("、".join(unit.name for unit in c.units_at_full)) or "无") + "。</p>",
        f"<p>满意率低于 {bulletin.policy.min_satisfaction:.0%} 或按时答复率低于 "
        f"{bulletin.policy.min_reply_rate:.0%} 的单位：</p>",
        _table(
            ["单位", "满意率", "按时答复率"],
            [(low.name, _rate(low.satisfaction), _rate(low.reply_rate)) for low in c.units_below],
        ),
        "<h2>三、热点问题</h2>",
        _table(
            ["分类", "受理量", "占比", "满意率"],
            [(t.name, t.count, _rate(t.share), _rate(t.satisfaction)) for t in bulletin.hot_topics],
        ),
        "<h2>四、重复投诉、升级督办、延期与重大事件</h2>",
        _table(
            ["项目", "数量"],
            [
                ("重复投诉", bulletin.repeat_complaints.count),
                ("重复投诉满意率", _rate(bulletin.repeat_complaints.satisfaction)),
                *[(f"升级至{lv.level}级（{lv.name}）", lv.count) for lv in bulletin.escalations.by_level],
                ("催办", bulletin.escalations.urged),
                ("督办", bulletin.escalations.supervised),
                ("延期申请", bulletin.extensions.requested),
                ("延期批准", bulletin.extensions.approved),
                ("延期不批准", bulletin.extensions.refused),
                ("重大事件", bulletin.incidents.declared),
            ],
        ),
        "<h2>五、原因分析</h2>",
        _figure(
            charts.pareto_chart(
                "原因排列图",
                [(row.name, row.count, row.cumulative.value or 0) for row in bulletin.causes.overall.rows[:15]],
            ),
            "图4 原因排列图（帕累托图）：答复量与累计占比",
        ),
        _table(
            ["原因", "答复量", "占比", "累计占比", "关键少数"],
            [
                (r.name, r.count, _rate(r.share), _rate(r.cumulative), "是" if r.vital else "")
                for r in bulletin.causes.overall.rows
            ],
        ),
        "<h2>六、单位考核</h2>",
        _figure(
            charts.grouped_bars(
                "各单位按时与满意情况",
                [line.name for line in bulletin.assessment],
                [
                    ("按时签收率", [line.accept_on_time.value for line in bulletin.assessment]),
                    ("按时办结率", [line.resolve_on_time.value for line in bulletin.assessment]),
                    ("满意率", [line.satisfaction.value for line in bulletin.assessment]),
                ],
            ),
            "图5 各单位按时签收率、按时办结率与满意率",
        ),
        _table(
            ["排名", "单位", "按时签收率", "按时办结率", "满意率", "发回重办率", "综合得分"],
            [
                (
                    "—" if line.rank is None else line.rank,
                    line.name,
                    _rate(line.accept_on_time),
                    _rate(line.resolve_on_time),
                    _rate(line.satisfaction),
                    _rate(line.rework_rate),
                    "—" if line.score is None else f"{line.score:.2f}",
                )
                for line in bulletin.assessment
            ],
            numeric_from=2,
        ),
    ]
    page = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(bulletin.title)}</title><style>{STYLE}</style></head><body>{''.join(sections)}</body></html>"
    )
    return page.encode()
