"""Import FHIR input (Bundle, QuestionnaireResponse, NDJSON) into a clinic, all or nothing.

The FHIR side (:class:`atlaxis.fhir.importer.ImportPlan`) validates and maps; here each record
is stored through the same rules as the rest of atlaxis: responses are scored with the
science core (responses from elsewhere are also screened, so a PHQ-9 item 9 answer raises an
alert at once; responses atlaxis exported carry their sending clinic's open alerts as Flags
instead), diary check-ins pass the diary rules, visits and co-therapies go through their
services. Any problem anywhere and nothing is kept: the unit of work is not committed and the
error lists every problem with its record and field.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from atlaxis.domain import (
    Actor,
    Alert,
    Assessment,
    AssessmentSource,
    Consent,
    ConsentKind,
    Role,
    Severity,
)
from atlaxis.errors import AtlaxisError, Conflict, ValidationError
from atlaxis.fhir.export_records import zone
from atlaxis.fhir.import_refs import Issues
from atlaxis.fhir.import_types import (
    AlertIn,
    AssessmentIn,
    ConsentIn,
    CoTherapyIn,
    DiaryIn,
    ExternalPatient,
    PatientIn,
    Record,
    VisitIn,
)
from atlaxis.fhir.importer import ImportPlan, Progress
from atlaxis.instruments import score
from atlaxis.screening.alerts import alerts_for_assessment
from atlaxis.services import audit
from atlaxis.services.alerts import store_alerts
from atlaxis.services.assessments import previous_result
from atlaxis.services.authz import not_found, patient_scope, require_role, staff_clinic
from atlaxis.services.diary import parse_entry
from atlaxis.services.patients import create_patient
from atlaxis.services.visits import add_cotherapy, record_visit
from atlaxis.storage import UnitOfWork


@dataclass
class ImportSummary:
    """What an import read and stored (counts only)."""

    read: dict[str, int]
    stored: dict[str, int]
    skipped: dict[str, int] = field(default_factory=dict)
    derived_scores: int = 0


@dataclass
class _Writer:
    uow: UnitOfWork
    actor: Actor
    clinic_id: int
    issues: Issues
    externals: dict[str, ExternalPatient]
    missing: set[str] = field(default_factory=set)
    patients: dict[str, tuple[int, str]] = field(default_factory=dict)
    assessments: dict[str, int] = field(default_factory=dict)
    stored: Counter[str] = field(default_factory=Counter)
    diary_per_patient: Counter[int] = field(default_factory=Counter)

    def fail(self, where: str, exc: AtlaxisError) -> None:
        if not exc.problems:
            self.issues.add(where, "", exc.detail)
        for p in exc.problems:
            self.issues.add(where, p.field, p.message, p.allowed)

    def external(self, key: str, where: str) -> tuple[int, str] | None:
        """A patient the input refers to but does not hold: look it up in the clinic once."""
        who = self.externals.get(key)
        if who is None or key in self.missing:
            return None
        found = None
        if who.patient_id is not None:
            try:
                patient_scope(self.uow, self.actor, who.patient_id)
                found = self.uow.patients.get(who.patient_id)
            except AtlaxisError:
                found = None
        elif who.record_number is not None:
            found = self.uow.patients.by_record_number(self.clinic_id, who.record_number)
        if found is None or found.id is None:
            self.missing.add(key)
            self.issues.add(
                where,
                "subject",
                f"{key}: no such patient in this clinic (nor in the "
                "input); later records naming it are not listed",
            )
            return None
        self.patients[key] = (found.id, found.timezone)
        return self.patients[key]

    def apply(self, record: Record) -> None:
        try:
            if isinstance(record, PatientIn):
                self.patient(record)
                return
            pid = self.patients.get(record.patient) or self.external(record.patient, record.where)
            if pid is None:
                return  # the patient's own problem is reported already
            if isinstance(record, AssessmentIn):
                self.assessment(record, pid[0])
            elif isinstance(record, DiaryIn):
                self.diary(record, *pid)
            elif isinstance(record, VisitIn):
                record_visit(self.uow, self.actor, pid[0], record.payload)
                self.stored["visits"] += 1
            elif isinstance(record, CoTherapyIn):
                add_cotherapy(self.uow, self.actor, pid[0], record.payload)
                self.stored["cotherapies"] += 1
            elif isinstance(record, ConsentIn):
                self.consent(record, pid[0])
            else:
                self.alert(record, pid[0])
        except AtlaxisError as exc:
            self.fail(record.where, exc)

    def patient(self, record: PatientIn) -> None:
        values = dict(record.values)
        if self.actor.clinic_id is None:
            values["clinic_id"] = self.clinic_id
        try:
            patient = create_patient(self.uow, self.actor, values)
        except Conflict:
            self.issues.add(
                record.where,
                "identifier",
                f"a patient with record number {values['record_number']!r} already "
                "exists in this clinic",
                "import into a clinic without this patient",
            )
            return
        assert patient.id is not None
        self.patients[record.key] = (patient.id, patient.timezone)
        self.stored["patients"] += 1

    def assessment(self, record: AssessmentIn, patient_id: int) -> None:
        result = score(record.instrument, record.answers)
        previous = (
            None if record.screened else previous_result(self.uow, patient_id, result.instrument)
        )
        stored = self.uow.assessments.add(
            Assessment(
                id=None,
                patient_id=patient_id,
                instrument=result.instrument,
                answers=record.answers,
                result=result.to_dict(),
                taken_at=record.taken_at,
                source=AssessmentSource.IMPORT,
                entered_by=self.actor.user_id,
                version=result.version,
            )
        )
        assert stored.id is not None
        self.assessments[record.key] = stored.id
        self.stored["assessments"] += 1
        if not record.screened:
            raised = alerts_for_assessment(
                result.instrument,
                result,
                previous,
                record.answers,
                context={"assessment_id": stored.id},
            )
            alerts = store_alerts(
                self.uow, self.clinic_id, patient_id, raised, "assessment", stored.id
            )
            self.stored["alerts"] += len(alerts)

    def diary(self, record: DiaryIn, patient_id: int, timezone: str) -> None:
        payload: dict[str, Any] = {"items": record.items, "recalled": record.recalled}
        moment = record.moment
        if isinstance(moment, datetime):
            local = moment.astimezone(zone(timezone))
            payload |= {"date": local.date().isoformat(), "time": local.strftime("%H:%M")}
        else:
            payload["date"] = moment.isoformat() if isinstance(moment, date) else moment
        if record.body_map:
            payload["body_map"] = record.body_map
        if record.note:
            payload["note"] = record.note
        self.uow.diary.add(parse_entry(payload, patient_id, self.actor.user_id))
        self.stored["diary_entries"] += 1
        self.diary_per_patient[patient_id] += 1

    def consent(self, record: ConsentIn, patient_id: int) -> None:
        consent = self.uow.consents.add(
            Consent(
                None,
                patient_id,
                ConsentKind(record.kind),
                record.version,
                record.granted_at,
                record.withdrawn_at,
                recorded_by=self.actor.user_id,
            )
        )
        audit.record(self.uow, self.actor, "import", "consent", consent.id, patient_id)
        self.stored["consents"] += 1

    def alert(self, record: AlertIn, patient_id: int) -> None:
        source_id = None if record.source is None else self.assessments.get(record.source)
        self.uow.alerts.add(
            Alert(
                id=None,
                patient_id=patient_id,
                clinic_id=self.clinic_id,
                code=record.code,
                kind=record.kind,
                severity=Severity(record.severity),
                reason=record.reason,
                raised_at=record.raised_at,
                source_entity="assessment" if source_id is not None else "",
                source_id=source_id,
                rule_source=record.rule_source,
            )
        )
        self.stored["alerts"] += 1


def import_fhir(
    uow: UnitOfWork,
    actor: Actor,
    source: Any,
    *,
    clinic_id: int | None = None,
    skip_unsupported: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Validate, map, score and store ``source`` (a :class:`atlaxis.fhir.reader.Source` or
    :class:`atlaxis.fhir.importer.DataSource`) in the caller's clinic, in this unit of work.

    Raises :class:`ValidationError` listing every problem (record and field); then nothing is
    written (the caller does not commit).
    """
    require_role(actor, Role.ADMIN, Role.CLINICIAN, action="import records")
    scope = staff_clinic(actor, clinic_id)
    if scope is None or uow.clinics.get(scope) is None:
        raise not_found("clinic", clinic_id)
    plan = ImportPlan(source, skip_unsupported=skip_unsupported)
    plan.scan(progress)
    writer = _Writer(uow, actor, scope, plan.issues, plan.refs.external)
    for record in plan.records(progress):
        writer.apply(record)
    if plan.issues:
        problems = plan.issues.final()
        raise ValidationError(
            f"nothing was imported: {len(plan.issues.problems) + plan.issues.more} problem(s)",
            problems=problems,
        )
    for patient_id, count in writer.diary_per_patient.items():
        audit.record(
            uow,
            actor,
            "import",
            "diary_entry",
            patient_id=patient_id,
            detail={"count": count, "format": "fhir"},
        )
    summary = ImportSummary(
        dict(plan.counts), dict(writer.stored), dict(plan.skipped), plan.derived
    )
    audit.record(
        uow, actor, "import", "fhir", scope, detail={"read": summary.read, "stored": summary.stored}
    )
    return summary
