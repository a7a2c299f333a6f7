"""One synthetic patient's six months: a latent symptom course, a diary with realistic gaps,
visits with measurements, assessments and co-therapies. Pure (numpy only), reproducible from
``(seed, index)`` alone so that patients can be generated in any chunking.

Courses (shares): responders whose pain falls over 4-8 weeks of care; partial responders;
non-responders; a few who worsen; and "regression to the mean" patients who enrolled during a
bad spell that would have eased anyway. Flares come and go in everyone. Days are missed more
often when symptoms are bad, and more late in care.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np

from atlaxis.instruments.definitions.diary import WPI_SITES

COURSES = ("responder", "partial", "non_responder", "worsening", "regression_to_mean")
COURSE_SHARES = (0.33, 0.22, 0.28, 0.05, 0.12)
TECHNIQUES = ("nucca", "atlas_orthogonal", "blair")
EIGHTH_INCH_MM = 3.175
SITE_IDS = tuple(site for site, _ in WPI_SITES)
NOTES = (
    "Bad night",
    "Busy day",
    "Flare after travel",
    "Weather change",
    "Felt better after walking",
    "Stressful week",
    "",
)


@dataclass
class PatientPlan:
    index: int
    course: str
    given_name: str
    family_name: str
    birth_date: date
    sex: str
    care_start: date
    conditions: list[str]
    goals: list[str]
    diary: list[dict[str, Any]] = field(default_factory=list)
    visits: list[dict[str, Any]] = field(default_factory=list)
    assessments: list[tuple[str, datetime, dict[str, Any]]] = field(default_factory=list)
    cotherapies: list[dict[str, Any]] = field(default_factory=list)


def patient_rng(seed: int, index: int) -> np.random.Generator:
    return np.random.default_rng([seed, index])


def _ar1(rng: np.random.Generator, n: int, phi: float, sd: float) -> np.ndarray:
    noise = rng.normal(0.0, sd, n)
    out = np.empty(n)
    level = rng.normal(0.0, sd / np.sqrt(1 - phi**2))
    for i in range(n):
        level = phi * level + noise[i]
        out[i] = level
    return out


def _effect(course: str, rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
    """Change of the latent pain level relative to baseline, ``t`` days from care start."""
    in_care = np.clip(t, 0, None)
    tau = rng.uniform(28, 56)
    ramp = 1.0 - np.exp(-in_care / (tau / 3))
    size = {
        "responder": -rng.uniform(2.0, 3.5),
        "partial": -rng.uniform(0.8, 1.8),
        "non_responder": rng.normal(0.0, 0.3),
        "worsening": rng.uniform(0.8, 1.6),
        "regression_to_mean": 0.0,
    }[course]
    effect = size * ramp
    if course == "regression_to_mean":
        # a bad spell around enrolment that eases on its own (independent of care)
        effect = effect + 2.2 * np.exp(-np.clip(t + 10, 0, None) / 12.0)
    return np.asarray(effect, dtype=float)


def _flares(rng: np.random.Generator, n: int) -> np.ndarray:
    out = np.zeros(n)
    for start in np.flatnonzero(rng.random(n) < 1 / 30).tolist():
        length = int(rng.integers(3, 8))
        height = float(rng.uniform(1.5, 3.5))
        stop = min(n, int(start) + length)
        out[start:stop] += height * np.exp(-np.arange(stop - start) / (length / 2))
    return out


#: diary items as (id, weight on pain, intercept); clipped to 0..10 after rounding with noise
_FULL_ITEMS = (
    ("cognitive_fog", 0.6, 0.5),
    ("stiffness", 0.8, 0.0),
    ("dizziness", 0.3, -0.5),
    ("light_sensitivity", 0.3, 0.0),
    ("sound_sensitivity", 0.3, 0.0),
    ("jaw_pain", 0.2, 0.0),
    ("mood", -0.6, 9.0),
)
_SITE_WEIGHTS = np.array(
    [
        3.0
        if s
        in ("neck", "upper_back", "lower_back", "shoulder_girdle_left", "shoulder_girdle_right")
        else 1.0
        for s in SITE_IDS
    ]
)


def _rate(rng: np.random.Generator, x: np.ndarray) -> list[int]:
    values: list[int] = (
        np.clip(np.rint(x + rng.normal(0.0, 0.8, x.shape)), 0, 10).astype(int).tolist()
    )
    return values


def _body_maps(rng: np.random.Generator, pain: np.ndarray) -> list[list[str]]:
    """Painful sites per entry: weighted sampling without replacement (Gumbel top-k)."""
    k = rng.binomial(len(SITE_IDS), np.clip(pain / 13.0, 0.0, 0.9))
    keys = np.log(_SITE_WEIGHTS)[None, :] + rng.gumbel(size=(pain.size, len(SITE_IDS)))
    order = np.argsort(-keys, axis=1)
    return [[SITE_IDS[j] for j in sorted(order[i, : k[i]])] for i in range(pain.size)]


def diary_entries(
    rng: np.random.Generator, days: list[date], pain: np.ndarray, neck: float
) -> list[dict[str, Any]]:
    """Entries for the days the patient did check in (bad days are skipped more often,
    and more days are skipped as the months go by); a few days have two entries."""
    n = len(days)
    p_miss = 1 / (1 + np.exp(-(-2.0 + 0.55 * (pain - 6.0)))) + np.linspace(0.0, 0.12, n)
    kept = np.flatnonzero(rng.random(n) >= p_miss)
    twice = kept[rng.random(kept.size) < 0.05]
    idx = np.sort(np.concatenate([kept, twice]))
    evening = np.zeros(idx.size, dtype=bool)
    evening[1:] = idx[1:] == idx[:-1]
    p = pain[idx]
    m = idx.size
    full = rng.random(m) < 0.6
    cols = {
        "pain": _rate(rng, p),
        "fatigue": _rate(rng, 0.75 * p + 1.5),
        "sleep_quality": _rate(rng, 9.5 - 0.7 * p),
        "neck_pain": _rate(rng, neck * p),
        "headache": _rate(rng, 0.5 * neck * p),
    }
    for name, weight, intercept in _FULL_ITEMS:
        cols[name] = _rate(rng, weight * p + intercept)
    maps = _body_maps(rng, p)
    hours = np.where(evening, rng.integers(18, 23, m), rng.integers(7, 11, m)).tolist()
    minutes = rng.integers(0, 60, m).tolist()
    notes = rng.integers(0, len(NOTES), m).tolist()
    with_note = (rng.random(m) < 0.08).tolist()
    recalled = (rng.random(m) < 0.03).tolist()
    minimal = ("pain", "fatigue", "sleep_quality")
    entries = []
    for e in range(m):
        names = cols if full[e] else minimal
        entries.append(
            {
                "local_date": days[int(idx[e])],
                "local_time": f"{hours[e]:02d}:{minutes[e]:02d}",
                "items": {k: cols[k][e] for k in names},
                "body_map": maps[e] if full[e] else [],
                "note": NOTES[notes[e]] if with_note[e] else "",
                "recalled": recalled[e],
            }
        )
    return entries


def _visit(
    rng: np.random.Generator, when: datetime, technique: str, first: bool, pain: float
) -> dict[str, Any]:
    misaligned = first or rng.random() < 0.25 + 0.05 * pain
    eighths = int(rng.integers(2, 5)) if misaligned else int(rng.integers(0, 2))
    side = ("left", "right")[int(rng.integers(2))]
    pre_leg = {
        "mm": round(eighths * EIGHTH_INCH_MM, 3),
        "side": side if eighths else "none",
        "position": "supine",
        "entered_as": f"{eighths}/8 in",
    }
    threshold = 2 if first else 1  # 1/4 in for new, 1/8 in for established patients
    adjusted = eighths >= threshold
    post_eighths = int(rng.integers(0, 2)) if adjusted else eighths
    posture = {
        "head_tilt_deg": round(float(rng.normal(0, 1.5 if misaligned else 0.7)), 1),
        "shoulder_unlevel_deg": round(float(rng.normal(0, 1.2)), 1),
        "hip_unlevel_deg": round(float(rng.normal(0, 1.0)), 1),
    }
    pre: dict[str, Any] = {"leg_check": pre_leg, "posture": posture}
    if first:
        pre["radiographic"] = {
            "atlas_laterality_deg": round(float(rng.normal(0, 1.6)), 1),
            "head_tilt_deg": round(float(rng.normal(0, 1.2)), 1),
            "lower_angle_deg": round(float(rng.normal(0, 1.4)), 1),
            "atlas_rotation_deg": round(float(rng.normal(0, 2.0)), 1),
        }
        pre["radiographic_method"] = technique
    post_leg = {
        "mm": round(post_eighths * EIGHTH_INCH_MM, 3),
        "side": side if post_eighths else "none",
        "position": "supine",
        "entered_as": f"{post_eighths}/8 in",
    }
    post = {
        "leg_check": post_leg,
        "posture": {k: round(v * 0.4, 1) for k, v in posture.items()} if adjusted else posture,
    }
    reaction = (
        rng.choice(["none", "mild", "moderate"], p=[0.66, 0.29, 0.05]) if adjusted else "none"
    )
    listing = {
        "nucca": f"At {side[0].upper()} {round(float(rng.uniform(0.5, 3)), 1)} deg",
        "atlas_orthogonal": f"{side[0].upper()}-{int(rng.integers(1, 4))}",
        "blair": ("AS", "PI")[int(rng.integers(2))] + f"-{side}",
    }[technique]
    return {
        "occurred_at": when,
        "technique": technique,
        "listing": listing,
        "decision": "adjusted" if adjusted else "held",
        "rule_applied": "slc_threshold_quarter_in" if first else "slc_threshold_eighth_in",
        "pre_checks": pre,
        "post_checks": post,
        "reaction": str(reaction),
    }


GIVEN = (
    "Alex",
    "Sam",
    "Maria",
    "Jo",
    "Lena",
    "Ana",
    "Kim",
    "Noor",
    "Eva",
    "Ines",
    "Ruth",
    "Mina",
    "Tess",
    "Dana",
    "Iris",
    "Lou",
    "Rosa",
    "Nina",
    "Ola",
    "Pia",
)
FAMILY = (
    "Demo",
    "Sample",
    "Example",
    "Testwell",
    "Placeholder",
    "Synthetic",
    "Mockley",
    "Fictive",
    "Imaginary",
    "Notreal",
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
INTAKE = ("acr2016", "fiqr", "phq9", "gad7", "ndi", "neck_screen", "safety_screen", "psqi")
FOLLOW_UP = {
    42: ("fiqr", "phq9", "ndi", "pgic"),
    84: ("fiqr", "phq9", "ndi", "acr2016", "pgic"),
    140: ("fiqr", "phq9", "pgic"),
}


def _at(day: date, rng: np.random.Generator) -> datetime:
    return datetime.combine(
        day, time(int(rng.integers(8, 18)), int(rng.integers(0, 4)) * 15), tzinfo=UTC
    )


def _timeline(rng: np.random.Generator, as_of: date) -> tuple[date, date, date]:
    """(first diary day, care start, last diary day)."""
    last = as_of - timedelta(days=int(rng.integers(0, 30)) if rng.random() < 0.2 else 0)
    length = int(rng.integers(45, 184))
    first = last - timedelta(days=length - 1)
    care_start = first + timedelta(days=int(rng.integers(14, 29)))
    return first, care_start, last


def simulate_patient(
    seed: int, index: int, as_of: date, technique: str, with_history: bool = True
) -> PatientPlan:
    """Everything about demo patient ``index`` (deterministic in ``seed`` and ``index``)."""
    rng = patient_rng(seed, index)
    course = str(rng.choice(COURSES, p=COURSE_SHARES))
    age = int(rng.integers(24, 72))
    first, care_start, last = _timeline(rng, as_of)
    plan = PatientPlan(
        index=index,
        course=course,
        given_name=GIVEN[int(rng.integers(len(GIVEN)))],
        family_name=f"{FAMILY[int(rng.integers(len(FAMILY)))]}-{index}",
        birth_date=as_of - timedelta(days=age * 365 + int(rng.integers(0, 365))),
        sex=str(rng.choice(["female", "male", "other"], p=[0.85, 0.13, 0.02])),
        care_start=care_start,
        conditions=["fibromyalgia"] + (["migraine"] if rng.random() < 0.3 else []),
        goals=["sleep through the night", "walk 30 minutes"][: int(rng.integers(1, 3))],
    )
    if not with_history:
        return plan
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    t = np.array([(d - care_start).days for d in days], dtype=float)
    base = float(np.clip(rng.normal(6.3, 1.1), 3.5, 9.0))
    pain = np.clip(
        base + _effect(course, rng, t) + _flares(rng, len(days)) + _ar1(rng, len(days), 0.6, 0.8),
        0.0,
        10.0,
    )
    neck = float(rng.uniform(0.5, 1.1))
    plan.diary = diary_entries(rng, days, pain, neck)
    pain_on = dict(zip(days, pain, strict=True))
    _add_visits(plan, rng, technique, pain_on, last)
    _add_assessments(plan, rng, pain_on, base, age, neck)
    _add_cotherapies(plan, rng, first, last)
    return plan


def _add_visits(
    plan: PatientPlan,
    rng: np.random.Generator,
    technique: str,
    pain_on: dict[date, float],
    last: date,
) -> None:
    day, n = plan.care_start, 0
    while day <= last:
        plan.visits.append(_visit(rng, _at(day, rng), technique, n == 0, pain_on.get(day, 6.0)))
        n += 1
        day += timedelta(days=7 if n < 6 else int(rng.integers(14, 22)))


def _add_assessments(
    plan: PatientPlan,
    rng: np.random.Generator,
    pain_on: dict[date, float],
    base: float,
    age: int,
    neck: float,
) -> None:
    from atlaxis.demo.answers import answers_for

    intake = plan.care_start - timedelta(days=int(rng.integers(1, 4)))
    moments = [(intake, INTAKE)] + [
        (plan.care_start + timedelta(days=k), ids) for k, ids in FOLLOW_UP.items()
    ]
    last_day = max(pain_on)
    for day, ids in moments:
        if day > last_day:
            break
        pain = float(np.mean([pain_on.get(day - timedelta(days=i), base) for i in range(7)]))
        severity = pain / 10.0
        improvement = float(np.clip((base - pain) / max(base, 1.0) * 2.0, 0.0, 1.0))
        when = _at(day, rng)
        for iid in ids:
            s = severity * (neck if iid in ("ndi", "neck_screen") else 1.0)
            answers = answers_for(iid, s, rng, age=age, improvement=improvement, today=day)
            plan.assessments.append((iid, when, answers))


def _add_cotherapies(plan: PatientPlan, rng: np.random.Generator, first: date, last: date) -> None:
    for k in rng.choice(len(COTHERAPIES), size=int(rng.integers(0, 4)), replace=False):
        kind, name, dose, provider = COTHERAPIES[int(k)]
        start = first - timedelta(days=int(rng.integers(-60, 400)))
        end = start + timedelta(days=int(rng.integers(30, 200))) if rng.random() < 0.4 else None
        plan.cotherapies.append(
            {
                "kind": kind,
                "name": name,
                "dose": dose,
                "provider": provider,
                "started_on": start,
                "ended_on": end if end and end <= last else None,
                "notes": "",
            }
        )
