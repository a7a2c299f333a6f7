"""What the FHIR importer hands to the import service: plain records with local keys.

Patients are named by a key (``Patient/<id>`` or a fullUrl within the input, or an external
reference the service resolves in the target clinic); records refer to their patient by it.
``where`` names the record in the input (``entry[12] (Observation/diary-5-pain)``) so the
service can report its own problems against the right record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class ExternalPatient:
    """A patient referred to but not in the input: by atlaxis id, or by record number."""

    patient_id: int | None = None
    record_number: str | None = None


@dataclass(slots=True)
class PatientIn:
    key: str
    where: str
    values: dict[str, Any]


@dataclass(slots=True)
class AssessmentIn:
    key: str
    where: str
    patient: str
    instrument: str
    answers: dict[str, Any]
    taken_at: datetime
    screened: bool


@dataclass(slots=True)
class DiaryIn:
    where: str
    patient: str
    moment: date | datetime
    items: dict[str, float] = field(default_factory=dict)
    body_map: list[str] = field(default_factory=list)
    note: str = ""
    recalled: bool = False


@dataclass(slots=True)
class VisitIn:
    key: str
    where: str
    patient: str
    payload: dict[str, Any]


@dataclass(slots=True)
class CoTherapyIn:
    where: str
    patient: str
    payload: dict[str, Any]


@dataclass(slots=True)
class ConsentIn:
    where: str
    patient: str
    kind: str
    version: str
    granted_at: datetime
    withdrawn_at: datetime | None


@dataclass(slots=True)
class AlertIn:
    where: str
    patient: str
    code: str
    kind: str
    severity: str
    reason: str
    raised_at: datetime
    source: str | None
    rule_source: str


Record = PatientIn | AssessmentIn | DiaryIn | VisitIn | CoTherapyIn | ConsentIn | AlertIn
