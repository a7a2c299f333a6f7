"""Raw landmark points behind computed angles are stored with the visit checks (both
backends), validated with every problem listed, rendered by ``views.jsonable``."""

from __future__ import annotations

import math

import pytest

from atlaxis.domain import Landmark, Role
from atlaxis.domain import landmarks as lm
from atlaxis.errors import ValidationError
from atlaxis.services.views import jsonable
from atlaxis.services.visits import get_visit, record_visit, update_visit

NASIUM = [
    {"name": "apl_left", "x": 100.0, "y": 210.5},
    {"name": "apl_right", "x": 300, "y": 200},
    {"name": "csl_lower", "x": 200, "y": 400},
    {"name": "csl_upper", "x": 201.5, "y": 100},
]


@pytest.fixture
def doc_and_patient(factory):
    clinic = factory.clinic()
    return factory.actor(factory.user(Role.CLINICIAN, clinic)), factory.patient(clinic)


def _visit(**checks):
    return {
        "occurred_at": "2025-02-03T09:00:00Z",
        "technique": "nucca",
        "decision": "adjusted",
        **checks,
    }


def test_landmarks_round_trip_and_render(uow_factory, doc_and_patient) -> None:
    doc, patient = doc_and_patient
    angles = lm.measure("nasium", {p["name"]: [p["x"], p["y"]] for p in NASIUM}, y_down=True)
    pre = {
        "radiographic": angles,
        "radiographic_method": "landmarks: nasium (image px)",
        "landmarks": {"nasium": NASIUM},
    }
    post = {"landmarks": {"posture_sagittal": [{"name": "tragus", "x": 5, "y": 9}]}}
    with uow_factory() as uow:
        made = record_visit(uow, doc, patient.id, _visit(pre_checks=pre, post_checks=post))
        uow.commit()
    with uow_factory(read_only=True) as uow:
        stored = get_visit(uow, doc, made.id)
    assert stored.pre_checks.landmarks["nasium"][0] == Landmark("apl_left", 100.0, 210.5)
    assert [p.name for p in stored.pre_checks.landmarks["nasium"]] == [p["name"] for p in NASIUM]
    assert stored.pre_checks.radiographic == angles
    assert stored.post_checks.landmarks == {"posture_sagittal": [Landmark("tragus", 5.0, 9.0)]}
    rendered = jsonable(stored)
    assert rendered["pre_checks"]["landmarks"]["nasium"][1] == {
        "name": "apl_right",
        "x": 300.0,
        "y": 200.0,
    }
    # replacing the checks without landmarks drops them (checks are replaced as a whole)
    with uow_factory() as uow:
        update_visit(uow, doc, made.id, {"pre_checks": {"radiographic": angles}})
        uow.commit()
    with uow_factory(read_only=True) as uow:
        again = get_visit(uow, doc, made.id)
    assert again.pre_checks.landmarks == {} and again.post_checks.landmarks


def test_visits_without_landmarks_read_back_empty(uow_factory, doc_and_patient) -> None:
    doc, patient = doc_and_patient
    with uow_factory() as uow:
        made = record_visit(uow, doc, patient.id, _visit())
        uow.commit()
    with uow_factory(read_only=True) as uow:
        stored = get_visit(uow, doc, made.id)
    assert stored.pre_checks.landmarks == {} == stored.post_checks.landmarks


def test_bad_landmarks_are_all_listed(uow_factory, doc_and_patient) -> None:
    doc, patient = doc_and_patient
    bad = {
        "landmarks": {
            "nasium": [
                {"name": "apl_left", "x": math.nan, "y": 1},
                {"name": "apl_left", "x": 1, "y": 1},
                {"name": "knee", "x": 1, "y": math.inf},
                {"name": "csl_upper", "x": "3", "y": 1, "z": 0},
                {"name": "csl_lower", "x": 1e9, "y": 1},
            ],
            "selfie": [],
            "vertex": [{"name": "midline_anterior", "x": 0, "y": 0}] * 5,
        }
    }
    with pytest.raises(ValidationError) as exc, uow_factory() as uow:
        record_visit(uow, doc, patient.id, _visit(pre_checks=bad))
    fields = {p.field for p in exc.value.problems}
    at = "pre_checks.landmarks.nasium"
    assert {
        f"{at}[0].x",  # not finite
        f"{at}[1].name",  # given twice
        f"{at}[2].name",  # unknown landmark of this view
        f"{at}[2].y",  # infinite
        f"{at}[3].x",  # not a number
        f"{at}[3].z",  # unknown field
        f"{at}[4].x",  # implausibly far
        "pre_checks.landmarks.selfie",  # unknown view
        "pre_checks.landmarks.vertex",  # more points than the view has landmarks
    } <= fields
    with pytest.raises(ValidationError), uow_factory() as uow:
        record_visit(uow, doc, patient.id, _visit(pre_checks={"landmarks": [1, 2]}))
