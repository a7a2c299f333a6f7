"""The demo clinic: reproducible, realistic in the ways the issue asks for, isolated clinics,
every score and alert as the science core gives it, and usable by the services afterwards
(on both backends)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pytest
from sqlalchemy import text

from atlaxis.demo import build_demo
from atlaxis.demo.batch import ClinicPlan, build_batch
from atlaxis.demo.diary import diary_entries
from atlaxis.demo.simulate import BATCH, COURSES, simulate_batch
from atlaxis.domain import Actor, Role
from atlaxis.errors import NotFound
from atlaxis.instruments import score
from atlaxis.screening.alerts import alerts_for_assessment
from atlaxis.services import audit
from atlaxis.services.patients import create_patient, get_patient
from atlaxis.services.questionnaires import list_assignments, save_draft
from atlaxis.storage.mapping import checks_from_json, checks_to_json

AS_OF = date(2025, 6, 30)


def _plan(n: int) -> ClinicPlan:
    return ClinicPlan(
        1, "demo-main", 2, {"nucca": 2, "atlas_orthogonal": 3, "blair": 4}, 0, n, 1, 1, 1
    )


def test_same_seed_same_batch_and_another_seed_differs() -> None:
    a, b, c = (simulate_batch(s, 0, AS_OF) for s in (11, 11, 12))
    assert np.array_equal(a.pain, b.pain, equal_nan=True)
    assert not np.array_equal(a.pain, c.pain, equal_nan=True)
    assert (
        build_batch(11, 0, AS_OF, _plan(30)).tables == build_batch(11, 0, AS_OF, _plan(30)).tables
    )


#: the column holding the patient id, per table
PATIENT_COLUMN = {"patients": 0, "assessments": 1, "episodes": 1}


def test_a_patient_does_not_depend_on_the_size_of_the_clinic() -> None:
    small = build_batch(5, 0, AS_OF, _plan(10)).tables
    large = build_batch(5, 0, AS_OF, _plan(200)).tables
    for table, rows in small.items():
        k = PATIENT_COLUMN.get(table, 0)
        assert rows and rows == [r for r in large[table] if r[k] <= 10], table
        assert len(large[table]) > len(rows)


def test_up_to_six_months_of_diary_ending_by_the_as_of_day() -> None:
    c = simulate_batch(3, 0, AS_OF)
    assert (c.last <= 0).all() and (c.length <= 183).all() and (c.first < c.care).all()
    rows = build_batch(3, 0, AS_OF, _plan(40)).tables
    for pid in range(1, 41):
        days = [date.fromisoformat(r[1]) for r in rows["diary_entries"] if r[0] == pid]
        assert max(days) <= AS_OF and (max(days) - min(days)).days <= 183
        care = AS_OF + timedelta(days=int(c.care[pid - 1]))
        assert min(days) < care  # a baseline before care starts
        visits = [r[2] for r in rows["visits"] if r[0] == pid]
        assert visits and visits[0].startswith(care.isoformat())


def test_bad_days_are_missed_more_often() -> None:
    rng = np.random.default_rng(0)
    pain = np.where(np.arange(180) % 2 == 0, 3.0, 9.0)[None, :].repeat(20, axis=0)
    entries = diary_entries(rng, pain, np.full(20, 180), np.ones(20))
    kept = {(r, d) for r, d in zip(entries.row.tolist(), entries.day.tolist(), strict=True)}
    good = sum(1 for _, d in kept if d % 2 == 0) / (20 * 90)
    bad = sum(1 for _, d in kept if d % 2 == 1) / (20 * 90)
    assert good - bad > 0.2


def test_every_course_occurs_in_a_clinic_of_sixty() -> None:
    assert set(simulate_batch(20240501, 0, AS_OF).course[:60].tolist()) == set(range(len(COURSES)))


def test_courses_differ_as_described() -> None:
    """Responders improve in care, non-responders hardly, and regression-to-the-mean
    patients start high and ease without any effect of care."""
    c = simulate_batch(1, 0, AS_OF)
    j = np.arange(c.pain.shape[1])[None, :]
    t = c.first[:, None] + j - c.care[:, None]

    def mean_where(mask: np.ndarray) -> np.ndarray:
        mask = mask & ~np.isnan(c.pain)
        with np.errstate(invalid="ignore"):
            return np.where(mask, c.pain, 0.0).sum(axis=1) / mask.sum(axis=1)

    change_all = mean_where(t >= 70) - mean_where(t < 0)  # NaN: no diary that late
    change = {k: np.nanmean(change_all[c.course == i]) for i, k in enumerate(COURSES)}
    assert change["responder"] < -1.5 and abs(change["non_responder"]) < 0.6
    assert change["worsening"] > 0.5 and change["regression_to_mean"] < -0.3


def test_scores_and_alerts_are_the_science_cores() -> None:
    """Every stored result equals ``score()`` of the stored answers, and the stored alerts
    equal ``alerts_for_assessment`` run on every assessment (with the previous one)."""
    rows = build_batch(20240501, 0, AS_OF, _plan(120)).tables
    expected, previous = [], {}
    for aid, pid, _e, iid, _v, answers_text, result_text, total, *_ in rows["assessments"]:
        answers = json.loads(answers_text)
        result = score(iid, answers)
        assert json.loads(result_text) == result.to_dict(), (iid, answers)
        assert total == result.total
        before = previous.get((pid, iid))
        raised = alerts_for_assessment(iid, result, before, answers, context={"assessment_id": aid})
        expected += [(pid, a.id, a.kind, aid) for a in raised]
        previous[(pid, iid)] = result
    stored = [(r[0], r[2], r[3], r[7]) for r in rows["alerts"]]
    assert stored == expected and len(expected) > 10
    assert {k for _, _, k, _ in stored} >= {"phq9_item9", "safety_rule", "reliable_deterioration"}


def test_visit_checks_are_stored_in_their_normal_form() -> None:
    rows = build_batch(2, 0, AS_OF, _plan(20)).tables["visits"]
    for row in rows:
        for checks in (json.loads(row[7]), json.loads(row[8])):
            assert checks == checks_to_json(checks_from_json(checks))


def test_demo_database(db_url, uow_factory) -> None:
    result = build_demo(db_url, patients=12, seed=7, as_of=AS_OF)
    roles = [login.role for login in result.logins]
    assert roles.count("clinician") == 4 and roles.count("patient") == 12 + 2
    assert result.counts["patients"] == 12 + 8
    assert result.counts["diary_entries"] > 12 * 30 and result.counts["alerts"] >= 1
    with uow_factory() as uow:
        main, small = uow.clinics.by_slug("demo-main"), uow.clinics.by_slug("demo-small")
        assert uow.patients.count(main.id) == 12 and uow.patients.count(small.id) == 8
        assert uow.bulk.count("diary_entries") == result.counts["diary_entries"]
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
    with uow_factory(read_only=True) as uow:
        diary = uow.diary.page(login.patient_id, limit=500)
        assert diary and all(e.created_at.tzinfo is not None for e in diary)
        assessments = uow.assessments.page(login.patient_id, limit=50)
        assert assessments and assessments[0].result["instrument"] == assessments[0].instrument


def _digest(url: str) -> list[tuple[object, ...]]:
    from atlaxis.storage import Database

    db = Database(url)
    with db.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT patient_id, local_date, local_time, items FROM diary_entries ORDER BY id")
        ).all()
        rows += conn.execute(
            text("SELECT id, instrument, total FROM assessments ORDER BY id")
        ).all()
        rows += conn.execute(text("SELECT code, source_id FROM alerts ORDER BY id")).all()
    db.dispose()
    return [tuple(r) for r in rows]


def test_demo_content_is_reproducible(tmp_path) -> None:
    from atlaxis.storage import upgrade

    urls = [f"sqlite:///{tmp_path / f'{n}.db'}" for n in ("a", "b")]
    for url in urls:
        upgrade(url)
        build_demo(url, patients=5, seed=99, as_of=AS_OF)
    assert _digest(urls[0]) == _digest(urls[1])


def test_worker_processes_build_the_same_clinic(tmp_path) -> None:
    from atlaxis.storage import upgrade

    urls = [f"sqlite:///{tmp_path / f'{n}.db'}" for n in ("one", "two")]
    for url, workers in zip(urls, (0, 1), strict=True):
        upgrade(url)
        build_demo(url, patients=BATCH + 3, seed=4, as_of=AS_OF, workers=workers)
    assert _digest(urls[0]) == _digest(urls[1])
