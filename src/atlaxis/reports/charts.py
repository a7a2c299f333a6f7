"""The one chart module: neutral chart specs → accessible SVG (pages) or any other renderer (PDF).

Three layers, so the web pages and the PDF reports draw the same charts:

1. **Specs** (this module): plain frozen dataclasses saying *what* to show — a
   :class:`TimelineChart` (diary lines, questionnaire score points, visit markers and co-therapy
   bars on one time axis; a single-panel timeline is the trend/line chart), a
   :class:`DistributionChart` (histogram of change across a cohort) and a
   :class:`ProportionChart` (proportions with confidence intervals). Builders such as
   :func:`distribution_chart` fill them from raw numbers. Every user-visible word comes from the
   caller (already translated) or from :class:`ChartText`.
2. **Layout** (:mod:`atlaxis.reports.chart_layout`): a spec → a :class:`~atlaxis.reports.
   chart_scene.Scene` of positioned primitives (lines, polylines, rects, markers, text) in
   points of a fixed-size canvas. A PDF renderer can draw a Scene with ReportLab graphics in a
   few lines, or convert the SVG with svglib.
3. **SVG** (:mod:`atlaxis.reports.chart_svg`): a Scene → an SVG string with ``role="img"``,
   ``<title>``, ``<desc>``, colour-blind-safe colours *and* dash patterns/marker shapes/hatching
   (colour is never the only cue), no script, print-friendly (black text, white background).

:func:`data_tables` gives the text alternative of any chart as plain tables.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

# Okabe & Ito (2008) colour-blind-safe hues, keeping the ones with ≥ 3:1 contrast on white
# (WCAG 2.1 non-text contrast), then black. Each series also gets its own dash and marker.
PALETTE: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#882255", "#332288", "#000000")
DASHES: tuple[str, ...] = ("", "6 3", "2 3", "8 3 2 3", "12 4", "4 2 1 2")
MARKERS: tuple[str, ...] = ("circle", "square", "triangle", "diamond", "cross", "triangle_down")
PATTERNS: tuple[str, ...] = ("diagonal", "crosshatch", "dots", "horizontal", "vertical", "solid")


@dataclass(frozen=True, slots=True)
class ChartText:
    """Fixed words used by layouts and data tables (pass a translated instance)."""

    date: str = "Date"
    value: str = "Value"
    start: str = "Start"
    end: str = "End"
    ongoing: str = "ongoing"
    count: str = "Count"
    range_: str = "Range"
    estimate: str = "Estimate"
    interval: str = "95% CI"
    n: str = "n"
    event: str = "Event"
    series: str = "Series"
    no_data: str = "No data yet"


@dataclass(frozen=True, slots=True)
class TimePoint:
    """One dated value; ``display`` is the text shown in tables and tooltips (e.g. raw score)."""

    on: date
    value: float | None
    display: str | None = None


@dataclass(frozen=True, slots=True)
class LineSeries:
    label: str
    points: tuple[TimePoint, ...]
    connect: bool = True
    markers: bool = False
    max_gap_days: int | None = 2  # break the line across longer gaps (missing days stay visible)


@dataclass(frozen=True, slots=True)
class RefLine:
    """A labelled horizontal (or, in a distribution chart, vertical) reference value."""

    value: float
    label: str


@dataclass(frozen=True, slots=True)
class LinePanel:
    label: str
    y_min: float
    y_max: float
    series: tuple[LineSeries, ...]
    y_label: str = ""
    references: tuple[RefLine, ...] = ()
    height: float = 150.0


@dataclass(frozen=True, slots=True)
class Event:
    on: date
    label: str
    kind: str = ""  # events of the same kind share a marker shape


@dataclass(frozen=True, slots=True)
class EventPanel:
    label: str
    events: tuple[Event, ...]
    kind_labels: tuple[tuple[str, str], ...] = ()  # (kind, legend label), in legend order


@dataclass(frozen=True, slots=True)
class Span:
    label: str
    start: date
    end: date | None = None  # None = ongoing
    kind: str = ""  # spans of the same kind share a hatch pattern


@dataclass(frozen=True, slots=True)
class SpanPanel:
    label: str
    spans: tuple[Span, ...]


Panel = LinePanel | EventPanel | SpanPanel


@dataclass(frozen=True, slots=True)
class TimeMarker:
    """A vertical line across every panel (e.g. "care started")."""

    on: date
    label: str


@dataclass(frozen=True, slots=True)
class TimelineChart:
    chart_id: str
    title: str
    description: str
    start: date
    end: date
    panels: tuple[Panel, ...]
    markers: tuple[TimeMarker, ...] = ()
    width: float = 720.0


@dataclass(frozen=True, slots=True)
class Bin:
    low: float
    high: float
    count: int


@dataclass(frozen=True, slots=True)
class DistributionChart:
    chart_id: str
    title: str
    description: str
    x_label: str
    y_label: str
    bins: tuple[Bin, ...]
    references: tuple[RefLine, ...] = ()
    width: float = 720.0
    height: float = 280.0


@dataclass(frozen=True, slots=True)
class ProportionRow:
    label: str
    estimate: float  # a proportion in [0, 1]
    low: float
    high: float
    successes: int | None = None
    total: int | None = None


@dataclass(frozen=True, slots=True)
class ProportionChart:
    chart_id: str
    title: str
    description: str
    x_label: str
    rows: tuple[ProportionRow, ...]
    width: float = 720.0


Chart = TimelineChart | DistributionChart | ProportionChart


@dataclass(frozen=True, slots=True)
class DataTable:
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...] = field(default_factory=tuple)


# --- builders -------------------------------------------------------------------------------


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    series: Sequence[LineSeries],
    *,
    y_min: float,
    y_max: float,
    y_label: str = "",
    references: Sequence[RefLine] = (),
    markers: Sequence[TimeMarker] = (),
    start: date | None = None,
    end: date | None = None,
) -> TimelineChart:
    """A trend chart: one line panel on a time axis spanning the data (or start..end)."""
    dates = [p.on for s in series for p in s.points]
    lo = start or (min(dates) if dates else date.today())
    hi = end or (max(dates) if dates else lo)
    panel = LinePanel(
        label=title,
        y_min=y_min,
        y_max=y_max,
        series=tuple(series),
        y_label=y_label,
        references=tuple(references),
        height=200.0,
    )
    return TimelineChart(chart_id, title, description, lo, hi, (panel,), tuple(markers))


def nice_step(span: float, target_steps: int = 8) -> float:
    """A 1-2-5 step giving about ``target_steps`` intervals over ``span``."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / max(1, target_steps)
    if raw <= 0:  # a subnormal span divides to zero
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    for mult in (1.0, 2.0, 2.5, 5.0, 10.0):
        if raw <= mult * power:
            return mult * power
    return 10.0 * power


