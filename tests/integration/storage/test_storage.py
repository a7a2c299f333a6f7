"""Storage on both backends: migrations, units of work, repositories, the audit chain."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy.exc import IntegrityError

from atlaxis.domain import (
    Alert,
    Assessment,
    DiaryEntry,
    LegCheck,
    Role,
    Severity,
    Side,
    Visit,
    VisitChecks,
    VisitDecision,
)
from atlaxis.storage import current_revision
from atlaxis.storage.migrate import MIGRATIONS
from atlaxis.storage.repositories.audit import PendingEvent


def test_migrated_to_head(db_url: str) -> None:
    from atlaxis.storage.migrate import head_revision

    head = head_revision()
    versions = sorted(p.name[:4] for p in MIGRATIONS.glob("versions/0*.py"))
    assert head == versions[-1]  # the newest file is the head: no branch left behind
    assert current_revision(db_url) == head


def test_commit_keeps_and_leaving_without_commit_rolls_back(uow_factory, factory) -> None:
    clinic = factory.clinic("North")
    with uow_factory() as uow:
        uow.clinics.add("Never saved", "never")
    with uow_factory() as uow:
        assert uow.clinics.by_slug("never") is None
        assert uow.clinics.get(clinic.id) == clinic


def test_exception_rolls_back(uow_factory) -> None:
    with pytest.raises(RuntimeError), uow_factory() as uow:
        uow.clinics.add("Half", "half")
        uow.session.flush()
        raise RuntimeError("boom")
    with uow_factory() as uow:
        assert uow.clinics.by_slug("half") is None


def test_foreign_keys_are_enforced(uow_factory) -> None:
    with pytest.raises(IntegrityError), uow_factory() as uow:
        uow.diary.add(DiaryEntry(None, 999_999, date(2025, 1, 1), {"pain": 3}))
        uow.commit()


def test_emails_are_unique_case_insensitively(uow_factory, factory) -> None:
    clinic = factory.clinic()
    factory.user(Role.CLINICIAN, clinic, email="Ann@Example.org")
    with uow_factory() as uow:
        assert uow.users.by_email("ANN@example.org") is not None
    with pytest.raises(IntegrityError), uow_factory() as uow:
        uow.users.add("ann@example.org", "x", Role.ADMIN, clinic.id)
        uow.commit()


def test_diary_round_trip_and_newest_first_paging(uow_factory, factory) -> None:
    patient = factory.patient(factory.clinic())
    with uow_factory() as uow:
        for day in range(1, 6):
            uow.diary.add(
                DiaryEntry(
                    None,
                    patient.id,
                    date(2025, 3, day),
                    {"pain": day},
                    local_time=time(8, 30),
                    body_map=["neck"],
                    note="n",
                )
            )
        uow.commit()
    with uow_factory(read_only=True) as uow:
        first = uow.diary.page(patient.id, limit=2)
        assert [e.local_date.day for e in first] == [5, 4]
        last = first[-1]
        rest = uow.diary.page(patient.id, after=(last.local_date, last.id), limit=10)
        assert [e.local_date.day for e in rest] == [3, 2, 1]
        window = uow.diary.page(patient.id, start=date(2025, 3, 2), end=date(2025, 3, 3))
        assert {e.local_date.day for e in window} == {2, 3}
        assert rest[0].local_time == time(8, 30) and rest[0].body_map == ["neck"]
        uow.commit()


def test_visit_checks_survive_a_round_trip(uow_factory, factory) -> None:
    clinic = factory.clinic()
    patient = factory.patient(clinic)
    doc = factory.user(Role.CLINICIAN, clinic)
    pre = VisitChecks(
        leg_check=LegCheck(mm=6.35, side=Side.RIGHT, entered_as="1/4 in"),
        posture={"head_tilt_deg": 1.5},
        radiographic={"atlas_laterality_deg": -1.0},
        radiographic_method="nucca",
    )
    when = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    visit = Visit(None, patient.id, doc.id, when, "nucca", VisitDecision.ADJUSTED, pre_checks=pre)
    with uow_factory() as uow:
        saved = uow.visits.add(visit)
        uow.commit()
    with uow_factory() as uow:
        again = uow.visits.get(saved.id)
    assert again == saved
    assert again.occurred_at == when and again.pre_checks.leg_check.mm == pytest.approx(6.35)


def test_assessment_and_alert_acknowledgement(uow_factory, factory) -> None:
    clinic = factory.clinic()
    patient = factory.patient(clinic)
    doc = factory.user(Role.CLINICIAN, clinic)
    now = datetime(2025, 3, 1, tzinfo=UTC)
    with uow_factory() as uow:
        a = uow.assessments.add(
            Assessment(None, patient.id, "phq9", {"9": 2}, {"total": 12}, taken_at=now)
        )
        alert = uow.alerts.add(
            Alert(None, patient.id, clinic.id, "phq9.item9", "safety", Severity.URGENT, "r", now)
        )
        uow.commit()
    with uow_factory() as uow:
        assert uow.assessments.get(a.id).total == 12
        assert uow.alerts.acknowledge(alert.id, doc.id, now, "called the patient") is True
        assert uow.alerts.acknowledge(alert.id, doc.id, now, "again") is False
        uow.commit()
    with uow_factory() as uow:
        stored = uow.alerts.get(alert.id)
        assert stored.acknowledged_by == doc.id
        assert stored.acknowledgement_note == "called the patient"
        assert uow.alerts.page(clinic_id=clinic.id, open_only=True) == []


def test_audit_events_are_chained_at_commit(uow_factory) -> None:
    with uow_factory() as uow:
        uow.audit.record(PendingEvent("read", "patient", entity_id="1", patient_id=1))
        uow.audit.record(PendingEvent("update", "patient", entity_id="1", patient_id=1))
        uow.commit()
    with uow_factory(read_only=True) as uow:
        uow.audit.record(PendingEvent("read", "timeline", patient_id=1))
        uow.commit()
    with uow_factory() as uow:
        events = list(uow.audit.iterate(batch=2))
        assert [e.seq for e in events] == [1, 2, 3]
        assert events[0].prev_hash == "0" * 64
        for prev, cur in itertools.pairwise(events):
            assert cur.prev_hash == prev.hash
        assert all(e.hash == e.computed_hash() for e in events)
        assert uow.audit.head() == (3, events[-1].hash)


def test_rolled_back_work_leaves_no_audit_event(uow_factory) -> None:
    with uow_factory() as uow:
        uow.audit.record(PendingEvent("read", "patient"))
    with uow_factory() as uow:
        assert uow.audit.count() == 0


def test_read_only_unit_of_work_refuses_writes(uow_factory) -> None:
    with pytest.raises(RuntimeError), uow_factory(read_only=True) as uow:
        uow.clinics.add("x", "x")
        uow.commit()
