"""FHIR export builders: domain records -> R4 resources (validated with fhir.resources R4B).

Codes checked against their published sources: PHQ-9 total score LOINC 44261-6 and GAD-7
total score LOINC 70274-6 (HL7 PCO IG ValueSet prom-target-measures; loinc.org); flag
priority codes PH/PM/PL (HL7 FHIR Extensions Pack, flag-priority); consent scopes
(http://terminology.hl7.org/CodeSystem/consentscope).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from atlaxis.domain import (
    Alert,
    Assessment,
    Consent,
    ConsentKind,
    CoTherapy,
    CoTherapyKind,
    DiaryEntry,
    LegCheck,
    Patient,
    Reaction,
    Severity,
    Sex,
    Side,
    Visit,
    VisitChecks,
    VisitDecision,
)
from atlaxis.fhir import answers_from_response
from atlaxis.fhir.codes import DIARY_SYSTEM, VISIT_FINDING_SYSTEM, WPI_SITE_SYSTEM
from atlaxis.fhir.export import PatientRecord, patient_resources, to_bundle, validate_resource
from atlaxis.fhir.export_assessment import assessment_resources
from atlaxis.fhir.export_records import diary_resources, local_moment
from atlaxis.fhir.export_visit import visit_resources
from atlaxis.instruments import score

PATIENT = Patient(
    7, 1, "R-7", "Ada", "Example", date(1975, 4, 2), Sex.FEMALE, timezone="America/New_York"
)
PHQ9 = {"1": 2, "2": 1, "3": 3, "4": 2, "5": 0, "6": 1, "7": 2, "8": 0, "9": 1}
GAD7 = {"1": 1, "2": 2, "3": 1, "4": 0, "5": 3, "6": 1, "7": 2}
WHEN = datetime(2024, 1, 5, 9, 10, tzinfo=UTC)


def _assessment(instrument: str, answers: dict[str, int], aid: int) -> Assessment:
    result = score(instrument, answers)
    return Assessment(aid, 7, instrument, answers, result.to_dict(), WHEN, version=result.version)


def _codes(resource: dict) -> list[tuple[str, str]]:
    return [(c["system"], c["code"]) for c in resource["code"]["coding"]]


def test_phq9_total_has_its_loinc_code_and_comes_from_the_response() -> None:
    # PHQ-9 total = 2+1+3+2+0+1+2+0+1 = 12 (Kroenke 2001: sum of the nine items), band
    # "moderate" (10-14)
    qr, total, *rest = assessment_resources(_assessment("phq9", PHQ9, 3), "7")
    assert rest == []
    assert qr["questionnaire"].startswith("https://atlaxis.org/fhir/Questionnaire/phq9|")
    assert ("http://loinc.org", "44261-6") in _codes(total)
    assert total["valueQuantity"]["value"] == 12
    assert total["interpretation"] == [{"text": "moderate"}]
    assert total["derivedFrom"] == [{"reference": "QuestionnaireResponse/assessment-3"}]
    for resource in (qr, total):
        validate_resource(resource)
    # the response reads back as the same answers
    assert answers_from_response(qr) == ("phq9", PHQ9)


def test_gad7_total_loinc_code() -> None:
    # GAD-7 total = 1+2+1+0+3+1+2 = 10 (Spitzer 2006: sum of seven items)
    _, total = assessment_resources(_assessment("gad7", GAD7, 4), "7")
    assert ("http://loinc.org", "70274-6") in _codes(total)
    assert total["valueQuantity"]["value"] == 10


def test_instrument_without_loinc_total_uses_the_atlaxis_score_code() -> None:
    answers = {str(k): 2 for k in range(1, 11)}  # NDI: ten sections scored 0-5
    resources = assessment_resources(_assessment("ndi", answers, 5), "7")
    total = resources[1]
    assert _codes(total) == [("https://atlaxis.org/fhir/CodeSystem/score", "ndi-total")]
    assert total["valueQuantity"]["value"] == 20  # 10 sections x 2 points
    subscales = {r["code"]["coding"][0]["code"]: r for r in resources[2:]}
    assert subscales["ndi-percent"]["valueQuantity"]["value"] == 40  # 20 / 50 x 100
    for r in resources:
        validate_resource(r)


def test_local_moment_carries_the_patients_offset() -> None:
    # New York keeps daylight time (UTC-4) in July and standard time (UTC-5) in January
    assert local_moment(date(2024, 7, 6), time(8, 30), "America/New_York") == (
        "2024-07-06T08:30:00-04:00"
    )
    assert local_moment(date(2024, 1, 6), time(8, 30), "America/New_York") == (
        "2024-01-06T08:30:00-05:00"
    )
    assert local_moment(date(2024, 1, 6), None, "America/New_York") == "2024-01-06"
    assert local_moment(date(2024, 1, 6), time(8, 30), "Europe/London") == "2024-01-06T08:30:00Z"


def test_diary_ratings_are_one_observation_each_with_the_body_map_as_components() -> None:
    entry = DiaryEntry(
        11,
        7,
        date(2024, 7, 6),
        {"pain": 6, "fatigue": 7.0},
        time(21, 5),
        ["neck", "lower_back"],
        "bad day",
        recalled=True,
    )
    out = diary_resources(entry, PATIENT)
    by_code = {r["code"]["coding"][0]["code"]: r for r in out}
    assert set(by_code) == {"pain", "fatigue", "body_map", "note"}
    assert all(r["code"]["coding"][0]["system"] == DIARY_SYSTEM for r in out)
    assert by_code["pain"]["valueInteger"] == 6 and by_code["fatigue"]["valueInteger"] == 7
    assert by_code["pain"]["effectiveDateTime"] == "2024-07-06T21:05:00-04:00"
    sites = [
        (c["code"]["coding"][0]["system"], c["code"]["coding"][0]["code"])
        for c in by_code["body_map"]["component"]
    ]
    assert sites == [(WPI_SITE_SYSTEM, "neck"), (WPI_SITE_SYSTEM, "lower_back")]
    assert by_code["note"]["valueString"] == "bad day"
    keys = {r["extension"][0]["valueString"] for r in out}
    assert keys == {"diary-11"}
    assert all(
        {"url": e["url"], "valueBoolean": True} in r["extension"]
        for r in out
        for e in r["extension"]
        if e["url"].endswith("recalled")
    )
    for r in out:
        validate_resource(r)


def _visit(decision: VisitDecision) -> Visit:
    return Visit(
        5,
        7,
        None,
        datetime(2024, 1, 8, 10, tzinfo=UTC),
        "NUCCA",
        decision,
        listing="ASRP",
        rule_applied="leg check",
        reaction=Reaction.MILD,
        reaction_note="sore",
        pre_checks=VisitChecks(
            LegCheck(6.35, Side.RIGHT, entered_as="1/4 in"),
            {"head_tilt_deg": 2.5},
            {"atlas_laterality_deg": -1.75},
            "film",
        ),
        post_checks=VisitChecks(LegCheck(0.0, Side.NONE)),
    )


def test_an_adjusted_visit_is_a_completed_procedure_with_findings_part_of_it() -> None:
    procedure, *findings = visit_resources(_visit(VisitDecision.ADJUSTED), "7")
    assert procedure["status"] == "completed" and "statusReason" not in procedure
    assert procedure["code"]["text"] == "NUCCA"
    codes = [f["code"]["coding"][0]["code"] for f in findings]
    assert codes == [
        "pre-leg-check",
        "pre-posture",
        "pre-radiographic",
        "post-leg-check",
        "listing",
        "decision",
        "reaction",
    ]
    assert all(f["partOf"] == [{"reference": "Procedure/visit-5"}] for f in findings)
    assert all(f["code"]["coding"][0]["system"] == VISIT_FINDING_SYSTEM for f in findings)
    leg = findings[0]
    assert leg["valueQuantity"] == {
        "value": 6.35,
        "unit": "mm",
        "system": "http://unitsofmeasure.org",
        "code": "mm",
    }
    radio = findings[2]
    assert radio["method"] == {"text": "film"}
    assert radio["component"][0]["valueQuantity"]["value"] == -1.75
    for r in (procedure, *findings):
        validate_resource(r)


def test_a_held_visit_is_a_not_done_procedure_with_the_decision_as_reason() -> None:
    procedure, *findings = visit_resources(_visit(VisitDecision.HELD), "7")
    assert procedure["status"] == "not-done"
    assert procedure["statusReason"]["coding"][0]["code"] == "held"
    decision = next(f for f in findings if f["code"]["coding"][0]["code"] == "decision")
    assert decision["valueCodeableConcept"]["coding"][0]["code"] == "held"


@pytest.mark.parametrize(
    ("kind", "resource_type"),
    [
        (CoTherapyKind.MEDICATION, "MedicationStatement"),
        (CoTherapyKind.PHYSIOTHERAPY, "Procedure"),
        (CoTherapyKind.NUTRITION, "Procedure"),
    ],
)
def test_cotherapies(kind: CoTherapyKind, resource_type: str) -> None:
    item = CoTherapy(
        2, 7, kind, "Something", date(2024, 2, 1), "weekly", "Provider", date(2024, 4, 30), "notes"
    )
    record = PatientRecord(PATIENT, cotherapies=[item])
    resources = list(patient_resources(record))
    therapy = resources[1]
    assert therapy["resourceType"] == resource_type
    assert therapy["status"] == "completed"
    for r in resources:
        validate_resource(r)


def test_bundle_is_a_transaction_with_resolvable_urn_uuid_references() -> None:
    alert = Alert(
        1,
        7,
        1,
        "abc",
        "phq9_item9",
        Severity.URGENT,
        "item 9 answered",
        WHEN,
        source_entity="assessment",
        source_id=3,
    )
    consent = Consent(4, 7, ConsentKind.RESEARCH, "v2 (EN)", WHEN, withdrawn_at=WHEN)
    record = PatientRecord(
        PATIENT, consents=[consent], assessments=[_assessment("phq9", PHQ9, 3)], alerts=[alert]
    )
    bundle = to_bundle(patient_resources(record), "clinic-a")
    assert bundle["type"] == "transaction"
    urls = {e["fullUrl"] for e in bundle["entry"]}
    assert all(u.startswith("urn:uuid:") for u in urls)
    refs = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "reference" in node:
                refs.append(node["reference"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk([e["resource"] for e in bundle["entry"]])
    assert refs and set(refs) <= urls
    patient_entry = bundle["entry"][0]
    assert patient_entry["request"]["ifNoneExist"].endswith("|R-7")
    flag = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Flag")
    priority = flag["extension"][0]["valueCodeableConcept"]["coding"][0]
    assert priority == {"system": "http://hl7.org/fhir/flag-priority-code", "code": "PH"}
    consent_out = bundle["entry"][1]["resource"]
    assert consent_out["status"] == "inactive"
    assert consent_out["scope"]["coding"][0]["code"] == "research"
    assert consent_out["policy"][0]["uri"].endswith("/research/v2%20%28EN%29")
    # deterministic: the same record gives the same Bundle
    assert to_bundle(patient_resources(record), "clinic-a") == bundle
