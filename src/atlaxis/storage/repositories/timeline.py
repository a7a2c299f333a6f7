"""Light rows for a patient's timeline: a few indexed range queries, no ORM objects."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import Text, cast, select

from atlaxis.storage.repositories.base import Repository, date_range
from atlaxis.storage.tables import (
    AlertRow,
    AssessmentRow,
    CoTherapyRow,
    DiaryEntryRow,
    EpisodeRow,
    VisitRow,
)


class TimelineRepository(Repository):
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
        stmt = select(t.id, t.instrument, t.taken_at, t.total, t.result, t.source).where(
            t.patient_id == patient_id
        )
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
            for i, inst, at, total, result, src in self.session.execute(
                stmt.order_by(t.taken_at, t.id)
            )
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
            t.pre_checks,
            t.post_checks,
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
