"""Patients, diary check-ins, co-therapies, open alerts and consents as FHIR R4 resources.

Choices (documented in docs/reference/fhir.md):

* Patient: the clinic's record number is an ``identifier``; the IANA time zone travels in the
  HL7 ``timezone`` extension (diary days are the patient's local days).
* A diary check-in is one Observation per rating (atlaxis ``diary`` code system,
  ``valueInteger``), one body-map Observation whose components are the painful sites, and a
  note Observation when there is a note. ``effectiveDateTime`` is the patient's local date,
  or local date and time with the patient's UTC offset. The Observations of one check-in
  share the ``diary-entry`` extension (so two check-ins at the same moment stay apart);
  ``diary-recalled`` marks entries made later from memory.
* Co-therapies: medication -> MedicationStatement; every other kind -> Procedure with the
  kind as ``category`` and ``performedPeriod`` (a course of therapy that happened or is
  going on), provider as ``performer``.
* Open alerts -> Flag (status active; HL7 ``flag-priority``; ``flag-detail`` -> the
  QuestionnaireResponse that raised it).
* Consents -> Consent (scope from the HL7 consent-scope codes, the kind in an atlaxis
  category, the version in the policy URI, withdrawal as ``status: inactive`` and the end of
  ``provision.period``).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from atlaxis.domain import Alert, Consent, CoTherapy, CoTherapyKind, DiaryEntry, Patient
from atlaxis.fhir.codes import (
    ALERT_KIND_SYSTEM,
    ALERT_SYSTEM,
    CONSENT_KIND_SYSTEM,
    CONSENT_POLICY,
    CONSENT_SCOPE,
    CONSENT_SCOPE_OF,
    COTHERAPY_SYSTEM,
    DIARY_SYSTEM,
    EXT_DIARY_ENTRY,
    EXT_DOSE,
    EXT_FLAG_DETAIL,
    EXT_FLAG_PRIORITY,
    EXT_PROVIDER,
    EXT_RECALLED,
    EXT_RULE_SOURCE,
    EXT_TIMEZONE,
    FLAG_PRIORITY,
    FLAG_PRIORITY_OF,
    RECORD_NUMBER_SYSTEM,
    SEVERITY_SYSTEM,
    WPI_SITE_SYSTEM,
    category,
    coding,
    concept,
    ref,
    rid,
)
from atlaxis.fhir.export_assessment import instant
from atlaxis.instruments import get_instrument


def patient_resource(patient: Patient) -> dict[str, Any]:
    out: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(patient.id),
        "extension": [{"url": EXT_TIMEZONE, "valueCode": patient.timezone}],
        "identifier": [{"system": RECORD_NUMBER_SYSTEM, "value": patient.record_number}],
        "name": [{"family": patient.family_name, "given": [patient.given_name]}],
        "gender": patient.sex.value,
    }
    telecom = []
    if patient.email:
        telecom.append({"system": "email", "value": patient.email})
    if patient.phone:
        telecom.append({"system": "phone", "value": patient.phone})
    if telecom:
        out["telecom"] = telecom
    if patient.birth_date is not None:
        out["birthDate"] = patient.birth_date.isoformat()
    return out


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_moment(day: date, clock: time | None, timezone: str) -> str:
    """The patient's local date, or local date-time with its UTC offset (FHIR dateTime)."""
    if clock is None:
        return day.isoformat()
    moment = datetime.combine(day, clock, tzinfo=zone(timezone))
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _diary_labels() -> dict[str, str]:
    return {item.id: item.text for item in get_instrument("diary").items}


def diary_resources(entry: DiaryEntry, patient: Patient) -> list[dict[str, Any]]:
    """The Observations of one check-in (ratings, body map, note)."""
    key = rid("diary", entry.id)
    extension: list[dict[str, Any]] = [{"url": EXT_DIARY_ENTRY, "valueString": key}]
    if entry.recalled:
        extension.append({"url": EXT_RECALLED, "valueBoolean": True})
    common = {
        "status": "final",
        "category": category("survey"),
        "subject": ref("Patient", str(patient.id)),
        "effectiveDateTime": local_moment(entry.local_date, entry.local_time, patient.timezone),
    }
    labels = _diary_labels()
    out: list[dict[str, Any]] = []
    for item_id, value in entry.items.items():
        number = float(value)
        out.append(
            {
                "resourceType": "Observation",
                "id": rid(key, item_id),
                "extension": extension,
                **common,
                "code": concept(DIARY_SYSTEM, item_id, labels.get(item_id)),
                **(
                    {"valueInteger": int(number)}
                    if number.is_integer()
                    else {"valueQuantity": {"value": number}}
                ),
            }
        )
    if entry.body_map:
        body_item = get_instrument("diary").item("body_map")
        sites = {str(o.code): o.label for o in (body_item.options if body_item else ())}
        out.append(
            {
                "resourceType": "Observation",
                "id": rid(key, "body-map"),
                "extension": extension,
                **common,
                "code": concept(DIARY_SYSTEM, "body_map", labels.get("body_map")),
                "component": [
                    {
                        "code": concept(WPI_SITE_SYSTEM, site, sites.get(site)),
                        "valueBoolean": True,
                    }
                    for site in entry.body_map
                ],
            }
        )
    if entry.note:
        out.append(
            {
                "resourceType": "Observation",
                "id": rid(key, "note"),
                "extension": extension,
                **common,
                "code": concept(DIARY_SYSTEM, "note", "Note"),
                "valueString": entry.note,
            }
        )
    return out


