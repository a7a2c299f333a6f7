"""Clinical tables: clinics, patients, episodes, assessments, diary, visits, co-therapies,
alerts, consents, questionnaire assignments and their drafts. Every patient-owned table is
indexed on (patient_id, date)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, MappedColumn, mapped_column

from atlaxis.storage.base import Base, BigId, utcnow
from atlaxis.storage.triggers import listen as listen_for_triggers

_PATIENT_FK = "patients.id"


def _patient_fk() -> MappedColumn[int]:
    return mapped_column(BigId, ForeignKey(_PATIENT_FK, ondelete="CASCADE"), nullable=False)


class ClinicRow(Base):
    __tablename__ = "clinics"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PatientRow(Base):
    __tablename__ = "patients"
    __table_args__ = (
        UniqueConstraint("clinic_id", "record_number"),
        Index("ix_patients_clinic_id_id", "clinic_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(BigId, ForeignKey("clinics.id"))
    record_number: Mapped[str] = mapped_column(String(64))
    given_name: Mapped[str] = mapped_column(String(120))
    family_name: Mapped[str] = mapped_column(String(120))
    birth_date: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(16), default="unknown")
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: migration 0003's diary-edit counter, no longer read or written (``timeline_version``,
    #: kept by the database, covers every change); left for a later migration to drop
    diary_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: raised by the database itself on every write to a timeline table (storage.triggers)
    timeline_version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class EpisodeRow(Base):
    __tablename__ = "episodes"
    __table_args__ = (Index("ix_episodes_patient_id_care_start", "patient_id", "care_start"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    care_start: Mapped[date] = mapped_column(Date)
    conditions: Mapped[list[str]] = mapped_column(JSON, default=list)
    goals: Mapped[list[str]] = mapped_column(JSON, default=list)
    ended_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AssessmentRow(Base):
    __tablename__ = "assessments"
    __table_args__ = (
        Index("ix_assessments_patient_id_taken_at", "patient_id", "taken_at"),
        Index("ix_assessments_patient_id_instrument", "patient_id", "instrument", "taken_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    episode_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("episodes.id", ondelete="SET NULL")
    )
    instrument: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(40), default="")
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    total: Mapped[float | None] = mapped_column(Float)
    taken_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(16), default="clinic")
    entered_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DiaryEntryRow(Base):
    __tablename__ = "diary_entries"
    __table_args__ = (Index("ix_diary_entries_patient_id_local_date", "patient_id", "local_date"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    local_date: Mapped[date] = mapped_column(Date)
    local_time: Mapped[str | None] = mapped_column(String(5))
    items: Mapped[dict[str, Any]] = mapped_column(JSON)
    body_map: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    recalled: Mapped[bool] = mapped_column(Boolean, default=False)
    entered_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VisitRow(Base):
    __tablename__ = "visits"
    __table_args__ = (Index("ix_visits_patient_id_occurred_at", "patient_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    clinician_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    occurred_at: Mapped[datetime]
    technique: Mapped[str] = mapped_column(String(80))
    listing: Mapped[str] = mapped_column(String(80), default="")
    decision: Mapped[str] = mapped_column(String(16))
    rule_applied: Mapped[str] = mapped_column(String(80), default="")
    pre_checks: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    post_checks: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: raw landmark points behind the angles: {"pre": {view: [{name, x, y}]}, "post": {...}}
    landmarks: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reaction: Mapped[str | None] = mapped_column(String(16))
    reaction_note: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CoTherapyRow(Base):
    __tablename__ = "cotherapies"
    __table_args__ = (Index("ix_cotherapies_patient_id_started_on", "patient_id", "started_on"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    dose: Mapped[str] = mapped_column(String(200), default="")
    provider: Mapped[str] = mapped_column(String(200), default="")
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AlertRow(Base):
    __tablename__ = "alerts"
    __table_args__ = (
        Index("ix_alerts_patient_id_raised_at", "patient_id", "raised_at"),
        Index("ix_alerts_clinic_id_acknowledged_at", "clinic_id", "acknowledged_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    clinic_id: Mapped[int] = mapped_column(BigId, ForeignKey("clinics.id"))
    code: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    source_entity: Mapped[str] = mapped_column(String(40), default="")
    source_id: Mapped[int | None] = mapped_column(BigId)
    source: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rule_source: Mapped[str] = mapped_column(Text, default="")
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None]
    acknowledgement_note: Mapped[str | None] = mapped_column(Text)


class ConsentRow(Base):
    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_patient_id_kind", "patient_id", "kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    kind: Mapped[str] = mapped_column(String(32))
    version: Mapped[str] = mapped_column(String(40))
    granted_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]
    recorded_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))


class AssignmentRow(Base):
    __tablename__ = "assignments"
    __table_args__ = (
        Index(
            "ix_assignments_patient_id_status_assigned_at", "patient_id", "status", "assigned_at"
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    instrument: Mapped[str] = mapped_column(String(40))
    assigned_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    due: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    assessment_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("assessments.id", ondelete="SET NULL")
    )
    episode_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("episodes.id", ondelete="SET NULL")
    )


class AssignmentDraftRow(Base):
    __tablename__ = "assignment_drafts"

    assignment_id: Mapped[int] = mapped_column(
        BigId,
        ForeignKey("assignments.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)


listen_for_triggers(Base.metadata)  # create_all makes the timeline triggers too
