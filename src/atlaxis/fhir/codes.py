"""Code systems, extension URLs and resource ids of the atlaxis FHIR export and import.

Where a standard code exists we use it (LOINC totals such as PHQ-9 44261-6 and GAD-7
70274-6, HL7 observation categories, consent scopes, flag priorities, the HL7 ``timezone``
extension); everything else is in an atlaxis code system under :data:`BASE_URL`. Both the
export builders and the importer read these names, so the two directions agree.

References: HL7 FHIR R4 terminology, https://hl7.org/fhir/R4/terminologies-systems.html;
FHIR Extensions Pack (``timezone``, ``flag-priority``, ``flag-detail``),
https://hl7.org/fhir/extensions/.
"""

from __future__ import annotations

import uuid
from typing import Any

from atlaxis.fhir.common import BASE_URL

CS = f"{BASE_URL}/CodeSystem"
SD = f"{BASE_URL}/StructureDefinition"

#: instrument scores: ``<instrument>-total``, ``<instrument>-<subscale>``
SCORE_SYSTEM = f"{CS}/score"
DIARY_SYSTEM = f"{CS}/diary"
WPI_SITE_SYSTEM = f"{CS}/wpi-site"
PROCEDURE_SYSTEM = f"{CS}/procedure"
VISIT_FINDING_SYSTEM = f"{CS}/visit-finding"
VISIT_DECISION_SYSTEM = f"{CS}/visit-decision"
REACTION_SYSTEM = f"{CS}/reaction"
SIDE_SYSTEM = f"{CS}/side"
POSTURE_SYSTEM = f"{CS}/posture-measure"
RADIOGRAPHIC_SYSTEM = f"{CS}/radiographic-measure"
COTHERAPY_SYSTEM = f"{CS}/cotherapy-kind"
ALERT_SYSTEM = f"{CS}/alert"
ALERT_KIND_SYSTEM = f"{CS}/alert-kind"
SEVERITY_SYSTEM = f"{CS}/alert-severity"
CONSENT_KIND_SYSTEM = f"{CS}/consent-kind"
TAG_SYSTEM = f"{CS}/tag"
RECORD_NUMBER_SYSTEM = f"{BASE_URL}/sid/record-number"
CONSENT_POLICY = f"{BASE_URL}/consent-policy"

EXT_DIARY_ENTRY = f"{SD}/diary-entry"
EXT_RECALLED = f"{SD}/diary-recalled"
EXT_PROVIDER = f"{SD}/cotherapy-provider"
EXT_DOSE = f"{SD}/cotherapy-dose"
EXT_RULE_SOURCE = f"{SD}/alert-rule-source"
EXT_TIMEZONE = "http://hl7.org/fhir/StructureDefinition/timezone"
EXT_FLAG_PRIORITY = "http://hl7.org/fhir/StructureDefinition/flag-priority"
EXT_FLAG_DETAIL = "http://hl7.org/fhir/StructureDefinition/flag-detail"

OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
FLAG_PRIORITY = "http://hl7.org/fhir/flag-priority-code"
UCUM = "http://unitsofmeasure.org"

#: the QuestionnaireResponse tag saying the sending atlaxis ran screening on it and exported
#: the resulting open alerts as Flags (so an import does not raise them a second time)
SCREENED_TAG = {
    "system": TAG_SYSTEM,
    "code": "screened",
    "display": "Screened by atlaxis; open alerts travel as Flags",
}

UPPER_CERVICAL = {
    "system": PROCEDURE_SYSTEM,
    "code": "upper-cervical-adjustment",
    "display": "Upper cervical adjustment",
}

#: atlaxis severity -> FHIR flag priority (PH high, PM medium, PL low)
FLAG_PRIORITY_OF = {"urgent": "PH", "high": "PH", "moderate": "PM", "info": "PL"}

#: consent kind -> HL7 consent scope
CONSENT_SCOPE_OF = {
    "treatment": "treatment",
    "data_processing": "patient-privacy",
    "research": "research",
    "contact": "patient-privacy",
}

_NAMESPACE = uuid.UUID("6c1b8f5e-3d0a-5b6e-9a51-7f3a2c4d8e10")


def coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def concept(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    return {"coding": [coding(system, code, display)]}


def category(code: str) -> list[dict[str, Any]]:
    """An HL7 observation category (``survey``, ``exam``, ``imaging``)."""
    return [concept(OBSERVATION_CATEGORY, code, code.title())]


def rid(*parts: object) -> str:
    """A FHIR id from parts: ``rid("diary", 5, "neck_pain")`` -> ``diary-5-neck-pain``."""
    return "-".join(str(p) for p in parts).replace("_", "-").lower()


def ref(resource_type: str, resource_id: str) -> dict[str, str]:
    return {"reference": f"{resource_type}/{resource_id}"}


def bundle_uuid(scope: str, key: str) -> str:
    """A stable ``urn:uuid`` for ``Type/id`` within ``scope`` (the clinic), for Bundle fullUrls."""
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{scope}/{key}')}"


def code_in(concept_value: Any, system: str) -> str | None:
    """The first code of ``system`` in a CodeableConcept (dict), if any."""
    if not isinstance(concept_value, dict):
        return None
    for c in concept_value.get("coding") or []:
        if isinstance(c, dict) and c.get("system") == system and isinstance(c.get("code"), str):
            return str(c["code"])
    return None


def extension_value(resource: Any, url: str, key: str) -> Any:
    """The ``value<key>`` of the first extension ``url`` on ``resource``, if any."""
    if not isinstance(resource, dict):
        return None
    for ext in resource.get("extension") or []:
        if isinstance(ext, dict) and ext.get("url") == url:
            return ext.get(key)
    return None
