"""Clinician pages: the patient list (``/patients``) and the patient page (``/patients/{id}``).

The patient page shows, top to bottom: the intake summary (safety decision and
neck-involvement profile, instrument assignment), open alerts (acknowledged only with a
recorded reason), the timeline chart, the outcome panel (each result's reading with method
and caveats one click away), the visit form (with angles from landmarks), co-therapies and a
placeholder link for the PDF report. Every form works without JavaScript and carries the
session's CSRF token; problems are shown next to their fields.
"""

from __future__ import annotations

import importlib
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request, Response

from atlaxis.domain import CoTherapyKind, Reaction, Role, Side, VisitDecision
from atlaxis.domain import landmarks as lm
from atlaxis.errors import AtlaxisError
from atlaxis.reports.charts import fmt
from atlaxis.services import alerts, clinician_views, outcomes, patients, timeline, visits
from atlaxis.web.deps import UowDep
from atlaxis.web.pages import visit_form as vf
from atlaxis.web.pages.clinician_charts import rendered, timeline_chart
from atlaxis.web.pages.common import (
    MaybeAuthDep,
    PageRoute,
    first,
    form_values,
    redirect,
    render,
    require,
    translator,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)

STAFF = (Role.CLINICIAN, Role.ADMIN)
RANGES = {"30": 30, "90": 90, "180": 180, "365": 365}
DEFAULT_RANGE = "180"
#: the confirmations a redirect may ask the patient page to show (``?saved=...``)
SAVED = ("alert", "visit", "cotherapy", "assigned")


def _questionnaires() -> Any | None:
    """The assignment service once the platform has it (W1 asked P1 for it)."""
    try:
        module = importlib.import_module("atlaxis.services.questionnaires")
    except ImportError:
        return None
    return module if hasattr(module, "assign_instruments") else None


@router.get("/patients")
def patient_list(
    request: Request, uow: UowDep, found: MaybeAuthDep, q: str = "", start: int = 0
) -> Response:
    who = require(found, *STAFF)
    page = clinician_views.patient_list(uow, who.actor, offset=start, limit=25, search=q)
    context = {
        "rows": page.items,
        "next_start": page.next_cursor,
        "prev_start": max(0, start - 25) if start > 0 else None,
        "q": q,
        "key_instruments": clinician_views.KEY_INSTRUMENTS,
        "num": fmt,
    }
    return render(request, "patients.html", context, found=who)


def _range(days: str) -> tuple[str, date, date]:
    key = days if days in RANGES or days == "all" else DEFAULT_RANGE
    end = datetime.now(UTC).date()
    start = end - timedelta(days=RANGES.get(key, 3650))
    return key, start, end


def _patient_context(
    request: Request, uow: UowDep, who: Any, patient_id: int, days: str
) -> dict[str, Any]:
    actor = who.actor
    _ = translator(request)
    patient = patients.get_patient(uow, actor, patient_id)
    key, start, end = _range(days)
    body = timeline.patient_timeline(uow, actor, patient_id, None if key == "all" else start, end)
    if key == "all":
        firsts = [d["date"] for d in body["diary"][:1]] + [
            a["taken_at"][:10] for a in body["assessments"][:1]
        ]
        start = min([date.fromisoformat(x) for x in firsts], default=start)
    open_alerts = alerts.list_alerts(uow, actor, patient_id=patient_id, open_only=True, limit=100)
    recent_alerts = alerts.list_alerts(uow, actor, patient_id=patient_id, limit=20)
    q = _questionnaires()
    assignments = q.list_assignments(uow, actor, patient_id) if q is not None else None
    return {
        "patient": patient,
        "range_key": key,
        "ranges": [*RANGES, "all"],
        "chart": rendered(timeline_chart(body, start, end, _), _),
        "intake": clinician_views.intake(uow, actor, patient_id),
        "open_alerts": open_alerts.items,
        "closed_alerts": [a for a in recent_alerts.items if not a.open],
        "visits": list(reversed(body["visits"]))[:10],
        "cotherapies": body["cotherapies"],
        "assignments": assignments,
        "can_assign": q is not None,
        "views": list(lm.views().values()),
        "techniques": vf.TECHNIQUES,
        "decisions": [d.value for d in VisitDecision],
        "reactions": [r.value for r in Reaction],
        "sides": [s.value for s in Side],
        "posture_keys": vf.POSTURE_KEYS,
        "cotherapy_kinds": [k.value for k in CoTherapyKind],
        "visit": vf.VisitForm({"occurred_at": datetime.now().strftime("%Y-%m-%dT%H:%M")}),
        "ack_errors": {},
        "co_errors": {},
        "co_values": {},
        "saved": saved if (saved := request.query_params.get("saved", "")) in SAVED else "",
        "instrument_choices": _assignable(),
    }


def _assignable() -> list[str]:
    q = _questionnaires()
    if q is not None and hasattr(q, "assignable_instruments"):
        return list(q.assignable_instruments())
    from atlaxis.instruments import instrument_ids

    return [i for i in instrument_ids() if i not in ("diary",)]


@router.get("/patients/{patient_id}")
def patient_page(
    request: Request, uow: UowDep, found: MaybeAuthDep, patient_id: int, days: str = ""
) -> Response:
    who = require(found, *STAFF)
    context = _patient_context(request, uow, who, patient_id, days)
    return render(request, "patient.html", context, found=who)


