"""Questionnaire assignments on both backends: who may assign, read, save and submit; drafts
(save and resume); submission scores, screens and closes the assignment; audit trail."""

from __future__ import annotations

from datetime import date

import pytest

from atlaxis.domain import AssessmentSource, AssignmentStatus, Role
from atlaxis.errors import Conflict, InvalidAnswers, NotFound, PermissionDenied, ValidationError
from atlaxis.services import questionnaires as q
from atlaxis.services.alerts import list_alerts
from atlaxis.services.episodes import create_episode


@pytest.fixture
def world(factory):
    """Clinic A: clinician, admin, researcher, patients p1 (with a login) and p2; clinic B: a
    clinician and patient pb."""
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
    return {"p1": p1, "p2": p2, "pb": pb, "actors": actors, "users": users}


def run(uow_factory, fn, *args, read_only=False, **kwargs):
    with uow_factory(read_only=read_only) as uow:
        out = fn(uow, *args, **kwargs)
        uow.commit()
    return out


def events(uow_factory, entity_prefix="assignment"):
    with uow_factory(read_only=True) as uow:
        return [
            (e.action, e.entity, e.actor_role)
            for e in uow.audit.iterate()
            if e.entity.startswith(entity_prefix)
        ]


def assign(uow_factory, world, instruments=("phq9",), who="clinician", patient="p1", **kw):
    actor = world["actors"][who]
    return run(uow_factory, q.assign_instruments, actor, world[patient].id, list(instruments), **kw)


def test_staff_assign_once_per_open_instrument(uow_factory, world) -> None:
    made = assign(uow_factory, world, ["phq9", "fiqr", "phq9"], due=date(2030, 1, 31))
    assert [a.instrument for a in made] == ["phq9", "fiqr"]
    assert all(a.status is AssignmentStatus.OPEN and a.due == date(2030, 1, 31) for a in made)
    assert made[0].assigned_by == world["users"]["clinician"].id
    again = assign(uow_factory, world, ["fiqr", "gad7"], who="admin")
    assert again[0].id == made[1].id  # the open FIQR is returned, not assigned twice
    assert again[1].instrument == "gad7"
    assert events(uow_factory).count(("create", "assignment", "clinician")) == 2
    assert events(uow_factory).count(("create", "assignment", "admin")) == 1


def test_unknown_instruments_are_listed_in_one_error(uow_factory, world) -> None:
    with pytest.raises(ValidationError) as bad:
        assign(uow_factory, world, ["phq9", "nope", "diary", "zzz"])
    problems = {p.field: p for p in bad.value.problems}
    assert set(problems) == {"instruments[1]", "instruments[2]", "instruments[3]"}
    assert "phq9" in (problems["instruments[1]"].allowed or "")
    with pytest.raises(ValidationError):
        assign(uow_factory, world, [])
    with pytest.raises(ValidationError) as due:
        assign(uow_factory, world, ["phq9"], due="31/01/2030")
    assert [p.field for p in due.value.problems] == ["due"]
    with uow_factory() as uow:
        assert uow.assignments.for_patient(world["p1"].id) == []


@pytest.mark.parametrize(
    ("who", "patient", "expected"),
    [
        ("patient", "p1", PermissionDenied),
        ("researcher", "p1", PermissionDenied),
        ("other_clinician", "p1", NotFound),
        ("clinician", "pb", NotFound),
    ],
)
def test_who_may_not_assign(uow_factory, world, who, patient, expected) -> None:
    with pytest.raises(expected):
        assign(uow_factory, world, who=who, patient=patient)


def test_episode_of_another_patient_is_not_found(uow_factory, world) -> None:
    doc = world["actors"]["clinician"]
    other = run(uow_factory, create_episode, doc, world["p2"].id, {"care_start": "2025-01-01"})
    with pytest.raises(NotFound):
        assign(uow_factory, world, episode_id=other.id)
    mine = run(uow_factory, create_episode, doc, world["p1"].id, {"care_start": "2025-01-01"})
    made = assign(uow_factory, world, episode_id=mine.id)
    assert made[0].episode_id == mine.id