def histogram(values: Iterable[float], bin_width: float | None = None) -> tuple[Bin, ...]:
    """Equal-width bins aligned on multiples of ``bin_width`` (a 1-2-5 width when omitted).

    Bins are half-open [low, high); values are finite numbers (NaN and infinities are dropped).
    """
    data = sorted(v for v in values if math.isfinite(v))
    if not data:
        return ()
    width = bin_width or nice_step(data[-1] - data[0], target_steps=10)
    if width < 1e-6:  # all values (nearly) equal: one unit-wide bin
        width = 1.0
    first = math.floor(data[0] / width)
    if first * width > data[0]:  # v / width underflowed to -0.0 (a tiny negative v)
        first -= 1
    last = math.floor(data[-1] / width)
    counts = [0] * (last - first + 1)
    for v in data:
        counts[max(0, min(math.floor(v / width) - first, len(counts) - 1))] += 1
    return tuple(
        Bin(round((first + i) * width, 10), round((first + i + 1) * width, 10), c)
        for i, c in enumerate(counts)
    )


def distribution_chart(
    chart_id: str,
    title: str,
    description: str,
    values: Iterable[float],
    *,
    x_label: str,
    y_label: str,
    bin_width: float | None = None,
    references: Sequence[RefLine] = (),
) -> DistributionChart:
    return DistributionChart(
        chart_id,
        title,
        description,
        x_label,
        y_label,
        histogram(values, bin_width),
        tuple(references),
    )


# --- public entry points --------------------------------------------------------------------


def render_svg(chart: Chart, text: ChartText | None = None) -> str:
    """The chart as a standalone, accessible SVG string."""
    from atlaxis.reports.chart_layout import layout
    from atlaxis.reports.chart_svg import scene_to_svg

    return scene_to_svg(layout(chart, text or ChartText()))


def fmt(value: float | None, digits: int = 1) -> str:
    """Numbers for tables and labels: fixed decimals, integers without a decimal part."""
    if value is None or not math.isfinite(value):
        return "–"
    if float(value).is_integer() and digits <= 1:
        return str(int(value))
    return f"{value:.{digits}f}"


def compact(value: float, digits: int = 2) -> str:
    """At most ``digits`` decimals, trailing zeros dropped (axis ticks, bin edges)."""
    out = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if out in ("-0", "") else out


def pct(value: float, digits: int = 0) -> str:
    return f"{100.0 * value:.{digits}f}%"


def data_tables(chart: Chart, text: ChartText | None = None) -> list[DataTable]:
    """The text alternative of a chart: the same numbers as tables."""
    t = text or ChartText()
    if isinstance(chart, TimelineChart):
        return [tbl for p in chart.panels if (tbl := _panel_table(p, t)) is not None]
    if isinstance(chart, DistributionChart):
        bins = tuple((f"{compact(b.low)} – {compact(b.high)}", str(b.count)) for b in chart.bins)
        return [DataTable(chart.title, (t.range_, t.count), bins)]
    rows = tuple(
        (
            r.label,
            pct(r.estimate),
            f"{pct(r.low)} – {pct(r.high)}",
            "" if r.total is None else f"{r.successes}/{r.total}",
        )
        for r in chart.rows
    )
    return [DataTable(chart.title, ("", t.estimate, t.interval, t.n), rows)]


def _panel_table(panel: Panel, t: ChartText) -> DataTable | None:
    if isinstance(panel, LinePanel):
        rows = [
            (p.on.isoformat(), s.label, p.display if p.display is not None else fmt(p.value))
            for s in panel.series
            for p in s.points
            if p.value is not None
        ]
        rows.sort()
        return DataTable(panel.label, (t.date, t.series, t.value), tuple(rows))
    if isinstance(panel, EventPanel):
        ev = tuple(sorted((e.on.isoformat(), e.label) for e in panel.events))
        return DataTable(panel.label, (t.date, t.event), ev)
    sp = tuple(
        (s.label, s.start.isoformat(), s.end.isoformat() if s.end else t.ongoing)
        for s in sorted(panel.spans, key=lambda s: s.start)
    )
    return DataTable(panel.label, ("", t.start, t.end), sp)
