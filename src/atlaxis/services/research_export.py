"""De-identified research export and REDCap records, as audited use cases.

Who may export: clinic admins and researchers (de-identified data only), and the CLI's system
actor. Only patients with an active *research* consent are exported unless the caller says
otherwise (the count left out is reported). One audit event per export records what was
written (tables, row counts, options), never a patient value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from atlaxis.config import DEFAULT_SECRET
from atlaxis.domain import Actor, ConsentKind, Role
from atlaxis.errors import Problem, ValidationError
from atlaxis.instruments.model import Instrument
from atlaxis.interop.deidentify import Keys
from atlaxis.interop.redcap_records import RecordInput, export_records
from atlaxis.interop.research_io import Format, ResearchWriter
from atlaxis.interop.research_rows import PatientRecords, patient_rows
from atlaxis.services import audit
from atlaxis.services.authz import not_found, require_role
from atlaxis.storage import UnitOfWork

MANY = 1_000_000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ExportSummary:
    patients: int
    left_out_without_consent: int
    rows: dict[str, int]
    files: list[Path]


def keys_for(secret: str) -> Keys:
    return Keys(secret, default_secret=DEFAULT_SECRET)


def _clinics(uow: UnitOfWork, actor: Actor, clinic_id: int | None) -> list[int]:
    require_role(actor, Role.ADMIN, Role.RESEARCHER, action="export research data")
    if actor.clinic_id is not None:
        if clinic_id is not None and clinic_id != actor.clinic_id:
            raise not_found("clinic", clinic_id)
        return [actor.clinic_id]
    if clinic_id is not None:
        if uow.clinics.get(clinic_id) is None:
            raise not_found("clinic", clinic_id)
        return [clinic_id]
    return [c.id for c in uow.clinics.all() if c.id is not None]


def _consented(uow: UnitOfWork, patient_id: int) -> bool:
    return any(
        c.kind is ConsentKind.RESEARCH and c.active for c in uow.consents.for_patient(patient_id)
    )


def _records(uow: UnitOfWork, patient_id: int) -> PatientRecords | None:
    patient = uow.patients.get(patient_id)
    if patient is None:  # pragma: no cover - listed a moment ago
        return None
    return PatientRecords(
        patient=patient,
        episodes=uow.episodes.for_patient(patient_id),
        assessments=uow.assessments.for_patient(patient_id),
        diary=uow.timeline.diary(patient_id, None, None),
        visits=list(reversed(uow.visits.page(patient_id, limit=MANY))),
        cotherapies=list(reversed(uow.cotherapies.page(patient_id, limit=MANY))),
        alerts=list(reversed(uow.alerts.page(patient_id=patient_id, limit=MANY))),
    )


def _patients(
    uow: UnitOfWork, clinics: Sequence[int], require_consent: bool
) -> tuple[list[int], int]:
    ids = [pid for c in clinics for pid in uow.patients.ids(c)]
    if not require_consent:
        return ids, 0
    kept = [pid for pid in ids if _consented(uow, pid)]
    return kept, len(ids) - len(kept)


def export_research(
    uow: UnitOfWork,
    actor: Actor,
    out_dir: Path,
    *,
    secret: str,
    fmt: Format = "csv",
    include_notes: bool = False,
    require_consent: bool = True,
    clinic_id: int | None = None,
    progress: Progress | None = None,
) -> ExportSummary:
    """Write the de-identified tables and codebook to ``out_dir``; one patient at a time."""
    if fmt not in ("csv", "parquet"):
        raise ValidationError(
            "unknown export format", problems=[Problem("format", repr(fmt), "csv, parquet")]
        )
    keys = keys_for(secret)
    clinics = _clinics(uow, actor, clinic_id)
    ids, left_out = _patients(uow, clinics, require_consent)
    writer = ResearchWriter(out_dir, fmt, include_notes)
    for n, pid in enumerate(ids, start=1):
        rec = _records(uow, pid)
        if rec is not None:
            writer.add(patient_rows(rec, keys, include_notes))
        if progress is not None:
            progress(n, len(ids))
    summary: dict[str, Any] = {
        "patients": len(ids),
        "left out (no active research consent)": left_out if require_consent else "not checked",
        "format": fmt,
    }
    files = writer.close(summary)
    audit.record(
        uow,
        actor,
        "export",
        "research",
        detail={
            "format": fmt,
            "patients": len(ids),
            "left_out": left_out,
            "include_notes": include_notes,
            "require_consent": require_consent,
            "rows": dict(writer.counts),
            "clinics": len(clinics),
        },
    )
    return ExportSummary(len(ids), left_out, dict(writer.counts), files)


def _record_inputs(
    uow: UnitOfWork, ids: Sequence[int], keys: Keys, wanted: set[str]
) -> Iterator[RecordInput]:
    for pid in ids:
        record_id = keys.pseudonym("patient", pid, "p")
        shift = keys.shift_days(pid)
        for a in uow.assessments.for_patient(pid):
            if a.instrument in wanted:
                yield RecordInput(record_id, shift, a.instrument, a.taken_at, a.answers, a.result)


def export_redcap_records(
    uow: UnitOfWork,
    actor: Actor,
    instruments: Sequence[Instrument],
    *,
    secret: str,
    require_consent: bool = True,
    clinic_id: int | None = None,
) -> tuple[str, int]:
    """The REDCap records CSV (pseudonymous record ids, shifted dates) and the row count."""
    keys = keys_for(secret)
    clinics = _clinics(uow, actor, clinic_id)
    ids, left_out = _patients(uow, clinics, require_consent)
    rows = list(_record_inputs(uow, ids, keys, {i.id for i in instruments}))
    text = export_records(instruments, rows)
    audit.record(
        uow,
        actor,
        "export",
        "redcap_records",
        detail={
            "instruments": [i.id for i in instruments],
            "patients": len(ids),
            "left_out": left_out,
            "rows": len(rows),
        },
    )
    return text, len(rows)
