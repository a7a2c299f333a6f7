"""Authorisation, enforced in services (never only in handlers).

* a patient sees only their own record, and may write only diary entries, portal
  assessments, their own consents and answers to questionnaires assigned to them;
* clinicians and admins see only patients of their own clinic;
* researchers see only de-identified cohort views, never an identified record;
* the system actor (CLI) with no clinic may act in every clinic.

A record outside the caller's scope is reported as :class:`NotFound` with the same words as a
record that does not exist (nothing leaks); an action the role may never take is
:class:`PermissionDenied`.
"""

from __future__ import annotations

from typing import Literal

from atlaxis.domain import Actor, Role
from atlaxis.errors import NotFound, PermissionDenied
from atlaxis.storage import UnitOfWork

Access = Literal["read", "write"]

#: what a patient may do with their own record, per entity
PATIENT_MAY: dict[str, frozenset[Access]] = {
    "patient": frozenset({"read"}),
    "episode": frozenset({"read"}),
    "assessment": frozenset({"read", "write"}),
    "diary": frozenset({"read", "write"}),
    "visit": frozenset({"read"}),
    "cotherapy": frozenset({"read"}),
    "consent": frozenset({"read", "write"}),
    "assignment": frozenset({"read", "write"}),
    "timeline": frozenset({"read"}),
    "outcomes": frozenset({"read"}),
}


def not_found(entity: str, entity_id: object) -> NotFound:
    return NotFound(f"{entity} {entity_id} not found")


def require_role(actor: Actor, *roles: Role, action: str = "do this") -> None:
    if actor.role not in roles:
        allowed = ", ".join(r.value for r in roles)
        raise PermissionDenied(f"a {actor.role.value} may not {action} (allowed: {allowed})")


def check_clinic(actor: Actor, clinic_id: int, entity: str = "clinic") -> None:
    """Staff of another clinic get NotFound; the all-clinics system actor passes."""
    if actor.clinic_id is not None and actor.clinic_id != clinic_id:
        raise not_found(entity, clinic_id)


def patient_scope(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    *,
    entity: str = "patient",
    access: Access = "read",
) -> int:
    """Check that ``actor`` may ``access`` ``entity`` data of ``patient_id``; return its clinic.

    Costs at most one indexed query (none for a patient acting on their own record).
    """
    own = _role_scope(actor, patient_id, entity, access)
    if own is not None:
        return own
    return _clinic_scope(actor, patient_id, uow.patients.clinic_of(patient_id))


def patient_scope_known(
    actor: Actor,
    patient_id: int,
    clinic_id: int | None,
    *,
    entity: str = "patient",
    access: Access = "read",
) -> int:
    """:func:`patient_scope` with the patient's clinic already read by the caller (``None``:
    no such patient), for a service that reads it together with other columns. Unlike
    :func:`patient_scope`, a patient's own record must exist."""
    _role_scope(actor, patient_id, entity, access)
    return _clinic_scope(actor, patient_id, clinic_id)


def _role_scope(actor: Actor, patient_id: int, entity: str, access: Access) -> int | None:
    """The role's rules; the clinic when they settle the question (a patient acting on their
    own record, with a clinic), else None (the patient's clinic decides)."""
    if actor.role is Role.RESEARCHER:
        raise PermissionDenied("researchers see de-identified cohort views only")
    if actor.role is Role.PATIENT:
        if actor.patient_id is None or actor.patient_id != patient_id:
            raise not_found("patient", patient_id)
        if access not in PATIENT_MAY.get(entity, frozenset()):
            raise PermissionDenied(f"a patient may not {access} {entity} records")
        return actor.clinic_id
    return None


def _clinic_scope(actor: Actor, patient_id: int, clinic_id: int | None) -> int:
    if clinic_id is None or (actor.clinic_id is not None and clinic_id != actor.clinic_id):
        raise not_found("patient", patient_id)
    return clinic_id


def staff_clinic(actor: Actor, clinic_id: int | None = None) -> int | None:
    """The clinic a staff list is scoped to (admins and clinicians: their own)."""
    require_role(actor, Role.ADMIN, Role.CLINICIAN, action="list clinic records")
    if actor.clinic_id is None:
        return clinic_id
    if clinic_id is not None and clinic_id != actor.clinic_id:
        raise not_found("clinic", clinic_id)
    return actor.clinic_id


def record_scope(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    entity: str,
    entity_id: object,
    *,
    access: Access = "read",
) -> int:
    """:func:`patient_scope` for one stored record: out of scope reads as that record missing."""
    try:
        return patient_scope(uow, actor, patient_id, entity=entity, access=access)
    except NotFound:
        raise not_found(entity, entity_id) from None
