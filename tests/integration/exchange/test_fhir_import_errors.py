"""Every bad FHIR input gives one clear error naming the record (entry index, type/id) and
the field, and nothing is stored."""

from __future__ import annotations

from typing import Any

import pytest

from atlaxis.domain import Actor
from atlaxis.errors import ValidationError
from atlaxis.fhir.importer import DataSource
from atlaxis.services.fhir_import import import_fhir

CS = "https://atlaxis.org/fhir/CodeSystem"
PATIENT = {
    "resourceType": "Patient",
    "id": "p1",
    "identifier": [{"system": "https://atlaxis.org/fhir/sid/record-number", "value": "E-1"}],
    "name": [{"family": "Error", "given": ["Eve"]}],
}
SUBJECT = {"reference": "Patient/p1"}


def _obs(code: str, system: str = f"{CS}/diary", **fields: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "subject": SUBJECT,
        "code": {"coding": [{"system": system, "code": code}]},
        "effectiveDateTime": "2024-01-02",
        **fields,
    }


PHQ9_QR = {
    "resourceType": "QuestionnaireResponse",
    "status": "completed",
    "subject": SUBJECT,
    "questionnaire": "https://atlaxis.org/fhir/Questionnaire/phq9",
    "authored": "2024-01-02T10:00:00Z",
    "item": [{"linkId": "1", "answer": [{"valueCoding": {"code": "7"}}]}],
}
VISIT = {
    "resourceType": "Procedure",
    "id": "v1",
    "status": "completed",
    "subject": SUBJECT,
    "code": {"coding": [{"system": f"{CS}/procedure", "code": "upper-cervical-adjustment"}]},
    "performedDateTime": "2024-01-02T10:00:00Z",
}

CASES = [
    ([{"status": "final"}], "entry[1] resourceType", "not a FHIR resource"),
    (
        [{"resourceType": "Encounter", "status": "finished"}],
        "entry[1] (Encounter) resourceType",
        "cannot be imported",
    ),
    (
        [{"resourceType": "Observation", "status": "final"}],
        "entry[1] (Observation) code",
        "Field required",
    ),
    ([_obs("pain", valueInteger=11)], "entry[1] (Observation) valueInteger", "out of range"),
    ([_obs("happiness", valueInteger=1)], "entry[1] (Observation) code", "unknown diary code"),
    (
        [
            _obs(
                "body_map",
                component=[
                    {
                        "code": {"coding": [{"system": f"{CS}/wpi-site", "code": "elbow"}]},
                        "valueBoolean": True,
                    }
                ],
            )
        ],
        "component[0].code",
        "unknown body site",
    ),
    (
        [_obs("pain", valueInteger=1, subject={"reference": "Patient/nobody"})],
        "entry[1] (Observation) subject",
        "not a Patient in this input",
    ),
    (
        [_obs("pain", valueInteger=1, effectiveDateTime="2024-01")],
        "effectiveDateTime",
        "not a date",
    ),
    (
        [_obs("x", system="http://loinc.org", valueInteger=1)],
        "entry[1] (Observation) code",
        "not a kind of Observation",
    ),
    ([PHQ9_QR], "entry[1] (QuestionnaireResponse) 1", "not an answerOption"),
    (
        [{**PHQ9_QR, "questionnaire": "http://example.org/Questionnaire/x"}],
        "questionnaire",
        "not an atlaxis Questionnaire",
    ),
    ([{k: v for k, v in PHQ9_QR.items() if k != "authored"}], "authored", "is missing"),
    ([{**PATIENT}], "entry[1] (Patient/p1) id", "same id appears twice"),
    (
        [
            _obs(
                "post-leg-check",
                system=f"{CS}/visit-finding",
                partOf=[{"reference": "Procedure/x"}],
                valueQuantity={"value": 3, "code": "mm"},
            )
        ],
        "partOf[0]",
        "not a Procedure",
    ),
    (
        [
            VISIT,
            _obs(
                "pre-leg-check",
                system=f"{CS}/visit-finding",
                partOf=[{"reference": "Procedure/v1"}],
                valueQuantity={"value": 80, "code": "mm"},
                component=[
                    {
                        "code": {
                            "coding": [{"system": f"{CS}/visit-finding", "code": "leg-check-side"}]
                        },
                        "valueCodeableConcept": {
                            "coding": [{"system": f"{CS}/side", "code": "left"}]
                        },
                    }
                ],
            ),
        ],
        "entry[1] (Procedure/v1) pre_checks.leg_check.mm",
        "out of range",
    ),
    (
        [
            {
                "resourceType": "Consent",
                "status": "inactive",
                "patient": SUBJECT,
                "scope": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                            "code": "research",
                        }
                    ]
                },
                "category": [{"text": "research"}],
                "dateTime": "2024-01-02T10:00:00Z",
                "policyRule": {"text": "v1"},
            }
        ],
        "provision.period.end",
        "withdrawn",
    ),
    (
        [{"resourceType": "Flag", "status": "inactive", "subject": SUBJECT, "code": {"text": "x"}}],
        "entry[1] (Flag) status",
        "only open alerts",
    ),
]


