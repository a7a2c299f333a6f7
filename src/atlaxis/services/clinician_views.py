"""Read models for the clinician pages: the patient list and the intake summary.

Built only on repositories and the authorisation helpers, with one audit event per call.
The patient list puts patients with open alerts first (worst severity, then most alerts),
then the others in record order; each row carries the last check-in day and the latest total
of each key instrument with the direction of change since the previous total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from atlaxis.domain import Actor, Alert, Page, Patient, Role, Severity
from atlaxis.errors import AtlaxisError
from atlaxis.instruments import get_instrument
from atlaxis.screening import neck_profile, safety
from atlaxis.services import audit
from atlaxis.services.authz import not_found, patient_scope, require_role, staff_clinic
from atlaxis.services.pagination import check_limit
from atlaxis.storage import UnitOfWork
from atlaxis.storage.read_models import ReadModels

#: instruments shown as columns of the patient list, in order
KEY_INSTRUMENTS: tuple[str, ...] = ("fiqr", "ndi", "phq9")
SEVERITY_RANK = {Severity.URGENT: 0, Severity.HIGH: 1, Severity.MODERATE: 2, Severity.INFO: 3}
#: neck-screen follow-up instruments whose scores give each sign its severity
NECK_SCORES = ("ndi", "hit6", "hdi", "dhi", "jfls8", "jfls20", "csi")
MAX_OPEN_ALERTS = 1000


@dataclass(frozen=True, slots=True)
class KeyScore:
    instrument: str
    total: float | None
    previous: float | None
    taken_on: date
    direction: str  # "better" | "worse" | "same" | "first"

    @property
    def change(self) -> float | None:
        if self.total is None or self.previous is None:
            return None
        return self.total - self.previous


@dataclass(frozen=True, slots=True)
class PatientRow:
    patient: Patient
    open_alerts: int = 0
    worst_severity: Severity | None = None
    last_checkin: date | None = None
    scores: dict[str, KeyScore] = field(default_factory=dict)


def _direction(instrument: str, total: float | None, previous: float | None) -> str:
    if previous is None or total is None:
        return "first"
    if abs(total - previous) < 1e-9:
        return "same"
    lower_is_better = get_instrument(instrument).lower_is_better
    return "better" if (total < previous) == lower_is_better else "worse"


def key_scores(rows: list[dict[str, Any]]) -> dict[str, KeyScore]:
    """Latest total of each key instrument and its direction since the previous total.

    ``rows`` are light timeline rows (``instrument``, ``taken_at``, ``total``), oldest first.
    """
    found: dict[str, list[tuple[str, float]]] = {}
    for r in rows:
        if r["instrument"] in KEY_INSTRUMENTS and r["total"] is not None:
            found.setdefault(r["instrument"], []).append((r["taken_at"], float(r["total"])))
    out: dict[str, KeyScore] = {}
    for inst in KEY_INSTRUMENTS:
        series = found.get(inst, [])
        if not series:
            continue
        taken_at, total = series[-1]
        previous = series[-2][1] if len(series) > 1 else None
        out[inst] = KeyScore(
            inst,
            total,
            previous,
            date.fromisoformat(taken_at[:10]),
            _direction(inst, total, previous),
        )
    return out


def _open_alerts(uow: UnitOfWork, clinic_id: int | None) -> dict[int, list[Alert]]:
    rows = uow.alerts.page(clinic_id=clinic_id, open_only=True, limit=MAX_OPEN_ALERTS)
    by_patient: dict[int, list[Alert]] = {}
    for a in rows:
        by_patient.setdefault(a.patient_id, []).append(a)
    return by_patient


def patient_list(
    uow: UnitOfWork,
    actor: Actor,
    *,
    offset: int = 0,
    limit: int = 25,
    search: str = "",
) -> Page[PatientRow]:
    """The clinic's patients, open alerts first; ``next_cursor`` is the next offset as text."""
    clinic_id = staff_clinic(actor)
    check_limit(limit)
    offset = max(0, offset)
    patients = _all_patients(uow, clinic_id, search)
    alerts = _open_alerts(uow, clinic_id)

    def order(p: Patient) -> tuple[int, int, int]:
        mine = alerts.get(int(p.id or 0), [])
        worst = min((SEVERITY_RANK[a.severity] for a in mine), default=9)
        return (worst, -len(mine), int(p.id or 0))

    ranked = sorted(patients, key=order)
    window = ranked[offset : offset + limit]
    rows = _rows(uow, window, alerts)
    more = offset + limit < len(ranked)
    audit.record(uow, actor, "list", "patient", detail={"count": len(rows), "view": "clinician"})
    return Page(rows, str(offset + limit) if more else None)


