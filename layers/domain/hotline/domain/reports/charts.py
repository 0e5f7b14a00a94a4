"""Charts as inline SVG (no script, no external resource): a page that carries them shows them anywhere, offline."""

from collections.abc import Sequence
from html import escape

PALETTE = ("#1f6fb2", "#e07b24", "#3a9d5d", "#c23b3b", "#7b5ea7", "#8c8c8c")
WIDTH = 760
FONT = 'font-family="sans-serif" font-size="12"'


def _svg(height: int, title: str, body: str) -> str:
    label = escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{label}" class="chart"><title>{label}</title>{body}</svg>'
    )


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {FONT} {extra}>{escape(text)}</text>'


def _legend(names: Sequence[str], y: float) -> str:
    parts = []
    for index, name in enumerate(names):
        x = 60 + index * 150
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{y - 9}" width="12" height="12" fill="{colour}"/>')
        parts.append(_text(x + 18, y + 1, name))
    return "".join(parts)


def _nice_top(value: float) -> float:
    """An axis maximum at or above `value` whose four ticks are round numbers (1, 2, 2.5 or 5 times a power of ten,
    never below 1: counts are whole)."""
    tick = 1.0
    while tick * 4 < value:
        for factor in (2, 2.5, 5, 10):
            if tick * factor * 4 >= value or factor == 10:
                candidate = tick * factor
                break
        tick = candidate
    return tick * 4


