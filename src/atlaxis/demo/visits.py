"""A batch's visits (weekly for six weeks from the start of care, then every 2-3 weeks) with
supine leg checks, posture and, at the first visit, radiographic angles; and co-therapies."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from atlaxis.demo.simulate import MAX_DAYS, BoolArray, Cohort, FloatArray, IntArray
from atlaxis.demo.text import Days, moment_text

EIGHTH_INCH_MM = 3.175
#: enough visit slots for the longest course of care (weekly x 6, then every >= 14 days)
MAX_VISITS = 6 + (MAX_DAYS - 14 - 35) // 14 + 1
REACTIONS = ("none", "mild", "moderate")
POSTURE = ("head_tilt_deg", "shoulder_unlevel_deg", "hip_unlevel_deg")
RADIOGRAPHIC = (
    ("atlas_laterality_deg", 1.6),
    ("head_tilt_deg", 1.2),
    ("lower_angle_deg", 1.4),
    ("atlas_rotation_deg", 2.0),
)
VISIT_COLUMNS = (
    "patient_id",
    "clinician_id",
    "occurred_at",
    "technique",
    "listing",
    "decision",
    "rule_applied",
    "pre_checks",
    "post_checks",
    "reaction",
    "reaction_note",
    "notes",
    "created_at",
)
COTHERAPIES = (
    ("nutrition", "Anti-inflammatory diet counselling", "", "Dietitian"),
    ("stress_reduction", "Mindfulness-based stress reduction", "8 weekly sessions", "MBSR group"),
    ("trauma_informed_therapy", "Trauma-informed psychotherapy", "fortnightly", "Psychologist"),
    ("physiotherapy", "Graded exercise physiotherapy", "weekly", "Physiotherapist"),
    ("medication", "Duloxetine", "60 mg daily", "GP"),
    ("medication", "Amitriptyline", "10 mg at night", "GP"),
    ("medication", "Pregabalin", "75 mg twice daily", "Rheumatologist"),
    ("other", "Acupuncture", "weekly", "Acupuncturist"),
)
COTHERAPY_COLUMNS = (
    "patient_id",
    "kind",
    "name",
    "dose",
    "provider",
    "started_on",
    "ended_on",
    "notes",
    "created_at",
)


def _leg(eighths: int, side: str) -> str:
    mm = round(eighths * EIGHTH_INCH_MM, 3)
    shown = side if eighths else "none"
    return (
        f'{{"mm": {mm!r}, "side": "{shown}", "position": "supine", "entered_as": "{eighths}/8 in"}}'
    )


_LEGS = {(e, side): _leg(e, side) for e in range(5) for side in ("left", "right")}


def _checks(leg: str, posture: list[float], radio: list[float] | None, method: str) -> str:
    """The stored form of visit checks (as ``storage.mapping.checks_to_json`` writes it)."""
    pos = ", ".join(f'"{k}": {v!r}' for k, v in zip(POSTURE, posture, strict=True))
    if radio is None:
        rad, how = "{}", "null"
    else:
        pairs = zip(RADIOGRAPHIC, radio, strict=True)
        rad = "{" + ", ".join(f'"{k}": {v!r}' for (k, _), v in pairs) + "}"
        how = json.dumps(method)
    return (
        f'{{"leg_check": {leg}, "posture": {{{pos}}}, "radiographic": {rad}, '
        f'"radiographic_method": {how}, "thermography_pattern": null}}'
    )


def _schedule(rng: np.random.Generator, c: Cohort) -> tuple[IntArray, Any]:
    n = c.size
    gaps = np.where(np.arange(MAX_VISITS - 1) < 5, 7, rng.integers(14, 22, (n, MAX_VISITS - 1)))
    day = c.care[:, None] + np.concatenate([np.zeros((n, 1), dtype=np.int64), gaps.cumsum(1)], 1)
    return day, day <= c.last[:, None]


@dataclass(frozen=True)
class VisitDraws:
    """Every visit slot of a batch (patients x :data:`MAX_VISITS`); ``valid`` marks the
    slots that fall within the patient's diary."""

    day: IntArray
    valid: BoolArray
    hour: IntArray
    quarter: IntArray
    eighths: IntArray
    side: IntArray
    posture: FloatArray
    radio: FloatArray
    adjusted: BoolArray
    after: IntArray
    post: FloatArray
    reaction: IntArray
    degrees: FloatArray
    ao_level: IntArray
    blair: IntArray


