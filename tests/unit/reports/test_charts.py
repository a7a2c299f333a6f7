"""The chart module: valid accessible SVG, text alternatives, values at hand-computed places."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from atlaxis.reports import charts as c
from atlaxis.reports.chart_layout import date_ticks, layout
from atlaxis.reports.chart_scene import Marker, Polyline, Rect, Scene

SVG = "{http://www.w3.org/2000/svg}"
D0 = date(2024, 1, 1)


def _diary_chart() -> c.TimelineChart:
    pain = c.LineSeries(
        "Pain",
        tuple(c.TimePoint(D0 + timedelta(days=i), v) for i, v in enumerate([6, 5, None, 5, 4, 4])),
    )
    return c.TimelineChart(
        "diary",
        "Diary <pain> & fatigue",
        "Daily pain, 0 to 10, from 1 to 11 January 2024.",
        D0,
        date(2024, 1, 11),
        (c.LinePanel("Diary (0–10)", 0, 10, (pain,)),),
    )


def _full_timeline() -> c.TimelineChart:
    pain = c.LineSeries("Pain", tuple(c.TimePoint(D0 + timedelta(days=i), 5.0) for i in range(8)))
    fatigue = c.LineSeries(
        "Fatigue", tuple(c.TimePoint(D0 + timedelta(days=i), 6.0) for i in range(8))
    )
    fiqr = c.LineSeries(
        "FIQR",
        (c.TimePoint(D0, 60.0, "60.0 / 100"), c.TimePoint(date(2024, 1, 8), 50.0, "50.0 / 100")),
        connect=True,
        markers=True,
        max_gap_days=None,
    )
    visits = c.EventPanel(
        "Visits",
        (
            c.Event(date(2024, 1, 2), "Adjusted", "adjusted"),
            c.Event(D0 + timedelta(5), "Held", "held"),
        ),
        (("adjusted", "Adjusted"), ("held", "Held")),
    )
    co = c.SpanPanel("Co-therapies", (c.Span("Yoga", date(2024, 1, 3), None, "stress_reduction"),))
    return c.TimelineChart(
        "timeline",
        "Care timeline",
        "Diary, scores, visits and co-therapies.",
        D0,
        date(2024, 1, 11),
        (
            c.LinePanel("Diary", 0, 10, (pain, fatigue)),
            c.LinePanel("Scores (% of maximum)", 0, 100, (fiqr,)),
            visits,
            co,
        ),
        markers=(c.TimeMarker(date(2024, 1, 2), "Care started"),),
    )


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises on malformed XML
    assert root.tag == f"{SVG}svg"
    return root


def _assert_accessible(svg: str, title: str, desc: str) -> None:
    root = _parse(svg)
    assert root.get("role") == "img"
    children = list(root)
    assert children[0].tag == f"{SVG}title" and children[0].text == title
    assert children[1].tag == f"{SVG}desc" and children[1].text == desc
    ids = {e.get("id") for e in root.iter()}
    for ref in (root.get("aria-labelledby") or "").split():
        assert ref in ids
    assert root.get("viewBox", "").startswith("0 0 ")
    assert "<script" not in svg.lower()
    for el in root.iter():
        assert not any(k.lower().startswith("on") for k in el.attrib), el.attrib
    # every fill reference points at a defined pattern
    for el in root.iter():
        fill = el.get("fill", "")
        if fill.startswith("url(#"):
            assert fill[5:-1] in ids


@pytest.mark.parametrize(
    "chart",
    [
        _diary_chart(),
        _full_timeline(),
        c.distribution_chart(
            "dist", "Change", "Change in FIQR", [-10, -5, 0, 3], x_label="Δ", y_label="Patients"
        ),
        c.ProportionChart(
            "prop",
            "Responders",
            "Responder rates",
            "Patients",
            (c.ProportionRow("≥30%", 0.4, 0.2, 0.6, 4, 10),),
        ),
        c.TimelineChart(
            "empty",
            "Empty",
            "Nothing yet",
            D0,
            D0,
            (c.LinePanel("Diary", 0, 10, ()), c.EventPanel("Visits", ()), c.SpanPanel("Co", ())),
        ),
        c.distribution_chart("d0", "None", "No values", [], x_label="x", y_label="y"),
        c.ProportionChart("p0", "None", "No rows", "x", ()),
    ],
    ids=[
        "diary",
        "timeline",
        "distribution",
        "proportion",
        "empty-timeline",
        "empty-dist",
        "empty-prop",
    ],
)
def test_svg_is_valid_and_accessible(chart: c.Chart) -> None:
    svg = c.render_svg(chart)
    _assert_accessible(svg, chart.title, chart.description)
    assert c.data_tables(chart), "every chart has a data-table alternative"


def test_text_is_escaped() -> None:
    svg = c.render_svg(_diary_chart())
    assert "Diary &lt;pain&gt; &amp; fatigue" in svg
    assert _parse(svg).find(f"{SVG}title").text == "Diary <pain> & fatigue"  # type: ignore[union-attr]


def test_line_points_are_at_hand_computed_coordinates() -> None:
    """Width 720: plot x from 64 to 720 − 20 = 700 (636 wide) over 10 days (1–11 Jan).

    Panel: starts at y 8, label row 20 → 28, legend row: 28 + 10 + 18 = 56 = plot top;
    height 150 → bottom 206. Pain 6 on 1 Jan: x = 64, y = 206 − 6/10·150 = 116.
    Pain 4 on 5 Jan (index 4): x = 64 + 4/10·636 = 318.4, y = 206 − 0.4·150 = 146.
    The missing 3 Jan (None) breaks the line: two polylines, (1–2 Jan) and (4–6 Jan).
    """
    scene = layout(_diary_chart(), c.ChartText())
    lines = [i for i in scene.by_role("series") if isinstance(i, Polyline)]
    assert len(lines) == 2
    assert lines[0].points[0] == pytest.approx((64.0, 116.0))
    assert lines[0].points[1] == pytest.approx((64 + 0.1 * 636, 206 - 0.5 * 150))
    assert lines[1].points[1] == pytest.approx((318.4, 146.0))
    svg = c.render_svg(_diary_chart())
    assert 'points="64,116 127.6,131"' in svg  # 64 + 63.6 = 127.6; 206 − 75 = 131


def test_gaps_longer_than_max_gap_break_the_line() -> None:
    pts = (c.TimePoint(D0, 1), c.TimePoint(D0 + timedelta(1), 2), c.TimePoint(D0 + timedelta(9), 3))
    chart = c.line_chart("t", "T", "d", [c.LineSeries("s", pts)], y_min=0, y_max=10)
    scene = layout(chart, c.ChartText())
    assert len([i for i in scene.by_role("series") if isinstance(i, Polyline)]) == 1
    # the isolated last point is still drawn, as a marker
    assert len([i for i in scene.by_role("point") if isinstance(i, Marker)]) == 1


def test_score_points_events_and_spans_positions() -> None:
    scene = layout(_full_timeline(), c.ChartText())
    points = [i for i in scene.by_role("point") if isinstance(i, Marker)]
    # FIQR on 8 Jan: x = 64 + 7/10·636 = 509.2, with its raw score in the tooltip
    assert points[1].x == pytest.approx(509.2)
    assert points[1].title == "FIQR, 2024-01-08: 50.0 / 100"
    events = [i for i in scene.by_role("event") if isinstance(i, Marker)]
    assert [round(e.x, 1) for e in events] == [127.6, 382.0]  # 64 + 0.1·636; 64 + 0.5·636
    assert events[0].shape != events[1].shape  # adjusted vs held differ by shape, not only colour
    span = next(i for i in scene.by_role("span") if isinstance(i, Rect))
    # Yoga from 3 Jan, ongoing → to the axis end: x 64 + 0.2·636 = 191.2, width 0.8·636 = 508.8
    assert span.x == pytest.approx(191.2) and span.w == pytest.approx(508.8)
    assert span.pattern != "solid"
    marker = scene.by_role("time-marker")[0]
    assert getattr(marker, "x1", None) == pytest.approx(127.6)


def test_series_differ_by_dash_and_marker_not_only_colour() -> None:
    scene = layout(_full_timeline(), c.ChartText())
    lines = [i for i in scene.by_role("series") if isinstance(i, Polyline)]
    assert lines[0].stroke.dash != lines[1].stroke.dash
    assert lines[0].stroke.colour != lines[1].stroke.colour


def test_histogram_bins_and_bar_geometry() -> None:
    """Values −3, −2.5, −1, 0.5, 1 with width 1 → [−3,−2):2, [−2,−1):0, [−1,0):1, [0,1):1, [1,2):1.

    Plot x 64..700 over [−3, 2] (5 units → 127.2 per bin); y 24..224 over 0..2 patients.
    First bar: x 64, width 127.2, top 24 (count 2 = maximum), height 200.
    """
    chart = c.distribution_chart(
        "d", "t", "d", [-3, -2.5, -1, 0.5, 1], x_label="x", y_label="y", bin_width=1
    )
    assert [(b.low, b.high, b.count) for b in chart.bins] == [
        (-3, -2, 2),
        (-2, -1, 0),
        (-1, 0, 1),
        (0, 1, 1),
        (1, 2, 1),
    ]
    scene = layout(chart, c.ChartText())
    bars = [i for i in scene.by_role("bar") if isinstance(i, Rect)]
    assert (bars[0].x, bars[0].w, bars[0].y, bars[0].h) == pytest.approx((64, 127.2, 24, 200))
    assert bars[2].y == pytest.approx(124.0)  # count 1: 224 − 1/2·200
    table = c.data_tables(chart)[0]
    assert table.rows[0] == ("-3 – -2", "2")


def test_histogram_reference_line_widens_the_axis() -> None:
    chart = c.distribution_chart(
        "d",
        "t",
        "d",
        [1, 2],
        x_label="x",
        y_label="y",
        bin_width=1,
        references=(c.RefLine(-2, "MCID"),),
    )
    scene = layout(chart, c.ChartText())
    ref = scene.by_role("reference")[0]
    # axis [−2, 3]: x(−2) = 64
    assert getattr(ref, "x1", None) == pytest.approx(64.0)


def test_proportion_positions_and_table() -> None:
    """Plot x 16..510 (720 − 210) over 0–100%: 25% → 16 + 0.25·494 = 139.5; 10% → 65.4."""
    chart = c.ProportionChart(
        "p", "Responders", "d", "Proportion", (c.ProportionRow("≥30%", 0.25, 0.1, 0.5, 5, 20),)
    )
    scene = layout(chart, c.ChartText())
    est = next(i for i in scene.by_role("estimate") if isinstance(i, Marker))
    assert est.x == pytest.approx(139.5) and est.y == pytest.approx(40.0)
    interval = scene.by_role("interval")[0]
    assert getattr(interval, "x1", None) == pytest.approx(65.4)
    assert getattr(interval, "x2", None) == pytest.approx(263.0)  # 16 + 0.5·494
    assert c.data_tables(chart)[0].rows == (("≥30%", "25%", "10% – 50%", "5/20"),)


def test_timeline_tables_hold_every_value() -> None:
    tables = c.data_tables(_full_timeline())
    assert [t.caption for t in tables] == [
        "Diary",
        "Scores (% of maximum)",
        "Visits",
        "Co-therapies",
    ]
    assert len(tables[0].rows) == 16
    assert ("2024-01-08", "FIQR", "50.0 / 100") in tables[1].rows
    assert tables[2].rows == (("2024-01-02", "Adjusted"), ("2024-01-06", "Held"))
    assert tables[3].rows == (("Yoga", "2024-01-03", "ongoing"),)
    translated = c.data_tables(_full_timeline(), c.ChartText(ongoing="en cours"))
    assert translated[3].rows[0][2] == "en cours"


def test_pattern_ids_are_prefixed_per_chart() -> None:
    svg = c.render_svg(_full_timeline())
    assert 'id="timeline-diagonal-0072B2"' in svg
    assert 'fill="url(#timeline-diagonal-0072B2)"' in svg


def test_date_ticks() -> None:
    assert [d.day for d, _ in date_ticks(D0, date(2024, 1, 5))] == [1, 2, 3, 4, 5]
    weekly = date_ticks(D0, date(2024, 2, 15))
    assert all(d.weekday() == 0 for d, _ in weekly)
    monthly = date_ticks(date(2024, 1, 15), date(2024, 6, 20))
    assert [label for _, label in monthly] == [
        "2024-02",
        "2024-03",
        "2024-04",
        "2024-05",
        "2024-06",
    ]


def test_nice_step() -> None:
    assert c.nice_step(10, 5) == 2
    assert c.nice_step(100, 5) == 20
    assert c.nice_step(1, 4) == 0.25
    assert c.nice_step(0) == 1.0


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(-1e4, 1e4, allow_nan=False), min_size=1, max_size=200),
    st.sampled_from([None, 0.5, 1.0, 7.0]),
)
@example([0.0, 5e-324], None)  # a subnormal span: log10 of zero
@example([-5e-324], 7.0)  # -5e-324 / 7 underflows to -0.0: the bin must still hold it
def test_histogram_keeps_every_value(values: list[float], width: float | None) -> None:
    bins = c.histogram(values, width)
    assert sum(b.count for b in bins) == len(values)
    for b in bins:
        assert b.high > b.low
    assert bins[0].low <= min(values) and max(values) <= bins[-1].high


def test_scene_fits_canvas() -> None:
    for chart in (_full_timeline(), _diary_chart()):
        scene: Scene = layout(chart, c.ChartText())
        for item in scene.items:
            for attr in ("x", "x1", "x2"):
                v = getattr(item, attr, None)
                if v is not None:
                    assert 0 <= v <= scene.width, (item, attr)
            for attr in ("y", "y1", "y2"):
                v = getattr(item, attr, None)
                if v is not None:
                    assert 0 <= v <= scene.height, (item, attr)
        assert math.isfinite(scene.height)
