"""The group reader: concurrent reads share one read-only transaction (one thread hop), yet
each gets its own value, its own audit events and its own error; a database error ends the
shared transaction and the reads after it still run, alone."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import text

from atlaxis.errors import NotFound
from atlaxis.storage import Database, UnitOfWork
from atlaxis.storage.repositories.audit import PendingEvent
from atlaxis.web.group_commit import GroupReader


def _reader(database: Database, batches: list[int]) -> GroupReader:
    reader = GroupReader(database, max_batch=8)
    original = reader._read

    def counting(batch: list[Any]) -> Any:
        batches.append(len(batch))
        return original(batch)

    reader._read = counting  # type: ignore[method-assign]
    return reader


def _read_patient(patient_id: int, n: int) -> Any:
    def read(uow: UnitOfWork) -> tuple[int, str]:
        found = uow.patients.get(patient_id)
        if found is None:
            raise NotFound(f"patient {patient_id} not found")
        uow.audit.record(PendingEvent("read", "patient", entity_id=str(n), patient_id=patient_id))
        return n, found.record_number

    return read


def test_reads_share_batches_with_their_own_outcomes(database: Database, factory: Any) -> None:
    clinic = factory.clinic()
    patients = [factory.patient(clinic) for _ in range(3)]
    batches: list[int] = []
    reader = _reader(database, batches)

    async def main() -> list[Any]:
        reads = [reader.run(_read_patient(patients[n % 3].id, n)) for n in range(30)]
        reads.append(reader.run(_read_patient(10**9, 99)))
        return await asyncio.gather(*reads, return_exceptions=True)

    out = asyncio.run(main())
    for n, outcome in enumerate(out[:30]):
        value, events = outcome
        assert value == (n, patients[n % 3].record_number)
        assert [e.entity_id for e in events] == [str(n)]  # only its own events
    assert isinstance(out[30], NotFound)
    assert max(batches) > 1 and max(batches) <= 8 and sum(batches) == 31


def test_a_database_error_ends_the_batch_and_the_rest_run_alone(
    database: Database, factory: Any
) -> None:
    clinic = factory.clinic()
    patient = factory.patient(clinic)
    batches: list[int] = []
    reader = _reader(database, batches)

    def broken(uow: UnitOfWork) -> None:
        uow.session.execute(text("SELECT no_such_column FROM patients"))

    async def main() -> list[Any]:
        reads: list[Any] = [reader.run(_read_patient(patient.id, n)) for n in range(3)]
        reads.append(reader.run(broken))
        reads += [reader.run(_read_patient(patient.id, n)) for n in range(4, 7)]
        return await asyncio.gather(*reads, return_exceptions=True)

    out = asyncio.run(main())
    assert batches == [7]  # one batch: the broken read came before three others
    assert isinstance(out[3], Exception) and not isinstance(out[3], NotFound)
    for n in (0, 1, 2, 4, 5, 6):  # out[n] is read n (out[3] is the broken one)
        value, _ = out[n]
        assert value == (n, patient.record_number)


def test_a_read_sees_a_write_acknowledged_before_it_was_sent(
    database: Database, factory: Any
) -> None:
    clinic = factory.clinic()
    patient = factory.patient(clinic)
    reader = GroupReader(database)

    def version(uow: UnitOfWork) -> int:
        stamp = uow.timeline.stamp(patient.id)
        assert stamp is not None
        return stamp.version

    async def main() -> tuple[int, int]:
        before, _ = await reader.run(version)
        with database.uow() as uow:  # acknowledged: committed before the next read is sent
            uow.session.execute(
                text("UPDATE patients SET timeline_version = timeline_version + 1 WHERE id = :i"),
                {"i": patient.id},
            )
            uow.commit()
        after, _ = await reader.run(version)
        return before, after

    before, after = asyncio.run(main())
    assert after == before + 1


def test_timeline_stamps_are_prefetched_once_per_batch(database: Database, factory: Any) -> None:
    """A batch of timeline reads loads every patient's version stamp in one query (the
    prefetch), and each read still gets its own patient's stamp; a patient that does not
    exist is None, as without the prefetch."""
    from atlaxis.services.timeline import prefetch_stamps

    clinic = factory.clinic()
    patients = [factory.patient(clinic) for _ in range(3)]
    with database.uow(read_only=True) as uow:
        expected = {p.id: uow.timeline.stamp(p.id) for p in patients}
    calls: list[list[int]] = []

    def counting(uow: UnitOfWork, ids: list[int]) -> None:
        calls.append(ids)
        prefetch_stamps(uow, ids)

    reader = GroupReader(database)
    ids = [patients[n % 3].id for n in range(12)] + [10**9]

    async def main() -> list[Any]:
        reads = [reader.run(lambda uow, i=i: uow.timeline.stamp(i), counting, i) for i in ids]
        return await asyncio.gather(*reads)

    out = asyncio.run(main())
    assert [value for value, _ in out] == [expected.get(i) for i in ids]
    assert out[-1][0] is None and all(v is not None for v, _ in out[:-1])
    assert calls == [[p.id for p in patients] + [10**9]]  # one batch, one prefetch, no repeats


def test_a_failed_prefetch_runs_every_read_alone(database: Database, factory: Any) -> None:
    clinic = factory.clinic()
    patient = factory.patient(clinic)

    def failing(uow: UnitOfWork, ids: list[int]) -> None:
        uow.session.execute(text("SELECT * FROM no_such_table"))

    reader = GroupReader(database)

    async def main() -> list[Any]:
        reads = [reader.run(_read_patient(patient.id, n), failing, n) for n in range(5)]
        return await asyncio.gather(*reads)

    out = asyncio.run(main())
    assert [value for value, _ in out] == [(n, patient.record_number) for n in range(5)]
