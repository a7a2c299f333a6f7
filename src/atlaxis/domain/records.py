"""Clinics, accounts, patients, episodes of care and consents (plain values, no framework)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from atlaxis.domain.actors import Role


class Sex(StrEnum):
    """Sex recorded at intake (as the patient reports it)."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class ConsentKind(StrEnum):
    TREATMENT = "treatment"
    DATA_PROCESSING = "data_processing"
    RESEARCH = "research"
    CONTACT = "contact"


@dataclass(frozen=True, slots=True)
class Clinic:
    id: int | None
    name: str
    slug: str
    timezone: str = "UTC"
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class User:
    """An account. ``patient_id`` is set only for patient accounts (their own record)."""

    id: int | None
    email: str
    role: Role
    clinic_id: int
    display_name: str = ""
    patient_id: int | None = None
    active: bool = True
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Patient:
    """A person in care. ``record_number`` is the clinic's own number (unique per clinic)."""

    id: int | None
    clinic_id: int
    record_number: str
    given_name: str
    family_name: str
    birth_date: date | None = None
    sex: Sex = Sex.UNKNOWN
    email: str | None = None
    phone: str | None = None
    timezone: str = "UTC"
    created_at: datetime | None = None

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


@dataclass(frozen=True, slots=True)
class Episode:
    """An episode of care: conditions treated, the day care started, the patient's goals."""

    id: int | None
    patient_id: int
    care_start: date
    conditions: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    ended_on: date | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Consent:
    """A consent of one kind and version; ``withdrawn_at`` set once it is withdrawn."""

    id: int | None
    patient_id: int
    kind: ConsentKind
    version: str
    granted_at: datetime
    withdrawn_at: datetime | None = None
    recorded_by: int | None = None

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None