def draw_visits(rng: np.random.Generator, c: Cohort) -> VisitDraws:
    """Misaligned (a longer leg, tilt) at the first visit and more often on bad days;
    adjusted when the leg check reaches 1/4 in (new) or 1/8 in (established patients)."""
    n = c.size
    shape = (n, MAX_VISITS)
    day, valid = _schedule(rng, c)
    hour, quarter = rng.integers(8, 18, shape), rng.integers(0, 4, shape)
    first = np.zeros(shape, dtype=bool)
    first[:, 0] = True
    pain = c.pain_on(day, np.full(n, 6.0))
    misaligned = first | (rng.random(shape) < 0.25 + 0.05 * pain)
    eighths = np.where(misaligned, rng.integers(2, 5, shape), rng.integers(0, 2, shape))
    side = rng.integers(0, 2, shape)
    spread = np.stack([np.where(misaligned, 1.5, 0.7), np.full(shape, 1.2), np.full(shape, 1.0)])
    posture = np.round(rng.normal(0.0, 1.0, (3, *shape)) * spread, 1)
    scale = np.array([sd for _, sd in RADIOGRAPHIC])[:, None, None]
    radio = np.round(rng.normal(0.0, 1.0, (4, *shape)) * scale, 1)
    adjusted = eighths >= np.where(first, 2, 1)
    after = np.where(adjusted, rng.integers(0, 2, shape), eighths)
    reaction = np.where(adjusted, rng.choice(3, shape, p=[0.66, 0.29, 0.05]), 0)
    degrees = np.round(rng.uniform(0.5, 3.0, shape), 1)
    ao_level, blair = rng.integers(1, 4, shape), rng.integers(0, 2, shape)
    post = np.where(adjusted[None], np.round(posture * 0.4, 1), posture)
    return VisitDraws(
        day,
        valid,
        hour,
        quarter,
        eighths,
        side,
        posture,
        radio,
        adjusted,
        after,
        post,
        reaction,
        degrees,
        ao_level,
        blair,
    )


def _listing(technique: str, side: str, d: VisitDraws, b: int, v: int) -> str:
    if technique == "nucca":
        return f"At {side[0].upper()} {d.degrees[b, v]} deg"
    if technique == "atlas_orthogonal":
        return f"{side[0].upper()}-{d.ao_level[b, v]}"
    return ("AS", "PI")[d.blair[b, v]] + f"-{side}"


def visit_rows(
    rng: np.random.Generator,
    c: Cohort,
    pids: list[int | None],
    clinicians: list[int],
    techniques: list[str],
    days: Days,
) -> list[tuple[Any, ...]]:
    """Visits of the patients with an id; ``clinicians``/``techniques`` per batch row."""
    d = draw_visits(rng, c)
    out = []
    for b, v in zip(*np.nonzero(d.valid), strict=True):
        pid = pids[b]
        if pid is None:
            continue
        s, technique = ("left", "right")[d.side[b, v]], techniques[b]
        at = moment_text(days(int(d.day[b, v])), int(d.hour[b, v]), int(d.quarter[b, v]) * 15)
        radio = d.radio[:, b, v].tolist() if v == 0 else None
        pre = _checks(
            _LEGS[(int(d.eighths[b, v]), s)], d.posture[:, b, v].tolist(), radio, technique
        )
        post = _checks(_LEGS[(int(d.after[b, v]), s)], d.post[:, b, v].tolist(), None, "")
        decision = "adjusted" if d.adjusted[b, v] else "held"
        rule = "slc_threshold_quarter_in" if v == 0 else "slc_threshold_eighth_in"
        head = (pid, clinicians[b], at, technique, _listing(technique, s, d, b, v))
        out.append((*head, decision, rule, pre, post, REACTIONS[d.reaction[b, v]], "", "", at))
    return out


def cotherapy_rows(
    rng: np.random.Generator, c: Cohort, pids: list[int | None], days: Days
) -> list[tuple[Any, ...]]:
    """0-3 co-therapies a patient had besides care (some ended before the diary did)."""
    n, k = c.size, 4
    count = rng.integers(0, k, n)
    which = np.argsort(rng.random((n, len(COTHERAPIES))), axis=1)[:, :k]
    start = c.first[:, None] - rng.integers(-60, 400, (n, k))
    end = start + rng.integers(30, 200, (n, k))
    ends = (rng.random((n, k)) < 0.4) & (end <= c.last[:, None])
    out = []
    for b in range(n):
        pid = pids[b]
        if pid is None:
            continue
        created = moment_text(days(int(c.care[b]) - 21), 9, 0)
        for m in range(int(count[b])):
            kind, name, dose, provider = COTHERAPIES[int(which[b, m])]
            ended = days(int(end[b, m])) if ends[b, m] else None
            out.append(
                (pid, kind, name, dose, provider, days(int(start[b, m])), ended, "", created)
            )
    return out
