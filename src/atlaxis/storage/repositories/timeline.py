"""Light rows for a patient's timeline: a few indexed range queries, no ORM objects.

:meth:`TimelineRepository.stamp` reads what identifies the timeline's current content in one
primary-key lookup: the patient's clinic (for the scope check), ``timeline_version`` (raised
by the database on every write to a timeline table: ``storage.triggers``) and the row's
``created_at`` (a patient id reused after a reset is another patient). The whole-response
cache and the ETag of ``GET /patients/{id}/timeline`` are keyed on it.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, NamedTuple

import orjson
from sqlalchemy import Text, cast, select

from atlaxis.storage.repositories.base import Pending, Repository, date_range
from atlaxis.storage.tables import (
    AlertRow,
    AssessmentRow,
    CoTherapyRow,
    DiaryEntryRow,
    EpisodeRow,
    VisitRow,
)


class TimelineStamp(NamedTuple):
    clinic_id: int
    version: int
    created: str  # the patient row's created_at as stored (opaque)


def _json(text: str | None, empty: Any) -> Any:
    """A JSON column read as text; ``empty`` for SQL NULL or JSON null."""
    if text is None:
        return empty
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:  # NaN/Infinity, which json (the column's writer) allows
        value = json.loads(text)
    return empty if value is None else value


_STAMP = (
    "SELECT clinic_id, timeline_version, CAST(created_at AS TEXT) FROM patients WHERE id = ?"
)
_STAMPS = "SELECT id, clinic_id, timeline_version, CAST(created_at AS TEXT) FROM patients WHERE id"
_STAMPS_ANY = f"{_STAMPS} = ANY(CAST(%b AS bigint[]))"  # PostgreSQL, the ids sent in binary


def _stamp(row: Any) -> TimelineStamp:
    clinic_id, version, created = row
    return TimelineStamp(int(clinic_id), int(version), str(created))


class TimelineRepository(Repository):
    def __init__(self, session: Any) -> None:
        super().__init__(session)
        self._stamps: dict[int, TimelineStamp | None] = {}
        self._sent: list[tuple[list[int], Pending]] = []

    def stamp(self, patient_id: int) -> TimelineStamp | None:
        """The patient's clinic, timeline version and creation time; None if no such
        patient. Read it before the sections: rows read later in the same transaction are
        never older than the version says (see ``services.timeline``)."""
        if self._sent:
            self._receive()
        if patient_id in self._stamps:  # loaded by prefetch_stamps in this transaction
            return self._stamps[patient_id]
        rows = self._driver_rows(_STAMP, [patient_id])  # every timeline read: no ORM work
        return _stamp(rows[0]) if rows else None

    def prefetch_stamps(self, patient_ids: list[int]) -> None:
        """Load the stamps of several patients in one query for :meth:`stamp` (a batch of
        timeline reads: one query instead of one round trip each). The query is sent now
        and read at the first :meth:`stamp` (an event-loop batch sends it with its other
        first queries)."""
        ids = list(patient_ids)
        if self._postgresql():
            sent = self._driver_send(_STAMPS_ANY, [ids])
        else:
            marks = ", ".join("?" * len(ids))
            sent = self._driver_send(f"{_STAMPS} IN ({marks})", ids)
        self._sent.append((ids, sent))

    def _receive(self) -> None:
        sent, self._sent = self._sent, []
        for ids, pending in sent:
            found = {int(row[0]): _stamp(row[1:]) for row in pending.rows()}
            for patient_id in ids:
                self._stamps[patient_id] = found.get(patient_id)

    def diary(self, patient_id: int, start: date | None, end: date | None) -> list[dict[str, Any]]:
        """Diary rows with their JSON and dates read as text and parsed in one pass (a year of
        entries is hundreds of rows; one ``json.loads`` beats one per cell by far)."""
        t = DiaryEntryRow
        stmt = select(
            t.id,
            cast(t.local_date, Text),
            t.local_time,
            cast(t.items, Text),
            cast(t.body_map, Text),
            t.note,
            t.recalled,
        ).where(t.patient_id == patient_id)
        stmt = date_range(stmt, t.local_date, start, end).order_by(t.local_date, t.id)
        rows = self.session.execute(stmt).all()
        if not rows:
            return []
        parsed = json.loads(
            "[" + ",".join(f"{r[3] or 'null'},{r[4] or 'null'}" for r in rows) + "]"
        )
        return [
            {
                "id": r[0],
                "date": r[1][:10],
                "time": r[2],
                "items": parsed[2 * k] or {},
                "body_map": parsed[2 * k + 1] or [],
                "note": r[5],
                "recalled": bool(r[6]),
            }
            for k, r in enumerate(rows)
        ]

    def assessments(
        self, patient_id: int, start: date | None, end: date | None
    ) -> list[dict[str, Any]]:
        t = AssessmentRow
        stmt = select(
            t.id, t.instrument, t.taken_at, t.total, cast(t.result, Text), t.source
        ).where(t.patient_id == patient_id)
        stmt = date_range(stmt, t.taken_at, start, end, is_datetime=True)
        return [
            {
                "id": i,
                "instrument": inst,
                "taken_at": at.isoformat(),
                "total": total,
                "band": (result or {}).get("band"),
                "subscales": (result or {}).get("subscales", {}),
                "flags": (result or {}).get("flags", []),
                "complete": (result or {}).get("complete"),
                "source": src,
            }
            for i, inst, at, total, text, src in self.session.execute(
                stmt.order_by(t.taken_at, t.id)
            )
            for result in (_json(text, {}),)
        ]

    def visits(self, patient_id: int, start: date | None, end: date | None) -> list[dict[str, Any]]:
        t = VisitRow
        stmt = select(
            t.id,
            t.occurred_at,
            t.clinician_id,
            t.technique,
            t.listing,
            t.decision,
            t.rule_applied,
            cast(t.pre_checks, Text),  # JSON decoded below with orjson (many times faster)
            cast(t.post_checks, Text),
            t.reaction,
        ).where(t.patient_id == patient_id)
        stmt = date_range(stmt, t.occurred_at, start, end, is_datetime=True)
        keys = [
            "id",
            "occurred_at",
            "clinician_id",
            "technique",
            "listing",
            "decision",
            "rule_applied",
            "pre_checks",
            "post_checks",
            "reaction",
        ]
        out = []
        for row in self.session.execute(stmt.order_by(t.occurred_at, t.id)):
            item = dict(zip(keys, row, strict=True))
            item["occurred_at"] = item["occurred_at"].isoformat()
            item["pre_checks"] = _json(item["pre_checks"], {})
            item["post_checks"] = _json(item["post_checks"], {})
            out.append(item)
        return out

    def cotherapies(self, patient_id: int) -> list[dict[str, Any]]:
        t = CoTherapyRow
        stmt = select(t.id, t.kind, t.name, t.dose, t.provider, t.started_on, t.ended_on).where(
            t.patient_id == patient_id
        )
        return [
            {
                "id": i,
                "kind": kind,
                "name": name,
                "dose": dose,
                "provider": provider,
                "started_on": s.isoformat(),
                "ended_on": None if e is None else e.isoformat(),
            }
            for i, kind, name, dose, provider, s, e in self.session.execute(
                stmt.order_by(t.started_on, t.id)
            )
        ]

    def episodes(self, patient_id: int) -> list[dict[str, Any]]:
        t = EpisodeRow
        stmt = select(t.id, t.care_start, t.ended_on, t.conditions, t.goals).where(
            t.patient_id == patient_id
        )
        return [
            {
                "id": i,
                "care_start": s.isoformat(),
                "ended_on": None if e is None else e.isoformat(),
                "conditions": c or [],
                "goals": g or [],
            }
            for i, s, e, c, g in self.session.execute(stmt.order_by(t.care_start, t.id))
        ]

    def alerts(self, patient_id: int, start: date | None, end: date | None) -> list[dict[str, Any]]:
        t = AlertRow
        stmt = select(
            t.id, t.kind, t.severity, t.reason, t.raised_at, t.acknowledged_at, t.acknowledged_by
        ).where(t.patient_id == patient_id)
        stmt = date_range(stmt, t.raised_at, start, end, is_datetime=True)
        return [
            {
                "id": i,
                "kind": kind,
                "severity": sev,
                "reason": reason,
                "raised_at": at.isoformat(),
                "acknowledged_at": None if ack is None else ack.isoformat(),
                "acknowledged_by": by,
            }
            for i, kind, sev, reason, at, ack, by in self.session.execute(
                stmt.order_by(t.raised_at, t.id)
            )
        ]
