"""Light rows for a patient's timeline: a few indexed range queries, no ORM objects.

The diary section (hundreds of rows for a year, most of a timeline's cost) is also kept
encoded in a small in-process cache (:class:`DiaryCache`). Diary entries are never deleted;
new ones get larger ids, and every edit (``DiaryRepository.update``) raises the patient's
``diary_revision`` in the same transaction. So the patient's entries in a date range are
identified by their number, their largest id and that revision; every request reads the
three with one indexed aggregate query and re-reads the rows only when they changed. A second
app server with its own cache therefore never serves a stale diary.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from datetime import date
from typing import Any

import orjson
from sqlalchemy import Text, cast, func, select

from atlaxis.storage.repositories.base import Repository, date_range
from atlaxis.storage.tables import (
    AlertRow,
    AssessmentRow,
    CoTherapyRow,
    DiaryEntryRow,
    EpisodeRow,
    PatientRow,
    VisitRow,
)

DiaryKey = tuple[int, date | None, date | None, int, int, int]


def _json(text: str | None, empty: Any) -> Any:
    """A JSON column read as text; ``empty`` for SQL NULL or JSON null."""
    if text is None:
        return empty
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:  # NaN/Infinity, which json (the column's writer) allows
        value = json.loads(text)
    return empty if value is None else value


class DiaryCache:
    """A bounded LRU of encoded diary sections (JSON arrays), safe across threads."""

    def __init__(self, max_bytes: int = 64 * 2**20, max_entry: int = 4 * 2**20) -> None:
        self.max_bytes = max_bytes
        self.max_entry = max_entry
        self._entries: OrderedDict[DiaryKey, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: DiaryKey) -> bytes | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: DiaryKey, value: bytes) -> None:
        if len(value) > self.max_entry:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            self._bytes += len(value) - (0 if old is None else len(old))
            self._entries[key] = value
            while self._bytes > self.max_bytes and self._entries:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


#: the process's cache (empty until the first timeline is read)
DIARY_CACHE = DiaryCache()


class TimelineRepository(Repository):
    def diary_json(self, patient_id: int, start: date | None, end: date | None) -> bytes:
        """The diary section as a JSON array (the rows of :meth:`diary`), from the cache
        when the patient's entries in that range are unchanged."""
        t, p = DiaryEntryRow, PatientRow
        revision = select(p.diary_revision).where(p.id == patient_id).scalar_subquery()
        stmt = select(func.count(), func.max(t.id), revision).where(t.patient_id == patient_id)
        count, last, rev = self.session.execute(date_range(stmt, t.local_date, start, end)).one()
        rev = int(rev or 0)
        key: DiaryKey = (patient_id, start, end, int(count or 0), int(last or 0), rev)
        cached = DIARY_CACHE.get(key)
        if cached is None:
            rows = self.diary(patient_id, start, end)
            cached = orjson.dumps(rows)
            # keyed by what was read (on PostgreSQL a newer snapshot than the count's; rows
            # at least as new as ``rev`` are never older than what that revision names)
            last = max((int(r["id"]) for r in rows), default=0)
            DIARY_CACHE.put((patient_id, start, end, len(rows), last, rev), cached)
        return cached

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
