"""The patient's own view (``/me``): diary trends, questionnaire scores, a weekly WPI/SSS
estimate from the body map and ratings, and their own data to download (CSV or JSON).

Every read goes through the services (a patient can only ever reach their own record).
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request, Response

from atlaxis.domain import Actor, Assessment, DiaryEntry, Role
from atlaxis.errors import AtlaxisError
from atlaxis.instruments import get_instrument, weekly
from atlaxis.reports import charts as c
from atlaxis.services import assessments, diary, patients
from atlaxis.services.views import jsonable
from atlaxis.storage import UnitOfWork
from atlaxis.web.deps import UowDep
from atlaxis.web.pages.checkin import RATINGS, local_today
from atlaxis.web.pages.clinician_charts import RenderedChart, rendered
from atlaxis.web.pages.common import MaybeAuthDep, PageRoute, render, require, translator

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PERIODS = (30, 90, 365)
TREND_ITEMS = ("pain", "fatigue", "sleep_quality")
PAGE = 200
T = Callable[..., str]


def all_diary(uow: UnitOfWork, actor: Actor, start: date | None) -> list[DiaryEntry]:
    """Every diary entry since ``start`` (all when None), newest first, page by page."""
    assert actor.patient_id is not None
    out: list[DiaryEntry] = []
    cursor: str | None = None
    while True:
        page = diary.list_diary(
            uow, actor, actor.patient_id, start=start, cursor=cursor, limit=PAGE
        )
        out += page.items
        if page.next_cursor is None:
            return out
        cursor = page.next_cursor


def all_assessments(uow: UnitOfWork, actor: Actor) -> list[Assessment]:
    assert actor.patient_id is not None
    out: list[Assessment] = []
    cursor: str | None = None
    while True:
        page = assessments.list_assessments(uow, actor, actor.patient_id, cursor=cursor, limit=PAGE)
        out += page.items
        if page.next_cursor is None:
            return out
        cursor = page.next_cursor


def trend_chart(entries: list[DiaryEntry], start: date, end: date, _: T) -> RenderedChart:
    """Daily means of pain, tiredness and sleep (0-10) on one time axis."""
    per_day: dict[str, dict[date, list[float]]] = {k: defaultdict(list) for k in TREND_ITEMS}
    for entry in entries:
        for key in TREND_ITEMS:
            if key in entry.items:
                per_day[key][entry.local_date].append(float(entry.items[key]))
    series = [
        c.LineSeries(
            _(f"item.{key}"),
            tuple(c.TimePoint(d, sum(v) / len(v)) for d, v in sorted(per_day[key].items())),
        )
        for key in TREND_ITEMS
    ]
    chart = c.line_chart(
        "trend",
        _("me.trend.title"),
        _("me.trend.desc"),
        series,
        y_min=0,
        y_max=10,
        y_label=_("me.trend.axis"),
        start=start,
        end=end,
    )
    return rendered(chart, _)


def score_chart(row: dict[str, Any], _: T) -> RenderedChart | None:
    """Totals of one instrument over time on its own scale (needs two results and a range)."""
    points = [
        c.TimePoint(h["on"], float(h["total"]), c.fmt(float(h["total"])))
        for h in row["history"]
        if h["total"] is not None
    ]
    if len(points) < 2 or row["range"] is None:
        return None
    low, high = row["range"]
    chart = c.line_chart(
        f"score-{row['id']}",
        row["name"],
        _("me.scores.desc", name=row["name"], low=c.fmt(low), high=c.fmt(high)),
        [c.LineSeries(row["name"], tuple(points), markers=True, max_gap_days=None)],
        y_min=low,
        y_max=high,
        y_label=_("me.scores.axis"),
    )
    return rendered(chart, _)


def score_rows(items: list[Assessment]) -> list[dict[str, Any]]:
    """One row per instrument: its name, range and every total, oldest first."""
    by_instrument: dict[str, list[Assessment]] = defaultdict(list)
    for item in items:
        by_instrument[item.instrument].append(item)
    rows = []
    for instrument_id, taken in sorted(by_instrument.items()):
        if instrument_id in ("diary", "safety_screen", "neck_screen"):
            continue
        try:
            inst = get_instrument(instrument_id)
            name, score_range = inst.title, inst.score_range
        except AtlaxisError:
            name, score_range = instrument_id, None
        history = sorted(taken, key=lambda a: a.taken_at)
        rows.append(
            {
                "id": instrument_id,
                "name": name,
                "range": score_range,
                "history": [
                    {
                        "on": a.taken_at.date(),
                        "total": a.result.get("total"),
                        "band": a.result.get("band"),
                    }
                    for a in history
                ],
            }
        )
    return rows


@router.get("/me")
def me_page(request: Request, uow: UowDep, found: MaybeAuthDep, days: int = 90) -> Response:
    who = require(found, Role.PATIENT)
    actor = who.actor
    _ = translator(request)
    period = days if days in PERIODS else 90
    today = local_today(uow, actor)
    start = today - timedelta(days=period - 1)
    entries = all_diary(uow, actor, min(start, weekly.monday_of(today) - timedelta(weeks=7)))
    in_period = [e for e in entries if e.local_date >= start]
    scores = score_rows(all_assessments(uow, actor))
    context = {
        "period": period,
        "periods": PERIODS,
        "entry_count": len(in_period),
        "trend": trend_chart(in_period, start, today, _),
        "weeks": weekly.weekly(entries, weeks=8, today=today),
        "patient_id": actor.patient_id,
        "scores": scores,
        "score_charts": {r["id"]: score_chart(r, _) for r in scores},
    }
    return render(request, "me.html", context, found=who)


def _download(kind: str, extension: str, today: date) -> dict[str, str]:
    name = f"atlaxis-{kind}-{today.isoformat()}.{extension}"
    return {"content-disposition": f'attachment; filename="{name}"'}


def _cell(text: str) -> str:
    """Free text for a spreadsheet: a leading = + - @ would be read as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@router.get("/me/data.json")
