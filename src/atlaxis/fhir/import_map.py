"""FHIR resources back into atlaxis records (the reverse of the export builders).

Each ``map_*`` function reads one already-validated resource and returns a record for the
import service, or raises :class:`Bad` naming the field. Field rules that the services
enforce anyway (ranges of visit measures, co-therapy dates) are left to the services, whose
problems the import service reports against the same record.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from atlaxis.errors import ValidationError
from atlaxis.fhir.codes import (
    ALERT_KIND_SYSTEM,
    ALERT_SYSTEM,
    CONSENT_KIND_SYSTEM,
    CONSENT_POLICY,
    CONSENT_SCOPE,
    COTHERAPY_SYSTEM,
    EXT_DOSE,
    EXT_FLAG_DETAIL,
    EXT_FLAG_PRIORITY,
    EXT_PROVIDER,
    EXT_RULE_SOURCE,
    EXT_TIMEZONE,
    FLAG_PRIORITY,
    RECORD_NUMBER_SYSTEM,
    SCREENED_TAG,
    SEVERITY_SYSTEM,
    code_in,
    extension_value,
)
from atlaxis.fhir.import_refs import Bad, Refs, parse_day, parse_moment
from atlaxis.fhir.import_types import (
    AlertIn,
    AssessmentIn,
    ConsentIn,
    CoTherapyIn,
    PatientIn,
)
from atlaxis.fhir.response import answers_from_response

_SCOPE_KIND = {
    "treatment": "treatment",
    "research": "research",
    "patient-privacy": "data_processing",
}
_PRIORITY_SEVERITY = {"PH": "high", "PM": "moderate", "PL": "info", "PN": "info"}


def notes(resource: dict[str, Any]) -> str:
    return "\n".join(
        str(n["text"]) for n in resource.get("note") or [] if isinstance(n, dict) and n.get("text")
    )


def concept_text(value: Any) -> str | None:
    """``text``, else the first coding's display or code."""
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("text"), str) and value["text"].strip():
        return str(value["text"]).strip()
    for c in value.get("coding") or []:
        for key in ("display", "code"):
            if isinstance(c, dict) and isinstance(c.get(key), str):
                return str(c[key])
    return None


def map_patient(res: dict[str, Any], key: str, where: str) -> PatientIn:
    idents = [i for i in res.get("identifier") or [] if isinstance(i, dict) and i.get("value")]
    ours = [i for i in idents if i.get("system") == RECORD_NUMBER_SYSTEM]
    chosen = (ours or idents)[0] if (ours or idents) else None
    if chosen is None:
        raise Bad(
            "identifier",
            "the patient has no identifier to use as record number",
            f"an identifier, preferably with system {RECORD_NUMBER_SYSTEM}",
        )
    names = [n for n in res.get("name") or [] if isinstance(n, dict)]
    name = next((n for n in names if n.get("use") in (None, "official", "usual")), None)
    given = " ".join(name.get("given") or []) if name else ""
    family = str(name.get("family") or "") if name else ""
    if not (given or family):
        raise Bad("name", "the patient has no name", "name.family and/or name.given")
    values: dict[str, Any] = {
        "record_number": chosen["value"],
        "given_name": given or "-",
        "family_name": family or "-",
        "sex": res.get("gender") or "unknown",
    }
    if res.get("birthDate"):
        values["birth_date"] = parse_day(res["birthDate"], "birthDate")
    for t in res.get("telecom") or []:
        if isinstance(t, dict) and t.get("system") in ("email", "phone") and t.get("value"):
            values.setdefault(str(t["system"]), t["value"])
    zone = extension_value(res, EXT_TIMEZONE, "valueCode")
    if isinstance(zone, str):
        values["timezone"] = zone
    return PatientIn(key, where, values)


def map_response(res: dict[str, Any], key: str, where: str, refs: Refs) -> AssessmentIn:
    patient = refs.patient(res.get("subject"), "subject")
    if not res.get("authored"):
        raise Bad("authored", "is missing: when was the questionnaire answered?", "a dateTime")
    taken_at = parse_moment(res["authored"], "authored")
    try:
        instrument, answers = answers_from_response(res)
    except ValidationError as exc:
        first = exc.problems[0] if exc.problems else None
        detail = "; ".join(str(p) for p in exc.problems[:20]) or exc.detail
        raise Bad(first.field if first else "item", f"{exc.detail}: {detail}") from None
    tags = (res.get("meta") or {}).get("tag") or []
    screened = any(
        isinstance(t, dict)
        and t.get("system") == SCREENED_TAG["system"]
        and t.get("code") == SCREENED_TAG["code"]
        for t in tags
    )
    return AssessmentIn(key, where, patient, instrument, answers, taken_at, screened)


def map_medication(res: dict[str, Any], where: str, refs: Refs) -> CoTherapyIn:
    patient = refs.patient(res.get("subject"), "subject")
    name = concept_text(res.get("medicationCodeableConcept"))
    if name is None:
        raise Bad(
            "medicationCodeableConcept",
            "names no medication",
            "medicationCodeableConcept with text or a coding",
        )
    period = res.get("effectivePeriod") or {}
    start = period.get("start") or res.get("effectiveDateTime")
    payload: dict[str, Any] = {
        "kind": "medication",
        "name": name,
        "started_on": parse_day(start, "effectivePeriod.start"),
    }
    if period.get("end"):
        payload["ended_on"] = parse_day(period["end"], "effectivePeriod.end")
    dose = "; ".join(str(d["text"]) for d in res.get("dosage") or [] if d.get("text"))
    provider = extension_value(res, EXT_PROVIDER, "valueString")
    _optional(payload, dose=dose, provider=provider, notes=notes(res))
    return CoTherapyIn(where, patient, payload)


