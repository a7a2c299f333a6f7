"""A patient's timeline: diary, scores, visits, co-therapies, episodes (and, for staff,
alerts) on one time axis. A handful of indexed queries; no statistics here."""

from __future__ import annotations

from datetime import date
from typing import Any

from atlaxis.domain import Actor, Role
from atlaxis.errors import Problem, ValidationError
from atlaxis.services import audit
from atlaxis.services.authz import patient_scope
from atlaxis.storage import UnitOfWork


def patient_timeline(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    start: date | None = None,
    end: date | None = None,
) -> dict[str, Any]:
    """Everything recorded for a patient between ``start`` and ``end`` (inclusive days),
    each list oldest first. Alerts are included for clinic staff only."""
    body = _checked_sections(uow, actor, patient_id, start, end)
    body["diary"] = uow.timeline.diary(patient_id, start, end)
    return body


def patient_timeline_parts(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    start: date | None = None,
    end: date | None = None,
) -> tuple[dict[str, Any], bytes]:
    """:func:`patient_timeline` for the JSON API: every section but the diary, and the
    diary section already encoded as a JSON array (cached while the patient's diary in
    that range is unchanged; see ``storage.repositories.timeline``)."""
    body = _checked_sections(uow, actor, patient_id, start, end)
    return body, uow.timeline.diary_json(patient_id, start, end)


def _checked_sections(
    uow: UnitOfWork, actor: Actor, patient_id: int, start: date | None, end: date | None
) -> dict[str, Any]:
    """Scope check, audit event and every section except the diary."""
    if start is not None and end is not None and end < start:
        raise ValidationError(
            "invalid date range", problems=[Problem("end", "is before start", "end >= start")]
        )
    patient_scope(uow, actor, patient_id, entity="timeline")
    t = uow.timeline
    body: dict[str, Any] = {
        "patient_id": patient_id,
        "start": None if start is None else start.isoformat(),
        "end": None if end is None else end.isoformat(),
        "episodes": t.episodes(patient_id),
        "assessments": t.assessments(patient_id, start, end),
        "visits": t.visits(patient_id, start, end),
        "cotherapies": t.cotherapies(patient_id),
    }
    if actor.role in (Role.ADMIN, Role.CLINICIAN):
        body["alerts"] = t.alerts(patient_id, start, end)
    audit.record(uow, actor, "read", "timeline", patient_id, patient_id)
    return body
