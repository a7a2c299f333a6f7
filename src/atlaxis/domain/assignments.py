"""Questionnaires a clinic assigns to a patient, and answers saved before submitting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class AssignmentStatus(StrEnum):
    """``open`` until the patient (or staff) submits it (``done``) or staff cancel it."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Assignment:
    """One instrument assigned to a patient; ``assessment_id`` is set once it is done."""

    id: int | None
    patient_id: int
    instrument: str
    assigned_by: int | None
    assigned_at: datetime
    due: date | None = None
    status: AssignmentStatus = AssignmentStatus.OPEN
    assessment_id: int | None = None
    episode_id: int | None = None

    @property
    def open(self) -> bool:
        return self.status is AssignmentStatus.OPEN


@dataclass(frozen=True, slots=True)
class Draft:
    """Answers saved so far (save and resume); deleted when the assignment is submitted."""

    assignment_id: int
    answers: dict[str, Any]
    saved_at: datetime
