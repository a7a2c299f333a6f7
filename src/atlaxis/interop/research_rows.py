"""One patient's records → de-identified rows of the research tables (pure functions)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from atlaxis.domain import Alert, Assessment, CoTherapy, Episode, Patient, Visit
from atlaxis.errors import UnknownInstrument
from atlaxis.instruments import get_instrument
from atlaxis.instruments.model import Instrument
from atlaxis.interop.deidentify import Keys, age_group, scrub
from atlaxis.interop.research_tables import DIARY_ITEMS

Row = dict[str, Any]
_CODE = re.compile(r"^[a-z0-9][a-z0-9_.:-]{0,63}$")
_NAME_WORD = re.compile(r"\b[A-Z][\w'-]{2,}")


@dataclass(frozen=True)
class PatientRecords:
    """Everything exported for one patient (read by the service, already authorised)."""

    patient: Patient
    episodes: list[Episode] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    diary: list[dict[str, Any]] = field(default_factory=list)  # timeline diary rows
    visits: list[Visit] = field(default_factory=list)
    cotherapies: list[CoTherapy] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)


class _Patient:
    """Per-patient de-identification context: pseudonym, shift, care start, known identifiers."""

    def __init__(self, rec: PatientRecords, keys: Keys, include_notes: bool) -> None:
        p = rec.patient
        self.keys = keys
        self.pid = keys.pseudonym("patient", p.id, "p")
        self.shift = timedelta(days=keys.shift_days(p.id))
        starts = [e.care_start for e in rec.episodes]
        self.care_start: date | None = min(starts) if starts else None
        self.include_notes = include_notes
        self.known = [
            p.given_name,
            p.family_name,
            p.display_name,
            p.record_number,
            p.email or "",
            p.phone or "",
        ]
        # people and practices named in the record (co-therapy providers), word by word
        for provider in (c.provider for c in rec.cotherapies if c.provider):
            self.known += [provider, *_NAME_WORD.findall(provider)]

    def day(self, value: date | datetime | None) -> str:
        if value is None:
            return ""
        d = value.date() if isinstance(value, datetime) else value
        return (d + self.shift).isoformat()

    def study_day(self, value: date | datetime | None) -> int | None:
        if value is None or self.care_start is None:
            return None
        d = value.date() if isinstance(value, datetime) else value
        return (d - self.care_start).days

    def clean(self, value: str | None) -> str:
        """Short clinical wording kept in every export, still scrubbed of identifiers."""
        return scrub(value or "", self.known)

    def text(self, value: str | None) -> str:
        return scrub(value or "", self.known) if self.include_notes else ""


def _codes(values: Iterable[str]) -> str:
    return ";".join(v if _CODE.match(v) else "[free text removed]" for v in values)


def _answer(instrument: Instrument | None, item_id: str, value: Any, ctx: _Patient) -> str:
    item = None if instrument is None else instrument.item(item_id)
    kind = "text" if item is None else item.type
    if value is None:
        return ""
    if kind == "date":
        try:
            return ctx.day(date.fromisoformat(str(value)))
        except ValueError:
            return ""
    if kind == "text":
        return ctx.text(str(value))
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _instrument(instrument_id: str) -> Instrument | None:
    try:
        return get_instrument(instrument_id)
    except UnknownInstrument:  # custom instruments: answers treated as text
        return None


def _assessments(rec: PatientRecords, ctx: _Patient) -> tuple[list[Row], list[Row]]:
    rows, items = [], []
    for a in rec.assessments:
        apid = ctx.keys.pseudonym("assessment", a.id, "a")
        result = a.result or {}
        rows.append(
            {
                "patient_pid": ctx.pid,
                "assessment_pid": apid,
                "instrument": a.instrument,
                "version": a.version or result.get("version", ""),
                "taken_on": ctx.day(a.taken_at),
                "study_day": ctx.study_day(a.taken_at),
                "total": a.total,
                "band": result.get("band") or "",
                "complete": bool(result.get("complete")),
                "flags": ";".join(result.get("flags") or []),
                "subscales": json.dumps(result.get("subscales") or {}, sort_keys=True),
            }
        )
        definition = _instrument(a.instrument)
        for item_id, value in sorted(a.answers.items()):
            items.append(
                {
                    "patient_pid": ctx.pid,
                    "assessment_pid": apid,
                    "instrument": a.instrument,
                    "item": item_id,
                    "value": _answer(definition, item_id, value, ctx),
                }
            )
    return rows, items


def _diary(rec: PatientRecords, ctx: _Patient) -> list[Row]:
    out = []
    for entry in rec.diary:
        day = date.fromisoformat(entry["date"])
        row: Row = {"patient_pid": ctx.pid, "date": ctx.day(day), "study_day": ctx.study_day(day)}
        values = entry.get("items") or {}
        row.update({i: values.get(i) for i in DIARY_ITEMS})
        row["body_map"] = ";".join(entry.get("body_map") or [])
        row["recalled"] = bool(entry.get("recalled"))
        row["note"] = ctx.text(entry.get("note"))
        out.append(row)
    return out


def _checks(value: Any) -> str:
    from dataclasses import asdict, is_dataclass

    data = asdict(value) if is_dataclass(value) and not isinstance(value, type) else value
    return json.dumps(data, sort_keys=True, default=str)


def _visits(rec: PatientRecords, ctx: _Patient) -> list[Row]:
    return [
        {
            "patient_pid": ctx.pid,
            "date": ctx.day(v.occurred_at),
            "study_day": ctx.study_day(v.occurred_at),
            "technique": ctx.clean(v.technique),
            "decision": v.decision.value,
            "listing": ctx.clean(v.listing),
            "rule_applied": ctx.clean(v.rule_applied),
            "reaction": "" if v.reaction is None else v.reaction.value,
            "pre_checks": scrub(_checks(v.pre_checks), ctx.known, patterns=False),
            "post_checks": scrub(_checks(v.post_checks), ctx.known, patterns=False),
            "notes": ctx.text(v.notes),
            "reaction_note": ctx.text(v.reaction_note),
        }
        for v in rec.visits
    ]


def patient_rows(rec: PatientRecords, keys: Keys, include_notes: bool) -> dict[str, list[Row]]:
    """Every table's rows for one patient, de-identified."""
    ctx = _Patient(rec, keys, include_notes)
    p = rec.patient
    assessments, items = _assessments(rec, ctx)
    return {
        "patients": [
            {
                "patient_pid": ctx.pid,
                "site_pid": keys.pseudonym("clinic", p.clinic_id, "s"),
                "sex": p.sex.value,
                "age_at_care_start": age_group(p.birth_date, ctx.care_start),
                "n_episodes": len(rec.episodes),
            }
        ],
        "episodes": [
            {
                "patient_pid": ctx.pid,
                "episode": k + 1,
                "care_start": ctx.day(e.care_start),
                "ended_on": ctx.day(e.ended_on),
                "study_day": ctx.study_day(e.care_start),
                "conditions": _codes(e.conditions),
                "goals": ctx.text("; ".join(e.goals)),
            }
            for k, e in enumerate(sorted(rec.episodes, key=lambda e: e.care_start))
        ],
        "assessments": assessments,
        "assessment_items": items,
        "diary": _diary(rec, ctx),
        "visits": _visits(rec, ctx),
        "cotherapies": [
            {
                "patient_pid": ctx.pid,
                "kind": c.kind.value,
                "started_on": ctx.day(c.started_on),
                "ended_on": ctx.day(c.ended_on),
                "study_day": ctx.study_day(c.started_on),
                "name": ctx.text(c.name),
                "dose": ctx.text(c.dose),
            }
            for c in rec.cotherapies
        ],
        "alerts": [
            {
                "patient_pid": ctx.pid,
                "raised_on": ctx.day(a.raised_at),
                "study_day": ctx.study_day(a.raised_at),
                "code": a.code,
                "kind": a.kind,
                "severity": a.severity.value,
                "acknowledged": a.acknowledged_at is not None,
            }
            for a in rec.alerts
        ],
    }
