"""PostgreSQL: the group committer's batches run on the event loop (``storage.event_loop_batch``)
with two round trips and no worker thread; anything that batch cannot do — a job using the
ORM, a refused write, a connection that failed before its COMMIT — runs on the worker thread
instead, as before, with nothing of the first attempt left behind. A connection lost with
the COMMIT in flight fails the batch's requests rather than risking a second copy."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.pool import NullPool

from atlaxis.domain import Actor, Role
from atlaxis.services import diary
from atlaxis.services.audit import verify
from atlaxis.storage import Database, UnitOfWork
from atlaxis.storage import event_loop_batch as loop_batch
from atlaxis.storage.repositories.audit import PendingEvent
from atlaxis.web.group_commit import GroupCommitter


@pytest.fixture
def pg(database: Database) -> Database:
    if database.is_sqlite:
        pytest.skip("event-loop batches are PostgreSQL's (SQLite's statements are calls)")
    return database


def _event(n: int, patient_id: int) -> PendingEvent:
    return PendingEvent(action="read", entity="timeline", entity_id=str(n), patient_id=patient_id)


def _threaded(committer: GroupCommitter) -> list[int]:
    """Record the batches that run on the worker thread (the fallback)."""
    ran: list[int] = []
    original = committer._commit

    def counting(batch: list[Any]) -> Any:
        ran.append(len(batch))
        return original(batch)

    committer._commit = counting  # type: ignore[method-assign]
    return ran


def _checkins(patient: Any, user_id: int, n: int) -> list[diary.DiaryRequest]:
    actor = Actor(user_id, Role.PATIENT, patient.clinic_id, patient.id, via="token")
    return [
        diary.prepare_diary_entry(
            actor, patient.id, {"date": "2025-03-01", "items": {"pain": k % 11}}, f"key-{k}"
        )
        for k in range(n)
    ]


def _patient_user(factory: Any) -> tuple[Any, Any]:
    clinic = factory.clinic()
    patient = factory.patient(clinic)
    user = factory.user(Role.PATIENT, clinic, patient=patient)
    return patient, user


def test_a_clean_batch_runs_on_the_loop_in_two_round_trips(pg: Database, factory: Any) -> None:
    """Check-ins, a read's audit events and a replayed key: written and answered, the chain
    intact, no worker thread, no pooled connection, two pipelines (queries; writes+COMMIT)."""
    patient, user = _patient_user(factory)
    committer = GroupCommitter(pg)
    threaded = _threaded(committer)
    checkouts: list[int] = []

    def checkout(*_args: Any) -> None:
        checkouts.append(1)

    event.listen(pg.engine, "checkout", checkout)
    trips: list[str] = []
    send, commit = loop_batch.LoopBatch.send, loop_batch.LoopBatch.commit

    async def counted_send(self: Any) -> None:
        trips.append("queries")
        await send(self)

    async def counted_commit(self: Any) -> None:
        trips.append("writes+commit")
        await commit(self)

    requests = _checkins(patient, user.id, 12)
    replay = diary.prepare_diary_entry(
        requests[0].actor, patient.id, {"date": "2025-03-01", "items": {"pain": 0}}, "key-0"
    )

    async def main() -> list[Any]:
        calls = [
            committer.run_grouped(diary.add_diary_entries, r, diary.prefetch_diary_entries)
            for r in requests
        ]
        calls.append(committer.append([_event(7, patient.id)]))
        first = await asyncio.gather(*calls)
        again = await committer.run_grouped(
            diary.add_diary_entries, replay, diary.prefetch_diary_entries
        )
        return [*first, again]

    mp = pytest.MonkeyPatch()
    mp.setattr(loop_batch.LoopBatch, "send", counted_send)
    mp.setattr(loop_batch.LoopBatch, "commit", counted_commit)
    try:
        out = asyncio.run(main())
    finally:
        mp.undo()
        event.remove(pg.engine, "checkout", checkout)
    writes = out[:12]
    assert [w.status for w in writes] == [201] * 12
    assert len({w.body["id"] for w in writes}) == 12
    assert out[13].replayed and out[13].body == writes[0].body
    assert threaded == [] and checkouts == []
    assert trips == ["queries", "writes+commit"] * 2
    with pg.uow(read_only=True) as uow:
        stored = uow.diary.page(patient.id, limit=100)
        assert sorted(e.id for e in stored) == sorted(w.body["id"] for w in writes)
        logged = uow.audit.for_patient(patient.id)
        assert sorted(e.action for e in logged) == ["create"] * 12 + ["read", "replay"]
        assert verify(uow).ok


def test_a_job_using_the_orm_runs_the_batch_on_the_thread_once(
    pg: Database, factory: Any
) -> None:
    """The ORM has no place on the loop: the batch runs again on the worker thread, and
    what the loop attempt did is gone (one clinic, one set of events)."""
    patient, _user = _patient_user(factory)
    committer = GroupCommitter(pg)
    threaded = _threaded(committer)

    def orm(uow: UnitOfWork) -> int:
        uow.audit.record(_event(1, patient.id))
        clinic = uow.clinics.add("Written once", "once")
        assert clinic.id is not None
        return clinic.id

    async def main() -> list[Any]:
        return await asyncio.gather(committer.run(orm), committer.append([_event(2, patient.id)]))

    clinic_id, _ = asyncio.run(main())
    assert threaded == [2]
    with pg.uow(read_only=True) as uow:
        count = uow.session.execute(
            text("SELECT count(*) FROM clinics WHERE name = 'Written once'")
        ).scalar_one()
        assert count == 1 and isinstance(clinic_id, int)
        logged = sorted(int(e.entity_id or 0) for e in uow.audit.for_patient(patient.id))
        assert logged == [1, 2]
        assert verify(uow).ok


def test_a_token_refresh_shares_the_loop_batch(pg: Database, factory: Any) -> None:
    """A phone's first check-in of the day refreshes its token's last-used time in the same
    batch: a driver-level write, so the batch stays on the loop (the ORM would send it to
    the thread, and nearly every real check-in carries one)."""
    from datetime import UTC, datetime

    from atlaxis.services import auth
    from atlaxis.services.auth import create_api_token

    patient, user = _patient_user(factory)
    with pg.uow() as uow:
        token = create_api_token(uow, Actor.system(), user.id, "phone", ["read", "write"])
        uow.commit()
    committer = GroupCommitter(pg)
    threaded = _threaded(committer)
    found = auth.Authenticated(actor=Actor.system(), token_id=token.token.id)
    at = datetime(2025, 3, 1, 7, 30, 15, 250000, tzinfo=UTC)
    request = _checkins(patient, user.id, 1)[0]

    async def main() -> Any:
        writing = committer.run_grouped(
            diary.add_diary_entries, request, diary.prefetch_diary_entries
        )
        refresh = committer.append([], lambda uow: auth.touch(uow, found, now=at))
        return await asyncio.gather(writing, refresh)

    written, _ = asyncio.run(main())
    assert written.status == 201 and threaded == []
    with pg.uow(read_only=True) as uow:
        stored = uow.api_tokens.by_hash(token.token.token_hash)
        assert stored is not None and stored.last_used_at is not None
        assert stored.last_used_at.replace(tzinfo=UTC) == at


def test_an_orm_read_runs_on_the_thread_not_on_the_loop(pg: Database, factory: Any) -> None:
    """An ORM query would block the event loop on a pooled connection: that batch runs on
    the worker thread (as a clinician's check-in does: its scope check reads the patient)."""
    patient, _user = _patient_user(factory)
    committer = GroupCommitter(pg)
    threaded = _threaded(committer)

    def read(uow: UnitOfWork) -> int | None:
        uow.audit.record(_event(1, patient.id))
        return uow.patients.clinic_of(patient.id)

    assert asyncio.run(committer.run(read)) == patient.clinic_id
    assert threaded == [1]


def test_a_refused_write_fails_alone_on_the_thread(pg: Database, factory: Any) -> None:
    """A row the database refuses at COMMIT (here: a diary entry of a patient that does not
    exist) rolls the loop's transaction back; on the worker thread, with a savepoint each,
    only its own item fails."""
    patient, _user = _patient_user(factory)
    committer = GroupCommitter(pg)
    threaded = _threaded(committer)
    columns = ("patient_id", "local_date", "items", "body_map", "note", "recalled", "created_at")

    def group(uow: UnitOfWork, items: list[int]) -> list[Any]:
        moment = "2025-03-02 08:00:00.000000"
        rows = [(pid, "2025-03-02", '{"pain": 1}', "[]", "", False, moment) for pid in items]
        uow.bulk.load("diary_entries", columns, rows)
        for pid in items:
            uow.audit.record(_event(pid, patient.id))
        return list(items)

    targets = [patient.id, 10**9, patient.id]

    async def main() -> list[Any]:
        return await asyncio.gather(
            *(committer.run_grouped(group, p) for p in targets), return_exceptions=True
        )

    out = asyncio.run(main())
    assert out[0] == out[2] == patient.id and isinstance(out[1], Exception)
    assert threaded == [3]
    with pg.uow(read_only=True) as uow:
        assert len(uow.diary.page(patient.id, limit=10)) == 2
        logged = [int(e.entity_id or 0) for e in uow.audit.for_patient(patient.id)]
        assert logged == [patient.id, patient.id]
        assert verify(uow).ok


def test_a_connection_lost_before_the_commit_is_replaced(pg: Database, factory: Any) -> None:
    """The loop's connection killed between batches: the next batch runs on the thread (it
    was not written), the one after that on a new connection of the loop."""
    patient, _user = _patient_user(factory)
    committer = GroupCommitter(pg)
    threaded = _threaded(committer)
    assert committer.loop_connections is not None
    admin = create_engine(pg.url, poolclass=NullPool)

    async def main() -> None:
        await committer.append([_event(1, patient.id)])
        connection = await committer.loop_connections.connection()  # type: ignore[union-attr]
        with admin.connect() as conn:
            pid = connection.info.backend_pid
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        await committer.append([_event(2, patient.id)])
        await committer.append([_event(3, patient.id)])

    try:
        asyncio.run(main())
    finally:
        admin.dispose()
    assert threaded == [1]
    with pg.uow(read_only=True) as uow:
        logged = sorted(int(e.entity_id or 0) for e in uow.audit.for_patient(patient.id))
        assert logged == [1, 2, 3]
        assert verify(uow).ok


def test_a_commit_of_unknown_outcome_fails_the_batch_and_is_not_run_again(
    pg: Database, factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    patient, _user = _patient_user(factory)
    committer = GroupCommitter(pg)
    threaded = _threaded(committer)

    async def lost(self: Any) -> None:
        raise loop_batch.WriteUnknown("the connection failed during COMMIT")

    monkeypatch.setattr(loop_batch.LoopBatch, "commit", lost)

    async def main() -> list[Any]:
        calls = [committer.append([_event(n, patient.id)]) for n in range(3)]
        return await asyncio.gather(*calls, return_exceptions=True)

    out = asyncio.run(main())
    assert all(isinstance(o, loop_batch.WriteUnknown) for o in out)
    assert threaded == []  # not run again: it may have been written


def test_a_broken_connection_during_commit_is_reported_as_unknown(pg: Database) -> None:
    """``LoopBatch.commit`` on a connection whose server process is gone: not a refusal
    (the server never answered), so the outcome is unknown."""
    connections = pg.loop_connections()
    assert connections is not None
    admin = create_engine(pg.url, poolclass=NullPool)

    async def main() -> None:
        connection = await connections.connection()
        batch = loop_batch.LoopBatch(connection)
        batch.query("SELECT 1", [])
        await batch.send()
        with admin.connect() as conn:
            pid = connection.info.backend_pid
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        batch.write("SELECT 1", [])
        try:
            with pytest.raises(loop_batch.WriteUnknown):
                await batch.commit()
        finally:
            await connections.close()

    try:
        asyncio.run(main())
    finally:
        admin.dispose()
