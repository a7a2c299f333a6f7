"""Assessments, diary entries, visits, co-therapies and alerts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select, update

from atlaxis.domain import Alert, Assessment, CoTherapy, DiaryEntry, Visit
from atlaxis.storage import mapping
from atlaxis.storage.repositories.base import (
    After,
    Pending,
    Repository,
    date_range,
    newest_first,
)
from atlaxis.storage.repositories.bulk import BulkRepository, json_value, moment_value
from atlaxis.storage.tables import (
    AlertRow,
    AssessmentRow,
    CoTherapyRow,
    DiaryEntryRow,
    PatientRow,
    VisitRow,
)

_DIARY_COLUMNS = (
    "id",
    "patient_id",
    "local_date",
    "local_time",
    "items",
    "body_map",
    "note",
    "recalled",
    "entered_by",
    "created_at",
)


class AssessmentRepository(Repository):
    def add(self, item: Assessment) -> Assessment:
        row = AssessmentRow(
            patient_id=item.patient_id,
            episode_id=item.episode_id,
            instrument=item.instrument,
            version=item.version,
            answers=item.answers,
            result=item.result,
            total=item.total,
            taken_at=item.taken_at,
            source=item.source.value,
            entered_by=item.entered_by,
        )
        self.session.add(row)
        self.session.flush()
        return replace(item, id=row.id)

    def get(self, assessment_id: int) -> Assessment | None:
        row = self.session.get(AssessmentRow, assessment_id)
        return None if row is None else mapping.assessment(row)

    def page(
        self,
        patient_id: int,
        *,
        start: date | None = None,
        end: date | None = None,
        instrument: str | None = None,
        after: After | None = None,
        limit: int = 50,
    ) -> list[Assessment]:
        stmt = select(AssessmentRow).where(AssessmentRow.patient_id == patient_id)
        if instrument:
            stmt = stmt.where(AssessmentRow.instrument == instrument)
        stmt = date_range(stmt, AssessmentRow.taken_at, start, end, is_datetime=True)
        stmt = newest_first(stmt, AssessmentRow.taken_at, AssessmentRow.id, after, limit)
        return [mapping.assessment(r) for r in self.session.scalars(stmt)]

    def for_patient(self, patient_id: int) -> list[Assessment]:
        """Every assessment of a patient, oldest first."""
        stmt = select(AssessmentRow).where(AssessmentRow.patient_id == patient_id)
        stmt = stmt.order_by(AssessmentRow.taken_at, AssessmentRow.id)
        return [mapping.assessment(r) for r in self.session.scalars(stmt)]

    def first_and_last_totals(
        self, clinic_id: int, instrument: str
    ) -> list[tuple[int, float, float, int]]:
        """Per patient of a clinic: (patient id, first total, last total, n) of an instrument."""
        t, p = AssessmentRow, PatientRow
        stmt = (
            select(t.patient_id, t.total)
            .join(p, p.id == t.patient_id)
            .where(p.clinic_id == clinic_id, t.instrument == instrument, t.total.is_not(None))
            .order_by(t.patient_id, t.taken_at, t.id)
        )
        out: dict[int, list[float]] = {}
        for pid, total in self.session.execute(stmt):
            out.setdefault(pid, []).append(float(total or 0.0))
        return [(pid, v[0], v[-1], len(v)) for pid, v in out.items()]


_NEXT_DIARY_IDS = (
    "SELECT nextval(pg_get_serial_sequence('diary_entries', 'id')) FROM generate_series(1, ?)"
)


class DiaryRepository(Repository):
    def __init__(self, session: Any) -> None:
        super().__init__(session)
        self._reserved: list[int] = []
        self._reserving: Pending | None = None

    def reserve_ids(self, count: int) -> None:
        """PostgreSQL: ask for ``count`` ids from the table's sequence now (an event-loop
        batch sends this with its other first queries), for :meth:`add_many` to use. Ids
        reserved and not used are skipped, as ids of a rolled back insert are. No-op on
        SQLite (its ids follow the largest, see :meth:`_next_ids`)."""
        if count > 0 and self._postgresql():
            self._take_reserved()
            self._reserving = self._driver_send(_NEXT_DIARY_IDS, [count])

    def _take_reserved(self) -> None:
        if self._reserving is not None:
            self._reserved += [int(row[0]) for row in self._reserving.rows()]
            self._reserving = None

    def add(self, entry: DiaryEntry) -> DiaryEntry:
        row = DiaryEntryRow(
            patient_id=entry.patient_id,
            local_date=entry.local_date,
            local_time=mapping.format_time(entry.local_time),
            items=entry.items,
            body_map=list(entry.body_map),
            note=entry.note,
            recalled=entry.recalled,
            entered_by=entry.entered_by,
        )
        self.session.add(row)
        self.session.flush()
        return replace(entry, id=row.id, created_at=row.created_at)

    def add_many(self, entries: list[DiaryEntry]) -> list[DiaryEntry]:
        """Insert several entries at once, written by the driver itself (``COPY`` on
        PostgreSQL, ``executemany`` on SQLite: see ``BulkRepository.load``); the ids are
        taken first (:meth:`_next_ids`), so nothing has to come back. This is the diary
        batch of the group commit, the hottest write of the app."""
        if not entries:
            return []
        now = datetime.now(UTC)
        stamp = moment_value(now)
        ids = self._next_ids(len(entries))
        rows = [
            (
                i,
                e.patient_id,
                e.local_date.isoformat(),
                mapping.format_time(e.local_time),
                json_value(e.items),
                json_value(list(e.body_map)),
                e.note,
                e.recalled,
                e.entered_by,
                stamp,
            )
            for e, i in zip(entries, ids, strict=True)
        ]
        BulkRepository(self.session).load(DiaryEntryRow.__tablename__, _DIARY_COLUMNS, rows)
        return [replace(e, id=i, created_at=now) for e, i in zip(entries, ids, strict=True)]

    def _next_ids(self, count: int) -> list[int]:
        """``count`` unused ids. PostgreSQL: from the table's own sequence (as a default id
        would be). SQLite: after the largest id, which is what SQLite itself assigns; safe
        because a writing transaction holds the write lock from its start (``BEGIN
        IMMEDIATE``, see ``storage.engine``) and diary entries are never deleted."""
        if self._postgresql():
            self._take_reserved()
            if len(self._reserved) >= count:
                ids, self._reserved = self._reserved[:count], self._reserved[count:]
                return ids
            return [int(row[0]) for row in self._driver_rows(_NEXT_DIARY_IDS, [count])]
        top = int(self._driver_rows("SELECT max(id) FROM diary_entries")[0][0] or 0)
        return list(range(top + 1, top + 1 + count))

    def get(self, entry_id: int) -> DiaryEntry | None:
        row = self.session.get(DiaryEntryRow, entry_id)
        return None if row is None else mapping.diary(row)

    def update(self, entry_id: int, changes: dict[str, Any]) -> DiaryEntry | None:
        """Change the stored entry ``entry_id`` (keys: ``local_date``, ``local_time``,
        ``items``, ``body_map``, ``note``, ``recalled``). The patient's timeline version
        is raised by the database itself (see ``storage.triggers``)."""
        unknown = set(changes) - _DIARY_EDITABLE
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        values = dict(changes)
        if "local_time" in values:
            values["local_time"] = mapping.format_time(values["local_time"])
        if "body_map" in values:
            values["body_map"] = list(values["body_map"])
        if values:
            t = DiaryEntryRow
            self.session.execute(update(t).where(t.id == entry_id).values(**values))
        row = self.session.get(DiaryEntryRow, entry_id, populate_existing=True)
        return None if row is None else mapping.diary(row)

    def page(
        self,
        patient_id: int,
        *,
        start: date | None = None,
        end: date | None = None,
        after: After | None = None,
        limit: int = 50,
    ) -> list[DiaryEntry]:
        stmt = select(DiaryEntryRow).where(DiaryEntryRow.patient_id == patient_id)
        stmt = date_range(stmt, DiaryEntryRow.local_date, start, end)
        stmt = newest_first(stmt, DiaryEntryRow.local_date, DiaryEntryRow.id, after, limit)
        return [mapping.diary(r) for r in self.session.scalars(stmt)]

    def series(
        self, patient_id: int, start: date | None = None, end: date | None = None
    ) -> list[tuple[date, dict[str, Any]]]:
        """(local date, items) of every entry, oldest first: light rows for statistics."""
        t = DiaryEntryRow
        stmt = select(t.local_date, t.items).where(t.patient_id == patient_id)
        stmt = date_range(stmt, t.local_date, start, end).order_by(t.local_date, t.id)
        return [(d, items) for d, items in self.session.execute(stmt)]


_DIARY_EDITABLE = frozenset({"local_date", "local_time", "items", "body_map", "note", "recalled"})


class VisitRepository(Repository):
    def add(self, visit: Visit) -> Visit:
        row = VisitRow(patient_id=visit.patient_id, **_visit_values(visit))
        self.session.add(row)
        self.session.flush()
        return replace(visit, id=row.id)

    def get(self, visit_id: int) -> Visit | None:
        row = self.session.get(VisitRow, visit_id)
        return None if row is None else mapping.visit(row)

    def save(self, visit: Visit) -> Visit:
        """Overwrite the stored visit ``visit.id`` with these values."""
        assert visit.id is not None
        stmt = update(VisitRow).where(VisitRow.id == visit.id).values(**_visit_values(visit))
        self.session.execute(stmt)
        return visit

    def page(
        self,
        patient_id: int,
        *,
        start: date | None = None,
        end: date | None = None,
        decision: str | None = None,
        after: After | None = None,
        limit: int = 50,
    ) -> list[Visit]:
        stmt = select(VisitRow).where(VisitRow.patient_id == patient_id)
        if decision:
            stmt = stmt.where(VisitRow.decision == decision)
        stmt = date_range(stmt, VisitRow.occurred_at, start, end, is_datetime=True)
        stmt = newest_first(stmt, VisitRow.occurred_at, VisitRow.id, after, limit)
        return [mapping.visit(r) for r in self.session.scalars(stmt)]

    def days(self, patient_id: int) -> list[datetime]:
        stmt = select(VisitRow.occurred_at).where(VisitRow.patient_id == patient_id)
        return list(self.session.scalars(stmt.order_by(VisitRow.occurred_at)))


def _visit_values(visit: Visit) -> dict[str, Any]:
    return {
        "clinician_id": visit.clinician_id,
        "occurred_at": visit.occurred_at,
        "technique": visit.technique,
        "listing": visit.listing,
        "decision": visit.decision.value,
        "rule_applied": visit.rule_applied,
        "pre_checks": mapping.checks_to_json(visit.pre_checks),
        "post_checks": mapping.checks_to_json(visit.post_checks),
        "landmarks": mapping.visit_landmarks_to_json(visit.pre_checks, visit.post_checks),
        "reaction": None if visit.reaction is None else visit.reaction.value,
        "reaction_note": visit.reaction_note,
        "notes": visit.notes,
    }


class CoTherapyRepository(Repository):
    def add(self, item: CoTherapy) -> CoTherapy:
        row = CoTherapyRow(patient_id=item.patient_id, **_cotherapy_values(item))
        self.session.add(row)
        self.session.flush()
        return replace(item, id=row.id)

    def get(self, item_id: int) -> CoTherapy | None:
        row = self.session.get(CoTherapyRow, item_id)
        return None if row is None else mapping.cotherapy(row)

    def save(self, item: CoTherapy) -> CoTherapy:
        assert item.id is not None
        stmt = update(CoTherapyRow).where(CoTherapyRow.id == item.id)
        self.session.execute(stmt.values(**_cotherapy_values(item)))
        return item

    def page(
        self,
        patient_id: int,
        *,
        start: date | None = None,
        end: date | None = None,
        kind: str | None = None,
        after: After | None = None,
        limit: int = 50,
    ) -> list[CoTherapy]:
        stmt = select(CoTherapyRow).where(CoTherapyRow.patient_id == patient_id)
        if kind:
            stmt = stmt.where(CoTherapyRow.kind == kind)
        stmt = date_range(stmt, CoTherapyRow.started_on, start, end)
        stmt = newest_first(stmt, CoTherapyRow.started_on, CoTherapyRow.id, after, limit)
        return [mapping.cotherapy(r) for r in self.session.scalars(stmt)]


def _cotherapy_values(item: CoTherapy) -> dict[str, Any]:
    return {
        "kind": item.kind.value,
        "name": item.name,
        "dose": item.dose,
        "provider": item.provider,
        "started_on": item.started_on,
        "ended_on": item.ended_on,
        "notes": item.notes,
    }


class AlertRepository(Repository):
    def add(self, alert: Alert) -> Alert:
        row = AlertRow(
            patient_id=alert.patient_id,
            clinic_id=alert.clinic_id,
            code=alert.code,
            kind=alert.kind,
            severity=alert.severity.value,
            reason=alert.reason,
            source_entity=alert.source_entity,
            source_id=alert.source_id,
            source=alert.source,
            rule_source=alert.rule_source,
            raised_at=alert.raised_at,
        )
        self.session.add(row)
        self.session.flush()
        return replace(alert, id=row.id)

    def get(self, alert_id: int) -> Alert | None:
        row = self.session.get(AlertRow, alert_id)
        return None if row is None else mapping.alert(row)

    def page(
        self,
        *,
        clinic_id: int | None = None,
        patient_id: int | None = None,
        open_only: bool = False,
        kind: str | None = None,
        start: date | None = None,
        end: date | None = None,
        after: After | None = None,
        limit: int = 50,
    ) -> list[Alert]:
        stmt = select(AlertRow)
        if clinic_id is not None:
            stmt = stmt.where(AlertRow.clinic_id == clinic_id)
        if patient_id is not None:
            stmt = stmt.where(AlertRow.patient_id == patient_id)
        if open_only:
            stmt = stmt.where(AlertRow.acknowledged_at.is_(None))
        if kind:
            stmt = stmt.where(AlertRow.kind == kind)
        stmt = date_range(stmt, AlertRow.raised_at, start, end, is_datetime=True)
        stmt = newest_first(stmt, AlertRow.raised_at, AlertRow.id, after, limit)
        return [mapping.alert(r) for r in self.session.scalars(stmt)]

    def acknowledge(self, alert_id: int, by: int | None, at: datetime, note: str) -> bool:
        """Record who acknowledged the alert, when and why; False if it already was."""
        stmt = (
            update(AlertRow)
            .where(AlertRow.id == alert_id, AlertRow.acknowledged_at.is_(None))
            .values(acknowledged_by=by, acknowledged_at=at, acknowledgement_note=note)
        )
        return bool(self.session.execute(stmt).rowcount)  # type: ignore[attr-defined]
