"""services.timeline.timeline_json: the whole-response cache answers while the patient's
timeline version is unchanged, with exactly the bytes a fresh read gives; any write to a
timeline table (another unit of work, as another process would) makes the next read fresh;
every call is audited. And the cache itself: versioned, bounded by bytes, LRU."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import orjson

from atlaxis.domain import Role
from atlaxis.services.diary import add_diary_entry
from atlaxis.services.response_cache import VersionedCache
from atlaxis.services.timeline import TimelineCache, patient_timeline, timeline_json


def _entry(day: date, pain: int) -> dict[str, object]:
    return {"date": day.isoformat(), "items": {"pain": pain}, "body_map": ["neck"], "note": ""}


def _read(uow_factory: Any, cache: TimelineCache, actor: Any, pid: int, **kw: Any) -> Any:
    with uow_factory(read_only=True) as uow:
        found = timeline_json(
            uow,
            actor,
            pid,
            kw.get("start"),
            kw.get("end"),
            cache=cache,
            encode=orjson.dumps,
            current=kw.get("current", lambda tag: False),
        )
        fresh = orjson.dumps(patient_timeline(uow, actor, pid, kw.get("start"), kw.get("end")))
        events = len(uow.audit.pending)
    return found, fresh, events


def test_cached_body_matches_a_fresh_read_and_follows_writes(uow_factory, factory) -> None:
    cache: TimelineCache = VersionedCache()
    clinic = factory.clinic()
    patient = factory.patient(clinic)
    doc = factory.actor(factory.user(Role.CLINICIAN, clinic))
    start = date.today() - timedelta(days=5)
    for i in range(3):
        with uow_factory() as uow:
            add_diary_entry(uow, doc, patient.id, _entry(start + timedelta(days=i), i))
            uow.commit()
    first, fresh, events = _read(uow_factory, cache, doc, patient.id)
    assert first.body == fresh and events == 2  # timeline_json's and patient_timeline's
    again, _, _ = _read(uow_factory, cache, doc, patient.id)
    assert again.body is first.body and again.tag == first.tag  # the cached bytes themselves
    with uow_factory() as uow:
        add_diary_entry(uow, doc, patient.id, _entry(start + timedelta(days=1), 9))
        uow.commit()
    after, fresh, _ = _read(uow_factory, cache, doc, patient.id)
    assert after.body == fresh and after.tag != first.tag
    assert [d["items"]["pain"] for d in orjson.loads(after.body)["diary"]] == [0, 1, 9, 2]
    ranged, fresh, _ = _read(uow_factory, cache, doc, patient.id, start=start + timedelta(days=1))
    assert ranged.body == fresh and ranged.tag != after.tag and len(cache) == 2
    held, _, events = _read(uow_factory, cache, doc, patient.id, current=after.tag.__eq__)
    assert held.body is None and held.tag == after.tag and events == 2


def test_versioned_cache_is_bounded_and_least_recently_used_first_out() -> None:
    cache: VersionedCache[str, int] = VersionedCache(max_bytes=10, max_entry=6)
    cache.put("a", 1, b"aaaa")
    assert cache.get("a", 1) == b"aaaa" and cache.get("a", 2) is None
    cache.put("b", 1, b"bbbb")
    assert cache.get("a", 1) == b"aaaa"  # a is now the most recently used
    cache.put("c", 1, b"cccc")  # 12 bytes > 10: b goes
    assert cache.get("b", 1) is None and cache.get("a", 1) and cache.get("c", 1)
    assert cache.size == 8
    cache.put("a", 2, b"A")  # a new version replaces the old one
    assert cache.get("a", 1) is None and cache.get("a", 2) == b"A" and cache.size == 5
    cache.put("c", 2, b"x" * 7)  # too big to keep: the old entry goes too
    assert cache.get("c", 1) is None and cache.get("c", 2) is None and cache.size == 1
    cache.clear()
    assert len(cache) == 0 and cache.size == 0