def test_patient_reads_own_assignments_only(uow_factory, world) -> None:
    mine = assign(uow_factory, world, ["phq9", "fiqr"])
    theirs = assign(uow_factory, world, ["phq9"], patient="p2")
    me = world["actors"]["patient"]
    listed = run(uow_factory, q.list_assignments, me, world["p1"].id, read_only=True)
    assert {a.id for a in listed} == {a.id for a in mine}
    with pytest.raises(NotFound):
        run(uow_factory, q.list_assignments, me, world["p2"].id, read_only=True)
    with pytest.raises(NotFound) as other:
        run(uow_factory, q.get_assignment, me, theirs[0].id, read_only=True)
    with pytest.raises(NotFound) as missing:
        run(uow_factory, q.get_assignment, me, 999_999, read_only=True)
    # out of scope reads exactly like a record that does not exist
    assert str(other.value).replace(str(theirs[0].id), "N") == str(missing.value).replace(
        "999999", "N"
    )
    with pytest.raises(NotFound):
        run(uow_factory, q.get_draft, world["actors"]["other_clinician"], mine[0].id)
    with pytest.raises(PermissionDenied):
        run(uow_factory, q.list_assignments, world["actors"]["researcher"], world["p1"].id)
    with pytest.raises(ValidationError):
        run(uow_factory, q.list_assignments, me, world["p1"].id, status="pending")
    assert ("list", "assignment", "patient") in events(uow_factory)


def test_drafts_accept_partial_answers_and_refuse_bad_ones(uow_factory, world) -> None:
    (phq9,) = assign(uow_factory, world)
    me = world["actors"]["patient"]
    draft = run(uow_factory, q.save_draft, me, phq9.id, {"1": 2, "2": None, "3": 1})
    assert draft.answers == {"1": 2, "3": 1}  # an unanswered item is simply left out
    with pytest.raises(InvalidAnswers) as bad:
        run(uow_factory, q.save_draft, me, phq9.id, {"1": 4, "10": 0, "2": "often"})
    assert {p.field for p in bad.value.problems} == {"1", "10", "2"}
    kept = run(uow_factory, q.get_draft, me, phq9.id, read_only=True)
    assert kept is not None and kept.answers == {"1": 2, "3": 1}  # the refused save changed nothing
    (theirs,) = assign(uow_factory, world, patient="p2")
    with pytest.raises(NotFound):
        run(uow_factory, q.save_draft, me, theirs.id, {"1": 0})
    with pytest.raises(PermissionDenied):
        run(uow_factory, q.save_draft, world["actors"]["researcher"], phq9.id, {"1": 0})
    staff_view = run(uow_factory, q.get_draft, world["actors"]["admin"], phq9.id, read_only=True)
    assert staff_view is not None and staff_view.answers == {"1": 2, "3": 1}