def export_json(uow: UowDep, found: MaybeAuthDep) -> Response:
    """Everything the patient has entered or been scored on, as JSON."""
    who = require(found, Role.PATIENT)
    actor = who.actor
    assert actor.patient_id is not None
    record = patients.get_patient(uow, actor, actor.patient_id)
    body = {
        "format": "atlaxis patient export 1",
        "patient": {"record_number": record.record_number, "name": record.display_name},
        "diary": [diary.entry_json(e) for e in reversed(all_diary(uow, actor, None))],
        "assessments": [
            {
                "instrument": a.instrument,
                "taken_at": jsonable(a.taken_at),
                "answers": a.answers,
                "result": a.result,
            }
            for a in sorted(all_assessments(uow, actor), key=lambda a: a.taken_at)
        ],
    }
    text = json.dumps(body, indent=2, ensure_ascii=False)
    headers = _download("data", "json", local_today(uow, actor))
    return Response(text, media_type="application/json", headers=headers)


@router.get("/me/diary.csv")
def export_diary_csv(uow: UowDep, found: MaybeAuthDep) -> Response:
    """The diary as CSV: one row per entry, one column per rating, sites joined by ';'."""
    who = require(found, Role.PATIENT)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "time", "recalled", *RATINGS, "body_map", "note"])
    for e in reversed(all_diary(uow, who.actor, None)):
        clock = "" if e.local_time is None else e.local_time.strftime("%H:%M")
        ratings = ["" if e.items.get(k) is None else _num(e.items[k]) for k in RATINGS]
        writer.writerow(
            [
                e.local_date.isoformat(),
                clock,
                int(e.recalled),
                *ratings,
                ";".join(e.body_map),
                _cell(e.note),
            ]
        )
    headers = _download("diary", "csv", local_today(uow, who.actor))
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/me/scores.csv")
def export_scores_csv(uow: UowDep, found: MaybeAuthDep) -> Response:
    """Questionnaire results as CSV: instrument, when, total, band, subscales (JSON)."""
    who = require(found, Role.PATIENT)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["instrument", "taken_at", "total", "band", "complete", "subscales"])
    for a in sorted(all_assessments(uow, who.actor), key=lambda a: a.taken_at):
        r = a.result
        total = "" if r.get("total") is None else _num(r["total"])
        subscales = json.dumps(r.get("subscales") or {}, sort_keys=True)
        writer.writerow(
            [
                a.instrument,
                a.taken_at.isoformat(),
                total,
                r.get("band") or "",
                r.get("complete"),
                subscales,
            ]
        )
    headers = _download("scores", "csv", local_today(uow, who.actor))
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


def _num(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"
