"""The cohort view for clinicians and researchers of a clinic: de-identified by construction.

Per patient: the first and the latest complete total of one instrument (baseline and
follow-up) and the number of neck-involvement signs of the latest neck screen. Out: responder
rates with confidence intervals (IMMPACT ≥30%/≥50% and the MCID), the distribution of change,
and whether neck involvement is associated with response (risk ratio and logistic regression).
No names, ids or dates leave this function; every result carries its method, reading and
caveats from :mod:`atlaxis.outcomes`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from atlaxis.domain import Actor, Role
from atlaxis.errors import AtlaxisError, NotFound, Problem, ValidationError
from atlaxis.instruments import get_instrument, instrument_ids
from atlaxis.outcomes import logistic_predictor, responder_rates, risk_ratio
from atlaxis.screening import neck_profile
from atlaxis.services import audit
from atlaxis.services.authz import require_role
from atlaxis.storage import UnitOfWork
from atlaxis.storage.read_models import ReadModels

#: instruments offered on the cohort page (those registered are kept, in this order)
COHORT_INSTRUMENTS = ("fiqr", "ndi", "hit6", "dhi", "csi", "phq9", "gad7", "psqi")
#: the response used by the predictor analysis: at least this % improvement from baseline
RESPONSE_PERCENT = 30.0
#: neck involvement = at least this many of the six signs on the latest neck screen (default:
#: half of them); the page lets the clinic choose 1-6 and always shows the definition used
NECK_SIGNS_MIN = 3
NECK_SIGNS_CHOICES = range(1, 7)
MAX_SERIES = 500


@dataclass(frozen=True, slots=True)
class PatientChange:
    baseline: float
    followup: float
    neck_signs: int | None


def instruments() -> list[str]:
    known = set(instrument_ids())
    return [i for i in COHORT_INSTRUMENTS if i in known]


def _guard(fn: Callable[[], Any]) -> dict[str, Any]:
    try:
        return dict(fn().to_dict())
    except AtlaxisError as exc:
        return {"insufficient": exc.detail, "problems": [p.to_dict() for p in exc.problems]}


def _neck_signs(answers: dict[str, Any] | None) -> int | None:
    if answers is None:
        return None
    try:
        return neck_profile(answers).count
    except AtlaxisError:
        return None


def _changes(uow: UnitOfWork, clinic_id: int, instrument: str) -> list[PatientChange]:
    """Per patient with two or more totals: first and latest total, and the signs of the
    latest neck screen. Two queries for the whole clinic (not one or two per patient)."""
    totals = [
        (pid, first, last)
        for pid, first, last, n in uow.assessments.first_and_last_totals(clinic_id, instrument)
        if n >= 2
    ]
    necks = ReadModels(uow.session).latest_in_clinic(clinic_id, "neck_screen") if totals else {}
    return [
        PatientChange(first, last, _neck_signs(necks[pid].answers) if pid in necks else None)
        for pid, first, last in totals
    ]


def cohort_summary(
    uow: UnitOfWork,
    actor: Actor,
    instrument: str = "fiqr",
    *,
    neck_signs_min: int = NECK_SIGNS_MIN,
) -> dict[str, Any]:
    """De-identified cohort results for ``instrument`` in the caller's clinic; neck
    involvement means at least ``neck_signs_min`` signs on the latest neck screen."""
    require_role(actor, Role.ADMIN, Role.CLINICIAN, Role.RESEARCHER, action="see cohort results")
    problems = []
    if instrument not in instruments():
        problems.append(Problem("instrument", f"{instrument!r}", ", ".join(instruments())))
    if neck_signs_min not in NECK_SIGNS_CHOICES:
        problems.append(Problem("neck_signs", f"{neck_signs_min!r}", "a whole number from 1 to 6"))
    if problems:
        raise ValidationError("invalid cohort request", problems=problems)
    if actor.clinic_id is None:
        raise NotFound("clinic None not found")
    definition = get_instrument(instrument)
    changes = _changes(uow, actor.clinic_id, instrument)
    base = [c.baseline for c in changes]
    follow = [c.followup for c in changes]
    threshold = definition.threshold("mcid") or definition.threshold("mic")
    body: dict[str, Any] = {
        "instrument": instrument,
        "title": definition.title,
        "lower_is_better": definition.lower_is_better,
        "n": len(changes),
        "change": [round(f - b, 3) for b, f in zip(base, follow, strict=True)],
        "mcid": None if threshold is None else {"value": threshold.value, "unit": threshold.unit},
        "responders": _guard(lambda: responder_rates(base, follow, instrument=instrument)),
        "predictor": _predictor(changes, definition.lower_is_better, neck_signs_min),
    }
    audit.record(uow, actor, "read", "cohort", detail={"instrument": instrument, "n": len(base)})
    return body


def _responded(c: PatientChange, lower_is_better: bool) -> bool | None:
    if c.baseline == 0:
        return None
    gain = (c.baseline - c.followup) if lower_is_better else (c.followup - c.baseline)
    return 100.0 * gain / abs(c.baseline) >= RESPONSE_PERCENT


def _predictor(
    changes: list[PatientChange], lower_is_better: bool, signs_min: int
) -> dict[str, Any]:
    pairs = [
        (r, c.neck_signs)
        for c in changes
        if c.neck_signs is not None and (r := _responded(c, lower_is_better)) is not None
    ]
    a = sum(1 for r, s in pairs if r and s >= signs_min)
    b = sum(1 for r, s in pairs if not r and s >= signs_min)
    c = sum(1 for r, s in pairs if r and s < signs_min)
    d = sum(1 for r, s in pairs if not r and s < signs_min)
    return {
        "n": len(pairs),
        "response_percent": RESPONSE_PERCENT,
        "neck_signs_min": signs_min,
        "table": [a, b, c, d],
        "risk_ratio": (
            _guard(lambda: risk_ratio(a, b, c, d))
            if a + b > 0 and c + d > 0
            else {"insufficient": "one group is empty", "reason": "one_group"}
        ),
        "logistic": _guard(
            lambda: logistic_predictor(
                [int(r) for r, _ in pairs],
                [s for _, s in pairs],
                name="the number of neck-involvement signs",
            )
        ),
    }
