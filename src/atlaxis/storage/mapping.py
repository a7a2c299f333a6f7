"""Rows to domain values and back (one place, so every repository agrees)."""

from __future__ import annotations

from datetime import time
from typing import Any

from atlaxis.domain import (
    Alert,
    Assessment,
    AssessmentSource,
    Assignment,
    AssignmentStatus,
    Clinic,
    Consent,
    ConsentKind,
    CoTherapy,
    CoTherapyKind,
    DiaryEntry,
    Draft,
    Episode,
    Landmark,
    LegCheck,
    Patient,
    Reaction,
    Role,
    Severity,
    Sex,
    Side,
    User,
    Visit,
    VisitChecks,
    VisitDecision,
)
from atlaxis.storage.security_tables import UserRow
from atlaxis.storage.tables import (
    AlertRow,
    AssessmentRow,
    AssignmentDraftRow,
    AssignmentRow,
    ClinicRow,
    ConsentRow,
    CoTherapyRow,
    DiaryEntryRow,
    EpisodeRow,
    PatientRow,
    VisitRow,
)


def clinic(row: ClinicRow) -> Clinic:
    return Clinic(row.id, row.name, row.slug, row.timezone, row.created_at)


def user(row: UserRow) -> User:
    return User(
        id=row.id,
        email=row.email,
        role=Role(row.role),
        clinic_id=row.clinic_id,
        display_name=row.display_name,
        patient_id=row.patient_id,
        active=row.active,
        created_at=row.created_at,
    )


def patient(row: PatientRow) -> Patient:
    return Patient(
        id=row.id,
        clinic_id=row.clinic_id,
        record_number=row.record_number,
        given_name=row.given_name,
        family_name=row.family_name,
        birth_date=row.birth_date,
        sex=Sex(row.sex),
        email=row.email,
        phone=row.phone,
        timezone=row.timezone,
        created_at=row.created_at,
    )


def episode(row: EpisodeRow) -> Episode:
    return Episode(
        row.id,
        row.patient_id,
        row.care_start,
        list(row.conditions or []),
        list(row.goals or []),
        row.ended_on,
        row.created_at,
    )


def consent(row: ConsentRow) -> Consent:
    return Consent(
        row.id,
        row.patient_id,
        ConsentKind(row.kind),
        row.version,
        row.granted_at,
        row.withdrawn_at,
        row.recorded_by,
    )


def assessment(row: AssessmentRow) -> Assessment:
    return Assessment(
        id=row.id,
        patient_id=row.patient_id,
        instrument=row.instrument,
        answers=dict(row.answers),
        result=dict(row.result),
        taken_at=row.taken_at,
        source=AssessmentSource(row.source),
        entered_by=row.entered_by,
        episode_id=row.episode_id,
        version=row.version,
    )


def parse_time(value: str | None) -> time | None:
    return None if value is None else time.fromisoformat(value)


def format_time(value: time | None) -> str | None:
    return None if value is None else value.strftime("%H:%M")


def diary(row: DiaryEntryRow) -> DiaryEntry:
    return DiaryEntry(
        id=row.id,
        patient_id=row.patient_id,
        local_date=row.local_date,
        items=dict(row.items),
        local_time=parse_time(row.local_time),
        body_map=list(row.body_map or []),
        note=row.note,
        recalled=row.recalled,
        entered_by=row.entered_by,
        created_at=row.created_at,
    )


def checks_to_json(checks: VisitChecks) -> dict[str, Any]:
    leg = checks.leg_check
    return {
        "leg_check": None
        if leg is None
        else {
            "mm": leg.mm,
            "side": leg.side.value,
            "position": leg.position,
            "entered_as": leg.entered_as,
        },
        "posture": dict(checks.posture),
        "radiographic": dict(checks.radiographic),
        "radiographic_method": checks.radiographic_method,
        "thermography_pattern": checks.thermography_pattern,
    }


def landmarks_to_json(points: dict[str, list[Landmark]]) -> dict[str, Any]:
    return {
        view: [{"name": p.name, "x": p.x, "y": p.y} for p in pts] for view, pts in points.items()
    }


def landmarks_from_json(data: dict[str, Any] | None) -> dict[str, list[Landmark]]:
    return {
        view: [Landmark(str(p["name"]), float(p["x"]), float(p["y"])) for p in pts]
        for view, pts in (data or {}).items()
    }


def visit_landmarks_to_json(pre: VisitChecks, post: VisitChecks) -> dict[str, Any] | None:
    """The ``visits.landmarks`` column: raw points of both checks (None when there are none)."""
    if not pre.landmarks and not post.landmarks:
        return None
    return {"pre": landmarks_to_json(pre.landmarks), "post": landmarks_to_json(post.landmarks)}


def checks_from_json(
    data: dict[str, Any] | None, landmarks: dict[str, Any] | None = None
) -> VisitChecks:
    points = landmarks_from_json(landmarks)
    if not data:
        return VisitChecks(landmarks=points)
    leg = data.get("leg_check")
    return VisitChecks(
        leg_check=None
        if not leg
        else LegCheck(
            mm=float(leg["mm"]),
            side=Side(leg["side"]),
            position=leg.get("position", "supine"),
            entered_as=leg.get("entered_as"),
        ),
        posture={k: float(v) for k, v in (data.get("posture") or {}).items()},
        radiographic={k: float(v) for k, v in (data.get("radiographic") or {}).items()},
        radiographic_method=data.get("radiographic_method"),
        thermography_pattern=data.get("thermography_pattern"),
        landmarks=points,
    )


def visit(row: VisitRow) -> Visit:
    return Visit(
        id=row.id,
        patient_id=row.patient_id,
        clinician_id=row.clinician_id,
        occurred_at=row.occurred_at,
        technique=row.technique,
        decision=VisitDecision(row.decision),
        listing=row.listing,
        rule_applied=row.rule_applied,
        pre_checks=checks_from_json(row.pre_checks, (row.landmarks or {}).get("pre")),
        post_checks=checks_from_json(row.post_checks, (row.landmarks or {}).get("post")),
        reaction=None if row.reaction is None else Reaction(row.reaction),
        reaction_note=row.reaction_note,
        notes=row.notes,
    )


def cotherapy(row: CoTherapyRow) -> CoTherapy:
    return CoTherapy(
        id=row.id,
        patient_id=row.patient_id,
        kind=CoTherapyKind(row.kind),
        name=row.name,
        started_on=row.started_on,
        dose=row.dose,
        provider=row.provider,
        ended_on=row.ended_on,
        notes=row.notes,
    )


def alert(row: AlertRow) -> Alert:
    return Alert(
        id=row.id,
        patient_id=row.patient_id,
        clinic_id=row.clinic_id,
        code=row.code,
        kind=row.kind,
        severity=Severity(row.severity),
        reason=row.reason,
        raised_at=row.raised_at,
        source_entity=row.source_entity,
        source_id=row.source_id,
        source=dict(row.source or {}),
        rule_source=row.rule_source,
        acknowledged_by=row.acknowledged_by,
        acknowledged_at=row.acknowledged_at,
        acknowledgement_note=row.acknowledgement_note,
    )


def assignment(row: AssignmentRow) -> Assignment:
    return Assignment(
        id=row.id,
        patient_id=row.patient_id,
        instrument=row.instrument,
        assigned_by=row.assigned_by,
        assigned_at=row.assigned_at,
        due=row.due,
        status=AssignmentStatus(row.status),
        assessment_id=row.assessment_id,
        episode_id=row.episode_id,
    )


def draft(row: AssignmentDraftRow) -> Draft:
    return Draft(row.assignment_id, dict(row.answers), row.saved_at)
