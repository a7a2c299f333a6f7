"""Change one stored diary entry (a patient their own; clinic staff their clinic's).

The merged entry is checked with :func:`atlaxis.services.diary.parse_entry` (the same rules
and item ranges as a new check-in, scored by the ``diary`` instrument), so nothing is
duplicated here. ``items`` merges into the stored ratings: a rating set to ``null`` is
removed. The audit event names the changed fields, never their values.
"""

from __future__ import annotations

from typing import Any

from atlaxis.domain import Actor, DiaryEntry
from atlaxis.errors import InvalidAnswers, NotFound, Problem
from atlaxis.services import audit
from atlaxis.services.authz import not_found, record_scope
from atlaxis.services.diary import DIARY_FIELDS, entry_json, parse_entry
from atlaxis.services.fields import NOT_NULL
from atlaxis.storage import UnitOfWork

#: fields a stored entry always has (``time`` may be cleared with null)
NOT_NULL_FIELDS = ("date", "items", "body_map", "note", "recalled")
#: payload field -> (domain attribute, storage column)
_COLUMNS = {
    "date": ("local_date", "local_date"),
    "time": ("local_time", "local_time"),
    "items": ("items", "items"),
    "body_map": ("body_map", "body_map"),
    "note": ("note", "note"),
    "recalled": ("recalled", "recalled"),
}


def update_diary_entry(
    uow: UnitOfWork, actor: Actor, entry_id: int, payload: dict[str, Any]
) -> DiaryEntry:
    """Apply ``payload`` (any of date, time, items, body_map, note, recalled) to the entry;
    every bad field is listed in one :class:`InvalidAnswers`."""
    current = uow.diary.get(entry_id)
    if current is None:
        raise not_found("diary", entry_id)
    record_scope(uow, actor, current.patient_id, "diary", entry_id, access="write")
    updated = _checked(current, payload)
    changes = {
        column: getattr(updated, attr)
        for attr, column in _COLUMNS.values()
        if getattr(updated, attr) != getattr(current, attr)
    }
    changed = sorted(f for f, (attr, _) in _COLUMNS.items() if attr in changes)
    stored = uow.diary.update(entry_id, changes) if changes else current
    if stored is None:  # deleted meanwhile (no code path deletes entries today)
        raise NotFound(f"diary {entry_id} not found")
    audit.record(
        uow, actor, "update", "diary_entry", entry_id, current.patient_id, {"fields": changed}
    )
    return stored


def _checked(current: DiaryEntry, payload: Any) -> DiaryEntry:
    if not isinstance(payload, dict):
        raise InvalidAnswers(
            "invalid diary entry", problems=[Problem("body", "must be a JSON object", "an object")]
        )
    nulls = [
        Problem(name, NOT_NULL, None)
        for name in NOT_NULL_FIELDS
        if name in payload and payload[name] is None
    ]
    merged = {k: v for k, v in entry_json(current).items() if k in DIARY_FIELDS}
    merged.update({k: v for k, v in payload.items() if not (k in NOT_NULL_FIELDS and v is None)})
    if isinstance(payload.get("items"), dict):
        merged["items"] = {**current.items, **payload["items"]}
    try:
        entry = parse_entry(merged, current.patient_id, current.entered_by)
    except InvalidAnswers as exc:
        raise InvalidAnswers("invalid diary entry", problems=nulls + list(exc.problems)) from None
    if nulls:
        raise InvalidAnswers("invalid diary entry", problems=nulls)
    return entry
