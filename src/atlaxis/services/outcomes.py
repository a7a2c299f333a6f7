"""A patient's outcome summary in one call: change measured during care, with uncertainty.

Every number comes from the science core (:mod:`atlaxis.outcomes`): per-instrument change
with reliable-change and MCID verdicts, the diary's single-case analysis around the care
start (segmented regression, non-overlap, IMMPACT percentage change), and diary change in
the days around visits. Nothing here says care caused a change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from atlaxis.domain import Actor, Assessment
from atlaxis.errors import AtlaxisError
from atlaxis.instruments import get_instrument
from atlaxis.outcomes import (
    immpact_change,
    mcid_change,
    nonoverlap,
    reliable_change,
    segmented_regression,
    visit_windows,
)
from atlaxis.services import audit
from atlaxis.services.authz import patient_scope
from atlaxis.storage import UnitOfWork

#: diary items analysed, with the direction that means improvement
DIARY_OUTCOMES: dict[str, str] = {
    "pain": "decrease",
    "fatigue": "decrease",
    "sleep_quality": "increase",
}
#: IMMPACT compares the baseline with the last weeks of care
FOLLOWUP_DAYS = 14
#: fewest baseline scores in a clinic before their SD may stand in for a published one
MIN_BASELINE_N = 20


def _baseline_sd(uow: UnitOfWork, clinic_id: int, instrument_id: str) -> tuple[float, int] | None:
    """SD of the clinic's first (baseline) totals: Jacobson & Truax's pre-treatment SD.

    Used only when the instrument has a published reliability but no published SD.
    """
    firsts = [
        first for _, first, _, _ in uow.assessments.first_and_last_totals(clinic_id, instrument_id)
    ]
    if len(firsts) < MIN_BASELINE_N:
        return None
    mean = sum(firsts) / len(firsts)
    var = sum((x - mean) ** 2 for x in firsts) / (len(firsts) - 1)
    return (var**0.5, len(firsts)) if var > 0 else None


def _guard(fn: Callable[[], Any]) -> dict[str, Any]:
    """Run one core analysis; a refusal (too little data, invalid input) becomes a reason."""
    try:
        result = fn()
    except AtlaxisError as exc:
        return {"insufficient": exc.detail, "problems": [p.to_dict() for p in exc.problems]}
    return dict(result.to_dict())


def _instrument_change(
    uow: UnitOfWork, clinic_id: int, instrument_id: str, series: list[Assessment]
) -> dict[str, Any]:
    first, last = series[0], series[-1]
    out: dict[str, Any] = {
        "instrument": instrument_id,
        "n": len(series),
        "baseline": {"taken_at": first.taken_at.isoformat(), "total": first.total},
        "latest": {"taken_at": last.taken_at.isoformat(), "total": last.total},
        "reliable_change": None,
        "mcid": None,
    }
    definition = get_instrument(instrument_id)
    out["title"] = definition.title
    if len(series) < 2 or first.total is None or last.total is None:
        out["insufficient"] = "needs two complete assessments"
        return out
    pre, post = first.total, last.total
    rel = definition.reliability
    sd: float | None = None
    if definition.normative_sd is not None:
        sd, out["sd_source"] = (
            definition.normative_sd.value,
            definition.normative_sd.source.citation,
        )
    elif rel is not None:
        found = _baseline_sd(uow, clinic_id, instrument_id)
        if found is not None:
            sd = found[0]
            out["sd_source"] = f"SD of this clinic's baseline scores (n = {found[1]})"
    if sd is not None and rel is not None:
        sd_value, r = sd, rel.coefficient
        out["reliable_change"] = _guard(
            lambda: reliable_change(
                pre, post, sd=sd_value, reliability=r, lower_is_better=definition.lower_is_better
            )
        )
        out["reliability_source"] = rel.source.citation
    elif rel is None:
        out["reliable_change_unavailable"] = "no published reliability for this instrument"
    else:
        out["reliable_change_unavailable"] = (
            f"no published SD and fewer than {MIN_BASELINE_N} baseline scores in this clinic"
        )
    if definition.threshold("mcid") or definition.threshold("mic"):
        out["mcid"] = _guard(lambda: mcid_change(pre, post, instrument=definition))
    return out


def _daily_means(rows: list[tuple[date, dict[str, Any]]], item: str) -> dict[int, float]:
    """One value per calendar day (the mean when several entries were made that day)."""
    sums: dict[int, list[float]] = defaultdict(list)
    for day, items in rows:
        value = items.get(item)
        if isinstance(value, int | float) and not isinstance(value, bool):
            sums[day.toordinal()].append(float(value))
    return {d: sum(v) / len(v) for d, v in sums.items()}


def _diary_item(
    item: str, improvement: str, daily: dict[int, float], care_start: date, visit_days: list[int]
) -> dict[str, Any]:
    days = sorted(daily)
    values = [daily[d] for d in days]
    t0 = care_start.toordinal()
    base = [daily[d] for d in days if d < t0]
    care = [daily[d] for d in days if d >= t0]
    out: dict[str, Any] = {"item": item, "n_days": len(days), "improvement": improvement}
    way: Any = improvement
    out["segmented"] = _guard(
        lambda: segmented_regression(days, values, t0, improvement=way, label=item)
    )
    out["nonoverlap"] = _guard(lambda: nonoverlap(base, care, improvement=way))
    recent = [daily[d] for d in days if d > days[-1] - FOLLOWUP_DAYS and d >= t0] if days else []
    if base and recent:
        b, f = sum(base) / len(base), sum(recent) / len(recent)
        out["immpact"] = _guard(
            lambda: immpact_change(b, f, lower_is_better=improvement == "decrease", measure=item)
        )
    if visit_days:
        out["visit_windows"] = _guard(
            lambda: visit_windows(days, values, visit_days, improvement=way, label=item)
        )
    return out


def _patient_zone(uow: UnitOfWork, patient_id: int) -> ZoneInfo:
    """The patient's time zone (UTC when none or an unknown name is stored)."""
    patient = uow.patients.get(patient_id)
    try:
        return ZoneInfo(patient.timezone if patient is not None else "UTC")
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a directory name
        return ZoneInfo("UTC")