def _all_patients(uow: UnitOfWork, clinic_id: int | None, search: str) -> list[Patient]:
    if clinic_id is None:
        raise not_found("clinic", clinic_id)
    out: list[Patient] = []
    after: int | None = None
    while True:
        batch = uow.patients.page(clinic_id, after_id=after, limit=500, search=search[:100])
        out.extend(batch)
        if len(batch) < 500:
            return out
        after = int(batch[-1].id or 0)


def _rows(
    uow: UnitOfWork, window: list[Patient], alerts: dict[int, list[Alert]]
) -> list[PatientRow]:
    """The rows of one page: two batched queries for the whole page (last diary day; the two
    newest totals of each key instrument), not two per patient."""
    ids = [int(p.id or 0) for p in window]
    reads = ReadModels(uow.session)
    last_days = reads.last_diary_days(ids) if ids else {}
    totals: dict[int, list[dict[str, Any]]] = {}
    for t in reads.recent_totals(ids, KEY_INSTRUMENTS) if ids else []:
        totals.setdefault(t.patient_id, []).append(
            {"instrument": t.instrument, "taken_at": t.taken_at.isoformat(), "total": t.total}
        )
    out = []
    for patient, pid in zip(window, ids, strict=True):
        mine = alerts.get(pid, [])
        worst = min(mine, key=lambda a: SEVERITY_RANK[a.severity]).severity if mine else None
        out.append(
            PatientRow(
                patient=patient,
                open_alerts=len(mine),
                worst_severity=worst,
                last_checkin=last_days.get(pid),
                scores=key_scores(totals.get(pid, [])),
            )
        )
    return out


def intake(uow: UnitOfWork, actor: Actor, patient_id: int) -> dict[str, Any]:
    """The latest safety decision and neck-involvement profile (decision support only).

    ``safety``/``neck`` are ``None`` when the screen was never taken; ``error`` holds why a
    stored answer set could not be evaluated (e.g. a rule set changed since).
    """
    require_role(actor, Role.ADMIN, Role.CLINICIAN, action="see the intake summary")
    patient_scope(uow, actor, patient_id, entity="assessment")
    out: dict[str, Any] = {"safety": None, "neck": None, "safety_on": None, "neck_on": None}
    latest = ReadModels(uow.session).latest_of_patient(
        patient_id, ("safety_screen", "neck_screen", *NECK_SCORES)
    )
    screen = latest.get("safety_screen")
    if screen is not None:
        out["safety_on"] = screen.taken_at.date()
        out["safety"] = _guarded(lambda: safety(screen.answers).to_dict())
    neck = latest.get("neck_screen")
    if neck is not None:
        from atlaxis.services.assessments import result_from_dict

        scores = {
            inst: result_from_dict(latest[inst].result) for inst in NECK_SCORES if inst in latest
        }
        out["neck_on"] = neck.taken_at.date()
        out["neck"] = _guarded(lambda: neck_profile(neck.answers, scores).to_dict())
    audit.record(uow, actor, "read", "intake", patient_id, patient_id)
    return out


def _guarded(fn: Any) -> dict[str, Any]:
    try:
        return dict(fn())
    except AtlaxisError as exc:
        return {"error": exc.detail}
