"""Layouts of the cohort charts: distribution of change and proportions with intervals.

Distribution: the plot spans ``x = LEFT .. width - RIGHT`` over ``[x_low, x_high]`` (the bin
edges widened to include every reference line) and ``y = TOP .. height - BOTTOM`` over
``[0, y_max]`` counts. Proportions: the plot spans ``x = PAD .. width - VALUE_COL`` over 0-100%.
"""

from __future__ import annotations

from atlaxis.reports import charts as c
from atlaxis.reports.chart_layout import AXIS, GRID, REF, ValueScale, value_ticks
from atlaxis.reports.chart_scene import Item, Line, Marker, Rect, Scene, Stroke, Text

LEFT = 64.0
RIGHT = 20.0
TOP = 24.0
BOTTOM = 56.0
PAD = 16.0
VALUE_COL = 210.0
ROW_H = 42.0


def _x(v: float, low: float, high: float, left: float, right: float) -> float:
    span = (high - low) or 1.0
    return left + (v - low) / span * (right - left)


def distribution(chart: c.DistributionChart, text: c.ChartText) -> Scene:
    items: list[Item] = []
    left, right = LEFT, chart.width - RIGHT
    top, bottom = TOP, chart.height - BOTTOM
    edges = [b.low for b in chart.bins] + [b.high for b in chart.bins]
    edges += [r.value for r in chart.references]
    low, high = (min(edges), max(edges)) if edges else (0.0, 1.0)
    y_max = max([b.count for b in chart.bins] + [1])
    ticks = value_ticks(0, y_max, 5)
    ticks = [t for t in ticks if float(t).is_integer()] or [0.0, float(y_max)]
    vs = ValueScale(0.0, max(float(y_max), ticks[-1]), top, bottom)
    for t in ticks:
        yy = vs.y(t)
        items.append(Line(left, yy, right, yy, GRID, role="grid"))
        items.append(Text(left - 6, yy + 4, c.compact(t), size=10, anchor="end", role="y-label"))
    for b in chart.bins:
        x1, x2 = _x(b.low, low, high, left, right), _x(b.high, low, high, left, right)
        y1 = vs.y(b.count)
        title = f"{c.compact(b.low)} – {c.compact(b.high)}: {b.count}"
        items.append(
            Rect(
                x1,
                y1,
                x2 - x1,
                bottom - y1,
                c.PALETTE[0],
                "diagonal",
                Stroke("#000000", 0.8),
                title=title,
                role="bar",
            )
        )
        if b.count:
            items.append(
                Text(
                    (x1 + x2) / 2, y1 - 4, str(b.count), size=10, anchor="middle", role="bar-label"
                )
            )
    step = max(1, len(chart.bins) // 10)
    for i, b in enumerate(chart.bins):
        for edge in ([b.low] if i % step == 0 else []) + (
            [b.high] if i == len(chart.bins) - 1 else []
        ):
            xx = _x(edge, low, high, left, right)
            items.append(Line(xx, bottom, xx, bottom + 4, AXIS, role="tick"))
            items.append(
                Text(xx, bottom + 16, c.compact(edge), size=10, anchor="middle", role="tick-label")
            )
    for ref in chart.references:
        xx = _x(ref.value, low, high, left, right)
        items.append(Line(xx, top - 6, xx, bottom, REF, role="reference"))
        items.append(Text(xx + 3, top - 10, ref.label, size=10, role="reference"))
    if not chart.bins:
        items.append(
            Text(
                (left + right) / 2, (top + bottom) / 2, text.no_data, anchor="middle", role="empty"
            )
        )
    items.append(Line(left, bottom, right, bottom, AXIS, role="axis"))
    items.append(Line(left, top, left, bottom, AXIS, role="axis"))
    items.append(Text((left + right) / 2, bottom + 36, chart.x_label, size=11, anchor="middle"))
    items.append(Text(16, (top + bottom) / 2, chart.y_label, size=11, anchor="middle", rotate=-90))
    return Scene(
        chart.chart_id, chart.width, chart.height, chart.title, chart.description, tuple(items)
    )


def proportions(chart: c.ProportionChart, text: c.ChartText) -> Scene:
    items: list[Item] = []
    left, right = PAD, chart.width - VALUE_COL
    top = 12.0
    bottom = top + ROW_H * max(1, len(chart.rows))
    for t in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
        xx = _x(t, 0.0, 1.0, left, right)
        items.append(Line(xx, top, xx, bottom, GRID, role="grid"))
        items.append(Text(xx, bottom + 16, c.pct(t), size=10, anchor="middle", role="tick-label"))
    colour = c.PALETTE[0]
    for i, r in enumerate(chart.rows):
        y = top + i * ROW_H
        mid = y + 28
        items.append(Text(left, y + 13, r.label, size=11, bold=True, role="row-label"))
        xl, xh = _x(r.low, 0, 1, left, right), _x(r.high, 0, 1, left, right)
        stroke = Stroke(colour, 2.0)
        items.append(Line(xl, mid, xh, mid, stroke, role="interval"))
        items.append(Line(xl, mid - 5, xl, mid + 5, stroke, role="interval"))
        items.append(Line(xh, mid - 5, xh, mid + 5, stroke, role="interval"))
        shown = f"{c.pct(r.estimate)} ({c.pct(r.low)} – {c.pct(r.high)})"
        if r.total is not None:
            shown += f", {r.successes}/{r.total}"
        items.append(
            Marker(
                _x(r.estimate, 0, 1, left, right),
                mid,
                "diamond",
                colour,
                size=6,
                title=f"{r.label}: {shown}",
                role="estimate",
            )
        )
        items.append(Text(right + 12, mid + 4, shown, size=11, role="value"))
    if not chart.rows:
        items.append(
            Text((left + right) / 2, top + 24, text.no_data, anchor="middle", role="empty")
        )
    items.append(Line(left, bottom, right, bottom, AXIS, role="axis"))
    items.append(Text((left + right) / 2, bottom + 34, chart.x_label, size=11, anchor="middle"))
    return Scene(
        chart.chart_id, chart.width, bottom + 46, chart.title, chart.description, tuple(items)
    )
