"""Read one stored record by id, in the caller's scope, audited.

A record outside the caller's scope reads exactly like a missing one (404, nothing leaked);
a role that may never read that kind of record gets a 403 (e.g. patients and alerts).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from atlaxis.domain import Actor, Alert, Consent, CoTherapy, DiaryEntry, Episode
from atlaxis.services import audit
from atlaxis.services.authz import not_found, record_scope
from atlaxis.storage import UnitOfWork


class _PatientRecord(Protocol):
    @property
    def patient_id(self) -> int: ...


R = TypeVar("R", bound=_PatientRecord)


def _read(
    uow: UnitOfWork,
    actor: Actor,
    entity: str,
    record_id: int,
    load: Callable[[int], R | None],
    audit_entity: str | None = None,
) -> R:
    """``entity`` names the scope rule and the not-found message; ``audit_entity`` (default
    ``entity``) the audit event, so reads share the entity name of that record's writes."""
    record = load(record_id)
    if record is None:
        raise not_found(entity, record_id)
    record_scope(uow, actor, record.patient_id, entity, record_id)
    audit.record(uow, actor, "read", audit_entity or entity, record_id, record.patient_id)
    return record


def get_episode(uow: UnitOfWork, actor: Actor, episode_id: int) -> Episode:
    return _read(uow, actor, "episode", episode_id, uow.episodes.get)


def get_consent(uow: UnitOfWork, actor: Actor, consent_id: int) -> Consent:
    return _read(uow, actor, "consent", consent_id, uow.consents.get)


def get_diary_entry(uow: UnitOfWork, actor: Actor, entry_id: int) -> DiaryEntry:
    return _read(uow, actor, "diary", entry_id, uow.diary.get, audit_entity="diary_entry")


def get_cotherapy(uow: UnitOfWork, actor: Actor, item_id: int) -> CoTherapy:
    return _read(uow, actor, "cotherapy", item_id, uow.cotherapies.get)


def get_alert(uow: UnitOfWork, actor: Actor, alert_id: int) -> Alert:
    return _read(uow, actor, "alert", alert_id, uow.alerts.get)