def _run(uow_factory: Any, factory: Any, data: Any) -> ValidationError:
    clinic = factory.clinic()
    with uow_factory() as uow, pytest.raises(ValidationError) as info:
        import_fhir(uow, Actor.system(clinic.id), DataSource(data))
    with uow_factory(read_only=True) as uow:
        assert uow.patients.count(clinic.id) == 0  # all or nothing
    return info.value


@pytest.mark.parametrize(("extra", "field", "message"), CASES)
def test_bad_record_is_named_with_its_field(
    uow_factory: Any, factory: Any, extra: list[dict[str, Any]], field: str, message: str
) -> None:
    entries = [{"resource": PATIENT}] + [{"resource": r} for r in extra]
    error = _run(
        uow_factory, factory, {"resourceType": "Bundle", "type": "transaction", "entry": entries}
    )
    text = str(error)
    assert field in text and message in text, text


def test_patient_problems(uow_factory: Any, factory: Any) -> None:
    nameless = {"resourceType": "Patient", "id": "p1", "name": [{"family": "X"}]}
    text = str(
        _run(
            uow_factory,
            factory,
            {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": nameless}]},
        )
    )
    assert "entry[0] (Patient/p1) identifier" in text
    clinic = factory.clinic()
    factory.patient(clinic, record_number="E-1")
    with uow_factory() as uow, pytest.raises(ValidationError, match="already exists"):
        import_fhir(
            uow,
            Actor.system(clinic.id),
            DataSource(
                {"resourceType": "Bundle", "type": "batch", "entry": [{"resource": PATIENT}]}
            ),
        )


def test_bundle_level_problems(uow_factory: Any, factory: Any) -> None:
    text = str(
        _run(
            uow_factory,
            factory,
            {"resourceType": "Bundle", "type": "document", "entry": [{"resource": PATIENT}]},
        )
    )
    assert "Bundle type" in text and "'document'" in text
    text = str(_run(uow_factory, factory, {"resourceType": "Bundle", "type": "transaction"}))
    assert "holds no resources" in text


def test_many_bad_records_are_counted_not_all_listed(uow_factory: Any, factory: Any) -> None:
    bad = [{"resource": _obs("pain", valueInteger=99)} for _ in range(250)]
    error = _run(
        uow_factory,
        factory,
        {"resourceType": "Bundle", "type": "transaction", "entry": [{"resource": PATIENT}, *bad]},
    )
    assert len(error.problems) == 201
    assert error.problems[-1].message == "and 50 more problems not listed"
    assert "250 problem(s)" in error.detail


def test_skip_unsupported_lists_what_was_skipped(uow_factory: Any, factory: Any) -> None:
    clinic = factory.clinic()
    data = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"resource": PATIENT},
            {"resource": {"resourceType": "Encounter", "status": "finished"}},
            {"resource": _obs("8867-4", system="http://loinc.org", valueInteger=60)},
        ],
    }
    with uow_factory() as uow:
        summary = import_fhir(uow, Actor.system(clinic.id), DataSource(data), skip_unsupported=True)
        uow.commit()
    assert summary.skipped == {"Encounter": 1, "Observation (other codes)": 1}
    assert summary.stored == {"patients": 1}
