"""Progress reports (PDF) for one patient or a whole clinic, as audited use cases.

Staff of the patient's clinic get the clinician version (or the patient version on request);
a patient gets only the plain patient version of their own record; researchers get none
(identified data). Each report is an ``export`` audit event with its audience, on top of the
reads of the services it calls (patient, timeline, outcomes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from atlaxis.domain import Actor, Role
from atlaxis.reports.pdf_content import ReportInput, build_report
from atlaxis.services import audit
from atlaxis.services.authz import staff_clinic
from atlaxis.services.outcomes import patient_outcomes
from atlaxis.services.patients import get_patient
from atlaxis.services.timeline import patient_timeline
from atlaxis.storage import UnitOfWork

Audience = Literal["clinician", "patient"]
Progress = Callable[[int, int], None]


def report_input(
    uow: UnitOfWork, actor: Actor, patient_id: int, audience: Audience = "clinician"
) -> ReportInput:
    """The data a report shows (a patient sees only the patient version)."""
    if actor.role is Role.PATIENT:
        audience = "patient"
    patient = get_patient(uow, actor, patient_id)
    timeline = patient_timeline(uow, actor, patient_id)
    outcomes = patient_outcomes(uow, actor, patient_id)
    clinic = uow.clinics.get(patient.clinic_id)
    alerts = [a for a in timeline.get("alerts", []) if not a.get("acknowledged_at")]
    return ReportInput(
        patient=patient,
        clinic_name="" if clinic is None else clinic.name,
        timeline=timeline,
        outcomes=outcomes,
        generated_at=datetime.now(UTC),
        audience=audience,
        open_alerts=alerts if audience == "clinician" else [],
    )


def patient_report_pdf(
    uow: UnitOfWork, actor: Actor, patient_id: int, audience: Audience = "clinician"
) -> bytes:
    """The progress report of one patient as PDF bytes."""
    from atlaxis.reports.pdf import render_pdf

    data = report_input(uow, actor, patient_id, audience)
    pdf = render_pdf(build_report(data))
    audit.record(
        uow,
        actor,
        "export",
        "report",
        patient_id,
        patient_id,
        {"audience": data.audience, "format": "pdf"},
    )
    return pdf


@dataclass(frozen=True)
class ClinicReports:
    written: list[Path]
    failed: dict[int, str]


def clinic_reports(
    uow: UnitOfWork,
    actor: Actor,
    out_dir: Path,
    *,
    clinic_id: int | None = None,
    audience: Audience = "clinician",
    progress: Progress | None = None,
) -> ClinicReports:
    """One PDF per patient of the clinic (``report-<record number>.pdf``) into ``out_dir``."""
    from atlaxis.errors import AtlaxisError

    scope = staff_clinic(actor, clinic_id)
    clinics = [scope] if scope is not None else [c.id for c in uow.clinics.all()]
    ids = [pid for c in clinics if c is not None for pid in uow.patients.ids(c)]
    out_dir.mkdir(parents=True, exist_ok=True)
    written, failed = [], {}
    for n, pid in enumerate(ids, start=1):
        try:
            pdf = patient_report_pdf(uow, actor, pid, audience)
        except AtlaxisError as exc:
            failed[pid] = exc.detail
        else:
            patient = uow.patients.get(pid)
            number = "".join(
                ch if ch.isalnum() or ch in "-_" else "_"
                for ch in (patient.record_number if patient else str(pid))
            )
            target = out_dir / f"report-{number or pid}.pdf"
            target.write_bytes(pdf)
            written.append(target)
        if progress is not None:
            progress(n, len(ids))
    return ClinicReports(written, failed)
