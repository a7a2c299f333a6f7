"""Partial updates: a field every record has may be left out, but an explicit null (or empty
text) is refused by the service itself, with the field and what is allowed, so it never
reaches the database (the CLI and importers call the services without the API's schemas).

Every other field of each update accepts null (optional values become empty or unset), and
the database takes the result on both backends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from atlaxis.domain import Role
from atlaxis.errors import Problem, ValidationError
from atlaxis.services.episodes import EPISODE_FIELDS, create_episode, update_episode
from atlaxis.services.fields import NOT_NULL
from atlaxis.services.patients import PATIENT_FIELDS, create_patient, update_patient
from atlaxis.services.visits import (
    COTHERAPY_FIELDS,
    VISIT_FIELDS,
    add_cotherapy,
    record_visit,
    update_cotherapy,
    update_visit,
)

#: (entity, field) -> what is allowed instead of null
REFUSED: dict[tuple[str, str], str] = {
    ("patient", "record_number"): "text of 1..64 characters",
    ("patient", "given_name"): "text of 1..120 characters",
    ("patient", "family_name"): "text of 1..120 characters",
    ("patient", "sex"): "female, male, other, unknown",
    ("patient", "timezone"): "text of 1..64 characters",
    ("episode", "care_start"): "YYYY-MM-DD",
    ("episode", "conditions"): '["...", ...] (may be empty)',
    ("episode", "goals"): '["...", ...] (may be empty)',
    ("visit", "occurred_at"): "ISO 8601 date-time",
    ("visit", "technique"): "text of 1..80 characters",
    ("visit", "decision"): "adjusted, held, referred, deferred",
    ("cotherapy", "kind"): "nutrition, stress_reduction, trauma_informed_therapy, "
    "physiotherapy, medication, other",
    ("cotherapy", "name"): "text of 1..200 characters",
    ("cotherapy", "started_on"): "YYYY-MM-DD",
}
FIELDS = {
    "patient": PATIENT_FIELDS,
    "episode": EPISODE_FIELDS,
    "visit": tuple(VISIT_FIELDS),
    "cotherapy": COTHERAPY_FIELDS,
}
UPDATE: dict[str, Callable[..., Any]] = {
    "patient": update_patient,
    "episode": update_episode,
    "visit": update_visit,
    "cotherapy": update_cotherapy,
}
CASES = [(entity, name) for entity, names in FIELDS.items() for name in names]


def _run(uow_factory: Callable[..., Any], fn: Callable[..., Any], *args: Any) -> Any:
    with uow_factory() as uow:
        out = fn(uow, *args)
        uow.commit()
    return out


@pytest.fixture
def stored(factory: Any, uow_factory: Callable[..., Any]) -> dict[str, Any]:
    clinic = factory.clinic()
    doc = factory.actor(factory.user(Role.CLINICIAN, clinic))
    patient = factory.patient(clinic)
    episode = _run(
        uow_factory, create_episode, doc, patient.id, {"care_start": "2024-01-02", "goals": ["g"]}
    )
    visit = _run(
        uow_factory,
        record_visit,
        doc,
        patient.id,
        {"occurred_at": "2024-02-01T09:00:00Z", "technique": "t", "decision": "held"},
    )
    cotherapy = _run(
        uow_factory,
        add_cotherapy,
        doc,
        patient.id,
        {"kind": "nutrition", "name": "diet", "started_on": "2024-01-01", "dose": "d"},
    )
    ids = {"patient": patient.id, "episode": episode.id, "visit": visit.id}
    return {"doc": doc, "ids": ids | {"cotherapy": cotherapy.id}}


@pytest.mark.parametrize(("entity", "name"), CASES, ids=[f"{e}.{n}" for e, n in CASES])
def test_null_is_refused_exactly_where_every_record_needs_a_value(
    uow_factory: Callable[..., Any], stored: dict[str, Any], entity: str, name: str
) -> None:
    record_id = stored["ids"][entity]
    update = UPDATE[entity]
    if (entity, name) in REFUSED:
        with pytest.raises(ValidationError) as refused:
            _run(uow_factory, update, stored["doc"], record_id, {name: None})
        assert refused.value.problems == [Problem(name, NOT_NULL, REFUSED[entity, name])]
    else:  # an optional value: null empties it, and the database takes the record
        _run(uow_factory, update, stored["doc"], record_id, {name: None})


def test_every_problem_is_listed_at_once(
    uow_factory: Callable[..., Any], stored: dict[str, Any]
) -> None:
    for entity, update in UPDATE.items():
        names = [n for e, n in REFUSED if e == entity]
        with pytest.raises(ValidationError) as refused:
            _run(uow_factory, update, stored["doc"], stored["ids"][entity], dict.fromkeys(names))
        assert [p.field for p in refused.value.problems] == names


@pytest.mark.parametrize(
    ("entity", "name"),
    [("patient", "given_name"), ("visit", "technique"), ("cotherapy", "name")],
)
def test_required_text_may_not_be_emptied(
    uow_factory: Callable[..., Any], stored: dict[str, Any], entity: str, name: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        _run(uow_factory, UPDATE[entity], stored["doc"], stored["ids"][entity], {name: "  "})
    assert refused.value.problems == [Problem(name, "must not be empty", REFUSED[entity, name])]


def test_null_on_create_is_refused_not_stored(
    uow_factory: Callable[..., Any], factory: Any
) -> None:
    clinic = factory.clinic()
    doc = factory.actor(factory.user(Role.CLINICIAN, clinic))
    body = {"record_number": "N-1", "given_name": "A", "family_name": "B"}
    with pytest.raises(ValidationError) as refused:
        _run(uow_factory, create_patient, doc, body | {"sex": None, "timezone": None})
    assert [p.field for p in refused.value.problems] == ["sex", "timezone"]
    made = _run(uow_factory, create_patient, doc, body)  # left out: the defaults apply
    assert (made.sex.value, made.timezone) == ("unknown", "UTC")


def test_leaving_a_field_out_keeps_it(
    uow_factory: Callable[..., Any], stored: dict[str, Any]
) -> None:
    item = _run(
        uow_factory, update_cotherapy, stored["doc"], stored["ids"]["cotherapy"], {"dose": None}
    )
    assert (item.name, item.kind.value, item.dose) == ("diet", "nutrition", "")
