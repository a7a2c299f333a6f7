"""The group committer: concurrent requests share a transaction, yet each is answered with
its own outcome only after that transaction committed; a failing job rolls back alone."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from atlaxis.domain import Role
from atlaxis.services.audit import verify
from atlaxis.storage import Database, UnitOfWork
from atlaxis.storage.repositories.audit import PendingEvent
from atlaxis.web.group_commit import GroupCommitter


def _event(n: int, patient_id: int) -> PendingEvent:
    return PendingEvent(action="read", entity="timeline", entity_id=str(n), patient_id=patient_id)


def test_concurrent_jobs_share_batches_and_fail_alone(database: Database, factory) -> None:
    clinic = factory.clinic()
    patient = factory.patient(clinic)
    committer = GroupCommitter(database, max_batch=8)
    seen_batches: list[int] = []
    original = committer._run_batch

    async def counting(batch: list[Any]) -> Any:
        seen_batches.append(len(batch))
        return await original(batch)

    committer._run_batch = counting  # type: ignore[method-assign]

    def good(n: int) -> Any:
        def work(uow: UnitOfWork) -> int:
            uow.audit.record(_event(n, patient.id))
            return n

        return work

    def bad(uow: UnitOfWork) -> None:
        uow.audit.record(_event(-1, patient.id))
        uow.clinics.add("Half-written clinic", "half")
        raise ValueError("refused")

    async def main() -> list[Any]:
        jobs = [committer.run(good(n)) for n in range(20)]
        jobs.append(committer.run(bad))
        jobs.append(committer.append([_event(100, patient.id)]))
        return await asyncio.gather(*jobs, return_exceptions=True)

    out = asyncio.run(main())
    assert out[:20] == list(range(20))
    assert isinstance(out[20], ValueError) and out[21] is None
    assert max(seen_batches) > 1 and max(seen_batches) <= 8  # batched, and bounded
    with database.uow() as uow:
        ids = sorted(int(e.entity_id or 0) for e in uow.audit.for_patient(patient.id))
        assert ids == [*range(20), 100]  # the failed job's event rolled back with it
        assert all(c.name != "Half-written clinic" for c in _clinics(uow))
        assert verify(uow).ok


def _clinics(uow: UnitOfWork) -> list[Any]:
    from sqlalchemy import select

    from atlaxis.storage.tables import ClinicRow

    return list(uow.session.scalars(select(ClinicRow)))


def test_a_batch_that_cannot_commit_fails_every_waiting_request(
    database: Database, factory
) -> None:
    """On the worker thread (SQLite's path, and PostgreSQL's fallback)."""
    committer = GroupCommitter(database)
    committer.loop_connections = None

    def broken(batch: list[Any]) -> Any:
        raise RuntimeError("disk full")

    committer._commit = broken  # type: ignore[method-assign]

    async def main() -> list[Any]:
        return await asyncio.gather(
            committer.run(lambda uow: 1), committer.append([]), return_exceptions=True
        )

    first, empty = asyncio.run(main())
    assert isinstance(first, RuntimeError) and empty is None  # nothing to append: no batch


@pytest.mark.parametrize("n", [1, 40])
def test_diary_posts_through_the_api_are_committed_before_the_answer(
    app, factory, database: Database, n: int
) -> None:
    import httpx

    from atlaxis.services.auth import create_api_token

    clinic = factory.clinic()
    patient = factory.patient(clinic)
    user = factory.user(Role.PATIENT, clinic, patient=patient)
    with database.uow() as uow:
        token = create_api_token(uow, factory.actor(user), user.id, "phone", ["read", "write"])
        uow.commit()
    headers = {"Authorization": f"Bearer {token.secret}"}
    body = {"date": "2024-05-01", "items": {"pain": 4}, "note": ""}

    async def main() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            url = f"/api/v1/patients/{patient.id}/diary"
            return await asyncio.gather(
                *(
                    client.post(url, json=body, headers=headers | {"Idempotency-Key": f"k{i % 30}"})
                    for i in range(n)
                )
            )

    answers = asyncio.run(main())
    assert all(r.status_code == 201 for r in answers), [r.text for r in answers]
    ids = {r.json()["id"] for r in answers}
    assert len(ids) == min(n, 30)  # repeated keys answered with the first write
    with database.uow() as uow:
        assert len(uow.diary.series(patient.id)) == min(n, 30)
        assert verify(uow).ok


def test_a_failing_group_is_retried_item_by_item_and_clean_batches_use_no_savepoint(
    database: Database, factory
) -> None:
    """A batch first runs without savepoints; when its group raises (here on a poisoned
    item, after writing a row), that transaction is rolled back and the batch runs again
    with savepoints: the group alone, then each item alone, so only the poisoned item
    fails and nothing the failed attempts wrote remains."""
    from sqlalchemy import event

    clinic = factory.clinic()
    patient = factory.patient(clinic)
    committer = GroupCommitter(database)
    savepoints: list[str] = []
    event.listen(database.engine, "savepoint", lambda conn, name: savepoints.append(name))

    def group(uow: UnitOfWork, items: list[int]) -> list[Any]:
        for n in items:
            uow.audit.record(_event(n, patient.id))
        uow.clinics.add(f"Written by {items}", f"g{len(items)}-{min(items)}")
        if -1 in items:
            raise ValueError("poisoned")
        return items

    async def batch(items: list[int]) -> list[Any]:
        calls = [committer.run_grouped(group, n) for n in items]
        return await asyncio.gather(*calls, return_exceptions=True)

    assert asyncio.run(batch([1, 2, 3])) == [1, 2, 3]
    assert savepoints == []  # a clean batch: no savepoint at all
    out = asyncio.run(batch([4, -1, 5]))
    assert out[0] == 4 and out[2] == 5 and isinstance(out[1], ValueError)
    assert savepoints  # the retry isolated the group, then each item
    with database.uow() as uow:
        ids = sorted(int(e.entity_id or 0) for e in uow.audit.for_patient(patient.id))
        assert ids == [1, 2, 3, 4, 5]
        names = {c.name for c in _clinics(uow)}
        assert {"Written by [1, 2, 3]", "Written by [4]", "Written by [5]"} <= names
        assert not any("-1" in name or "4, -1" in name for name in names)
        assert verify(uow).ok


def test_reads_in_a_batch_commit_their_audit_events_and_refuse_alone(
    database: Database, factory
) -> None:
    """``GroupCommitter.read``: short reads share the batch of the writes (one transaction
    for reads, their audit events and the writes). A read's domain error reaches only its
    caller, with none of its audit events, and needs no savepoint; the stamps the reads
    look up are prefetched once for the batch."""
    from sqlalchemy import event

    from atlaxis.errors import NotFound
    from atlaxis.services.timeline import prefetch_stamps

    clinic = factory.clinic()
    patients = [factory.patient(clinic) for _ in range(3)]
    committer = GroupCommitter(database)
    savepoints: list[str] = []
    event.listen(database.engine, "savepoint", lambda conn, name: savepoints.append(name))
    prefetched: list[list[int]] = []
    batches: list[int] = []
    original = committer._run_batch

    async def counting(batch: list[Any]) -> Any:
        batches.append(len(batch))
        return await original(batch)

    committer._run_batch = counting  # type: ignore[method-assign]

    def prefetch(uow: UnitOfWork, ids: list[int]) -> None:
        prefetched.append(ids)
        prefetch_stamps(uow, ids)

    def read(n: int, patient_id: int) -> Any:
        def run(uow: UnitOfWork) -> int:
            uow.audit.record(_event(n, patient_id))  # recorded before the check fails
            stamp = uow.timeline.stamp(patient_id)
            if stamp is None:
                raise NotFound(f"patient {patient_id} not found")
            return stamp.version

        return run

    ids = [patients[n % 3].id for n in range(9)] + [10**9]

    async def main() -> list[Any]:
        calls = [committer.read(read(n, i), prefetch, i) for n, i in enumerate(ids)]
        calls.append(committer.append([_event(100, patients[0].id)]))
        return await asyncio.gather(*calls, return_exceptions=True)

    out = asyncio.run(main())
    with database.uow(read_only=True) as uow:
        versions = [uow.timeline.stamp(i) for i in ids[:9]]
        assert out[:9] == [v.version for v in versions if v is not None]
        assert isinstance(out[9], NotFound) and out[10] is None
        events = [e for p in patients for e in uow.audit.for_patient(p.id)]
        logged = sorted(int(e.entity_id or 0) for e in events)
        assert logged == [*range(9), 100]  # not the refused read's event
        assert verify(uow).ok
    assert batches == [11] and savepoints == []
    assert prefetched == [[p.id for p in patients] + [10**9]]


def test_a_failed_prefetch_in_a_batch_runs_it_again_without(database: Database, factory) -> None:
    """A prefetch that fails (here: a database error, which on PostgreSQL ends the
    transaction) does not fail the reads: the batch runs again, each read on its own."""
    from sqlalchemy import text

    clinic = factory.clinic()
    patient = factory.patient(clinic)
    committer = GroupCommitter(database)

    def failing(uow: UnitOfWork, ids: list[int]) -> None:
        uow.session.execute(text("SELECT * FROM no_such_table"))

    def read(uow: UnitOfWork) -> int:
        uow.audit.record(_event(1, patient.id))
        stamp = uow.timeline.stamp(patient.id)
        assert stamp is not None
        return stamp.version

    async def main() -> list[Any]:
        return await asyncio.gather(*(committer.read(read, failing, n) for n in range(4)))

    assert len(set(asyncio.run(main()))) == 1
    with database.uow(read_only=True) as uow:
        assert len(uow.audit.for_patient(patient.id)) == 4
