"""One batch of demo patients as database rows (pure: no database; picklable in and out, so
batches can be generated in worker processes)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from atlaxis.demo.assessments import (
    ALERT_COLUMNS,
    ASSESSMENT_COLUMNS,
    MAX_ASSESSMENTS,
    Owner,
    assessment_rows,
)
from atlaxis.demo.diary import COLUMNS as DIARY_COLUMNS
from atlaxis.demo.diary import diary_entries, diary_rows
from atlaxis.demo.simulate import BATCH, SEXES, TECHNIQUES, Cohort, simulate_batch, streams
from atlaxis.demo.text import Days, moment_text
from atlaxis.demo.visits import COTHERAPY_COLUMNS, VISIT_COLUMNS, cotherapy_rows, visit_rows

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
GOALS = ("sleep through the night", "walk 30 minutes")
PATIENT_COLUMNS = (
    "id",
    "clinic_id",
    "record_number",
    "given_name",
    "family_name",
    "birth_date",
    "sex",
    "email",
    "phone",
    "timezone",
    "created_at",
)
EPISODE_COLUMNS = (
    "id",
    "patient_id",
    "care_start",
    "conditions",
    "goals",
    "ended_on",
    "created_at",
)
CONSENT_COLUMNS = ("patient_id", "kind", "version", "granted_at", "withdrawn_at", "recorded_by")
#: load order (parents before children)
TABLES = (
    ("patients", PATIENT_COLUMNS),
    ("episodes", EPISODE_COLUMNS),
    ("consents", CONSENT_COLUMNS),
    ("diary_entries", DIARY_COLUMNS),
    ("visits", VISIT_COLUMNS),
    ("assessments", ASSESSMENT_COLUMNS),
    ("alerts", ALERT_COLUMNS),
    ("cotherapies", COTHERAPY_COLUMNS),
)


@dataclass(frozen=True)
class ClinicPlan:
    """Where a clinic's patients go: indices ``first_index ..`` (a multiple of ``BATCH``)
    get patient and episode ids from ``first_pid``/``first_eid`` and assessment ids from
    ``first_aid`` (``MAX_ASSESSMENTS`` reserved per patient)."""

    clinic_id: int
    slug: str
    staff_user: int
    clinicians: dict[str, int]
    first_index: int
    n_patients: int
    first_pid: int
    first_eid: int
    first_aid: int

    def batches(self) -> range:
        first = self.first_index // BATCH
        return range(first, (self.first_index + self.n_patients - 1) // BATCH + 1)

    def technique(self, index: int) -> str:
        return TECHNIQUES[index % len(TECHNIQUES)] if len(self.clinicians) > 1 else "nucca"


@dataclass
class BatchRows:
    batch: int
    patients: int
    tables: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    #: (local index, patient id, episode id, given name) of every patient
    people: list[tuple[int, int, int, str]] = field(default_factory=list)


def _patient_rows(c: Cohort, plan: ClinicPlan, pids: list[int | None], days: Days) -> BatchRows:
    out = BatchRows(c.batch, 0)
    patients, episodes, consents = [], [], []
    prefix = plan.slug[5:].upper()
    for b, pid in enumerate(pids):
        if pid is None:
            continue
        index = int(c.index[b])
        local = index - plan.first_index
        eid = plan.first_eid + local
        care = int(c.care[b])
        created = moment_text(days(care - 21), 9, 0)
        given = GIVEN[int(c.given[b])]
        born = days(-(int(c.age[b]) * 365 + int(c.birth_extra[b])))
        family = f"{FAMILY[int(c.family[b])]}-{index}"
        record, sex = f"{prefix}-{index:07d}", SEXES[int(c.sex[b])]
        patients.append(
            (pid, plan.clinic_id, record, given, family, born, sex, None, None, "UTC", created)
        )
        conditions = ["fibromyalgia"] + (["migraine"] if c.migraine[b] else [])
        goals = json.dumps(list(GOALS[: int(c.goals[b])]))
        episodes.append((eid, pid, days(care), json.dumps(conditions), goals, None, created))
        granted = moment_text(days(care - 3), 10, 0)
        kinds = ["treatment", "data_processing"] + (["research"] if index % 5 < 3 else [])
        consents += [(pid, k, "2024-1", granted, None, plan.staff_user) for k in kinds]
        out.people.append((local, pid, eid, given))
    out.patients = len(patients)
    out.tables.update(patients=patients, episodes=episodes, consents=consents)
    return out


def build_batch(seed: int, batch: int, as_of: date, plan: ClinicPlan) -> BatchRows:
    """Every row of the clinic's patients in batch ``batch``."""
    c = simulate_batch(seed, batch, as_of)
    days = Days(as_of)
    local = c.index - plan.first_index
    inside = (local >= 0) & (local < plan.n_patients)
    pids = [int(plan.first_pid + k) if ok else None for k, ok in zip(local, inside, strict=True)]
    eids = [int(plan.first_eid + k) if ok else None for k, ok in zip(local, inside, strict=True)]
    techniques = [plan.technique(int(i)) for i in c.index]
    clinicians = [plan.clinicians.get(t, plan.staff_user) for t in techniques]
    out = _patient_rows(c, plan, pids, days)
    rng = streams(seed, batch)
    entries = diary_entries(rng["diary"], c.pain, c.length, c.neck)
    out.tables["diary_entries"] = diary_rows(entries, c.first, pids, days)
    out.tables["visits"] = visit_rows(rng["visits"], c, pids, clinicians, techniques, days)
    first_local = int(np.min(local[inside])) if inside.any() else 0
    first_aid = plan.first_aid + (first_local // BATCH) * BATCH * MAX_ASSESSMENTS
    owner = Owner(plan.clinic_id, pids, eids, clinicians)
    assessments, alerts = assessment_rows(rng["assessments"], c, owner, first_aid, days)
    out.tables["assessments"], out.tables["alerts"] = assessments, alerts
    out.tables["cotherapies"] = cotherapy_rows(rng["cotherapies"], c, pids, days)
    return out