def _period(start: date, end: date | None) -> dict[str, str]:
    out = {"start": start.isoformat()}
    if end is not None:
        out["end"] = end.isoformat()
    return out


def cotherapy_resource(item: CoTherapy, patient_id: str) -> dict[str, Any]:
    """MedicationStatement for a medication, otherwise a Procedure (a course of therapy)."""
    ext = []
    if item.provider and item.kind is CoTherapyKind.MEDICATION:
        ext.append({"url": EXT_PROVIDER, "valueString": item.provider})
    if item.dose and item.kind is not CoTherapyKind.MEDICATION:
        ext.append({"url": EXT_DOSE, "valueString": item.dose})
    out: dict[str, Any] = {"id": rid("cotherapy", item.id)}
    if ext:
        out["extension"] = ext
    if item.kind is CoTherapyKind.MEDICATION:
        out |= {
            "resourceType": "MedicationStatement",
            "status": "completed" if item.ended_on else "active",
            "medicationCodeableConcept": {"text": item.name},
            "subject": ref("Patient", patient_id),
            "effectivePeriod": _period(item.started_on, item.ended_on),
        }
        if item.dose:
            out["dosage"] = [{"text": item.dose}]
    else:
        label = item.kind.value.replace("_", " ")
        out |= {
            "resourceType": "Procedure",
            "status": "completed" if item.ended_on else "in-progress",
            "category": concept(COTHERAPY_SYSTEM, item.kind.value, label),
            "code": {"text": item.name},
            "subject": ref("Patient", patient_id),
            "performedPeriod": _period(item.started_on, item.ended_on),
        }
        if item.provider:
            out["performer"] = [{"actor": {"display": item.provider}}]
    if item.notes:
        out["note"] = [{"text": item.notes}]
    return {"resourceType": out.pop("resourceType"), **out}


def flag_resource(alert: Alert, patient_id: str, source_ids: set[int]) -> dict[str, Any]:
    """An open alert as a Flag; ``source_ids`` are the exported assessment ids."""
    priority = {
        "coding": [
            coding(FLAG_PRIORITY, FLAG_PRIORITY_OF[alert.severity.value]),
            coding(SEVERITY_SYSTEM, alert.severity.value),
        ]
    }
    ext: list[dict[str, Any]] = [{"url": EXT_FLAG_PRIORITY, "valueCodeableConcept": priority}]
    if alert.source_entity == "assessment" and alert.source_id in source_ids:
        detail = ref("QuestionnaireResponse", rid("assessment", alert.source_id))
        ext.append({"url": EXT_FLAG_DETAIL, "valueReference": detail})
    if alert.rule_source:
        ext.append({"url": EXT_RULE_SOURCE, "valueString": alert.rule_source})
    return {
        "resourceType": "Flag",
        "id": rid("alert", alert.id),
        "extension": ext,
        "status": "active",
        "category": [concept(ALERT_KIND_SYSTEM, alert.kind)],
        "code": {"coding": [coding(ALERT_SYSTEM, alert.code)], "text": alert.reason},
        "subject": ref("Patient", patient_id),
        "period": {"start": instant(alert.raised_at)},
    }


def consent_resource(consent: Consent, patient_id: str) -> dict[str, Any]:
    kind = consent.kind.value
    period = {"start": instant(consent.granted_at)}
    if consent.withdrawn_at is not None:
        period["end"] = instant(consent.withdrawn_at)
    return {
        "resourceType": "Consent",
        "id": rid("consent", consent.id),
        "status": "active" if consent.active else "inactive",
        "scope": concept(CONSENT_SCOPE, CONSENT_SCOPE_OF[kind]),
        "category": [concept(CONSENT_KIND_SYSTEM, kind, kind.replace("_", " "))],
        "patient": ref("Patient", patient_id),
        "dateTime": instant(consent.granted_at),
        "policy": [{"uri": f"{CONSENT_POLICY}/{kind}/{quote(consent.version, safe='')}"}],
        "provision": {"period": period},
    }
