"""A small, fully populated patient record for the FHIR export/import tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from atlaxis.domain import Actor
from atlaxis.services import assessments, diary, episodes, visits
from atlaxis.services.patients import create_patient

PHQ9 = {"1": 2, "2": 1, "3": 3, "4": 2, "5": 0, "6": 1, "7": 2, "8": 0, "9": 1}
GAD7 = {"1": 1, "2": 2, "3": 1, "4": 0, "5": 3, "6": 1, "7": 2}


def populate(uow: Any, actor: Actor, clinic_id: int, number: str = "R-001") -> int:
    """Create one patient with one of everything; returns the patient id."""
    patient = create_patient(
        uow,
        actor,
        {
            "record_number": number,
            "given_name": "Ada",
            "family_name": "Example",
            "birth_date": "1975-04-02",
            "sex": "female",
            "email": "ada@example.org",
            "phone": "+44 20 7946 0000",
            "timezone": "Europe/London",
            **({"clinic_id": clinic_id} if actor.clinic_id is None else {}),
        },
    )
    pid = int(patient.id or 0)
    episodes.record_consent(
        uow,
        actor,
        pid,
        {"kind": "treatment", "version": "2024-01", "granted_at": "2024-01-05T09:00:00Z"},
    )
    research = episodes.record_consent(
        uow,
        actor,
        pid,
        {"kind": "research", "version": "v2 (EN)", "granted_at": "2024-01-05T09:05:00Z"},
    )
    episodes.withdraw_consent(uow, actor, int(research.id or 0))
    assessments.save_assessment(
        uow, actor, pid, {"instrument": "phq9", "answers": PHQ9, "taken_at": "2024-01-05T09:10:00Z"}
    )
    assessments.save_assessment(
        uow, actor, pid, {"instrument": "gad7", "answers": GAD7, "taken_at": "2024-01-05T09:15:00Z"}
    )
    diary.add_diary_entry(
        uow,
        actor,
        pid,
        {
            "date": "2024-01-06",
            "time": "08:30",
            "items": {"pain": 6, "fatigue": 7, "sleep_quality": 3, "neck_pain": 5},
            "body_map": ["neck", "shoulder_girdle_left", "lower_back"],
            "note": "bad night",
        },
    )
    diary.add_diary_entry(
        uow,
        actor,
        pid,
        {
            "date": "2024-07-06",
            "items": {"pain": 4, "fatigue": 5, "sleep_quality": 6},
            "recalled": True,
        },
    )
    visits.record_visit(
        uow,
        actor,
        pid,
        {
            "occurred_at": "2024-01-08T10:00:00Z",
            "technique": "NUCCA",
            "decision": "adjusted",
            "listing": "ASRP",
            "rule_applied": "leg check imbalance",
            "pre_checks": {
                "leg_check": {"mm": 6.35, "side": "right", "entered_as": "1/4 in"},
                "posture": {"head_tilt_deg": 2.5, "shoulder_unlevel_mm": 8},
                "radiographic": {"atlas_laterality_deg": -1.75},
                "radiographic_method": "NUCCA film analysis",
            },
            "post_checks": {
                "leg_check": {"mm": 0, "side": "none"},
                "thermography_pattern": "balanced",
            },
            "reaction": "mild",
            "reaction_note": "sore for a day",
            "notes": "first visit",
        },
    )
    visits.record_visit(
        uow,
        actor,
        pid,
        {
            "occurred_at": "2024-01-15T10:00:00Z",
            "technique": "NUCCA",
            "decision": "held",
            "pre_checks": {"leg_check": {"mm": 0, "side": "none", "position": "prone"}},
        },
    )
    visits.add_cotherapy(
        uow,
        actor,
        pid,
        {
            "kind": "medication",
            "name": "Amitriptyline",
            "dose": "10 mg at night",
            "provider": "GP",
            "started_on": "2023-11-01",
            "notes": "from before care",
        },
    )
    visits.add_cotherapy(
        uow,
        actor,
        pid,
        {
            "kind": "physiotherapy",
            "name": "Graded exercise",
            "dose": "weekly",
            "provider": "City Physio",
            "started_on": "2024-02-01",
            "ended_on": "2024-04-30",
        },
    )
    return pid


DAY = date(2024, 1, 6)


def normalise(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Resources with server-assigned ids, fullUrls and server clocks replaced by placeholders
    numbered in order of appearance (so two exports compare equal when their content does)."""
    names: dict[str, str] = {}

    def name(value: str, prefix: str) -> str:
        return names.setdefault(value, f"{prefix}{len(names) + 1}")

    def walk(node: Any, key: str = "") -> Any:
        if isinstance(node, dict):
            out = {k: walk(v, k) for k, v in node.items()}
            if out.get("url", "").endswith("/diary-entry"):
                out["valueString"] = name(node["valueString"], "entry-")
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, str):
            if node.startswith("urn:uuid:"):
                return name(node, "urn:uuid:")
            kind, _, rid = node.partition("/")
            if key == "reference" and rid:
                return f"{kind}/{name(rid, 'id-')}"
        return node

    out = []
    for resource in resources:
        r = dict(resource)
        if "id" in r:
            r["id"] = name(r["id"], "id-")
        r = walk(r)
        if r["resourceType"] == "Flag":
            r["period"] = {"start": "<raised-at>"}
        if r["resourceType"] == "Consent" and "end" in r["provision"]["period"]:
            r["provision"]["period"]["end"] = "<withdrawn-at>"
        out.append(r)
    return out


def bundle_resources(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """The entries of a Bundle as ``{fullUrl, request, **resource}`` rows to normalise."""
    return [
        {"fullUrl": e["fullUrl"], "request": e["request"], **e["resource"]} for e in bundle["entry"]
    ]
