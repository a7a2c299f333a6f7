"""Patients: create, read, update and list (staff of the patient's clinic; a patient: self)."""

from __future__ import annotations

from typing import Any

from atlaxis.domain import Actor, Page, Patient, Role, Sex
from atlaxis.errors import Conflict
from atlaxis.services import audit
from atlaxis.services.authz import not_found, patient_scope, require_role, staff_clinic
from atlaxis.services.fields import Fields, known_time_zone
from atlaxis.services.pagination import check_limit, decode, page_of
from atlaxis.storage import UnitOfWork

PATIENT_FIELDS = (
    "record_number",
    "given_name",
    "family_name",
    "birth_date",
    "sex",
    "email",
    "phone",
    "timezone",
)
#: every patient has these (NOT NULL): an update may leave them out but not set them to null
PATIENT_NOT_NULL = ("record_number", "given_name", "family_name", "sex", "timezone")


def _read(payload: Any, *, creating: bool, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    f = Fields(payload, PATIENT_FIELDS + extra, not_null=PATIENT_NOT_NULL)
    f.text("record_number", required=creating, max_length=64)
    f.text("given_name", required=creating, max_length=120)
    f.text("family_name", required=creating, max_length=120)
    f.day("birth_date")
    f.choice("sex", Sex)
    f.optional_text("email", max_length=254)
    f.optional_text("phone", max_length=40)
    zone = f.text("timezone", max_length=64, default="UTC")
    if "timezone" in f.present and not known_time_zone(zone):
        f.problem("timezone", f"unknown time zone {zone[:64]!r}", "an IANA name, e.g. Europe/Paris")
    if "clinic_id" in extra:
        f.integer("clinic_id")
    f.raise_if_any("invalid patient")
    values = dict(f.present)
    if creating:
        values.setdefault("timezone", "UTC")
        values.setdefault("sex", Sex.UNKNOWN)
    return values


def create_patient(uow: UnitOfWork, actor: Actor, payload: dict[str, Any]) -> Patient:
    require_role(actor, Role.ADMIN, Role.CLINICIAN, action="register patients")
    values = _read(payload, creating=True, extra=("clinic_id",) if actor.is_system else ())
    clinic_id = values.pop("clinic_id", None) or actor.clinic_id
    if clinic_id is None or uow.clinics.get(clinic_id) is None:
        raise not_found("clinic", clinic_id)
    if uow.patients.by_record_number(clinic_id, values["record_number"]) is not None:
        raise Conflict("a patient with this record number already exists in the clinic")
    patient = uow.patients.add(Patient(id=None, clinic_id=clinic_id, **values))
    audit.record(uow, actor, "create", "patient", patient.id, patient.id)
    return patient


def get_patient(uow: UnitOfWork, actor: Actor, patient_id: int) -> Patient:
    patient_scope(uow, actor, patient_id)
    patient = uow.patients.get(patient_id)
    if patient is None:  # pragma: no cover - scope check found it a moment ago
        raise not_found("patient", patient_id)
    audit.record(uow, actor, "read", "patient", patient_id, patient_id)
    return patient


def update_patient(
    uow: UnitOfWork, actor: Actor, patient_id: int, payload: dict[str, Any]
) -> Patient:
    require_role(actor, Role.ADMIN, Role.CLINICIAN, action="change patient details")
    clinic_id = patient_scope(uow, actor, patient_id, access="write")
    changes = _read(payload, creating=False)
    number = changes.get("record_number")
    if number is not None:
        other = uow.patients.by_record_number(clinic_id, number)
        if other is not None and other.id != patient_id:
            raise Conflict("a patient with this record number already exists in the clinic")
    patient = uow.patients.update(patient_id, changes)
    assert patient is not None
    audit.record(
        uow, actor, "update", "patient", patient_id, patient_id, {"fields": sorted(changes)}
    )
    return patient


def list_patients(
    uow: UnitOfWork,
    actor: Actor,
    *,
    cursor: str | None = None,
    limit: int = 50,
    search: str = "",
    clinic_id: int | None = None,
) -> Page[Patient]:
    """Patients of the caller's clinic in id order (a patient gets only their own record)."""
    check_limit(limit)
    if actor.role is Role.PATIENT and actor.patient_id is not None:
        return Page([get_patient(uow, actor, actor.patient_id)], None)
    scope = staff_clinic(actor, clinic_id)
    if scope is None:
        raise not_found("clinic", clinic_id)
    after = decode(cursor, "id")
    rows = uow.patients.page(
        scope, after_id=None if after is None else after[1], limit=limit + 1, search=search[:100]
    )
    page = page_of(rows, limit, lambda p: (int(p.id or 0), int(p.id or 0)))
    audit.record(
        uow, actor, "list", "patient", detail={"count": len(page.items), "search": bool(search)}
    )
    return page