def map_cotherapy(res: dict[str, Any], where: str, refs: Refs) -> CoTherapyIn:
    patient = refs.patient(res.get("subject"), "subject")
    kind = code_in(res.get("category"), COTHERAPY_SYSTEM)
    name = concept_text(res.get("code"))
    if name is None:
        raise Bad("code", "names no therapy", "code.text")
    period = res.get("performedPeriod") or {}
    start = period.get("start") or res.get("performedDateTime")
    payload: dict[str, Any] = {
        "kind": kind,
        "name": name,
        "started_on": parse_day(start, "performedPeriod.start"),
    }
    if period.get("end"):
        payload["ended_on"] = parse_day(period["end"], "performedPeriod.end")
    performers = [p.get("actor", {}).get("display") for p in res.get("performer") or []]
    provider = "; ".join(p for p in performers if isinstance(p, str) and p)
    dose = extension_value(res, EXT_DOSE, "valueString")
    _optional(payload, dose=dose, provider=provider, notes=notes(res))
    return CoTherapyIn(where, patient, payload)


def _optional(payload: dict[str, Any], **values: Any) -> None:
    payload.update({k: v for k, v in values.items() if isinstance(v, str) and v})


def map_consent(res: dict[str, Any], where: str, refs: Refs) -> ConsentIn:
    patient = refs.patient(res.get("patient"), "patient")
    status = res.get("status")
    if status not in ("active", "inactive"):
        raise Bad("status", f"{status!r} consents are not imported", "active, inactive")
    kind = next(
        (c for c in (code_in(x, CONSENT_KIND_SYSTEM) for x in res.get("category") or []) if c), None
    ) or _SCOPE_KIND.get(code_in(res.get("scope"), CONSENT_SCOPE) or "")
    if kind is None:
        raise Bad(
            "category",
            "says no kind of consent",
            f"a {CONSENT_KIND_SYSTEM} code or a consent scope",
        )
    version = None
    for policy in res.get("policy") or []:
        uri = policy.get("uri") if isinstance(policy, dict) else None
        if isinstance(uri, str) and uri.startswith(f"{CONSENT_POLICY}/"):
            version = unquote(uri.rsplit("/", 1)[-1])
    version = version or concept_text(res.get("policyRule"))
    if not version:
        raise Bad(
            "policy",
            "says no consent version",
            f"policy.uri {CONSENT_POLICY}/<kind>/<version>, or policyRule.text",
        )
    period = (res.get("provision") or {}).get("period") or {}
    granted = res.get("dateTime") or period.get("start")
    if not granted:
        raise Bad("dateTime", "is missing: when was consent given?", "a dateTime")
    withdrawn = parse_moment(period["end"], "provision.period.end") if period.get("end") else None
    if status == "inactive" and withdrawn is None:
        raise Bad(
            "provision.period.end",
            "an inactive consent needs the time it was withdrawn",
            "a dateTime",
        )
    return ConsentIn(where, patient, kind, version, parse_moment(granted, "dateTime"), withdrawn)


def map_flag(res: dict[str, Any], where: str, refs: Refs) -> AlertIn:
    patient = refs.patient(res.get("subject"), "subject")
    if res.get("status") != "active":
        raise Bad(
            "status",
            f"{res.get('status')!r}: only open alerts (active Flags) are imported",
            "active",
        )
    reason = concept_text(res.get("code"))
    if reason is None:
        raise Bad("code", "has no text to show the clinician", "code.text")
    code = code_in(res.get("code"), ALERT_SYSTEM) or "imported-flag"
    kind = (
        next(
            (c for c in (code_in(x, ALERT_KIND_SYSTEM) for x in res.get("category") or []) if c),
            None,
        )
        or "imported"
    )
    priority = extension_value(res, EXT_FLAG_PRIORITY, "valueCodeableConcept")
    severity = code_in(priority, SEVERITY_SYSTEM) or _PRIORITY_SEVERITY.get(
        code_in(priority, FLAG_PRIORITY) or "", "moderate"
    )
    if severity not in ("urgent", "high", "moderate", "info"):
        raise Bad(
            "extension.flag-priority",
            f"unknown severity {severity!r}",
            "urgent, high, moderate, info",
        )
    start = (res.get("period") or {}).get("start")
    if not start:
        raise Bad("period.start", "is missing: when was the alert raised?", "a dateTime")
    detail = extension_value(res, EXT_FLAG_DETAIL, "valueReference")
    source = None
    if detail is not None:
        source = refs.target(detail, "QuestionnaireResponse", "extension.flag-detail")
    rule = extension_value(res, EXT_RULE_SOURCE, "valueString")
    return AlertIn(
        where,
        patient,
        code,
        kind,
        severity,
        reason,
        parse_moment(start, "period.start"),
        source,
        rule if isinstance(rule, str) else "",
    )