def _local_days(moments: list[datetime], zone: ZoneInfo) -> list[int]:
    """Visit times (UTC) as the patient's local calendar days, the days the diary uses."""
    return sorted({m.astimezone(zone).date().toordinal() for m in moments})


def patient_outcomes(uow: UnitOfWork, actor: Actor, patient_id: int) -> dict[str, Any]:
    """Per-instrument change, diary single-case analysis around the care start and visit
    windows for one patient (the latest episode of care sets the care start)."""
    clinic_id = patient_scope(uow, actor, patient_id, entity="outcomes")
    episodes = uow.episodes.for_patient(patient_id)
    care_start = episodes[-1].care_start if episodes else None
    by_instrument: dict[str, list[Assessment]] = defaultdict(list)
    for a in uow.assessments.for_patient(patient_id):
        if a.instrument != "safety_screen" and a.result.get("complete"):
            by_instrument[a.instrument].append(a)
    body: dict[str, Any] = {
        "patient_id": patient_id,
        "care_start": None if care_start is None else care_start.isoformat(),
        "instruments": [
            _instrument_change(uow, clinic_id, k, v) for k, v in sorted(by_instrument.items())
        ],
        "diary": [],
        "wording": "Change measured during care, with its uncertainty; not proof that care "
        "caused it (regression to the mean, natural course and co-therapies also move scores).",
    }
    if care_start is not None:
        rows = uow.diary.series(patient_id, start=care_start - timedelta(days=365))
        visit_days = _local_days(uow.visits.days(patient_id), _patient_zone(uow, patient_id))
        for item, improvement in DIARY_OUTCOMES.items():
            daily = _daily_means(rows, item)
            if daily:
                body["diary"].append(_diary_item(item, improvement, daily, care_start, visit_days))
    audit.record(uow, actor, "read", "outcomes", patient_id, patient_id)
    return body
