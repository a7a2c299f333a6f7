"""Batched diary writes (the group commit's unit): each request gets the outcome it would
have had alone, with a constant number of statements for the lot."""

from __future__ import annotations

from datetime import date

from atlaxis.domain import Role
from atlaxis.errors import Conflict, InvalidAnswers, NotFound, PermissionDenied, ValidationError
from atlaxis.services.audit import verify
from atlaxis.services.diary import DiaryWrite, add_diary_entries, prepare_diary_entry


def _body(pain: int, day: date | None = None) -> dict[str, object]:
    return {"date": (day or date.today()).isoformat(), "items": {"pain": pain}, "note": ""}


def test_one_batch_gives_each_request_its_own_outcome(uow_factory, factory) -> None:
    clinic, other = factory.clinic(), factory.clinic()
    mine, theirs = factory.patient(clinic), factory.patient(other)
    me = factory.actor(factory.user(Role.PATIENT, clinic, patient=mine))
    doc = factory.actor(factory.user(Role.CLINICIAN, clinic))
    researcher = factory.actor(factory.user(Role.RESEARCHER, clinic))
    requests = [
        prepare_diary_entry(me, mine.id, _body(3), "k1"),  # 0 written
        prepare_diary_entry(me, mine.id, _body(3), "k1"),  # 1 same key, same body: replay of 0
        prepare_diary_entry(me, mine.id, _body(4), "k1"),  # 2 same key, other body: conflict
        prepare_diary_entry(me, mine.id, {"date": "x", "items": {"pain": 99}}, "k2"),  # 3 bad
        prepare_diary_entry(me, theirs.id, _body(5), "k3"),  # 4 not my record
        prepare_diary_entry(doc, theirs.id, _body(5)),  # 5 other clinic
        prepare_diary_entry(researcher, mine.id, _body(5)),  # 6 researchers never write
        prepare_diary_entry(me, mine.id, _body(6), " "),  # 7 blank key
        prepare_diary_entry(doc, mine.id, _body(7)),  # 8 written (no key)
    ]
    with uow_factory() as uow:
        out = add_diary_entries(uow, requests)
        uow.commit()
    assert isinstance(out[0], DiaryWrite) and out[0].status == 201 and not out[0].replayed
    assert isinstance(out[1], DiaryWrite) and out[1].replayed and out[1].body == out[0].body
    assert isinstance(out[2], Conflict)
    assert isinstance(out[3], InvalidAnswers)
    assert {p.field for p in out[3].problems} >= {"date", "items.pain"}
    assert isinstance(out[4], NotFound) and isinstance(out[5], NotFound)
    assert isinstance(out[6], PermissionDenied)
    assert isinstance(out[7], ValidationError)
    assert isinstance(out[8], DiaryWrite) and out[8].body["items"] == {"pain": 7}
    with uow_factory() as uow:
        stored = sorted(e[1]["pain"] for e in uow.diary.series(mine.id))
        assert stored == [3, 7]  # two rows, no duplicate from the replay
        events = [(e.action, e.entity) for e in uow.audit.for_patient(mine.id)]
        assert sorted(events) == [
            ("create", "diary_entry"),
            ("create", "diary_entry"),
            ("replay", "diary_entry"),
        ]
        assert verify(uow).ok


def test_a_key_stored_by_an_earlier_batch_is_replayed(uow_factory, factory) -> None:
    clinic = factory.clinic()
    mine = factory.patient(clinic)
    me = factory.actor(factory.user(Role.PATIENT, clinic, patient=mine))
    with uow_factory() as uow:
        (first,) = add_diary_entries(uow, [prepare_diary_entry(me, mine.id, _body(2), "k")])
        uow.commit()
    with uow_factory() as uow:
        again, other = add_diary_entries(
            uow,
            [
                prepare_diary_entry(me, mine.id, _body(2), "k"),
                prepare_diary_entry(me, mine.id, _body(9), "k"),
            ],
        )
        uow.commit()
    assert isinstance(first, DiaryWrite) and isinstance(again, DiaryWrite)
    assert again.replayed and again.body == first.body
    assert isinstance(other, Conflict)
