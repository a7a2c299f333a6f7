"""A batch's assessments (intake and re-assessments at 6, 12 and 20 weeks of care) with their
scores, and the alerts they raise."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from atlaxis.demo.answers import answers_for
from atlaxis.demo.scoring import alerts_for, score_answers
from atlaxis.demo.simulate import Cohort, IntArray
from atlaxis.demo.text import Days, moment_text
from atlaxis.instruments import ScoreResult

INTAKE = ("acr2016", "fiqr", "phq9", "gad7", "ndi", "neck_screen", "safety_screen", "psqi")
#: (days after the start of care, instruments); the intake is 1-3 days before it
FOLLOW_UP = (
    (42, ("fiqr", "phq9", "ndi", "pgic")),
    (84, ("fiqr", "phq9", "ndi", "acr2016", "pgic")),
    (140, ("fiqr", "phq9", "pgic")),
)
MOMENTS = (INTAKE, *(ids for _, ids in FOLLOW_UP))
#: assessment ids reserved per patient (ids are fixed per batch, so that batches can be
#: generated in parallel and in any order)
MAX_ASSESSMENTS = sum(len(ids) for ids in MOMENTS)
NECK_INSTRUMENTS = ("ndi", "neck_screen")
ACK_NOTE = "Reviewed with the patient; plan recorded in the visit notes."
ASSESSMENT_COLUMNS = (
    "id",
    "patient_id",
    "episode_id",
    "instrument",
    "version",
    "answers",
    "result",
    "total",
    "taken_at",
    "source",
    "entered_by",
    "created_at",
)
ALERT_COLUMNS = (
    "patient_id",
    "clinic_id",
    "code",
    "kind",
    "severity",
    "reason",
    "source_entity",
    "source_id",
    "source",
    "rule_source",
    "raised_at",
    "acknowledged_by",
    "acknowledged_at",
    "acknowledgement_note",
)


@dataclass(frozen=True)
class Group:
    """One instrument at one moment for the batch's respondents (``pos[b]`` = their row)."""

    pos: IntArray
    answers: list[str]
    results: list[ScoreResult]
    result_texts: list[str]


@dataclass(frozen=True)
class Owner:
    """Who the rows of a batch belong to (per batch row; ``None`` = not in the clinic)."""

    clinic_id: int
    pids: list[int | None]
    eids: list[int | None]
    clinicians: list[int]


def _moments(rng: np.random.Generator, c: Cohort) -> tuple[IntArray, Any, Any, Any]:
    """(day offsets, hour, quarter, 7-day mean latent pain) per patient and moment."""
    n = c.size
    intake = c.care - rng.integers(1, 4, n)
    day = np.stack([intake, *(c.care + k for k, _ in FOLLOW_UP)], axis=1)
    hour, quarter = rng.integers(8, 18, day.shape), rng.integers(0, 4, day.shape)
    week = np.stack([c.pain_on(day - i, c.base) for i in range(7)], axis=-1)
    return day, hour, quarter, week.mean(axis=-1)


def _groups(
    rng: np.random.Generator, c: Cohort, day: IntArray, pain: Any, active: Any, days: Days
) -> list[list[Group]]:
    severity = pain / 10.0
    improvement = np.clip((c.base[:, None] - pain) / np.maximum(c.base, 1.0)[:, None] * 2, 0, 1)
    today = days.as_of.toordinal() + day
    groups = []
    for m, ids in enumerate(MOMENTS):
        rows = np.flatnonzero(active & (day[:, m] <= c.last))
        pos = np.full(c.size, -1)
        pos[rows] = np.arange(rows.size)
        per_moment = []
        for iid in ids:
            s = severity[:, m] * (c.neck if iid in NECK_INSTRUMENTS else 1.0)
            answers = answers_for(
                iid, s, rng, age=c.age, today=today[:, m], improvement=improvement[:, m]
            )
            texts, results, result_texts = score_answers(answers.take(rows))
            per_moment.append(Group(pos, texts, results, result_texts))
        groups.append(per_moment)
    return groups


def _alert_row(
    a: Any, pid: int | None, clinic_id: int, aid: int, at: str, ack: tuple[Any, Any, Any]
) -> tuple[Any, ...]:
    return (
        pid,
        clinic_id,
        a.id,
        a.kind,
        a.severity,
        a.reason,
        "assessment",
        aid,
        json.dumps(a.to_dict()["source"]),
        a.rule_source,
        at,
        *ack,
    )


@dataclass
class _Out:
    assessments: list[tuple[Any, ...]]
    alerts: list[tuple[Any, ...]]


def _patient(
    b: int,
    c: Cohort,
    owner: Owner,
    when: tuple[Any, Any, Any],
    groups: list[list[Group]],
    aid: int,
    days: Days,
    out: _Out,
) -> int:
    """Append patient ``b``'s assessments (ids from ``aid``) and alerts; the next free id."""
    day, hour, quarter = when
    pid, eid, clinician = owner.pids[b], owner.eids[b], owner.clinicians[b]
    previous: dict[str, ScoreResult] = {}
    start = aid
    for m, ids in enumerate(MOMENTS):
        if day[b, m] > c.last[b]:
            break
        d, h, q = int(day[b, m]), int(hour[b, m]), int(quarter[b, m]) * 15
        at = moment_text(days(d), h, q)
        for k, iid in enumerate(ids):
            g = groups[m][k]
            r = int(g.pos[b])
            result = g.results[r]
            row = (aid, pid, eid, iid, result.version, g.answers[r], g.result_texts[r])
            out.assessments.append((*row, result.total, at, "clinic", clinician, at))
            acked = d < -14 and (int(c.index[b]) + aid - start) % 10 < 7
            ack = (clinician, moment_text(days(d), h + 2, q), ACK_NOTE) if acked else (None,) * 3
            for a in alerts_for(iid, result, previous.get(iid), g.answers[r], aid):
                out.alerts.append(_alert_row(a, pid, owner.clinic_id, aid, at, ack))
            previous[iid] = result
            aid += 1
    return aid


def assessment_rows(
    rng: np.random.Generator, c: Cohort, owner: Owner, first_aid: int, days: Days
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(assessment rows, alert rows) of the patients with an id; assessment ids from
    ``first_aid`` on, in patient, moment and form order."""
    day, hour, quarter, pain = _moments(rng, c)
    active = np.array([p is not None for p in owner.pids])
    groups = _groups(rng, c, day, pain, active, days)
    out = _Out([], [])
    aid = first_aid
    for b in np.flatnonzero(active).tolist():
        aid = _patient(b, c, owner, (day, hour, quarter), groups, aid, days, out)
    return out.assessments, out.alerts
