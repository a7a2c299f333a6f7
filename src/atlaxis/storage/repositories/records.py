"""Clinics, patients, episodes of care and consents."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from atlaxis.domain import Clinic, Consent, Episode, Patient
from atlaxis.storage import mapping
from atlaxis.storage.repositories.base import Repository
from atlaxis.storage.tables import ClinicRow, ConsentRow, EpisodeRow, PatientRow


class ClinicRepository(Repository):
    def add(self, name: str, slug: str, timezone: str = "UTC") -> Clinic:
        row = ClinicRow(name=name, slug=slug, timezone=timezone)
        self.session.add(row)
        self.session.flush()
        return mapping.clinic(row)

    def get(self, clinic_id: int) -> Clinic | None:
        row = self.session.get(ClinicRow, clinic_id)
        return None if row is None else mapping.clinic(row)

    def by_slug(self, slug: str) -> Clinic | None:
        row = self.session.scalars(select(ClinicRow).where(ClinicRow.slug == slug)).first()
        return None if row is None else mapping.clinic(row)

    def all(self) -> list[Clinic]:
        rows = self.session.scalars(select(ClinicRow).order_by(ClinicRow.id))
        return [mapping.clinic(r) for r in rows]


_PATIENT_FIELDS = (
    "record_number",
    "given_name",
    "family_name",
    "birth_date",
    "sex",
    "email",
    "phone",
    "timezone",
)


class PatientRepository(Repository):
    def add(self, patient: Patient) -> Patient:
        values = {k: v for k, v in asdict(patient).items() if k in _PATIENT_FIELDS}
        row = PatientRow(clinic_id=patient.clinic_id, **values)
        self.session.add(row)
        self.session.flush()
        return mapping.patient(row)

    def get(self, patient_id: int) -> Patient | None:
        row = self.session.get(PatientRow, patient_id)
        return None if row is None else mapping.patient(row)

    def clinic_of(self, patient_id: int) -> int | None:
        """The patient's clinic (one indexed lookup; used by every authorisation check)."""
        return self.session.scalar(select(PatientRow.clinic_id).where(PatientRow.id == patient_id))

    def by_record_number(self, clinic_id: int, record_number: str) -> Patient | None:
        stmt = select(PatientRow).where(
            PatientRow.clinic_id == clinic_id, PatientRow.record_number == record_number
        )
        row = self.session.scalars(stmt).first()
        return None if row is None else mapping.patient(row)

    def page(
        self, clinic_id: int, *, after_id: int | None = None, limit: int = 50, search: str = ""
    ) -> list[Patient]:
        stmt = select(PatientRow).where(PatientRow.clinic_id == clinic_id)
        if after_id is not None:
            stmt = stmt.where(PatientRow.id > after_id)
        if search:
            like = f"%{search.lower()}%"
            stmt = stmt.where(
                func.lower(PatientRow.family_name).like(like)
                | func.lower(PatientRow.given_name).like(like)
                | (PatientRow.record_number == search)
            )
        rows = self.session.scalars(stmt.order_by(PatientRow.id).limit(limit))
        return [mapping.patient(r) for r in rows]

    def ids(self, clinic_id: int) -> list[int]:
        stmt = select(PatientRow.id).where(PatientRow.clinic_id == clinic_id)
        return list(self.session.scalars(stmt.order_by(PatientRow.id)))

    def update(self, patient_id: int, changes: dict[str, Any]) -> Patient | None:
        bad = set(changes) - set(_PATIENT_FIELDS)
        if bad:
            raise ValueError(f"not patient fields: {sorted(bad)}")
        row = self.session.get(PatientRow, patient_id)
        if row is None:
            return None
        for key, value in changes.items():
            setattr(row, key, value)
        self.session.flush()
        return mapping.patient(row)

    def count(self, clinic_id: int | None = None) -> int:
        stmt = select(func.count()).select_from(PatientRow)
        if clinic_id is not None:
            stmt = stmt.where(PatientRow.clinic_id == clinic_id)
        return int(self.session.scalar(stmt) or 0)


class EpisodeRepository(Repository):
    def add(self, episode: Episode) -> Episode:
        row = EpisodeRow(
            patient_id=episode.patient_id,
            care_start=episode.care_start,
            conditions=list(episode.conditions),
            goals=list(episode.goals),
            ended_on=episode.ended_on,
        )
        self.session.add(row)
        self.session.flush()
        return mapping.episode(row)

    def get(self, episode_id: int) -> Episode | None:
        row = self.session.get(EpisodeRow, episode_id)
        return None if row is None else mapping.episode(row)

    def for_patient(self, patient_id: int) -> list[Episode]:
        stmt = select(EpisodeRow).where(EpisodeRow.patient_id == patient_id)
        rows = self.session.scalars(stmt.order_by(EpisodeRow.care_start, EpisodeRow.id))
        return [mapping.episode(r) for r in rows]

    def update(self, episode_id: int, changes: dict[str, Any]) -> Episode | None:
        row = self.session.get(EpisodeRow, episode_id)
        if row is None:
            return None
        for key in ("care_start", "conditions", "goals", "ended_on"):
            if key in changes:
                setattr(row, key, changes[key])
        self.session.flush()
        return mapping.episode(row)


class ConsentRepository(Repository):
    def add(self, consent: Consent) -> Consent:
        row = ConsentRow(
            patient_id=consent.patient_id,
            kind=consent.kind.value,
            version=consent.version,
            granted_at=consent.granted_at,
            withdrawn_at=consent.withdrawn_at,
            recorded_by=consent.recorded_by,
        )
        self.session.add(row)
        self.session.flush()
        return mapping.consent(row)

    def get(self, consent_id: int) -> Consent | None:
        row = self.session.get(ConsentRow, consent_id)
        return None if row is None else mapping.consent(row)

    def for_patient(self, patient_id: int) -> list[Consent]:
        stmt = select(ConsentRow).where(ConsentRow.patient_id == patient_id)
        return [mapping.consent(r) for r in self.session.scalars(stmt.order_by(ConsentRow.id))]

    def withdraw(self, consent_id: int, at: datetime) -> None:
        stmt = update(ConsentRow).where(
            ConsentRow.id == consent_id, ConsentRow.withdrawn_at.is_(None)
        )
        self.session.execute(stmt.values(withdrawn_at=at))
