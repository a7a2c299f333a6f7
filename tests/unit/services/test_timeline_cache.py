"""The timeline's cached diary section: identical to a fresh read, and never stale after a
new entry (the cache key is the entries' count and largest id, checked on every read)."""

from __future__ import annotations

from datetime import date, timedelta

import orjson

from atlaxis.domain import Role
from atlaxis.services.diary import add_diary_entry
from atlaxis.services.timeline import patient_timeline, patient_timeline_parts
from atlaxis.storage.repositories.timeline import DIARY_CACHE


def _entry(day: date, pain: int) -> dict[str, object]:
    return {"date": day.isoformat(), "items": {"pain": pain}, "body_map": ["neck"], "note": ""}


def test_cached_diary_matches_a_fresh_read_and_follows_new_entries(uow_factory, factory) -> None:
    DIARY_CACHE.clear()
    clinic = factory.clinic()
    patient = factory.patient(clinic)
    doc = factory.actor(factory.user(Role.CLINICIAN, clinic))
    start = date.today() - timedelta(days=5)
    for i in range(3):
        with uow_factory() as uow:
            add_diary_entry(uow, doc, patient.id, _entry(start + timedelta(days=i), i))
            uow.commit()
    seen = []
    for i in range(3):  # read twice (the second from the cache), then after a new entry
        with uow_factory(read_only=True) as uow:
            head, diary = patient_timeline_parts(uow, doc, patient.id)
            fresh = patient_timeline(uow, doc, patient.id)
        assert orjson.loads(diary) == fresh["diary"]
        assert head == {k: v for k, v in fresh.items() if k != "diary"}
        seen.append([d["items"]["pain"] for d in orjson.loads(diary)])
        if i == 1:
            with uow_factory() as uow:
                add_diary_entry(uow, doc, patient.id, _entry(start + timedelta(days=1), 9))
                uow.commit()
    assert seen == [[0, 1, 2], [0, 1, 2], [0, 1, 9, 2]]
    with uow_factory(read_only=True) as uow:  # a date range is cached on its own
        _, ranged = patient_timeline_parts(uow, doc, patient.id, start + timedelta(days=1))
    assert [d["items"]["pain"] for d in orjson.loads(ranged)] == [1, 9, 2]
