"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, nothing to install on the officer's computer.

Why SVG written by hand rather than a charting package: the two charts the dashboards need (a stacked bar per
row of the table, a line per month) are a few rectangles and polylines, and a server-rendered SVG prints, scales
and works on the old browsers of commune offices. Each chart is an image with a ``<title>`` and a ``<desc>``
(``role="img"``, ``aria-labelledby``) that says what it shows in words; the table next to it, with every number
linked to its dossiers, is the accessible alternative and the place to act. Colours are paired with a second cue
(segment order and legend for the bars, marker shape and dash for the lines) so the charts read in grey too, and
each colour has at least 3:1 contrast against white (WCAG 1.4.11).

Every text that comes from the data (unit, field, procedure names) is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from motcua.reports.exports import fmt_int

EARLY, ON_TIME, LATE = "#1d6b34", "#0b5cad", "#a3141c"  # green, blue, red: each ≥ 3:1 on white
RECEIVED, RESOLVED = "#0b5cad", "#1d6b34"
INK, MUTED, GRID = "#1b1f24", "#4a5361", "#c9cfd8"
WIDTH = 760


@dataclass(frozen=True)
class BarRow:
    """One bar: the row's label and its resolved dossiers early / on time / late."""

    label: str
    early: int
    on_time: int
    late: int

    @property
    def total(self) -> int:
        return self.early + self.on_time + self.late


@dataclass(frozen=True)
class MonthPoint:
    label: str  # "Tháng 7/2025"
    short: str  # "7/2025" (axis)
    received: int
    resolved: int


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _svg(ident: str, width: int, height: int, title: str, desc: str, body: list[str]) -> SafeString:
    title_id, desc_id = f"{ident}-title", f"{ident}-desc"
    head = (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" preserveAspectRatio="xMinYMin meet" '
        f'font-family="Segoe UI, Roboto, Noto Sans, DejaVu Sans, Arial, sans-serif" font-size="13">'
        f'<title id="{title_id}">{escape(title)}</title><desc id="{desc_id}">{escape(desc)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 (every data text above is escaped)


def _nice_max(value: int) -> int:
    """A round upper bound for the axis (1, 2, 5 × 10^k) at or above ``value``."""
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def stacked_bars(rows: Sequence[BarRow], *, title: str, ident: str = "chart-bars", limit: int = 25) -> SafeString:
    """Horizontal bars, one per row, split into early / on time / late (in that order, left to right)."""
    shown = sorted(rows, key=lambda r: -r.total)[:limit] if len(rows) > limit else list(rows)
    label_width, right = 250, 70
    bar_width = WIDTH - label_width - right
    line, top = 28, 44
    height = top + line * max(len(shown), 1) + 10
    biggest = max((r.total for r in shown), default=0)
    scale = bar_width / biggest if biggest else 0
    body = [
        _legend([(EARLY, "Trước hạn", "rect"), (ON_TIME, "Đúng hạn", "rect"), (LATE, "Quá hạn", "rect")], x=label_width)
    ]
    for index, row in enumerate(shown):
        y = top + index * line
        body.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" fill="{INK}">'
            f"{escape(_shorten(row.label, 34))}</text>"
        )
        x = float(label_width)
        for value, colour in ((row.early, EARLY), (row.on_time, ON_TIME), (row.late, LATE)):
            if value:
                w = value * scale
                body.append(
                    f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="18" fill="{colour}" '
                    f'stroke="#fff" stroke-width="1"/>'
                )
                x += w
        body.append(f'<text x="{x + 6:.1f}" y="{y + 17}" fill="{INK}">{fmt_int(row.total)}</text>')
    if not shown:
        body.append(f'<text x="{label_width}" y="{top + 17}" fill="{MUTED}">Không có hồ sơ đã giải quyết.</text>')
    parts = [f"{r.label}: {r.early} trước hạn, {r.on_time} đúng hạn, {r.late} quá hạn" for r in shown]
    extra = f" (chỉ {limit} dòng nhiều hồ sơ nhất trên {len(rows)})" if len(rows) > limit else ""
    desc = f"Hồ sơ đã giải quyết theo từng dòng{extra}. " + "; ".join(parts) + "."
    return _svg(ident, WIDTH, height, title, desc, body)


def month_lines(points: Sequence[MonthPoint], *, title: str, ident: str = "chart-months") -> SafeString:
    """Received and resolved per month: two lines, circles (received) and squares on a dashed line (resolved)."""
    left, right, top, bottom = 56, 20, 44, 40
    height = 280
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    biggest = _nice_max(max([p.received for p in points] + [p.resolved for p in points] + [0]))
    step = plot_w / max(len(points) - 1, 1)

    def x(i: int) -> float:
        return left + (i * step if len(points) > 1 else plot_w / 2)

    def y(v: int) -> float:
        return top + plot_h - v * plot_h / biggest

    body = [_legend([(RECEIVED, "Tiếp nhận mới", "circle"), (RESOLVED, "Đã giải quyết", "square")], x=left)]
    for k in range(5):  # horizontal grid lines with their values
        value = biggest * k // 4
        gy = y(value)
        body.append(f'<line x1="{left}" y1="{gy:.1f}" x2="{WIDTH - right}" y2="{gy:.1f}" stroke="{GRID}"/>')
        body.append(f'<text x="{left - 6}" y="{gy + 4:.1f}" text-anchor="end" fill="{MUTED}">{fmt_int(value)}</text>')
    every = max(1, round(len(points) / 12))
    for i, point in enumerate(points):
        if i % every == 0:
            body.append(
                f'<text x="{x(i):.1f}" y="{height - bottom + 20}" text-anchor="middle" fill="{MUTED}">'
                f"{escape(point.short)}</text>"
            )
    received = " ".join(f"{x(i):.1f},{y(p.received):.1f}" for i, p in enumerate(points))
    resolved = " ".join(f"{x(i):.1f},{y(p.resolved):.1f}" for i, p in enumerate(points))
    body.append(f'<polyline points="{received}" fill="none" stroke="{RECEIVED}" stroke-width="2.5"/>')
    body.append(
        f'<polyline points="{resolved}" fill="none" stroke="{RESOLVED}" stroke-width="2.5" stroke-dasharray="7 4"/>'
    )
    for i, p in enumerate(points):
        body.append(f'<circle cx="{x(i):.1f}" cy="{y(p.received):.1f}" r="4.5" fill="{RECEIVED}"/>')
        body.append(f'<rect x="{x(i) - 4:.1f}" y="{y(p.resolved) - 4:.1f}" width="8" height="8" fill="{RESOLVED}"/>')
    desc = (
        "Số hồ sơ tiếp nhận mới và đã giải quyết theo tháng. "
        + "; ".join(f"{p.label}: tiếp nhận {p.received}, đã giải quyết {p.resolved}" for p in points)
        + "."
    )
    return _svg(ident, WIDTH, height, title, desc, body)


def _legend(items: Sequence[tuple[str, str, str]], *, x: int) -> str:
    out, at = [], x
    for colour, label, shape in items:
        if shape == "circle":
            out.append(f'<circle cx="{at + 7}" cy="16" r="5" fill="{colour}"/>')
        elif shape == "square":
            out.append(f'<rect x="{at + 2}" y="11" width="10" height="10" fill="{colour}"/>')
        else:
            out.append(f'<rect x="{at}" y="8" width="16" height="16" fill="{colour}"/>')
        out.append(f'<text x="{at + 22}" y="21" fill="{INK}">{escape(label)}</text>')
        at += 30 + 8 * len(label)
    return "".join(out)
