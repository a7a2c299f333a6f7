"""A patient's timeline: diary, scores, visits, co-therapies, episodes (and, for staff,
alerts) on one time axis. A handful of indexed queries; no statistics here.

:func:`timeline_json` is the JSON API's read: the encoded body comes from a whole-response
cache (:class:`~atlaxis.services.response_cache.VersionedCache`) keyed by (patient, start,
end, staff or not) and checked against ``patients.timeline_version``, which the database
raises on every write to a timeline table (``storage.triggers``), so no writer, in this
process or another, can leave a cached body stale. Every read is audited, whether the body
came from the cache, from the database, or was not sent at all (the caller's copy current).

Why the version is read first: the version and the sections are separate statements. On
SQLite a read transaction is one snapshot; on PostgreSQL (READ COMMITTED) each statement may
see a newer one. A write commits its rows and its version bump together, so sections read
after the version are at least as new as that version: a body may be stored under a version
older than its content (harmless: the next read sees the newer version, misses and stores
again), never under a version newer than its content (which would be served stale).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from atlaxis import __version__
from atlaxis.domain import Actor, Role
from atlaxis.errors import Problem, ValidationError
from atlaxis.services import audit
from atlaxis.services.authz import not_found, patient_scope, patient_scope_known
from atlaxis.services.response_cache import VersionedCache
from atlaxis.storage import UnitOfWork
from atlaxis.storage.repositories.timeline import TimelineStamp

#: (patient id, start, end, staff view: alerts included)
TimelineKey = tuple[int, date | None, date | None, bool]
#: the whole-response cache: key → (stamp, encoded body)
TimelineCache = VersionedCache[TimelineKey, TimelineStamp]
STAFF = (Role.ADMIN, Role.CLINICIAN)


@dataclass(frozen=True)
class TimelineJson:
    """``tag``: names this exact body (patient, version, range, view, atlaxis version);
    ``body``: the encoded timeline, None when the caller's copy has that tag."""

    tag: str
    body: bytes | None


def patient_timeline(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    start: date | None = None,
    end: date | None = None,
) -> dict[str, Any]:
    """Everything recorded for a patient between ``start`` and ``end`` (inclusive days),
    each list oldest first. Alerts are included for clinic staff only."""
    _check_range(start, end)
    patient_scope(uow, actor, patient_id, entity="timeline")
    body = _sections(uow, patient_id, start, end, actor.role in STAFF)
    _audit(uow, actor, patient_id)
    return body


def timeline_json(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    start: date | None,
    end: date | None,
    *,
    cache: TimelineCache,
    encode: Callable[[dict[str, Any]], bytes],
    current: Callable[[str], bool] = lambda tag: False,
) -> TimelineJson:
    """:func:`patient_timeline` encoded by ``encode``, from ``cache`` while the patient's
    timeline version is unchanged; no body at all when ``current(tag)`` says the caller
    already holds it. Scope check first (same errors as :func:`patient_timeline`), audited
    in every case."""
    key, stamp, tag = _current_key(uow, actor, patient_id, start, end)
    _audit(uow, actor, patient_id)
    if current(tag):
        return TimelineJson(tag, None)
    body = cache.get(key, stamp)
    if body is None:
        body = encode(_sections(uow, patient_id, start, end, key[3]))
        cache.put(key, stamp, body)
    return TimelineJson(tag, body)


def cached_timeline_json(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    start: date | None,
    end: date | None,
    *,
    cache: TimelineCache,
    current: Callable[[str], bool] = lambda tag: False,
) -> TimelineJson | None:
    """:func:`timeline_json` when it needs no more than the version stamp (the caller's
    copy is current, or the body is cached): one primary-key lookup, cheap enough to run
    inside a batch of writes. None, with nothing audited, when the body would have to be
    built; the same errors otherwise."""
    key, stamp, tag = _current_key(uow, actor, patient_id, start, end)
    if current(tag):
        _audit(uow, actor, patient_id)
        return TimelineJson(tag, None)
    body = cache.get(key, stamp)
    if body is None:
        return None
    _audit(uow, actor, patient_id)
    return TimelineJson(tag, body)


def _current_key(
    uow: UnitOfWork, actor: Actor, patient_id: int, start: date | None, end: date | None
) -> tuple[TimelineKey, TimelineStamp, str]:
    """Range and scope checked: the cache key, the version stamp and the ETag of the body."""
    _check_range(start, end)
    stamp = uow.timeline.stamp(patient_id)
    patient_scope_known(
        actor, patient_id, None if stamp is None else stamp.clinic_id, entity="timeline"
    )
    if stamp is None:  # a patient's own record, gone
        raise not_found("patient", patient_id)
    key: TimelineKey = (patient_id, start, end, actor.role in STAFF)
    return key, stamp, _tag(key, stamp)


def prefetch_stamps(uow: UnitOfWork, patient_ids: list[int]) -> None:
    """Load the version stamps of several patients at once, for the :func:`timeline_json`
    (or :func:`cached_timeline_json`) calls of one batch (``web.group_commit``)."""
    uow.timeline.prefetch_stamps(patient_ids)


def _check_range(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end < start:
        raise ValidationError(
            "invalid date range", problems=[Problem("end", "is before start", "end >= start")]
        )


def _tag(key: TimelineKey, stamp: TimelineStamp) -> str:
    """A digest of everything the body depends on (a new release may render differently)."""
    text = f"{__version__}|{key[0]}|{stamp.created}|{stamp.version}|{key[1]}|{key[2]}|{key[3]}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _audit(uow: UnitOfWork, actor: Actor, patient_id: int) -> None:
    audit.record(uow, actor, "read", "timeline", patient_id, patient_id)


def _sections(
    uow: UnitOfWork, patient_id: int, start: date | None, end: date | None, staff: bool
) -> dict[str, Any]:
    t = uow.timeline
    body: dict[str, Any] = {
        "patient_id": patient_id,
        "start": None if start is None else start.isoformat(),
        "end": None if end is None else end.isoformat(),
        "episodes": t.episodes(patient_id),
        "assessments": t.assessments(patient_id, start, end),
        "visits": t.visits(patient_id, start, end),
        "cotherapies": t.cotherapies(patient_id),
    }
    if staff:
        body["alerts"] = t.alerts(patient_id, start, end)
    body["diary"] = t.diary(patient_id, start, end)
    return body
