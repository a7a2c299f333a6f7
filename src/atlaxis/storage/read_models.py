"""Read-only batch queries for the clinician and cohort views: one query for many patients
instead of one or two per patient. Nothing here writes, and nothing is cached between calls
(every result belongs to the caller's request only).

Build it on a unit of work's session: ``ReadModels(uow.session)``. Callers (services) do the
authorisation and the auditing; these methods take ids that are already in scope.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from atlaxis.storage.repositories.base import Repository
from atlaxis.storage.tables import AssessmentRow, DiaryEntryRow, PatientRow

#: SQLite's default limit on bound parameters is 32766 (3.32+); stay well below it
CHUNK = 900


@dataclass(frozen=True, slots=True)
class TotalRow:
    patient_id: int
    instrument: str
    taken_at: datetime
    total: float


@dataclass(frozen=True, slots=True)
class LatestAssessment:
    patient_id: int
    instrument: str
    taken_at: datetime
    answers: dict[str, Any]
    result: dict[str, Any]


def _chunks(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[k : k + CHUNK] for k in range(0, len(ids), CHUNK)]


class ReadModels(Repository):
    def last_diary_days(self, patient_ids: Collection[int]) -> dict[int, date]:
        """The newest diary day of each patient that has one (one grouped, indexed query)."""
        t = DiaryEntryRow
        out: dict[int, date] = {}
        for part in _chunks(sorted(set(patient_ids))):
            stmt = (
                select(t.patient_id, func.max(t.local_date))
                .where(t.patient_id.in_(part))
                .group_by(t.patient_id)
            )
            for pid, day in self.session.execute(stmt):
                if day is not None:
                    out[int(pid)] = day if isinstance(day, date) else date.fromisoformat(day)
        return out

    def recent_totals(
        self, patient_ids: Collection[int], instruments: Collection[str], per: int = 2
    ) -> list[TotalRow]:
        """The ``per`` newest non-null totals of each patient and instrument, oldest first
        within each (patient, instrument); one windowed query per chunk of patients."""
        t = AssessmentRow
        rank = (
            func.row_number()
            .over(
                partition_by=(t.patient_id, t.instrument),
                order_by=(t.taken_at.desc(), t.id.desc()),
            )
            .label("rank")
        )
        out: list[TotalRow] = []
        for part in _chunks(sorted(set(patient_ids))):
            inner = (
                select(t.patient_id, t.instrument, t.taken_at, t.total, rank)
                .where(
                    t.patient_id.in_(part),
                    t.instrument.in_(sorted(set(instruments))),
                    t.total.is_not(None),
                )
                .subquery()
            )
            stmt = (
                select(inner.c.patient_id, inner.c.instrument, inner.c.taken_at, inner.c.total)
                .where(inner.c.rank <= per)
                .order_by(inner.c.patient_id, inner.c.instrument, inner.c.rank.desc())
            )
            out.extend(
                TotalRow(int(pid), str(inst), at, float(total))
                for pid, inst, at, total in self.session.execute(stmt)
            )
        return out

    def latest_in_clinic(self, clinic_id: int, instrument: str) -> dict[int, LatestAssessment]:
        """Each patient's latest assessment of ``instrument`` in a clinic (one query)."""
        t, p = AssessmentRow, PatientRow
        rank = (
            func.row_number()
            .over(partition_by=t.patient_id, order_by=(t.taken_at.desc(), t.id.desc()))
            .label("rank")
        )
        inner = (
            select(t.id, t.patient_id, rank)
            .join(p, p.id == t.patient_id)
            .where(p.clinic_id == clinic_id, t.instrument == instrument)
            .subquery()
        )
        stmt = select(t.patient_id, t.instrument, t.taken_at, t.answers, t.result).join(
            inner, (inner.c.id == t.id) & (inner.c.rank == 1)
        )
        return {
            int(r[0]): LatestAssessment(int(r[0]), str(r[1]), r[2], r[3], r[4])
            for r in self.session.execute(stmt)
        }

    def latest_of_patient(
        self, patient_id: int, instruments: Collection[str]
    ) -> dict[str, LatestAssessment]:
        """A patient's latest assessment of each of ``instruments`` (one query)."""
        t = AssessmentRow
        rank = (
            func.row_number()
            .over(partition_by=t.instrument, order_by=(t.taken_at.desc(), t.id.desc()))
            .label("rank")
        )
        inner = (
            select(t.id, rank)
            .where(t.patient_id == patient_id, t.instrument.in_(sorted(set(instruments))))
            .subquery()
        )
        stmt = select(t.patient_id, t.instrument, t.taken_at, t.answers, t.result).join(
            inner, (inner.c.id == t.id) & (inner.c.rank == 1)
        )
        return {
            str(r[1]): LatestAssessment(int(r[0]), str(r[1]), r[2], r[3], r[4])
            for r in self.session.execute(stmt)
        }
