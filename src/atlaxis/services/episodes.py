"""Episodes of care and consents."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from atlaxis.domain import Actor, Consent, ConsentKind, Episode, Role
from atlaxis.errors import Problem, ValidationError
from atlaxis.services import audit
from atlaxis.services.authz import not_found, patient_scope, record_scope, require_role
from atlaxis.services.fields import Fields
from atlaxis.storage import UnitOfWork

EPISODE_FIELDS = ("care_start", "conditions", "goals", "ended_on")
#: every episode has these: an update may leave them out but not set them to null
EPISODE_NOT_NULL = ("care_start", "conditions", "goals")


def _read_episode(payload: Any, *, creating: bool) -> dict[str, Any]:
    f = Fields(payload, EPISODE_FIELDS, not_null=EPISODE_NOT_NULL)
    start = f.day("care_start", required=creating)
    f.texts("conditions")
    f.texts("goals", max_length=500)
    end = f.day("ended_on")
    if start and end and end < start:
        f.problem("ended_on", "is before care_start", "on or after care_start")
    f.raise_if_any("invalid episode of care")
    return dict(f.present)


def create_episode(
    uow: UnitOfWork, actor: Actor, patient_id: int, payload: dict[str, Any]
) -> Episode:
    require_role(actor, Role.ADMIN, Role.CLINICIAN, action="open episodes of care")
    patient_scope(uow, actor, patient_id, entity="episode", access="write")
    values = _read_episode(payload, creating=True)
    episode = uow.episodes.add(Episode(id=None, patient_id=patient_id, **values))
    audit.record(uow, actor, "create", "episode", episode.id, patient_id)
    return episode


def update_episode(
    uow: UnitOfWork, actor: Actor, episode_id: int, payload: dict[str, Any]
) -> Episode:
    require_role(actor, Role.ADMIN, Role.CLINICIAN, action="change episodes of care")
    current = uow.episodes.get(episode_id)
    if current is None:
        raise not_found("episode", episode_id)
    record_scope(uow, actor, current.patient_id, "episode", episode_id, access="write")
    changes = _read_episode(payload, creating=False)
    start = changes.get("care_start", current.care_start)
    end = changes.get("ended_on", current.ended_on)
    if end is not None and end < start:
        raise ValidationError(
            "invalid episode of care",
            problems=[Problem("ended_on", "is before care_start", "on or after care_start")],
        )
    episode = uow.episodes.update(episode_id, changes)
    assert episode is not None
    audit.record(
        uow, actor, "update", "episode", episode_id, current.patient_id, {"fields": sorted(changes)}
    )
    return episode


def list_episodes(uow: UnitOfWork, actor: Actor, patient_id: int) -> list[Episode]:
    patient_scope(uow, actor, patient_id, entity="episode")
    episodes = uow.episodes.for_patient(patient_id)
    audit.record(uow, actor, "list", "episode", patient_id=patient_id)
    return episodes


def record_consent(
    uow: UnitOfWork, actor: Actor, patient_id: int, payload: dict[str, Any]
) -> Consent:
    """Record that a consent of a kind and version was granted (now, or at ``granted_at``)."""
    patient_scope(uow, actor, patient_id, entity="consent", access="write")
    f = Fields(payload, ("kind", "version", "granted_at"))
    kind = f.choice("kind", ConsentKind, required=True)
    version = f.text("version", required=True, max_length=40)
    granted = f.moment("granted_at") or datetime.now(UTC)
    f.raise_if_any("invalid consent")
    assert kind is not None
    consent = uow.consents.add(
        Consent(None, patient_id, kind, version, granted, recorded_by=actor.user_id)
    )
    audit.record(uow, actor, "create", "consent", consent.id, patient_id, {"kind": kind.value})
    return consent


def withdraw_consent(uow: UnitOfWork, actor: Actor, consent_id: int) -> Consent:
    current = uow.consents.get(consent_id)
    if current is None:
        raise not_found("consent", consent_id)
    record_scope(uow, actor, current.patient_id, "consent", consent_id, access="write")
    uow.consents.withdraw(consent_id, datetime.now(UTC))
    audit.record(uow, actor, "withdraw", "consent", consent_id, current.patient_id)
    updated = uow.consents.get(consent_id)
    assert updated is not None
    return updated


def list_consents(uow: UnitOfWork, actor: Actor, patient_id: int) -> list[Consent]:
    patient_scope(uow, actor, patient_id, entity="consent")
    consents = uow.consents.for_patient(patient_id)
    audit.record(uow, actor, "list", "consent", patient_id=patient_id)
    return consents
