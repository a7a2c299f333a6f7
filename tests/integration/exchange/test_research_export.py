"""The de-identified research export end to end: planted identifiers never survive.

A patient is stored with a distinctive name, e-mail, phone, record number, a birth date that
makes them over 89, and notes/goals/co-therapy fields that repeat those identifiers together
with exact dates. Every output file (CSV and Parquet, with and without ``--include-notes``) is
searched for each planted value, raw bytes and decoded cells alike.
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from atlaxis.domain import (
    Actor,
    Consent,
    ConsentKind,
    CoTherapy,
    CoTherapyKind,
    DiaryEntry,
    Episode,
    Role,
    Visit,
    VisitDecision,
)
from atlaxis.domain.care import Assessment
from atlaxis.errors import NotFound, PermissionDenied
from atlaxis.instruments import score
from atlaxis.interop.deidentify import Keys
from atlaxis.interop.research_tables import TABLES
from atlaxis.services.research_export import export_research

SECRET = "research-export-test-secret-0123456789"
GIVEN, FAMILY = "Zebulon", "Quixote-Marchbanks"
EMAIL, PHONE = "zeb.quixote@mailbox.example", "+1 (415) 555-0199"
RECORD = "MRN-77441235"
BIRTH = date(1930, 2, 3)
CARE = date(2021, 4, 12)
PLANTED = [GIVEN, FAMILY, EMAIL, "mailbox.example", "(415)", "555-0199", RECORD, "77441235",
           "Ophelia", "Wintergreen", "1930-02-03", "02/03/1930", "3 Feb 1930",
           "2021-04-12", "04/12/2021", "12 April 2021"]  # fmt: skip


def _plant(factory: Any, uow_factory: Any, consent: bool = True) -> Any:
    clinic = factory.clinic()
    patient = factory.patient(
        clinic,
        given_name=GIVEN,
        family_name=FAMILY,
        email=EMAIL,
        phone=PHONE,
        record_number=RECORD,
        birth_date=BIRTH,
    )
    note = (
        f"{GIVEN} {FAMILY} rang from {PHONE} on 04/12/2021; mail {EMAIL}; "
        f"chart {RECORD}; born 3 Feb 1930"
    )
    with uow_factory() as uow:
        pid = patient.id
        uow.episodes.add(
            Episode(
                None,
                pid,
                CARE,
                ["fibromyalgia", f"{FAMILY} family history"],
                [f"walk with {GIVEN} on 12 April 2021"],
            )
        )
        if consent:
            uow.consents.add(
                Consent(None, pid, ConsentKind.RESEARCH, "1", datetime(2021, 4, 1, tzinfo=UTC))
            )
        for k in range(-5, 10):
            uow.diary.add(
                DiaryEntry(
                    None,
                    pid,
                    CARE + timedelta(days=k),
                    {"pain": 6 - (k > 0), "fatigue": 5},
                    note=note,
                )
            )
        phq = {str(i): 1 for i in range(1, 10)}
        uow.assessments.add(
            Assessment(
                None,
                pid,
                "phq9",
                phq,
                score("phq9", phq).to_dict(),
                datetime.combine(CARE, time(9), tzinfo=UTC),
            )
        )
        uow.visits.add(
            Visit(
                None,
                pid,
                None,
                datetime.combine(CARE, time(10), tzinfo=UTC),
                "toggle",
                VisitDecision.ADJUSTED,
                notes=note,
                reaction_note=f"{GIVEN} felt sore",
            )
        )
        uow.cotherapies.add(
            CoTherapy(
                None,
                pid,
                CoTherapyKind.PHYSIOTHERAPY,
                f"Physio with Ophelia Wintergreen {PHONE}",
                CARE,
                provider="Dr Ophelia Wintergreen",
                notes=note,
            )
        )
        uow.commit()
    return clinic, patient


def _export(uow_factory: Any, out: Path, actor: Actor | None = None, **options: Any) -> Any:
    with uow_factory(read_only=True) as uow:
        secret = options.pop("secret", SECRET)
        summary = export_research(uow, actor or Actor.system(), out, secret=secret, **options)
        uow.commit()
    return summary


def _cells(path: Path) -> list[dict[str, str]]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8") as f:
            return list(csv.DictReader(f))
    return [
        {k: "" if v is None else str(v) for k, v in row.items()}
        for row in pq.read_table(path).to_pylist()
    ]


@pytest.mark.parametrize(("fmt", "notes"), [("csv", False), ("csv", True), ("parquet", True)])
def test_planted_identifiers_do_not_survive(
    factory: Any, uow_factory: Any, tmp_path: Path, fmt: str, notes: bool
) -> None:
    _, patient = _plant(factory, uow_factory)
    # a secret whose offset moves every planted day well away from itself (a shift of a few
    # days could land a shifted diary day on the real care-start date by coincidence)
    secret = next(
        f"{SECRET}-{k}"
        for k in range(100)
        if abs(Keys(f"{SECRET}-{k}").shift_days(patient.id)) > 30
    )
    summary = _export(uow_factory, tmp_path / "out", fmt=fmt, include_notes=notes, secret=secret)
    assert summary.patients == 1 and summary.rows["diary"] == 15
    for path in sorted((tmp_path / "out").iterdir()):
        raw = path.read_bytes().decode("latin-1").lower()
        decoded = "\n".join(
            v
            for row in (
                _cells(path) if path.suffix != ".md" and path.name != "codebook.csv" else []
            )
            for v in row.values()
        ).lower()
        for secret in PLANTED:
            assert secret.lower() not in raw, (path.name, secret)
            assert secret.lower() not in decoded, (path.name, secret)
    patients = _cells(tmp_path / "out" / f"patients.{fmt}")
    assert patients[0]["age_at_care_start"] == "90+"  # 91 at care start: grouped
    if notes:
        diary_notes = {r["note"] for r in _cells(tmp_path / "out" / f"diary.{fmt}")}
        assert all("[REDACTED]" in n and "[DATE]" in n for n in diary_notes), diary_notes


def test_dates_shift_per_patient_and_keep_intervals(
    factory: Any, uow_factory: Any, tmp_path: Path
) -> None:
    _plant(factory, uow_factory)
    _export(uow_factory, tmp_path / "out")
    diary = _cells(tmp_path / "out" / "diary.csv")
    shifted = [date.fromisoformat(r["date"]) for r in diary]
    real = [CARE + timedelta(days=k) for k in range(-5, 10)]
    offsets = {(s - r).days for s, r in zip(shifted, real, strict=True)}
    assert len(offsets) == 1 and 1 <= abs(offsets.pop()) <= 365  # one offset, never zero
    assert [int(r["study_day"]) for r in diary] == list(range(-5, 10))
    visit = _cells(tmp_path / "out" / "visits.csv")[0]
    assert date.fromisoformat(visit["date"]) == shifted[5]  # same day as the care start entry


def test_codebook_describes_every_column(factory: Any, uow_factory: Any, tmp_path: Path) -> None:
    _plant(factory, uow_factory)
    _export(uow_factory, tmp_path / "out", include_notes=True)
    with (tmp_path / "out" / "codebook.csv").open(encoding="utf-8") as f:
        described = {(r["table"], r["column"]) for r in csv.DictReader(f) if r["description"]}
    for table in TABLES:
        with (tmp_path / "out" / f"{table.name}.csv").open(encoding="utf-8") as f:
            header = next(csv.reader(f))
        assert {(table.name, c) for c in header} <= described, table.name
    md = (tmp_path / "out" / "codebook.md").read_text(encoding="utf-8")
    for letter in "ABCDEFGHIJKLMNOPQR":  # all 18 Safe Harbor identifier categories
        assert f"| {letter}. " in md
    assert "caused" in md and "cannot show" in md


def test_patients_without_research_consent_are_left_out(
    factory: Any, uow_factory: Any, tmp_path: Path
) -> None:
    _plant(factory, uow_factory, consent=False)
    summary = _export(uow_factory, tmp_path / "out")
    assert summary.patients == 0 and summary.left_out_without_consent == 1
    assert _export(uow_factory, tmp_path / "all", require_consent=False).patients == 1


def test_who_may_export_and_the_audit_event(factory: Any, uow_factory: Any, tmp_path: Path) -> None:
    clinic, _ = _plant(factory, uow_factory)
    other = factory.clinic()
    clinician = factory.actor(factory.user(Role.CLINICIAN, clinic))
    with pytest.raises(PermissionDenied):
        _export(uow_factory, tmp_path / "a", clinician)
    outsider = factory.actor(factory.user(Role.RESEARCHER, other))
    assert _export(uow_factory, tmp_path / "b", outsider).patients == 0  # own clinic only
    with pytest.raises(NotFound), uow_factory(read_only=True) as uow:
        export_research(uow, outsider, tmp_path / "c", secret=SECRET, clinic_id=clinic.id)
    researcher = factory.actor(factory.user(Role.RESEARCHER, clinic))
    assert _export(uow_factory, tmp_path / "d", researcher).patients == 1
    with uow_factory(read_only=True) as uow:
        events = [e for e in uow.audit.iterate() if e.action == "export"]
    assert events[-1].entity == "research" and events[-1].actor_user_id == researcher.user_id
    assert GIVEN not in str(events[-1].detail)
