"""The daily diary: a fast, idempotent write path (an offline phone may retry).

Write path: scope check (no query for a patient on their own record), idempotency lookup,
one insert, the idempotency record, the audit event — a handful of statements.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from atlaxis.domain import Actor, DiaryEntry, Page
from atlaxis.domain.accounts import StoredResponse
from atlaxis.domain.canonical import canonical_json
from atlaxis.errors import AtlaxisError, Conflict, InvalidAnswers, Problem, ValidationError
from atlaxis.instruments import validate
from atlaxis.services import audit
from atlaxis.services.authz import patient_scope
from atlaxis.services.fields import Fields
from atlaxis.services.pagination import check_limit, decode, page_of
from atlaxis.services.views import jsonable
from atlaxis.storage import UnitOfWork

DIARY_FIELDS = ("date", "time", "items", "body_map", "note", "recalled")
MAX_KEY_LENGTH = 200
EARLIEST = date(1900, 1, 1)


@dataclass(frozen=True, slots=True)
class DiaryWrite:
    """What the API answers: ``status`` 201 with ``body``; ``replayed`` on an idempotent retry."""

    status: int
    body: dict[str, Any]
    replayed: bool = False


def request_hash(payload: dict[str, Any]) -> str:
    """What an Idempotency-Key is bound to: sha256 of the canonical JSON of the request."""
    text = canonical_json(payload, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_entry(payload: Any, patient_id: int, entered_by: int | None) -> DiaryEntry:
    """Check a diary payload (every problem at once) and score its items with the core."""
    f = Fields(payload, DIARY_FIELDS)
    day = f.day("date", required=True)
    clock = f.clock("time")
    note = f.text("note", max_length=2000)
    recalled = f.flag("recalled")
    items = f.payload.get("items", {})
    body_map = f.payload.get("body_map", [])
    if not isinstance(items, dict):
        f.problem("items", "must be an object of item id to rating", "{pain: 0-10, ...}")
    if not isinstance(body_map, list):
        f.problem("body_map", "must be a list of body-site ids", "WPI site ids")
    if day is not None and not EARLIEST <= day <= datetime.now(UTC).date() + timedelta(days=1):
        f.problem("date", "is in the future or implausibly old", "a day up to tomorrow")
    if isinstance(items, dict) and "body_map" in items:
        f.problem("items.body_map", "goes at the top level", "body_map")
    problems = list(f.problems.problems)
    if isinstance(items, dict) and isinstance(body_map, list) and "body_map" not in items:
        try:  # the diary instrument's own checks (its score is not stored)
            validate("diary", {**items, "body_map": body_map} if body_map else items)
        except InvalidAnswers as exc:
            problems += [_prefixed(p) for p in exc.problems]
    if problems:
        raise InvalidAnswers("invalid diary entry", problems=problems)
    assert day is not None
    return DiaryEntry(
        id=None,
        patient_id=patient_id,
        local_date=day,
        items={k: v for k, v in items.items() if v is not None},
        local_time=clock,
        body_map=list(dict.fromkeys(body_map)),
        note=note,
        recalled=recalled,
        entered_by=entered_by,
    )


def _prefixed(problem: Problem) -> Problem:
    name = problem.field if problem.field == "body_map" else f"items.{problem.field}"
    return Problem(name, problem.message, problem.allowed)


def entry_json(entry: DiaryEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "patient_id": entry.patient_id,
        "date": entry.local_date.isoformat(),
        "time": None if entry.local_time is None else entry.local_time.strftime("%H:%M"),
        "items": entry.items,
        "body_map": entry.body_map,
        "note": entry.note,
        "recalled": entry.recalled,
        "created_at": jsonable(entry.created_at),
    }


@dataclass(frozen=True, slots=True, eq=False)
class DiaryRequest:
    """A diary write checked outside any transaction (:func:`prepare_diary_entry`); the
    errors it found are raised in the same order as before, inside the transaction. Each
    request is itself (compared and hashed by identity: two identical check-ins are two)."""

    actor: Actor
    patient_id: int
    key: str | None
    digest: str
    entry: DiaryEntry | None
    key_error: AtlaxisError | None = None
    error: AtlaxisError | None = None


def prepare_diary_entry(
    actor: Actor, patient_id: int, payload: dict[str, Any], idempotency_key: str | None = None
) -> DiaryRequest:
    """Validate and score a diary payload without touching the database (pure CPU work, so
    it can run before the request joins a batch)."""
    key: str | None = None
    key_error: AtlaxisError | None = None
    if actor.user_id is not None:
        try:
            key = _check_key(idempotency_key)
        except AtlaxisError as exc:
            key_error = exc
    digest = request_hash({"patient_id": patient_id, "body": payload}) if key else ""
    try:
        entry: DiaryEntry | None = parse_entry(payload, patient_id, actor.user_id)
        error = None
    except AtlaxisError as exc:
        entry, error = None, exc
    return DiaryRequest(actor, patient_id, key, digest, entry, key_error, error)


def add_diary_entry(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    payload: dict[str, Any],
    idempotency_key: str | None = None,
) -> DiaryWrite:
    """Store one check-in. The same ``idempotency_key`` with the same body answers the stored
    response again (nothing new is written); with another body it is a :class:`Conflict`."""
    request = prepare_diary_entry(actor, patient_id, payload, idempotency_key)
    outcome = add_diary_entries(uow, [request])[0]
    if isinstance(outcome, AtlaxisError):
        raise outcome
    return outcome


def add_diary_entries(
    uow: UnitOfWork, requests: list[DiaryRequest]
) -> list[DiaryWrite | AtlaxisError]:
    """Store several prepared check-ins with a constant number of statements (the group
    commit's batch). Each gets its own outcome, exactly as if they had been written one
    after the other: a scope or validation error, a replay, a :class:`Conflict` or a 201."""
    out: list[DiaryWrite | AtlaxisError | None] = [None] * len(requests)
    live = []
    for i, r in enumerate(requests):
        try:
            patient_scope(uow, r.actor, r.patient_id, entity="diary", access="write")
            if r.key_error is not None:
                raise r.key_error
        except AtlaxisError as exc:
            out[i] = exc
            continue
        live.append(i)
    stored = uow.idempotency.get_many([_ident(requests[i]) for i in live if requests[i].key])
    fresh: list[int] = []
    first: dict[tuple[int, str], int] = {}
    repeats: list[int] = []
    for i in live:
        r = requests[i]
        ident = _ident(r) if r.key else None
        if ident is not None and ident in stored:
            out[i] = _replay(uow, r, stored[ident])
        elif ident is not None and ident in first:
            repeats.append(i)  # the same key twice in one batch: answered after the first
        elif r.error is not None or r.entry is None:
            out[i] = r.error or ValidationError("invalid diary entry")
        else:
            fresh.append(i)
            if ident is not None:
                first[ident] = i
    _insert(uow, requests, fresh, out)
    for i in repeats:
        r = requests[i]
        earlier = out[first[_ident(r)]]
        if isinstance(earlier, DiaryWrite):
            response = StoredResponse(requests[first[_ident(r)]].digest, 201, earlier.body)
            out[i] = _replay(uow, r, response)
        else:  # unreachable today (the first is written), kept for safety
            out[i] = Conflict("this Idempotency-Key is being used by another request")
    return [o if o is not None else Conflict("not written") for o in out]


def prefetch_diary_entries(uow: UnitOfWork, requests: list[DiaryRequest]) -> None:
    """Send what :func:`add_diary_entries` will look up for ``requests`` before it runs:
    the stored responses of their idempotency keys and an id for each entry (the group
    commit's batch sends these with its other first queries, in one round trip on
    PostgreSQL). Optional: without it the same lookups run when needed."""
    uow.idempotency.prefetch(
        [_ident(r) for r in requests if r.key is not None and r.actor.user_id is not None]
    )
    uow.diary.reserve_ids(sum(1 for r in requests if r.entry is not None))


def _ident(r: DiaryRequest) -> tuple[int, str]:
    assert r.actor.user_id is not None and r.key is not None
    return (r.actor.user_id, r.key)


def _replay(uow: UnitOfWork, r: DiaryRequest, stored: StoredResponse) -> DiaryWrite | AtlaxisError:
    if stored.request_hash != r.digest:
        return Conflict("this Idempotency-Key was already used for a different request")
    audit.record(uow, r.actor, "replay", "diary_entry", stored.body.get("id"), r.patient_id)
    return DiaryWrite(stored.status, stored.body, replayed=True)


def _insert(
    uow: UnitOfWork,
    requests: list[DiaryRequest],
    fresh: list[int],
    out: list[DiaryWrite | AtlaxisError | None],
) -> None:
    entries = uow.diary.add_many([e for i in fresh if (e := requests[i].entry) is not None])
    keyed: list[tuple[int, str, int | None, StoredResponse]] = []
    for i, entry in zip(fresh, entries, strict=True):
        r = requests[i]
        body = entry_json(entry)
        if r.key is not None and r.actor.user_id is not None:
            response = StoredResponse(r.digest, 201, body)
            keyed.append((r.actor.user_id, r.key, r.patient_id, response))
        audit.record(uow, r.actor, "create", "diary_entry", entry.id, r.patient_id)
        out[i] = DiaryWrite(201, body)
    uow.idempotency.add_many(keyed)


def _check_key(key: str | None) -> str | None:
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationError(
            "invalid Idempotency-Key",
            problems=[Problem("Idempotency-Key", "empty, too long or unprintable", "1-200 chars")],
        )
    return key


def list_diary(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    *,
    start: date | None = None,
    end: date | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[DiaryEntry]:
    patient_scope(uow, actor, patient_id, entity="diary")
    check_limit(limit)
    rows = uow.diary.page(
        patient_id, start=start, end=end, after=decode(cursor, "date"), limit=limit + 1
    )
    page = page_of(rows, limit, lambda e: (e.local_date, int(e.id or 0)))
    audit.record(uow, actor, "list", "diary_entry", patient_id=patient_id)
    return page
