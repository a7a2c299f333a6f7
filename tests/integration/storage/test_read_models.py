"""Batch read models on both backends: the answers equal what the per-patient repository calls
give, for several patients at once, and other clinics never appear."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from atlaxis.domain import Role
from atlaxis.services.assessments import save_assessment
from atlaxis.services.diary import add_diary_entry
from atlaxis.storage.read_models import ReadModels

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def _phq9(total_ones: int) -> dict[str, int]:
    """PHQ-9 answers with ``total_ones`` items at 1 and the rest 0 (total = total_ones)."""
    return {str(i): 1 if i <= total_ones else 0 for i in range(1, 10)}


def _seed(uow_factory: Any, factory: Any) -> tuple[list[int], int]:
    clinic, other = factory.clinic(), factory.clinic()
    doc = factory.actor(factory.user(Role.CLINICIAN, clinic))
    stranger_doc = factory.actor(factory.user(Role.CLINICIAN, other))
    a, b, c = (factory.patient(clinic).id for _ in range(3))
    stranger = factory.patient(other).id
    with uow_factory() as uow:
        for k, total in enumerate((3, 5, 8)):  # a: three PHQ-9s, newest is 8
            at = (T0 + timedelta(days=7 * k)).isoformat()
            save_assessment(
                uow, doc, a, {"instrument": "phq9", "answers": _phq9(total), "taken_at": at}
            )
        save_assessment(uow, doc, b, {"instrument": "phq9", "answers": _phq9(2)})
        for day in ("2025-03-02", "2025-03-09", "2025-03-05"):
            add_diary_entry(uow, doc, a, {"date": day, "items": {"pain": 4}})
        add_diary_entry(uow, stranger_doc, stranger, {"date": "2025-04-01", "items": {"pain": 1}})
        save_assessment(uow, stranger_doc, stranger, {"instrument": "phq9", "answers": _phq9(9)})
        uow.commit()
    return [a, b, c], int(clinic.id)


def test_last_diary_days_and_recent_totals(db_url: str, uow_factory: Any, factory: Any) -> None:
    (a, b, c), _ = _seed(uow_factory, factory)
    with uow_factory() as uow:
        reads = ReadModels(uow.session)
        days = reads.last_diary_days([a, b, c])
        assert {k: v.isoformat() for k, v in days.items()} == {a: "2025-03-09"}
        assert days[a] == uow.diary.page(a, limit=1)[0].local_date
        rows = reads.recent_totals([a, b, c], ["phq9", "ndi"])
    got = [(r.patient_id, r.instrument, r.total) for r in rows]
    # the two newest of a (5 then 8, oldest first), the single one of b; nothing for c
    assert got == [(a, "phq9", 5.0), (a, "phq9", 8.0), (b, "phq9", 2.0)]
    assert rows[0].taken_at < rows[1].taken_at


def test_latest_in_clinic_and_of_patient(db_url: str, uow_factory: Any, factory: Any) -> None:
    (a, b, _), clinic_id = _seed(uow_factory, factory)
    with uow_factory() as uow:
        reads = ReadModels(uow.session)
        latest = reads.latest_in_clinic(clinic_id, "phq9")
        assert sorted(latest) == [a, b]  # the other clinic's patient is not there
        assert latest[a].result["total"] == 8 and latest[a].answers == _phq9(8)
        assert latest[b].result["total"] == 2
        mine = reads.latest_of_patient(a, ["phq9", "gad7"])
        assert list(mine) == ["phq9"] and mine["phq9"].result["total"] == 8
        expected = uow.assessments.page(a, instrument="phq9", limit=1)[0]
        assert mine["phq9"].taken_at == expected.taken_at
