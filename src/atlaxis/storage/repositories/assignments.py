"""Questionnaire assignments and their saved drafts (one draft per assignment)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update

from atlaxis.domain import Assignment, AssignmentStatus, Draft
from atlaxis.storage import mapping
from atlaxis.storage.repositories.base import Repository
from atlaxis.storage.tables import AssignmentDraftRow, AssignmentRow


class AssignmentRepository(Repository):
    def add(self, item: Assignment) -> Assignment:
        row = AssignmentRow(
            patient_id=item.patient_id,
            instrument=item.instrument,
            assigned_by=item.assigned_by,
            assigned_at=item.assigned_at,
            due=item.due,
            status=item.status.value,
            assessment_id=item.assessment_id,
            episode_id=item.episode_id,
        )
        self.session.add(row)
        self.session.flush()
        return replace(item, id=row.id)

    def get(self, assignment_id: int, *, for_update: bool = False) -> Assignment | None:
        """One assignment; ``for_update`` locks its row until commit (PostgreSQL; on SQLite
        the writing transaction already excludes other writers)."""
        stmt = select(AssignmentRow).where(AssignmentRow.id == assignment_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = self.session.scalars(stmt).one_or_none()
        return None if row is None else mapping.assignment(row)

    def for_patient(
        self, patient_id: int, *, status: AssignmentStatus | None = None, limit: int = 200
    ) -> list[Assignment]:
        """Newest first (by assignment time, then id)."""
        t = AssignmentRow
        stmt = select(t).where(t.patient_id == patient_id)
        if status is not None:
            stmt = stmt.where(t.status == status.value)
        stmt = stmt.order_by(t.assigned_at.desc(), t.id.desc()).limit(limit)
        return [mapping.assignment(r) for r in self.session.scalars(stmt)]

    def close(
        self, assignment_id: int, status: AssignmentStatus, assessment_id: int | None = None
    ) -> bool:
        """Move an OPEN assignment to ``status``; False when it was no longer open."""
        stmt = (
            update(AssignmentRow)
            .where(AssignmentRow.id == assignment_id, AssignmentRow.status == "open")
            .values(status=status.value, assessment_id=assessment_id)
        )
        return bool(self.session.execute(stmt).rowcount)  # type: ignore[attr-defined]


class DraftRepository(Repository):
    def get(self, assignment_id: int) -> Draft | None:
        row = self.session.get(AssignmentDraftRow, assignment_id)
        return None if row is None else mapping.draft(row)

    def put(self, assignment_id: int, answers: dict[str, Any], saved_at: datetime) -> Draft:
        """Insert or overwrite the draft (callers hold the assignment's row lock)."""
        row = self.session.get(AssignmentDraftRow, assignment_id)
        if row is None:
            row = AssignmentDraftRow(
                assignment_id=assignment_id, answers=answers, saved_at=saved_at
            )
            self.session.add(row)
        else:
            row.answers, row.saved_at = answers, saved_at
        self.session.flush()
        return Draft(assignment_id, dict(answers), saved_at)

    def delete(self, assignment_id: int) -> None:
        stmt = delete(AssignmentDraftRow).where(AssignmentDraftRow.assignment_id == assignment_id)
        self.session.execute(stmt)
