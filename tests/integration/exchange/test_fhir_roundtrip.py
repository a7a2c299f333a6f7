"""FHIR export -> import into an empty clinic -> export gives the same content (modulo
server-assigned ids and clocks), for a patient Bundle and for bulk NDJSON; the exported
Bundle matches the golden file; imports are all-or-nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from fhir_sample import bundle_resources, normalise, populate

from atlaxis.domain import Actor, Role
from atlaxis.errors import NotFound, PermissionDenied, ValidationError
from atlaxis.fhir.importer import DataSource
from atlaxis.fhir.reader import Source
from atlaxis.services.fhir_exchange import export_clinic_ndjson, export_patient_bundle
from atlaxis.services.fhir_import import import_fhir

DATA = Path(__file__).resolve().parents[2] / "data" / "fhir"
GOLDEN = DATA / "export" / "patient-bundle.json"


def _exported(uow_factory: Any, factory: Any) -> tuple[Any, dict[str, Any]]:
    clinic = factory.clinic()
    actor = Actor.system(clinic.id)
    with uow_factory() as uow:
        pid = populate(uow, actor, clinic.id)
        uow.commit()
    with uow_factory(read_only=True) as uow:
        bundle = export_patient_bundle(uow, actor, pid)
        uow.commit()
    return clinic, bundle


def _count(uow_factory: Any, clinic_id: int) -> dict[str, int]:
    with uow_factory(read_only=True) as uow:
        ids = uow.patients.ids(clinic_id)
        return {
            "patients": len(ids),
            "assessments": sum(len(uow.assessments.for_patient(i)) for i in ids),
            "diary": sum(len(uow.diary.page(i, limit=10_000)) for i in ids),
            "visits": sum(len(uow.visits.page(i, limit=10_000)) for i in ids),
        }


def test_bundle_matches_the_golden_file(uow_factory: Any, factory: Any) -> None:
    _, bundle = _exported(uow_factory, factory)
    got = normalise(bundle_resources(bundle))
    if os.environ.get("ATLAXIS_UPDATE_GOLDEN") == "1":  # pragma: no cover - maintenance
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_bundle_round_trip_into_an_empty_clinic(uow_factory: Any, factory: Any) -> None:
    _, bundle = _exported(uow_factory, factory)
    target = factory.clinic()
    actor = Actor.system(target.id)
    with uow_factory() as uow:
        summary = import_fhir(uow, actor, DataSource(bundle))
        uow.commit()
    assert summary.stored == {
        "patients": 1,
        "consents": 2,
        "assessments": 2,
        "diary_entries": 2,
        "visits": 2,
        "cotherapies": 2,
        "alerts": 1,
    }
    assert summary.derived_scores == 2  # PHQ-9 and GAD-7 totals, scored again on import
    with uow_factory(read_only=True) as uow:
        (pid,) = uow.patients.ids(target.id)
        again = export_patient_bundle(uow, actor, pid)
        uow.commit()
    assert normalise(bundle_resources(again)) == normalise(bundle_resources(bundle))


def test_ndjson_round_trip(uow_factory: Any, factory: Any, tmp_path: Path) -> None:
    clinic = factory.clinic()
    actor = Actor.system(clinic.id)
    with uow_factory() as uow:
        populate(uow, actor, clinic.id, "R-1")
        populate(uow, actor, clinic.id, "R-2")
        uow.commit()
    with uow_factory(read_only=True) as uow:
        counts = export_clinic_ndjson(uow, actor, tmp_path / "one", clinic_id=clinic.id)
        uow.commit()
    assert counts["Patient"] == 2 and counts["QuestionnaireResponse"] == 4
    target = factory.clinic()
    with uow_factory() as uow:
        import_fhir(uow, Actor.system(target.id), Source(tmp_path / "one"))
        uow.commit()
    with uow_factory(read_only=True) as uow:
        export_clinic_ndjson(uow, Actor.system(target.id), tmp_path / "two", clinic_id=target.id)
        uow.commit()
    for name in sorted(p.name for p in (tmp_path / "one").iterdir()):
        first = [json.loads(x) for x in (tmp_path / "one" / name).read_text().splitlines()]
        second = [json.loads(x) for x in (tmp_path / "two" / name).read_text().splitlines()]
        assert normalise(second) == normalise(first), name


def test_one_bad_record_and_nothing_is_imported(uow_factory: Any, factory: Any) -> None:
    _, bundle = _exported(uow_factory, factory)
    diary = next(
        e
        for e in bundle["entry"]
        if e["resource"].get("id") == "diary-1-pain"
        or e["resource"].get("id", "").endswith("-pain")
    )
    diary["resource"]["valueInteger"] = 11
    target = factory.clinic()
    with uow_factory() as uow, pytest.raises(ValidationError) as info:
        import_fhir(uow, Actor.system(target.id), DataSource(bundle))
    index = bundle["entry"].index(diary)
    (problem,) = info.value.problems
    assert problem.field.startswith(f"entry[{index}] (Observation/")
    assert "valueInteger" in problem.field and "out of range" in problem.message
    assert _count(uow_factory, target.id)["patients"] == 0


def test_lhc_forms_response_for_an_existing_patient_is_scored_and_screened(
    uow_factory: Any, factory: Any
) -> None:
    clinic = factory.clinic()
    patient = factory.patient(clinic)
    qr = json.loads((DATA / "phq9-lhcforms-response.json").read_text())
    qr["subject"] = {"reference": f"Patient/{patient.id}"}
    item9 = next(i for i in qr["item"] if i["linkId"] == "9")
    item9["answer"][0]["valueCoding"]["code"] = "2"  # "more than half the days"
    with uow_factory() as uow:
        summary = import_fhir(uow, Actor.system(clinic.id), DataSource(qr))
        uow.commit()
    assert summary.stored["assessments"] == 1
    assert summary.stored["alerts"] >= 1  # PHQ-9 item 9 > 0 raises an alert at once
    with uow_factory(read_only=True) as uow:
        (stored,) = uow.assessments.for_patient(patient.id)
        alerts = uow.alerts.page(patient_id=patient.id)
    assert stored.source.value == "import"
    assert "self_harm_risk" in stored.result["flags"]
    assert any(a.source_id == stored.id for a in alerts)


def test_access_and_audit(uow_factory: Any, factory: Any) -> None:
    clinic, bundle = _exported(uow_factory, factory)
    other = factory.clinic()
    clinician = factory.actor(factory.user(Role.CLINICIAN, other))
    with uow_factory(read_only=True) as uow:
        pid = uow.patients.ids(clinic.id)[0]
        with pytest.raises(NotFound):
            export_patient_bundle(uow, clinician, pid)
    patient = factory.patient(clinic)
    patient_actor = factory.actor(factory.user(Role.PATIENT, clinic, patient=patient))
    with uow_factory() as uow, pytest.raises(PermissionDenied):
        import_fhir(uow, patient_actor, DataSource(bundle))
    with uow_factory() as uow:
        import_fhir(uow, clinician, DataSource(bundle))
        events = uow.commit()
    actions = {(e.action, e.entity) for e in events}
    assert ("import", "fhir") in actions and ("create", "patient") in actions
