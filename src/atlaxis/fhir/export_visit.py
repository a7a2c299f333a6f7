"""A care visit as a Procedure (upper cervical adjustment) with its findings as Observations.

* Procedure: code atlaxis ``procedure#upper-cervical-adjustment`` with the clinic's technique
  name as ``code.text``; ``status`` ``completed`` when adjusted, ``not-done`` otherwise with
  the decision (held, referred, deferred) as ``statusReason``; ``performedDateTime``; notes.
* Findings, each an Observation ``partOf`` the Procedure at the visit's time, code in the
  atlaxis ``visit-finding`` system: ``pre-``/``post-leg-check`` (mm, with side, position and
  the clinician's notation as components), ``pre-``/``post-posture`` and
  ``pre-``/``post-radiographic`` (one component per named measure; the film method as
  ``method``), ``pre-``/``post-thermography``, ``listing``, ``decision`` (held/adjusted/...,
  the rule applied as ``method``) and ``reaction`` (with the patient's words as a note).
"""

from __future__ import annotations

from typing import Any

from atlaxis.domain import Visit, VisitChecks, VisitDecision
from atlaxis.fhir.codes import (
    POSTURE_SYSTEM,
    RADIOGRAPHIC_SYSTEM,
    REACTION_SYSTEM,
    SIDE_SYSTEM,
    UCUM,
    UPPER_CERVICAL,
    VISIT_DECISION_SYSTEM,
    VISIT_FINDING_SYSTEM,
    category,
    concept,
    ref,
    rid,
)
from atlaxis.fhir.export_assessment import instant

PHASES = ("pre", "post")


def quantity(name: str, value: float) -> dict[str, Any]:
    """A measure as a Quantity; the unit from the name's suffix (``_deg``, ``_mm``, ``_cm``)."""
    number: int | float = int(value) if float(value).is_integer() else value
    for suffix, unit in (("_deg", "deg"), ("_mm", "mm"), ("_cm", "cm")):
        if name.endswith(suffix):
            return {"value": number, "unit": unit, "system": UCUM, "code": unit}
    return {"value": number}


def visit_resources(visit: Visit, patient_id: str) -> list[dict[str, Any]]:
    proc_id = rid("visit", visit.id)
    procedure: dict[str, Any] = {
        "resourceType": "Procedure",
        "id": proc_id,
        "status": "completed" if visit.decision is VisitDecision.ADJUSTED else "not-done",
        "code": {"coding": [dict(UPPER_CERVICAL)], "text": visit.technique},
        "subject": ref("Patient", patient_id),
        "performedDateTime": instant(visit.occurred_at),
    }
    if visit.decision is not VisitDecision.ADJUSTED:
        procedure["statusReason"] = concept(VISIT_DECISION_SYSTEM, visit.decision.value)
    if visit.notes:
        procedure["note"] = [{"text": visit.notes}]
    findings = _Findings(visit, proc_id, patient_id)
    for phase in PHASES:
        findings.checks(phase, visit.pre_checks if phase == "pre" else visit.post_checks)
    findings.visit_level()
    return [procedure, *findings.out]


class _Findings:
    def __init__(self, visit: Visit, proc_id: str, patient_id: str) -> None:
        self.visit = visit
        self.proc_id = proc_id
        self.common = {
            "status": "final",
            "subject": ref("Patient", patient_id),
            "effectiveDateTime": instant(visit.occurred_at),
            "partOf": [ref("Procedure", proc_id)],
        }
        self.out: list[dict[str, Any]] = []

    def add(self, code: str, display: str, kind: str = "exam", **fields: Any) -> None:
        self.out.append(
            {
                "resourceType": "Observation",
                "id": rid(self.proc_id, code),
                **self.common,
                "category": category(kind),
                "code": concept(VISIT_FINDING_SYSTEM, code, display),
                **fields,
            }
        )

    def checks(self, phase: str, checks: VisitChecks) -> None:
        when = "before" if phase == "pre" else "after"
        leg = checks.leg_check
        if leg is not None:
            parts = [
                {
                    "code": concept(VISIT_FINDING_SYSTEM, "leg-check-side"),
                    "valueCodeableConcept": concept(SIDE_SYSTEM, leg.side.value),
                },
                {
                    "code": concept(VISIT_FINDING_SYSTEM, "leg-check-position"),
                    "valueString": leg.position,
                },
            ]
            if leg.entered_as:
                parts.append(
                    {
                        "code": concept(VISIT_FINDING_SYSTEM, "leg-check-entered-as"),
                        "valueString": leg.entered_as,
                    }
                )
            self.add(
                f"{phase}-leg-check",
                f"Leg check {when} adjustment",
                valueQuantity=quantity("_mm", leg.mm),
                component=parts,
            )
        if checks.posture:
            self.add(
                f"{phase}-posture",
                f"Posture {when} adjustment",
                component=[
                    {"code": concept(POSTURE_SYSTEM, k), "valueQuantity": quantity(k, v)}
                    for k, v in checks.posture.items()
                ],
            )
        if checks.radiographic or checks.radiographic_method:
            fields: dict[str, Any] = {}
            if checks.radiographic_method:
                fields["method"] = {"text": checks.radiographic_method}
            if checks.radiographic:
                fields["component"] = [
                    {"code": concept(RADIOGRAPHIC_SYSTEM, k), "valueQuantity": quantity("_deg", v)}
                    for k, v in checks.radiographic.items()
                ]
            self.add(
                f"{phase}-radiographic",
                f"Radiographic angles {when} adjustment",
                kind="imaging",
                **fields,
            )
        if checks.thermography_pattern:
            self.add(
                f"{phase}-thermography",
                f"Thermography pattern {when} adjustment",
                valueString=checks.thermography_pattern,
            )

    def visit_level(self) -> None:
        v = self.visit
        if v.listing:
            self.add("listing", "Listing", valueString=v.listing)
        decision: dict[str, Any] = {
            "valueCodeableConcept": concept(VISIT_DECISION_SYSTEM, v.decision.value)
        }
        if v.rule_applied:
            decision["method"] = {"text": v.rule_applied}
        self.add("decision", "Adjusted or held", **decision)
        if v.reaction is not None or v.reaction_note:
            fields: dict[str, Any] = {}
            if v.reaction is not None:
                fields["valueCodeableConcept"] = concept(REACTION_SYSTEM, v.reaction.value)
            if v.reaction_note:
                fields["note"] = [{"text": v.reaction_note}]
            self.add("reaction", "Reaction after the visit", **fields)
