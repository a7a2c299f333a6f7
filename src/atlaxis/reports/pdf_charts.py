"""The report's diary chart as a neutral chart spec (:mod:`atlaxis.reports.charts`).

One time axis: daily diary lines (the day's mean when several entries were made), visit
markers (shape by decision) and co-therapy bars (hatch by kind), with a vertical line at each
care start.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from atlaxis.reports import charts as c

DIARY_LINES: tuple[tuple[str, str], ...] = (
    ("pain", "Pain"),
    ("fatigue", "Fatigue"),
    ("sleep_quality", "Sleep quality"),
)
DECISIONS = (
    ("adjusted", "Adjusted"),
    ("held", "Held"),
    ("referred", "Referred"),
    ("deferred", "Deferred"),
)


def day_of(value: str) -> date:
    return (
        datetime.fromisoformat(value).date()
        if "T" in value or " " in value
        else (date.fromisoformat(value))
    )


def _diary_panel(rows: list[dict[str, Any]]) -> c.LinePanel:
    per_day: dict[str, dict[date, list[float]]] = {k: defaultdict(list) for k, _ in DIARY_LINES}
    for row in rows:
        d = day_of(row["date"])
        for key, _label in DIARY_LINES:
            v = (row.get("items") or {}).get(key)
            if isinstance(v, int | float) and not isinstance(v, bool):
                per_day[key][d].append(float(v))
    series = tuple(
        c.LineSeries(
            label, tuple(c.TimePoint(d, sum(v) / len(v)) for d, v in sorted(per_day[key].items()))
        )
        for key, label in DIARY_LINES
    )
    return c.LinePanel("Daily diary (0–10)", 0, 10, series, y_label="0–10", height=170.0)


def _visit_label(v: dict[str, Any]) -> str:
    parts = [str(v.get("technique") or ""), str(v.get("decision") or "")]
    return " · ".join(p for p in parts if p)


def diary_chart(body: dict[str, Any], start: date, end: date) -> c.TimelineChart:
    """Diary lines, visits and co-therapies between ``start`` and ``end``."""
    visits = c.EventPanel(
        "Visits",
        tuple(
            c.Event(day_of(v["occurred_at"]), _visit_label(v), str(v.get("decision") or ""))
            for v in body.get("visits", [])
            if start <= day_of(v["occurred_at"]) <= end
        ),
        DECISIONS,
    )
    spans = c.SpanPanel(
        "Co-therapies",
        tuple(
            c.Span(
                str(co.get("name") or co.get("kind") or ""),
                max(date.fromisoformat(co["started_on"]), start),
                min(date.fromisoformat(co["ended_on"]), end) if co.get("ended_on") else None,
                str(co.get("kind") or ""),
            )
            for co in body.get("cotherapies", [])
            if (not co.get("ended_on") or date.fromisoformat(co["ended_on"]) >= start)
            and date.fromisoformat(co["started_on"]) <= end
        ),
    )
    markers = tuple(
        c.TimeMarker(date.fromisoformat(e["care_start"]), "Care started")
        for e in body.get("episodes", [])
        if start <= date.fromisoformat(e["care_start"]) <= end
    )
    return c.TimelineChart(
        "report-diary",
        "Diary, visits and co-therapies",
        f"Daily pain, fatigue and sleep quality from {start.isoformat()} to {end.isoformat()}, "
        "with visits and co-therapies on the same time axis.",
        start,
        end,
        (_diary_panel(body.get("diary", [])), visits, spans),
        markers,
    )


def period(body: dict[str, Any]) -> tuple[date, date] | None:
    """First and last day with any diary entry, assessment or visit."""
    days = [day_of(r["date"]) for r in body.get("diary", [])]
    days += [day_of(a["taken_at"]) for a in body.get("assessments", [])]
    days += [day_of(v["occurred_at"]) for v in body.get("visits", [])]
    if not days:
        return None
    return min(days), max(days)