@router.get("/patients/{patient_id}/outcomes")
def outcome_page(request: Request, uow: UowDep, found: MaybeAuthDep, patient_id: int) -> Response:
    who = require(found, *STAFF)
    context = {
        "patient": patients.get_patient(uow, who.actor, patient_id),
        "outcomes": outcomes.patient_outcomes(uow, who.actor, patient_id),
    }
    return render(request, "patient_outcomes.html", context, found=who)


def _again(
    request: Request, uow: UowDep, who: Any, patient_id: int, changes: dict[str, Any]
) -> Response:
    """The patient page again with the posted form and its problems (422)."""
    context = _patient_context(request, uow, who, patient_id, "")
    context.update(changes)
    return render(request, "patient.html", context, found=who, status_code=422)


@router.post("/patients/{patient_id}/alerts/{alert_id}/acknowledge")
async def acknowledge(
    request: Request, uow: UowDep, found: MaybeAuthDep, patient_id: int, alert_id: int
) -> Response:
    who = require(found, *STAFF)
    values = await form_values(request)
    note = first(values, "reason").strip()
    if not note:
        errors = {alert_id: {"reason": "alert.error.reason"}}
        return _again(request, uow, who, patient_id, {"ack_errors": errors})
    alerts.acknowledge_alert(uow, who.actor, alert_id, note)
    return redirect(f"/patients/{patient_id}?saved=alert#alerts")


@router.post("/patients/{patient_id}/visits")
async def record_visit(
    request: Request, uow: UowDep, found: MaybeAuthDep, patient_id: int
) -> Response:
    who = require(found, *STAFF)
    values = await form_values(request)
    form, payload = vf.read_visit(values)
    if first(values, "action") == "compute" or form.errors:
        return _again(request, uow, who, patient_id, {"visit": form, "visit_open": True})
    try:
        visits.record_visit(uow, who.actor, patient_id, payload)
    except AtlaxisError as exc:
        if not exc.problems:
            raise
        for p in exc.problems:
            form.errors.setdefault(vf.service_field(p.field), "visit.error.invalid")
        return _again(request, uow, who, patient_id, {"visit": form, "visit_open": True})
    return redirect(f"/patients/{patient_id}?saved=visit#timeline")


CO_FIELDS = ("kind", "name", "dose", "provider", "started_on", "ended_on", "notes")


@router.post("/patients/{patient_id}/cotherapies")
async def add_cotherapy(
    request: Request, uow: UowDep, found: MaybeAuthDep, patient_id: int
) -> Response:
    who = require(found, *STAFF)
    values = await form_values(request)
    posted = {k: first(values, k).strip() for k in CO_FIELDS}
    payload = {k: v for k, v in posted.items() if v}
    try:
        visits.add_cotherapy(uow, who.actor, patient_id, payload)
    except AtlaxisError as exc:
        if not exc.problems:
            raise
        errors = {p.field: "cotherapy.error.invalid" for p in exc.problems}
        if "name" in errors:
            errors["name"] = "cotherapy.error.name"
        if "started_on" in errors:
            errors["started_on"] = "cotherapy.error.start"
        if "ended_on" in errors:
            errors["ended_on"] = "cotherapy.error.end"
        return _again(request, uow, who, patient_id, {"co_errors": errors, "co_values": posted})
    return redirect(f"/patients/{patient_id}?saved=cotherapy#cotherapies")


@router.post("/patients/{patient_id}/cotherapies/{item_id}/end")
async def end_cotherapy(
    request: Request, uow: UowDep, found: MaybeAuthDep, patient_id: int, item_id: int
) -> Response:
    who = require(found, *STAFF)
    values = await form_values(request)
    ended = first(values, "ended_on").strip() or datetime.now(UTC).date().isoformat()
    try:
        visits.update_cotherapy(uow, who.actor, item_id, {"ended_on": ended})
    except AtlaxisError as exc:
        if not exc.problems:
            raise
        errors = {f"end_{item_id}": "cotherapy.error.end"}
        return _again(request, uow, who, patient_id, {"co_errors": errors})
    return redirect(f"/patients/{patient_id}?saved=cotherapy#cotherapies")


@router.post("/patients/{patient_id}/assignments")
async def assign(request: Request, uow: UowDep, found: MaybeAuthDep, patient_id: int) -> Response:
    who = require(found, *STAFF)
    q = _questionnaires()
    values = await form_values(request)
    chosen = [v for v in values.get("instrument", []) if v in _assignable()]
    if q is None or not chosen:
        return _again(request, uow, who, patient_id, {"assign_error": "intake.error.assign"})
    due_text = first(values, "due").strip()
    try:
        due = date.fromisoformat(due_text) if due_text else None
    except ValueError:
        return _again(request, uow, who, patient_id, {"assign_error": "intake.error.due"})
    try:
        q.assign_instruments(uow, who.actor, patient_id, chosen, due=due)
    except AtlaxisError as exc:
        if not exc.problems:
            raise
        key = "intake.error.due" if any(p.field == "due" for p in exc.problems) else None
        return _again(request, uow, who, patient_id, {"assign_error": key or "intake.error.assign"})
    return redirect(f"/patients/{patient_id}?saved=assigned#intake")
