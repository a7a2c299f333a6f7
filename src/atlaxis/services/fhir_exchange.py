"""FHIR exchange use cases: export a patient as a Bundle, a clinic as bulk NDJSON, and import
Bundles / QuestionnaireResponses / NDJSON in one transaction.

Authorisation: clinic staff export and import within their own clinic; a patient may export
their own record (without clinician alerts). Every export and import is an audit event
(counts only, no data values). The FHIR mapping itself lives in :mod:`atlaxis.fhir`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from atlaxis.domain import Actor, Patient, Role
from atlaxis.fhir.export import NdjsonWriter, PatientRecord, patient_resources, to_bundle
from atlaxis.services import audit
from atlaxis.services.authz import not_found, patient_scope, staff_clinic
from atlaxis.storage import UnitOfWork

T = TypeVar("T")
Progress = Callable[[int], None]
_BATCH = 500


def _oldest_first(fetch: Callable[[Any], list[T]], key: Callable[[T], Any]) -> list[T]:
    """Every row of a newest-first keyset listing, returned oldest first."""
    rows: list[T] = []
    after = None
    while True:
        page = fetch(after)
        rows.extend(page)
        if len(page) < _BATCH:
            break
        after = key(page[-1])
    rows.reverse()
    return rows


def patient_record(uow: UnitOfWork, patient: Patient, *, alerts: bool) -> PatientRecord:
    """Load everything of one patient for export (no authorisation: callers check)."""
    pid = int(patient.id or 0)
    diary = _oldest_first(
        lambda a: uow.diary.page(pid, after=a, limit=_BATCH), lambda e: (e.local_date, e.id)
    )
    visits = _oldest_first(
        lambda a: uow.visits.page(pid, after=a, limit=_BATCH), lambda v: (v.occurred_at, v.id)
    )
    cotherapies = _oldest_first(
        lambda a: uow.cotherapies.page(pid, after=a, limit=_BATCH),
        lambda c: (c.started_on, c.id),
    )
    open_alerts = (
        _oldest_first(
            lambda a: uow.alerts.page(patient_id=pid, open_only=True, after=a, limit=_BATCH),
            lambda x: (x.raised_at, x.id),
        )
        if alerts
        else []
    )
    return PatientRecord(
        patient=patient,
        consents=uow.consents.for_patient(pid),
        assessments=uow.assessments.for_patient(pid),
        diary=diary,
        visits=visits,
        cotherapies=cotherapies,
        alerts=open_alerts,
    )


def _slug(uow: UnitOfWork, clinic_id: int) -> str:
    clinic = uow.clinics.get(clinic_id)
    return clinic.slug if clinic is not None else str(clinic_id)


def export_patient_bundle(
    uow: UnitOfWork, actor: Actor, patient_id: int, *, validate: bool = True
) -> dict[str, Any]:
    """The patient's record as a FHIR R4 transaction Bundle (a JSON-ready dict)."""
    clinic_id = patient_scope(uow, actor, patient_id, entity="patient")
    patient = uow.patients.get(patient_id)
    if patient is None:  # pragma: no cover - the scope check found it
        raise not_found("patient", patient_id)
    record = patient_record(uow, patient, alerts=actor.role is not Role.PATIENT)
    bundle = to_bundle(patient_resources(record), _slug(uow, clinic_id), validate=validate)
    audit.record(
        uow,
        actor,
        "export",
        "patient",
        patient_id,
        patient_id,
        {"format": "fhir-bundle", "resources": len(bundle["entry"])},
    )
    return bundle


def _clinic_patients(uow: UnitOfWork, clinic_id: int) -> Iterator[Patient]:
    after: int | None = None
    while True:
        page = uow.patients.page(clinic_id, after_id=after, limit=_BATCH)
        yield from page
        if len(page) < _BATCH:
            return
        after = page[-1].id


def export_clinic_ndjson(
    uow: UnitOfWork,
    actor: Actor,
    out_dir: Path,
    *,
    clinic_id: int | None = None,
    validate: bool = True,
    progress: Progress | None = None,
    total: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Every patient of the clinic as FHIR Bulk Data NDJSON in ``out_dir``; counts per type.

    Memory holds one patient's record at a time. ``total(n)`` is told the patient count,
    ``progress(1)`` after each patient.
    """
    scope = staff_clinic(actor, clinic_id)
    if scope is None:
        raise not_found("clinic", clinic_id)
    if uow.clinics.get(scope) is None:
        raise not_found("clinic", scope)
    if total is not None:
        total(uow.patients.count(scope))
    patients = 0
    with NdjsonWriter(out_dir, validate=validate) as writer:
        for patient in _clinic_patients(uow, scope):
            for resource in patient_resources(patient_record(uow, patient, alerts=True)):
                writer.write(resource)
            patients += 1
            uow.session.expunge_all()
            if progress is not None:
                progress(1)
        counts = dict(sorted(writer.counts.items()))
    audit.record(
        uow,
        actor,
        "export",
        "clinic",
        scope,
        detail={"format": "fhir-ndjson", "patients": patients, "resources": sum(counts.values())},
    )
    return counts
