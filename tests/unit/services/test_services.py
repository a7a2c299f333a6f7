"""Services on both backends: authorisation in services, scoring + alerts in one
transaction, idempotent diary, timeline, audit chain verification."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from atlaxis.domain import Actor, Role
from atlaxis.errors import Conflict, InvalidAnswers, NotFound, PermissionDenied, ValidationError
from atlaxis.services import audit
from atlaxis.services.alerts import acknowledge_alert, list_alerts
from atlaxis.services.assessments import save_assessment
from atlaxis.services.diary import add_diary_entry, list_diary
from atlaxis.services.patients import create_patient, get_patient, list_patients
from atlaxis.services.timeline import patient_timeline
from atlaxis.services.visits import record_visit

PHQ9_ITEM9 = {str(i): 0 for i in range(1, 9)} | {"9": 2}  # item 9 "more than half the days"


@pytest.fixture
def world(factory):
    """Two clinics; in clinic A a clinician, an admin, a researcher, two patients (one with an
    account); in clinic B a clinician and a patient."""
    a, b = factory.clinic("A"), factory.clinic("B")
    p1, p2, pb = factory.patient(a), factory.patient(a), factory.patient(b)
    users = {
        "clinician": factory.user(Role.CLINICIAN, a),
        "admin": factory.user(Role.ADMIN, a),
        "researcher": factory.user(Role.RESEARCHER, a),
        "patient": factory.user(Role.PATIENT, a, patient=p1),
        "other_clinician": factory.user(Role.CLINICIAN, b),
    }
    actors = {k: factory.actor(u) for k, u in users.items()}
    return {"a": a, "b": b, "p1": p1, "p2": p2, "pb": pb, "actors": actors, "users": users}


def run(uow_factory, fn, *args, read_only=False, **kwargs):
    with uow_factory(read_only=read_only) as uow:
        out = fn(uow, *args, **kwargs)
        uow.commit()
    return out


@pytest.mark.parametrize(
    ("who", "target", "expected"),
    [
        ("clinician", "p1", None),
        ("admin", "p2", None),
        ("patient", "p1", None),
        ("patient", "p2", NotFound),
        ("clinician", "pb", NotFound),
        ("other_clinician", "p1", NotFound),
        ("researcher", "p1", PermissionDenied),
    ],
)
def test_who_may_read_a_patient(uow_factory, world, who, target, expected) -> None:
    actor, patient_id = world["actors"][who], world[target].id
    if expected is None:
        assert run(uow_factory, get_patient, actor, patient_id).id == patient_id
    else:
        with pytest.raises(expected):
            run(uow_factory, get_patient, actor, patient_id)


def test_denials_for_other_clinic_and_missing_records_read_the_same(uow_factory, world) -> None:
    actor = world["actors"]["clinician"]
    with pytest.raises(NotFound) as other:
        run(uow_factory, get_patient, actor, world["pb"].id)
    with pytest.raises(NotFound) as missing:
        run(uow_factory, get_patient, actor, 999_999)
    assert str(other.value).replace(str(world["pb"].id), "N") == str(missing.value).replace(
        "999999", "N"
    )


def test_patients_may_not_record_visits(uow_factory, world) -> None:
    payload = {"occurred_at": "2025-01-01T10:00:00Z", "technique": "nucca", "decision": "held"}
    with pytest.raises(PermissionDenied):
        run(uow_factory, record_visit, world["actors"]["patient"], world["p1"].id, payload)


def test_list_patients_is_scoped_and_paged(uow_factory, world) -> None:
    actor = world["actors"]["clinician"]
    first = run(uow_factory, list_patients, actor, limit=1)
    assert len(first.items) == 1 and first.next_cursor
    rest = run(uow_factory, list_patients, actor, cursor=first.next_cursor, limit=10)
    ids = {p.id for p in first.items + rest.items}
    assert ids == {world["p1"].id, world["p2"].id} and rest.next_cursor is None
    with pytest.raises(ValidationError):
        run(uow_factory, list_patients, actor, cursor="not-a-cursor")


def test_create_patient_conflicts_on_record_number(uow_factory, world) -> None:
    actor = world["actors"]["clinician"]
    body = {"record_number": "X1", "given_name": "Ann", "family_name": "Lee"}
    run(uow_factory, create_patient, actor, body)
    with pytest.raises(Conflict):
        run(uow_factory, create_patient, actor, body)
    with pytest.raises(ValidationError) as bad:
        run(uow_factory, create_patient, actor, {"given_name": 3, "shoe_size": 9})
    fields = {p.field for p in bad.value.problems}
    assert {"record_number", "given_name", "family_name", "shoe_size"} <= fields


def test_phq9_item9_raises_an_urgent_alert_in_the_same_transaction(uow_factory, world) -> None:
    doc = world["actors"]["clinician"]
    saved = run(
        uow_factory,
        save_assessment,
        doc,
        world["p1"].id,
        {"instrument": "phq9", "answers": PHQ9_ITEM9},
    )
    # 8 items at 0 plus item 9 at 2: total 2 (Kroenke 2001 scoring is the plain sum)
    assert saved.assessment.total == 2
    assert [a.kind for a in saved.alerts] == ["phq9_item9"]
    assert saved.alerts[0].severity.value == "urgent"
    page = run(uow_factory, list_alerts, doc, open_only=True)
    assert [a.id for a in page.items] == [saved.alerts[0].id]
    with pytest.raises(ValidationError):
        run(uow_factory, acknowledge_alert, doc, saved.alerts[0].id, "  ")
    done = run(uow_factory, acknowledge_alert, doc, saved.alerts[0].id, "safety plan made")
    assert done.acknowledged_by == world["users"]["clinician"].id
    with pytest.raises(Conflict):
        run(uow_factory, acknowledge_alert, doc, saved.alerts[0].id, "again")
    with pytest.raises(NotFound):
        run(uow_factory, acknowledge_alert, world["actors"]["other_clinician"], done.id, "x")


def test_invalid_answers_store_nothing(uow_factory, world) -> None:
    doc = world["actors"]["clinician"]
    with pytest.raises(InvalidAnswers):
        run(
            uow_factory,
            save_assessment,
            doc,
            world["p1"].id,
            {"instrument": "phq9", "answers": {"1": 9}},
        )
    with uow_factory() as uow:
        assert uow.assessments.page(world["p1"].id) == []


def _entry(day: date, pain: int = 5) -> dict[str, object]:
    return {"date": day.isoformat(), "items": {"pain": pain, "fatigue": 4, "sleep_quality": 6}}


def test_diary_idempotency(uow_factory, world) -> None:
    me = world["actors"]["patient"]
    pid = world["p1"].id
    body = _entry(date.today())
    first = run(uow_factory, add_diary_entry, me, pid, body, idempotency_key="k1")
    again = run(uow_factory, add_diary_entry, me, pid, body, idempotency_key="k1")
    assert first.status == again.status == 201
    assert again.replayed and again.body == first.body
    with pytest.raises(Conflict):
        run(uow_factory, add_diary_entry, me, pid, _entry(date.today(), 7), idempotency_key="k1")
    run(uow_factory, add_diary_entry, me, pid, body)  # no key: a second entry the same day
    page = run(uow_factory, list_diary, me, pid)
    assert len(page.items) == 2


def test_diary_lists_every_problem(uow_factory, world) -> None:
    bad = {
        "date": "2025-13-01",
        "time": "25:00",
        "items": {"pain": 11, "x": 1},
        "body_map": ["knee"],
    }
    with pytest.raises(InvalidAnswers) as exc:
        run(uow_factory, add_diary_entry, world["actors"]["patient"], world["p1"].id, bad)
    fields = {p.field for p in exc.value.problems}
    assert {"date", "time", "items.pain", "items.x", "body_map"} <= fields


def test_timeline_puts_everything_on_one_axis(uow_factory, world) -> None:
    doc, pid = world["actors"]["clinician"], world["p1"].id
    start = date.today() - timedelta(days=3)
    for i in range(3):
        run(uow_factory, add_diary_entry, doc, pid, _entry(start + timedelta(days=i), 6 - i))
    run(uow_factory, save_assessment, doc, pid, {"instrument": "phq9", "answers": PHQ9_ITEM9})
    visit = {
        "occurred_at": datetime.now(UTC).isoformat(),
        "technique": "nucca",
        "decision": "adjusted",
        "pre_checks": {"leg_check": {"mm": 6.35, "side": "right", "entered_as": "1/4 in"}},
        "post_checks": {"leg_check": {"mm": 0, "side": "none"}},
    }
    run(uow_factory, record_visit, doc, pid, visit)
    body = run(uow_factory, patient_timeline, doc, pid, read_only=True)
    assert [d["items"]["pain"] for d in body["diary"]] == [6, 5, 4]
    assert body["assessments"][0]["instrument"] == "phq9"
    assert body["visits"][0]["pre_checks"]["leg_check"]["mm"] == pytest.approx(6.35)
    assert [a["kind"] for a in body["alerts"]] == ["phq9_item9"]
    mine = run(uow_factory, patient_timeline, world["actors"]["patient"], pid, read_only=True)
    assert "alerts" not in mine and len(mine["diary"]) == 3


def test_every_read_and_write_is_audited_and_the_chain_verifies(uow_factory, world) -> None:
    doc, pid = world["actors"]["clinician"], world["p1"].id
    run(uow_factory, get_patient, doc, pid, read_only=True)
    run(uow_factory, add_diary_entry, doc, pid, _entry(date.today()))
    with uow_factory() as uow:
        events = list(uow.audit.iterate())
        result = audit.verify(uow)
    assert result.ok and result.checked == len(events)
    actions = [(e.action, e.entity, e.patient_id) for e in events]
    assert ("read", "patient", pid) in actions and ("create", "diary_entry", pid) in actions
    assert all(e.actor_user_id == doc.user_id and e.ip == "127.0.0.1" for e in events[-2:])


def test_verify_names_the_first_tampered_event(uow_factory, database, world) -> None:
    doc, pid = world["actors"]["clinician"], world["p1"].id
    for _ in range(3):
        run(uow_factory, get_patient, doc, pid)
    with uow_factory() as uow:
        total = uow.audit.count()
    target = total - 1
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET ip = '10.0.0.9' WHERE seq = :s"), {"s": target})
    with uow_factory() as uow:
        result = audit.verify(uow)
    assert not result.ok and result.first_broken_seq == target
    with database.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq >= :s"), {"s": target})
    with uow_factory() as uow:
        tail = audit.verify(uow)
    assert not tail.ok and tail.first_broken_seq == target


def test_system_actor_acts_everywhere_and_is_audited(uow_factory, world) -> None:
    system = Actor.system()
    assert run(uow_factory, get_patient, system, world["pb"].id).id == world["pb"].id


def test_outcome_summary_comes_from_the_science_core(uow_factory, world) -> None:
    from atlaxis.services.episodes import create_episode
    from atlaxis.services.outcomes import patient_outcomes

    doc, pid = world["actors"]["clinician"], world["p1"].id
    care_start = date.today() - timedelta(days=30)
    run(uow_factory, create_episode, doc, pid, {"care_start": care_start.isoformat()})
    # pain alternates 6/8 for 30 baseline days (mean 7), then 3/5 in care (mean 4)
    with uow_factory() as uow:
        for i in range(60):
            day = care_start - timedelta(days=30) + timedelta(days=i)
            pain = (7 if day < care_start else 4) + (1 if i % 2 else -1)
            add_diary_entry(uow, doc, pid, _entry(day, pain))
        uow.commit()
    for when, score_each in ((care_start - timedelta(days=1), 2), (date.today(), 0)):
        answers = {str(i): score_each for i in range(1, 10)}
        taken = datetime.combine(when, datetime.min.time(), tzinfo=UTC).isoformat()
        body = {"instrument": "phq9", "answers": answers, "taken_at": taken}
        run(uow_factory, save_assessment, doc, pid, body)
    out = run(uow_factory, patient_outcomes, doc, pid, read_only=True)
    phq = next(i for i in out["instruments"] if i["instrument"] == "phq9")
    assert (phq["baseline"]["total"], phq["latest"]["total"]) == (18, 0)
    # PHQ-9 has a published reliability but no published SD, and this clinic has fewer than
    # 20 baseline scores: no reliable-change verdict, and the summary says why (the computed
    # case is in test_reliable_change_sources.py)
    assert phq["reliable_change"] is None
    assert "baseline scores" in phq["reliable_change_unavailable"]
    pain = next(x for x in out["diary"] if x["item"] == "pain")
    assert pain["segmented"]["level_change"] == pytest.approx(-3.0, abs=0.5)
    # IMMPACT (Dworkin 2008): 100 * (7 - 4) / 7 = 42.9% improvement, in 30-<50%: moderate
    assert pain["immpact"]["percent_improvement"] == pytest.approx(100 * 3 / 7)
    assert pain["immpact"]["category"] == "moderate"
    assert pain["nonoverlap"].get("insufficient") is None


def test_researchers_get_aggregates_only(uow_factory, world) -> None:
    from atlaxis.services.research import MIN_CELL, cohort_change

    researcher = world["actors"]["researcher"]
    with pytest.raises(PermissionDenied):
        run(uow_factory, list_patients, researcher)
    small = run(uow_factory, cohort_change, researcher, "phq9")
    assert small["n_patients"] == 0 and "insufficient" in small and MIN_CELL == 5
    with pytest.raises(PermissionDenied):
        run(uow_factory, cohort_change, world["actors"]["patient"], "phq9")
