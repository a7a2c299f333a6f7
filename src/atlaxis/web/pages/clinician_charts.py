"""Chart specs for the clinician pages, built from service results (one chart module renders).

The timeline puts on one time axis: daily diary lines (0-10, the day's mean when several
entries were made), questionnaire totals as a percentage of each instrument's range (the raw
score is in the tooltip and the data table), visit markers (shape by decision) and
co-therapy bars (hatch by kind), with a vertical line at each episode's care start.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from markupsafe import Markup

from atlaxis.errors import AtlaxisError
from atlaxis.instruments import get_instrument
from atlaxis.reports import charts as c

DIARY_LINES = ("pain", "fatigue", "sleep_quality")
NOT_SCORES = ("safety_screen", "neck_screen", "diary")

T = Callable[..., str]


@dataclass(frozen=True)
class RenderedChart:
    """What a template needs: the SVG (already escaped by the chart module) and its tables."""

    chart_id: str
    title: str
    svg: Markup
    tables: list[c.DataTable]


def chart_text(_: T) -> c.ChartText:
    return c.ChartText(
        date=_("chart.date"),
        value=_("chart.value"),
        start=_("chart.start"),
        end=_("chart.end"),
        ongoing=_("chart.ongoing"),
        count=_("chart.count"),
        range_=_("chart.range"),
        estimate=_("chart.estimate"),
        interval=_("chart.interval"),
        n=_("chart.n"),
        event=_("chart.event"),
        series=_("chart.series"),
        no_data=_("chart.no_data"),
    )


def rendered(chart: c.Chart, _: T) -> RenderedChart:
    text = chart_text(_)
    svg = Markup(c.render_svg(chart, text))  # SVG text escaped by chart_svg
    return RenderedChart(chart.chart_id, chart.title, svg, c.data_tables(chart, text))


def _day(value: str) -> date:
    return datetime.fromisoformat(value).date() if "T" in value else date.fromisoformat(value)


def _diary_panel(rows: list[dict[str, Any]], _: T) -> c.LinePanel:
    per_day: dict[str, dict[date, list[float]]] = {k: defaultdict(list) for k in DIARY_LINES}
    for row in rows:
        d = _day(row["date"])
        for key in DIARY_LINES:
            v = (row.get("items") or {}).get(key)
            if isinstance(v, int | float) and not isinstance(v, bool):
                per_day[key][d].append(float(v))
    series = tuple(
        c.LineSeries(
            _(f"item.{key}"),
            tuple(c.TimePoint(d, sum(v) / len(v)) for d, v in sorted(per_day[key].items())),
        )
        for key in DIARY_LINES
    )
    return c.LinePanel(_("timeline.diary"), 0, 10, series, y_label="0–10")


def _scores_panel(rows: list[dict[str, Any]], _: T) -> c.LinePanel:
    by_inst: dict[str, list[c.TimePoint]] = defaultdict(list)
    titles: dict[str, str] = {}
    for row in rows:
        inst, total = row["instrument"], row.get("total")
        if inst in NOT_SCORES or total is None:
            continue
        try:
            definition = get_instrument(inst)
        except AtlaxisError:
            continue
        if definition.score_range is None:
            continue
        low, high = definition.score_range
        share = 100.0 * (float(total) - low) / ((high - low) or 1.0)
        shown = f"{c.fmt(float(total))} ({c.fmt(low)}–{c.fmt(high)})"
        by_inst[inst].append(c.TimePoint(_day(row["taken_at"]), share, shown))
        titles[inst] = inst.upper()
    series = tuple(
        c.LineSeries(titles[k], tuple(v), markers=True, max_gap_days=None)
        for k, v in sorted(by_inst.items())
    )
    return c.LinePanel(_("timeline.scores"), 0, 100, series, y_label="%", height=120.0)


def timeline_chart(body: dict[str, Any], start: date, end: date, _: T) -> c.TimelineChart:
    visits = c.EventPanel(
        _("timeline.visits"),
        tuple(
            c.Event(_day(v["occurred_at"]), _visit_label(v, _), str(v.get("decision") or ""))
            for v in body.get("visits", [])
        ),
        tuple((k, _(f"visit.decision.{k}")) for k in ("adjusted", "held", "referred", "deferred")),
    )
    spans = c.SpanPanel(
        _("timeline.cotherapies"),
        tuple(
            c.Span(
                co["name"],
                date.fromisoformat(co["started_on"]),
                date.fromisoformat(co["ended_on"]) if co.get("ended_on") else None,
                str(co.get("kind") or ""),
            )
            for co in body.get("cotherapies", [])
            if (not co.get("ended_on") or date.fromisoformat(co["ended_on"]) >= start)
            and date.fromisoformat(co["started_on"]) <= end
        ),
    )
    markers = tuple(
        c.TimeMarker(date.fromisoformat(e["care_start"]), _("timeline.care_start"))
        for e in body.get("episodes", [])
        if start <= date.fromisoformat(e["care_start"]) <= end
    )
    return c.TimelineChart(
        "timeline-chart",
        _("timeline.title"),
        _("timeline.desc", start=start.isoformat(), end=end.isoformat()),
        start,
        end,
        (
            _diary_panel(body.get("diary", []), _),
            _scores_panel(body.get("assessments", []), _),
            visits,
            spans,
        ),
        markers,
    )


def _visit_label(v: dict[str, Any], _: T) -> str:
    decision = str(v.get("decision") or "")
    parts = [v.get("technique") or "", _(f"visit.decision.{decision}") if decision else ""]
    if v.get("listing"):
        parts.append(str(v["listing"]))
    return " · ".join(p for p in parts if p)


def cohort_charts(summary: dict[str, Any], _: T) -> list[RenderedChart]:
    """Responder rates with intervals and the distribution of change."""
    out: list[RenderedChart] = []
    rates = (summary.get("responders") or {}).get("rates") or {}
    rows = []
    for key, rate in rates.items():
        if rate.get("proportion") is None or rate.get("ci") is None:
            continue
        label = (
            _("cohort.rate.mcid")
            if key == "mcid"
            else _("cohort.rate.percent", pct=c.fmt(rate["threshold"], 0))
        )
        lo, hi = rate["ci"]
        rows.append(
            c.ProportionRow(label, rate["proportion"], lo, hi, rate["responders"], rate["n"])
        )
    out.append(
        rendered(
            c.ProportionChart(
                "responders",
                _("cohort.responders.title"),
                _("cohort.responders.desc", n=summary.get("n", 0)),
                _("cohort.responders.axis"),
                tuple(rows),
            ),
            _,
        )
    )
    refs = [c.RefLine(0.0, _("cohort.change.none"))]
    mcid = summary.get("mcid")
    if mcid and mcid.get("unit") == "points":
        sign = -1.0 if summary.get("lower_is_better", True) else 1.0
        refs.append(c.RefLine(sign * float(mcid["value"]), _("cohort.change.mcid")))
    out.append(
        rendered(
            c.distribution_chart(
                "change",
                _("cohort.change.title"),
                _("cohort.change.desc", n=len(summary.get("change", []))),
                summary.get("change", []),
                x_label=_("cohort.change.axis", title=summary["title"]),
                y_label=_("cohort.change.patients"),
                references=refs,
            ),
            _,
        )
    )
    return out