def line_chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]]) -> str:
    """Each series a line over the labels (days), with a count axis."""
    height, left, right, top, bottom = 280, 50, 20, 20, 60
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    peak = _nice_top(max((max(values, default=0) for _, values in series), default=0))
    step = plot_w / max(len(labels) - 1, 1)
    parts = [f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#999"/>']
    for tick in range(5):
        y = top + plot_h - plot_h * tick / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#eee"/>')
        parts.append(_text(left - 6, y + 4, f"{peak * tick / 4:g}", "end"))
    every = max(1, len(labels) // 12)
    shown = list(range(0, len(labels), every))
    if shown and shown[-1] != len(labels) - 1 and len(labels) - 1 - shown[-1] > every / 2:
        shown.append(len(labels) - 1)  # the last day too, unless it would crowd the one before
    for index in shown:
        parts.append(_text(left + index * step, top + plot_h + 16, labels[index], "middle"))
    for index, (name, values) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        points = " ".join(f"{left + i * step:.1f},{top + plot_h - plot_h * v / peak:.1f}" for i, v in enumerate(values))
        parts.append(
            f'<polyline class="series" data-name="{escape(name)}" fill="none" stroke="{colour}" stroke-width="2" '
            f'points="{points}"/>'
        )
        if len(values) == 1:  # a single day: a point, not a line
            parts.append(
                f'<circle cx="{left:.1f}" cy="{top + plot_h - plot_h * values[0] / peak:.1f}" r="4" fill="{colour}"/>'
            )
    parts.append(_legend([name for name, _ in series], height - 14))
    return _svg(height, title, "".join(parts))


def bar_chart(title: str, bars: Sequence[tuple[str, float]], percent: bool = False) -> str:
    """Horizontal bars, largest first as given; `percent` reads the values as fractions."""
    row, left, right, top = 26, 170, 70, 10
    height = top * 2 + row * max(len(bars), 1)
    plot_w = WIDTH - left - right
    peak = 1.0 if percent else _nice_top(max((value for _, value in bars), default=0))
    parts = []
    for index, (name, value) in enumerate(bars):
        y = top + index * row
        width = plot_w * value / peak if peak else 0
        parts.append(_text(left - 8, y + 16, name[:14], "end"))
        parts.append(
            f'<rect class="bar" x="{left}" y="{y + 4}" width="{width:.1f}" height="{row - 8}" fill="{PALETTE[0]}"/>'
        )
        shown = f"{value * 100:.1f}%" if percent else f"{value:g}"
        parts.append(_text(left + width + 6, y + 16, shown))
    if not bars:
        parts.append(_text(WIDTH / 2, top + 16, "（无数据）", "middle"))
    return _svg(height, title, "".join(parts))


def pareto_chart(title: str, rows: Sequence[tuple[str, int, float]]) -> str:
    """Counts as bars, largest first, with the cumulative share as a line on a 0–100 % axis and the 80 % mark."""
    height, left, right, top, bottom = 300, 50, 50, 20, 90
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    peak = _nice_top(max((count for _, count, _ in rows), default=0))
    slot = plot_w / max(len(rows), 1)
    parts = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#999"/>',
        f'<line x1="{left}" y1="{top + plot_h * 0.2:.1f}" x2="{left + plot_w}" y2="{top + plot_h * 0.2:.1f}" '
        'stroke="#c23b3b" stroke-dasharray="4 3"/>',
        _text(left + 4, top + plot_h * 0.2 - 4, "80%", extra='fill="#c23b3b"'),
    ]
    for tick in range(5):
        y = top + plot_h - plot_h * tick / 4
        parts.append(_text(left - 6, y + 4, f"{peak * tick / 4:g}", "end"))
        parts.append(_text(left + plot_w + 4, y + 4, f"{tick * 25}%") if tick != 4 else "")
    points = []
    for index, (name, count, cumulative) in enumerate(rows):
        x = left + index * slot
        bar_h = plot_h * count / peak
        parts.append(
            f'<rect class="bar" x="{x + slot * 0.15:.1f}" y="{top + plot_h - bar_h:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{bar_h:.1f}" fill="{PALETTE[0]}"/>'
        )
        label_y = top + plot_h + 14
        parts.append(
            _text(x + slot / 2, label_y, name[:8], "end", f'transform="rotate(-35 {x + slot / 2:.1f} {label_y})"')
        )
        points.append(f"{x + slot / 2:.1f},{top + plot_h - plot_h * cumulative:.1f}")
    if points:
        line = " ".join(points)
        parts.append(
            f'<polyline class="cumulative" fill="none" stroke="{PALETTE[1]}" stroke-width="2" points="{line}"/>'
        )
        for point in points:
            cx, cy = point.split(",")
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{PALETTE[1]}"/>')
    else:
        parts.append(_text(WIDTH / 2, top + plot_h / 2, "（无数据）", "middle"))
    parts.append(_legend(["答复量", "累计占比"], height - 10))
    return _svg(height, title, "".join(parts))


def grouped_bars(title: str, groups: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]]) -> str:
    """For each group (a unit) a bar per series (a rate, 0–100 %); a missing rate leaves a gap."""
    height, left, right, top, bottom = 300, 50, 20, 20, 80
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    slot = plot_w / max(len(groups), 1)
    width = slot * 0.8 / max(len(series), 1)
    parts = [f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#999"/>']
    for tick in range(5):
        y = top + plot_h - plot_h * tick / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#eee"/>')
        parts.append(_text(left - 6, y + 4, f"{tick * 25}%", "end"))
    for g, group in enumerate(groups):
        x0 = left + g * slot + slot * 0.1
        for s, (_, values) in enumerate(series):
            value = values[g]
            if value is None:
                continue
            bar_h = plot_h * value
            parts.append(
                f'<rect class="bar" x="{x0 + s * width:.1f}" y="{top + plot_h - bar_h:.1f}" width="{width * 0.9:.1f}" '
                f'height="{bar_h:.1f}" fill="{PALETTE[s % len(PALETTE)]}"/>'
            )
        parts.append(_text(left + g * slot + slot / 2, top + plot_h + 16, group[:10], "middle"))
    if not groups:
        parts.append(_text(WIDTH / 2, top + plot_h / 2, "（无数据）", "middle"))
    parts.append(_legend([name for name, _ in series], height - 14))
    return _svg(height, title, "".join(parts))
