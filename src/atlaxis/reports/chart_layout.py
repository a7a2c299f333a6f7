"""Chart specs → positioned primitives (:class:`~atlaxis.reports.chart_scene.Scene`).

Timeline geometry (hand-checkable): the plot spans ``x = LEFT .. width - RIGHT``; a date ``d``
sits at ``LEFT + (d - start).days / span_days * plot_width`` with ``span_days = (end -
start).days`` (at least 1). A value ``v`` in a panel whose plot area is ``top .. top + h`` sits
at ``top + h - (v - y_min) / (y_max - y_min) * h`` (clamped to the panel).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from atlaxis.reports import charts as c
from atlaxis.reports.chart_scene import Item, Line, Marker, Polyline, Rect, Scene, Stroke, Text

LEFT = 64.0
RIGHT = 20.0
LABEL_H = 20.0
LEGEND_H = 18.0
AXIS_H = 36.0
GAP = 14.0
GRID = Stroke("#BBBBBB", 0.6, "2 3")
AXIS = Stroke("#000000", 1.0)
REF = Stroke("#444444", 1.2, "5 3")


@dataclass(frozen=True, slots=True)
class TimeScale:
    start: date
    end: date
    left: float
    right: float

    @property
    def days(self) -> int:
        return max(1, (self.end - self.start).days)

    def x(self, d: date) -> float:
        return self.left + (d - self.start).days / self.days * (self.right - self.left)


@dataclass(frozen=True, slots=True)
class ValueScale:
    low: float
    high: float
    top: float
    bottom: float

    def y(self, v: float) -> float:
        v = min(max(v, self.low), self.high)
        span = (self.high - self.low) or 1.0
        return self.bottom - (v - self.low) / span * (self.bottom - self.top)


def layout(chart: c.Chart, text: c.ChartText) -> Scene:
    if isinstance(chart, c.TimelineChart):
        return _timeline(chart, text)
    from atlaxis.reports.chart_layout_stats import distribution, proportions

    if isinstance(chart, c.DistributionChart):
        return distribution(chart, text)
    return proportions(chart, text)


def style(index: int) -> tuple[str, str, str]:
    """Colour, dash and marker of the ``index``-th series (colour is never the only cue)."""
    return (
        c.PALETTE[index % len(c.PALETTE)],
        c.DASHES[index % len(c.DASHES)],
        c.MARKERS[index % len(c.MARKERS)],
    )


def date_ticks(start: date, end: date) -> list[tuple[date, str]]:
    """Readable ticks: days, weeks (Mondays), months or years depending on the span."""
    days = (end - start).days
    if days <= 14:
        step = 1 if days <= 7 else 2
        return [(d, d.isoformat()) for d in _daterange(start, end, step)]
    if days <= 62:
        first = start + timedelta(days=(7 - start.weekday()) % 7)
        return [(d, d.isoformat()) for d in _daterange(first, end, 7)]
    months = days // 30
    every = 1 if months <= 8 else 2 if months <= 16 else 3 if months <= 30 else 12
    out: list[tuple[date, str]] = []
    y, m = start.year, start.month
    d = date(y, m, 1)
    while d <= end:
        if d >= start and (d.month - 1) % every == 0:
            out.append((d, str(d.year) if every == 12 else f"{d.year}-{d.month:02d}"))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        d = date(y, m, 1)
    return out


def _daterange(first: date, last: date, step: int) -> list[date]:
    n = max(0, (last - first).days // step + 1)
    return [first + timedelta(days=i * step) for i in range(n)]


def value_ticks(low: float, high: float, target: int = 5) -> list[float]:
    step = c.nice_step(high - low, target)
    first = step * -(-low // step)  # ceil to a multiple of step
    out, v = [], first
    while v <= high + 1e-9:
        out.append(round(v, 10))
        v += step
    return out


def _legend(
    entries: list[tuple[str, str, str | None, str | None]], x0: float, y: float, x_max: float
) -> tuple[list[Item], float]:
    """Entries (label, colour, dash or None for no line, marker) in rows; items and next y."""
    items: list[Item] = []
    x = x0
    for label, colour, dash, marker in entries:
        w = 46 + 6.5 * len(label)
        if x > x0 and x + w > x_max:
            x, y = x0, y + LEGEND_H
        mid = y - 4
        if dash is not None:
            items.append(Line(x, mid, x + 24, mid, Stroke(colour, 2.0, dash), role="legend"))
        if marker is not None:
            items.append(Marker(x + 12, mid, marker, colour, role="legend"))
        items.append(Text(x + 30, y, label, size=11, role="legend"))
        x += w
    return items, y + LEGEND_H


def _timeline(chart: c.TimelineChart, text: c.ChartText) -> Scene:
    end = chart.end if chart.end > chart.start else chart.start + timedelta(days=1)
    ts = TimeScale(chart.start, end, LEFT, chart.width - RIGHT)
    items: list[Item] = []
    y = 8.0 + (LABEL_H if chart.markers else 0.0)
    first_top = y
    for panel in chart.panels:
        items.append(Text(8, y + 13, panel.label, size=12, bold=True, role="panel-label"))
        y += LABEL_H
        if isinstance(panel, c.LinePanel):
            y = _line_panel(panel, ts, y, items, text)
        elif isinstance(panel, c.EventPanel):
            y = _event_panel(panel, ts, y, items, text)
        else:
            y = _span_panel(panel, ts, y, items, text)
        y += GAP
    bottom = y
    items.append(Line(ts.left, bottom, ts.right, bottom, AXIS, role="axis"))
    for d, label in date_ticks(ts.start, end):
        x = ts.x(d)
        items.append(Line(x, first_top, x, bottom, GRID, role="grid"))
        items.append(Line(x, bottom, x, bottom + 4, AXIS, role="tick"))
        half = 3.0 * len(label)
        anchor = "end" if x + half > chart.width else "start" if x - half < 0 else "middle"
        shift = {"end": 2.0, "start": -2.0, "middle": 0.0}[anchor]
        items.append(Text(x + shift, bottom + 16, label, size=10, anchor=anchor, role="tick-label"))
    for m in chart.markers:
        x = ts.x(m.on)
        items.append(Line(x, first_top - 4, x, bottom, REF, role="time-marker"))
        items.append(Text(x + 3, first_top - 8, m.label, size=10, role="time-marker"))
    return Scene(
        chart.chart_id, chart.width, bottom + AXIS_H, chart.title, chart.description, tuple(items)
    )


def _segments(series: c.LineSeries) -> list[list[c.TimePoint]]:
    segs: list[list[c.TimePoint]] = []
    prev: c.TimePoint | None = None
    for p in sorted(series.points, key=lambda p: p.on):
        if p.value is None:
            prev = None
            continue
        gap = series.max_gap_days
        if prev is None or (gap is not None and (p.on - prev.on).days > gap):
            segs.append([])
        segs[-1].append(p)
        prev = p
    return segs


def _line_panel(
    panel: c.LinePanel, ts: TimeScale, y: float, items: list[Item], text: c.ChartText
) -> float:
    entries: list[tuple[str, str, str | None, str | None]] = [
        (s.label, style(i)[0], style(i)[1], style(i)[2] if s.markers else None)
        for i, s in enumerate(panel.series)
    ]
    legend, y = _legend(entries, LEFT, y + 10, ts.right)
    items.extend(legend)
    vs = ValueScale(panel.y_min, panel.y_max, y, y + panel.height)
    for v in value_ticks(panel.y_min, panel.y_max):
        yy = vs.y(v)
        items.append(Line(ts.left, yy, ts.right, yy, GRID, role="grid"))
        items.append(Text(ts.left - 6, yy + 4, c.compact(v), size=10, anchor="end", role="y-label"))
    items.append(Line(ts.left, vs.top, ts.left, vs.bottom, AXIS, role="axis"))
    if panel.y_label:
        mid = (vs.top + vs.bottom) / 2
        items.append(Text(14, mid, panel.y_label, size=10, anchor="middle", rotate=-90))
    for ref in panel.references:
        yy = vs.y(ref.value)
        items.append(Line(ts.left, yy, ts.right, yy, REF, role="reference"))
        items.append(Text(ts.right - 2, yy - 3, ref.label, size=10, anchor="end", role="reference"))
    if not any(p.value is not None for s in panel.series for p in s.points):
        items.append(
            Text(
                (ts.left + ts.right) / 2,
                (vs.top + vs.bottom) / 2,
                text.no_data,
                anchor="middle",
                role="empty",
            )
        )
    for i, series in enumerate(panel.series):
        colour, dash, marker = style(i)
        for seg in _segments(series):
            pts = tuple((ts.x(p.on), vs.y(p.value or 0.0)) for p in seg)
            if series.connect and len(pts) > 1:
                width = 2.0 if not series.markers else 1.2
                items.append(Polyline(pts, Stroke(colour, width, dash), role="series"))
            if series.markers or len(pts) == 1 or not series.connect:
                for p, (px, py) in zip(seg, pts, strict=True):
                    shown = p.display if p.display is not None else c.fmt(p.value)
                    title = f"{series.label}, {p.on.isoformat()}: {shown}"
                    items.append(Marker(px, py, marker, colour, title=title, role="point"))
    return vs.bottom


def _event_panel(
    panel: c.EventPanel, ts: TimeScale, y: float, items: list[Item], text: c.ChartText
) -> float:
    kinds = [k for k, _ in panel.kind_labels]
    for e in panel.events:
        if e.kind not in kinds:
            kinds.append(e.kind)
    labels = dict(panel.kind_labels)
    shapes = {k: style(i) for i, k in enumerate(kinds)}
    if panel.kind_labels:
        entries: list[tuple[str, str, str | None, str | None]] = [
            (labels[k], shapes[k][0], None, shapes[k][2]) for k in labels
        ]
        legend, y = _legend(entries, LEFT, y + 10, ts.right)
        items.extend(legend)
    lane = y + 14
    items.append(Line(ts.left, lane, ts.right, lane, Stroke("#888888", 0.8), role="lane"))
    for e in panel.events:
        colour, _, shape = shapes[e.kind]
        items.append(
            Marker(
                ts.x(e.on),
                lane,
                shape,
                colour,
                size=6,
                title=f"{e.on.isoformat()}: {e.label}",
                role="event",
            )
        )
    if not panel.events:
        items.append(
            Text(
                (ts.left + ts.right) / 2,
                lane - 4,
                text.no_data,
                size=10,
                anchor="middle",
                role="empty",
            )
        )
    return y + 28


def _span_panel(
    panel: c.SpanPanel, ts: TimeScale, y: float, items: list[Item], text: c.ChartText
) -> float:
    kinds: list[str] = []
    for s in panel.spans:
        if s.kind not in kinds:
            kinds.append(s.kind)
    if not panel.spans:
        items.append(
            Text(
                (ts.left + ts.right) / 2,
                y + 14,
                text.no_data,
                size=10,
                anchor="middle",
                role="empty",
            )
        )
        return y + 22
    for s in sorted(panel.spans, key=lambda s: s.start):
        k = kinds.index(s.kind)
        colour = c.PALETTE[k % len(c.PALETTE)]
        pattern = c.PATTERNS[k % len(c.PATTERNS)]
        x1 = ts.x(max(s.start, ts.start))
        x2 = ts.x(min(s.end or ts.end, ts.end))
        end_text = s.end.isoformat() if s.end else text.ongoing
        label_x = max(ts.left, min(x1, ts.right - 6.0 * len(s.label)))
        items.append(Text(label_x, y + 11, s.label, size=11, role="span-label"))
        items.append(
            Rect(
                x1,
                y + 15,
                max(2.0, x2 - x1),
                10,
                colour,
                pattern,
                Stroke(colour, 1.0),
                title=f"{s.label}: {s.start.isoformat()} – {end_text}",
                role="span",
            )
        )
        y += 30
    return y
