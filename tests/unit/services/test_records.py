"""Reading one record by id: in scope it is returned and audited; out of scope it reads as
missing (same message as a truly missing id); patients may not read alerts."""

from __future__ import annotations

from datetime import date

import pytest

from atlaxis.domain import Role
from atlaxis.errors import NotFound, PermissionDenied
from atlaxis.services.assessments import save_assessment
from atlaxis.services.diary import add_diary_entry
from atlaxis.services.episodes import create_episode
from atlaxis.services.records import get_alert, get_diary_entry, get_episode


def _run(uow_factory, fn, *args):
    with uow_factory() as uow:
        out = fn(uow, *args)
        uow.commit()
    return out


@pytest.fixture
def setup(factory, uow_factory):
    a, b = factory.clinic("A"), factory.clinic("B")
    p = factory.patient(a)
    doc = factory.actor(factory.user(Role.CLINICIAN, a))
    other = factory.actor(factory.user(Role.CLINICIAN, b))
    me = factory.actor(factory.user(Role.PATIENT, a, patient=p))
    episode = _run(uow_factory, create_episode, doc, p.id, {"care_start": "2026-01-05"})
    entry = _run(
        uow_factory,
        add_diary_entry,
        me,
        p.id,
        {"date": date.today().isoformat(), "items": {"pain": 4}},
    )
    answers = {str(i): 0 for i in range(1, 9)} | {"9": 1}
    saved = _run(
        uow_factory, save_assessment, doc, p.id, {"instrument": "phq9", "answers": answers}
    )
    return {
        "doc": doc,
        "other": other,
        "me": me,
        "episode": episode,
        "entry_id": entry.body["id"],
        "alert": saved.alerts[0],
    }


def test_in_scope_reads_return_the_record(uow_factory, setup) -> None:
    assert (
        _run(uow_factory, get_episode, setup["doc"], setup["episode"].id).id == setup["episode"].id
    )
    assert _run(uow_factory, get_diary_entry, setup["me"], setup["entry_id"]).items == {"pain": 4}
    assert _run(uow_factory, get_alert, setup["doc"], setup["alert"].id).kind == setup["alert"].kind


def test_other_clinic_reads_like_missing(uow_factory, setup) -> None:
    with pytest.raises(NotFound) as other:
        _run(uow_factory, get_episode, setup["other"], setup["episode"].id)
    with pytest.raises(NotFound) as missing:
        _run(uow_factory, get_episode, setup["other"], 10**9)
    assert str(other.value).replace(str(setup["episode"].id), "N") == str(missing.value).replace(
        str(10**9), "N"
    )


def test_patients_may_not_read_alerts(uow_factory, setup) -> None:
    with pytest.raises(PermissionDenied):
        _run(uow_factory, get_alert, setup["me"], setup["alert"].id)