def test_save_draft_resume_submit_raises_the_item9_alert(uow_factory, world) -> None:
    """PHQ-9 (Kroenke, Spitzer & Williams 2001): total = sum of items 1-9 (0-3 each); any
    item 9 answer above 0 ("not at all") needs a clinician's suicide-risk follow-up."""
    (phq9,) = assign(uow_factory, world)
    me = world["actors"]["patient"]
    run(uow_factory, q.save_draft, me, phq9.id, {"1": 1, "2": 2, "3": 0})
    # a new session later: resume from the draft, answer the rest, submit
    resumed = run(uow_factory, q.get_draft, me, phq9.id, read_only=True)
    assert resumed is not None
    answers = dict(resumed.answers) | {"4": 1, "5": 0, "6": 0, "7": 1, "8": 0, "9": 1}
    saved = run(uow_factory, q.submit_assignment, me, phq9.id, answers)
    # 1 + 2 + 0 + 1 + 0 + 0 + 1 + 0 + 1 = 6
    assert saved.assessment.total == 6
    assert saved.assessment.source is AssessmentSource.PORTAL
    assert [a.kind for a in saved.alerts] == ["phq9_item9"]
    done = run(uow_factory, q.get_assignment, me, phq9.id, read_only=True)
    assert done.status is AssignmentStatus.DONE
    assert done.assessment_id == saved.assessment.id
    assert run(uow_factory, q.get_draft, me, phq9.id, read_only=True) is None
    doc = world["actors"]["clinician"]
    open_alerts = run(uow_factory, list_alerts, doc, patient_id=world["p1"].id, open_only=True)
    assert [a.kind for a in open_alerts.items] == ["phq9_item9"]
    assert run(uow_factory, q.list_assignments, me, world["p1"].id) == []
    assert [a.id for a in run(uow_factory, q.list_assignments, me, world["p1"].id, "done")] == [
        phq9.id
    ]
    with pytest.raises(Conflict):
        run(uow_factory, q.submit_assignment, me, phq9.id, answers)
    with pytest.raises(Conflict):
        run(uow_factory, q.save_draft, me, phq9.id, {"1": 0})
    trail = events(uow_factory)
    for event in [
        ("update", "assignment_draft", "patient"),
        ("read", "assignment_draft", "patient"),
        ("submit", "assignment", "patient"),
        ("read", "assignment", "patient"),
    ]:
        assert event in trail


def test_invalid_submission_stores_nothing(uow_factory, world) -> None:
    (phq9,) = assign(uow_factory, world)
    me = world["actors"]["patient"]
    with pytest.raises(InvalidAnswers):
        run(uow_factory, q.submit_assignment, me, phq9.id, {"1": 7})
    with uow_factory() as uow:
        assert uow.assessments.page(world["p1"].id) == []
        assert uow.assignments.get(phq9.id).status is AssignmentStatus.OPEN


def test_staff_submission_is_a_clinic_assessment(uow_factory, world) -> None:
    (gad7,) = assign(uow_factory, world, ["gad7"])
    doc = world["actors"]["clinician"]
    saved = run(uow_factory, q.submit_assignment, doc, gad7.id, {str(i): 1 for i in range(1, 8)})
    assert saved.assessment.source is AssessmentSource.CLINIC
    assert saved.assessment.total == 7  # GAD-7 (Spitzer 2006): seven items at 1 each


def test_cancel_is_for_staff_and_closes_the_assignment(uow_factory, world) -> None:
    (fiqr,) = assign(uow_factory, world, ["fiqr"])
    me, doc = world["actors"]["patient"], world["actors"]["clinician"]
    run(uow_factory, q.save_draft, me, fiqr.id, {"1": 3})
    with pytest.raises(PermissionDenied):
        run(uow_factory, q.cancel_assignment, me, fiqr.id)
    with pytest.raises(NotFound):
        run(uow_factory, q.cancel_assignment, world["actors"]["other_clinician"], fiqr.id)
    cancelled = run(uow_factory, q.cancel_assignment, doc, fiqr.id)
    assert cancelled.status is AssignmentStatus.CANCELLED
    assert run(uow_factory, q.get_draft, me, fiqr.id, read_only=True) is None
    with pytest.raises(Conflict):
        run(uow_factory, q.cancel_assignment, doc, fiqr.id)
    with pytest.raises(Conflict):
        run(uow_factory, q.submit_assignment, me, fiqr.id, {"1": 3})
    listed = run(uow_factory, q.list_assignments, doc, world["p1"].id, "cancelled")
    assert [a.id for a in listed] == [fiqr.id]
    assert ("cancel", "assignment", "clinician") in events(uow_factory)
    # a new assignment of the same instrument may be opened again
    (again,) = assign(uow_factory, world, ["fiqr"])
    assert again.id != fiqr.id
