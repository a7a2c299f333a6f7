"""The demo clinic: reproducible, realistic in the ways the issue asks for, isolated clinics,
and usable by the services afterwards (on both backends)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from sqlalchemy import text

from atlaxis.demo import build_demo
from atlaxis.demo.simulate import COURSES, diary_entries, simulate_patient
from atlaxis.domain import Actor, Role
from atlaxis.errors import NotFound
from atlaxis.services import audit
from atlaxis.services.patients import create_patient, get_patient
from atlaxis.services.questionnaires import list_assignments, save_draft

AS_OF = date(2025, 6, 30)


def test_same_seed_same_patient_and_another_seed_differs() -> None:
    a = simulate_patient(11, 5, AS_OF, "nucca")
    b = simulate_patient(11, 5, AS_OF, "nucca")
    c = simulate_patient(12, 5, AS_OF, "nucca")
    assert a == b
    assert a.diary != c.diary


def test_up_to_six_months_of_diary_ending_by_the_as_of_day() -> None:
    for i in range(40):
        plan = simulate_patient(3, i, AS_OF, "blair")
        days = [e["local_date"] for e in plan.diary]
        assert max(days) <= AS_OF and (max(days) - min(days)).days <= 183
        assert min(days) < plan.care_start  # a baseline before care starts
        assert plan.visits and plan.visits[0]["occurred_at"].date() == plan.care_start


def test_bad_days_are_missed_more_often() -> None:
    rng = np.random.default_rng(0)
    days = [AS_OF - timedelta(days=i) for i in range(2000)][::-1]
    pain = np.where(np.arange(2000) % 2 == 0, 3.0, 9.0)
    kept = {e["local_date"] for e in diary_entries(rng, days, pain, 1.0)}
    good = sum(1 for i, d in enumerate(days) if pain[i] == 3.0 and d in kept) / 1000
    bad = sum(1 for i, d in enumerate(days) if pain[i] == 9.0 and d in kept) / 1000
    assert good - bad > 0.2


def test_every_course_occurs_in_a_clinic_of_sixty() -> None:
    seen = {
        simulate_patient(20240501, i, AS_OF, "nucca", with_history=False).course for i in range(60)
    }
    assert seen == set(COURSES)


def test_demo_database(db_url, uow_factory) -> None:
    result = build_demo(db_url, patients=12, seed=7, as_of=AS_OF)
    roles = [login.role for login in result.logins]
    assert roles.count("clinician") == 4 and roles.count("patient") == 12 + 2
    assert result.counts["patients"] == 12 + 8
    assert result.counts["diary_entries"] > 12 * 30 and result.counts["alerts"] >= 1
    with uow_factory() as uow:
        main, small = uow.clinics.by_slug("demo-main"), uow.clinics.by_slug("demo-small")
        assert uow.patients.count(main.id) == 12 and uow.patients.count(small.id) == 8
        assert audit.verify(uow).ok
        small_doc = next(
            x for x in result.logins if x.clinic == "demo-small" and x.role == "clinician"
        )
        user = uow.users.by_email(small_doc.email)
        actor = Actor(user.id, Role.CLINICIAN, small.id)
        with pytest.raises(NotFound):
            get_patient(uow, actor, uow.patients.ids(main.id)[0])
        body = {"record_number": "NEW-1", "given_name": "New", "family_name": "Patient"}
        created = create_patient(uow, actor, body)  # ids continue after the bulk load
        uow.commit()
    assert created.id > max(x.patient_id or 0 for x in result.logins)
    # every patient login has a PHQ-9 and a FIQR waiting, which the patient can open
    assert result.counts["assignments"] == 2 * (12 + 2)
    login = next(x for x in result.logins if x.role == "patient")
    with uow_factory() as uow:
        user = uow.users.by_email(login.email)
        me = Actor(user.id, Role.PATIENT, user.clinic_id, login.patient_id)
        waiting = list_assignments(uow, me, login.patient_id)
        assert sorted(a.instrument for a in waiting) == ["fiqr", "phq9"]
        assert all(a.due == AS_OF + timedelta(days=7) for a in waiting)
        assert save_draft(uow, me, waiting[0].id, {"1": 1}).answers == {"1": 1}
        uow.commit()


def test_demo_content_is_reproducible(tmp_path) -> None:
    from atlaxis.storage import Database, upgrade

    def digest(url: str) -> list[tuple[object, ...]]:
        db = Database(url)
        with db.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT patient_id, local_date, local_time, items FROM diary_entries "
                    "ORDER BY id"
                )
            ).all()
            rows += conn.execute(
                text("SELECT instrument, total FROM assessments ORDER BY id")
            ).all()
        db.dispose()
        return [tuple(r) for r in rows]

    urls = [f"sqlite:///{tmp_path / f'{n}.db'}" for n in ("a", "b")]
    for url in urls:
        upgrade(url)
        build_demo(url, patients=5, seed=99, as_of=AS_OF)
    assert digest(urls[0]) == digest(urls[1])
