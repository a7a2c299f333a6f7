"""The audit trail: who did what to which record, when and from where.

:func:`record` buffers an event in the unit of work; it is hash-chained and written when the
unit of work commits (so rolled-back work leaves no trace and the chain lock is held only
briefly). :func:`verify` walks the whole chain and names the first broken link.
``detail`` must never hold patient data values: ids, instrument names, field names only.
"""

from __future__ import annotations

from typing import Any

from atlaxis.domain import Actor, Role, VerifyResult
from atlaxis.domain.audit import GENESIS_HASH
from atlaxis.services.authz import require_role
from atlaxis.storage import UnitOfWork
from atlaxis.storage.repositories.audit import PendingEvent


def record(
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: object = None,
    patient_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one event (at commit). ``action``: read, create, update, export, login, ..."""
    uow.audit.record(
        PendingEvent(
            action=action,
            entity=entity,
            actor_user_id=actor.user_id,
            actor_role=actor.role.value,
            clinic_id=actor.clinic_id,
            entity_id=None if entity_id is None else str(entity_id),
            patient_id=patient_id,
            ip=actor.ip,
            detail={"via": actor.via, **(detail or {})},
        )
    )


def verify(uow: UnitOfWork) -> VerifyResult:
    """Check every link: contiguous ``seq``, ``prev_hash`` = the previous ``hash``, each
    ``hash`` recomputed from the event, and the head row pointing at the last event."""
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for event in uow.audit.iterate():
        if event.seq != expected_seq:
            return _broken(checked, expected_seq, f"event {expected_seq} is missing")
        if event.prev_hash != expected_prev:
            return _broken(checked, event.seq, "prev_hash does not match the previous event")
        if event.computed_hash() != event.hash:
            return _broken(checked, event.seq, "hash does not match the event's content")
        expected_prev, expected_seq, checked = event.hash, event.seq + 1, checked + 1
    head_seq, head_hash = uow.audit.head()
    if head_seq != checked:
        return _broken(
            checked, checked + 1, f"the log ends at {checked} but the head says {head_seq}"
        )
    if head_hash != expected_prev:
        return _broken(checked, checked, "the head hash does not match the last event")
    return VerifyResult(ok=True, checked=checked)


def _broken(checked: int, seq: int, reason: str) -> VerifyResult:
    return VerifyResult(ok=False, checked=checked, first_broken_seq=seq, reason=reason)


def verify_as(uow: UnitOfWork, actor: Actor) -> VerifyResult:
    """:func:`verify` for an admin (or the CLI), itself recorded in the trail."""
    require_role(actor, Role.ADMIN, action="verify the audit log")
    result = verify(uow)
    record(uow, actor, "verify", "audit_log", detail={"ok": result.ok, "checked": result.checked})
    return result
