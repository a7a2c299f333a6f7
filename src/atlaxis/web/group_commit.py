"""Group commit: many requests' writes in one transaction, one fsync, one audit-chain append.

Every write and every read of patient data appends to one hash-chained audit log, so
writers are serialised by design; committing them one transaction at a time makes the
queue of waiting requests the latency. Here a request hands its database work (a function
of a :class:`UnitOfWork`) and/or its buffered audit events to the committer and awaits the
outcome. The committer takes everything queued, runs it in one unit of work on one worker
thread (each job inside its own SAVEPOINT, so a failing job rolls back alone, its audit
events with it), appends all audit events to the chain in order and commits once. Only then
are the waiting requests answered: an acknowledged write, and the audit event of an answered
read, are committed like before (durable against a killed server); they merely share a
transaction with their neighbours.

On PostgreSQL a batch runs on the event loop itself when it can (``storage.event_loop_batch``:
its first queries in one round trip, then every write with the COMMIT in another, on an
asynchronous connection; no worker thread waiting for the GIL the loop holds); anything that
path cannot do — a job using the ORM, a refused write, a connection that failed before the
COMMIT — runs the batch on the worker thread instead, as described above, with nothing of
the first attempt left.

While one batch commits, new work queues for the next, so batches grow with load and the
cost per request falls. On SQLite the committer holds the in-process write gate for each
batch (other writers still take turns with it). Batches run on a thread of the committer's
own, one at a time, from a task of their own: a client that hangs up cancels only its own
wait (its job is still written, as it would be had it hung up a moment later), never a
batch half way.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from atlaxis.errors import AtlaxisError
from atlaxis.storage import Database, UnitOfWork
from atlaxis.storage.event_loop_batch import LoopBatch, WriteUnknown
from atlaxis.storage.repositories.audit import PendingEvent

T = TypeVar("T")

#: most jobs in one transaction (bounds a batch's duration and a failure's blast radius)
MAX_BATCH = 256


#: a batch function: ``group(uow, items)`` returns one outcome per item, an exception
#: instance for an item that failed (the others are still written)
Group = Callable[[UnitOfWork, list[Any]], list[Any]]


#: ``prefetch(uow, keys)``: load what the batch's reads will look up by key, in one query
Prefetch = Callable[[UnitOfWork, list[Any]], None]


@dataclass
class _Job:
    future: asyncio.Future[Any]
    work: Callable[[UnitOfWork], Any] | None
    events: list[PendingEvent] = field(default_factory=list)
    group: Group | None = None
    item: Any = None
    prefetch: Prefetch | None = None
    key: Any = None


@dataclass(frozen=True)
class _Refused:
    """A read's domain error (scope, not found): raised to its caller, not to the batch."""

    error: AtlaxisError


@dataclass
class _LoopState:
    """One event loop's queue of jobs (each has a ``future``) and the task draining it."""

    queue: list[Any] = field(default_factory=list)
    task: asyncio.Task[None] | None = None


#: runs one batch; one (ok, value or exception) per job
BatchRunner = Callable[[list[Any]], Awaitable[list[tuple[bool, Any]]]]


def _own_thread(owner: object, name: str) -> ThreadPoolExecutor:
    """One worker thread for ``owner``'s batches (a loop drains one batch at a time), shut
    down when ``owner`` is collected. Cheaper per batch than the shared thread pool (no
    capacity limiter, no cancel scopes)."""
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
    weakref.finalize(owner, executor.shutdown, wait=False)
    return executor


async def _drain(state: _LoopState, runner: BatchRunner, max_batch: int) -> None:
    """Run the queue in batches of at most ``max_batch``; settle each job's future (every
    job of a batch that could not run at all gets that batch's exception)."""
    while state.queue:
        batch = state.queue[:max_batch]
        del state.queue[:max_batch]
        try:
            outcomes = await runner(batch)
        except BaseException as exc:
            for job in batch:
                if not job.future.done():
                    job.future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            continue
        for job, (ok, value) in zip(batch, outcomes, strict=True):
            if job.future.done():
                continue
            if ok:
                job.future.set_result(value)
            else:
                job.future.set_exception(value)


class _Batcher:
    """What the committer and the reader share: a queue per event loop, drained in batches
    of at most ``max_batch`` on a thread of the batcher's own."""

    def __init__(self, database: Database, max_batch: int, thread_name: str) -> None:
        self.database = database
        self.max_batch = max_batch
        self._states: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopState] = (
            weakref.WeakKeyDictionary()
        )
        self._thread = _own_thread(self, thread_name)

    def _enqueue(self, job: Any, runner: BatchRunner) -> None:
        """Queue ``job`` on this loop's queue; start draining it unless a drain is running."""
        loop = asyncio.get_running_loop()
        state = self._states.get(loop)
        if state is None:
            state = self._states[loop] = _LoopState()
        state.queue.append(job)
        if state.task is None or state.task.done():
            state.task = loop.create_task(_drain(state, runner, self.max_batch))


class GroupCommitter(_Batcher):
    """Batches write jobs and audit events per event loop; see the module docstring."""

    def __init__(self, database: Database, gate: Any = None, *, max_batch: int = MAX_BATCH):
        super().__init__(database, max_batch, "atlaxis-commit")
        self.gate = gate  # web.deps.WriteGate (typed loosely: deps imports this module)
        #: PostgreSQL: batches run on the event loop (``storage.event_loop_batch``)
        self.loop_connections = database.loop_connections()

    async def close(self) -> None:
        """Close this event loop's connection of the batches (at shutdown)."""
        if self.loop_connections is not None:
            await self.loop_connections.close()

    async def run(self, work: Callable[[UnitOfWork], T]) -> T:
        """Run ``work(uow)`` in the next batch; its return value once the batch committed.
        An exception raised by ``work`` (its savepoint rolled back) is raised here."""
        result: T = await self._submit(_Job(self._future(), work))
        return result

    async def run_grouped(self, group: Group, item: Any, prefetch: Prefetch | None = None) -> Any:
        """Hand ``item`` to ``group``, called once per batch with every item queued for it
        (a few statements for the lot instead of a few per item). Should the call fail as
        a whole, each item is retried alone in its own savepoint. ``prefetch(uow, items)``
        sends the group's lookups with the batch's first queries (see :meth:`read`); the
        items are its keys, so they must hash (by identity is fine)."""
        job = _Job(self._future(), None, group=group, item=item, prefetch=prefetch, key=item)
        return await self._submit(job)

    async def append(
        self, events: list[PendingEvent], work: Callable[[UnitOfWork], Any] | None = None
    ) -> None:
        """Append audit events (e.g. a read's) to the chain in the next batch, with an
        optional small ``work`` (refreshing a session's last-seen time)."""
        if events or work is not None:
            await self._submit(_Job(self._future(), work, list(events)))

    async def read(
        self, read: Callable[[UnitOfWork], T], prefetch: Prefetch | None = None, key: Any = None
    ) -> T:
        """Run a short read (``read(uow)``, a few lookups) in the next batch: the audit
        events it records are appended and committed with the batch, before this returns
        (one transaction and one thread hop where a read and then its audit append took
        two each). A domain error it raises (:class:`AtlaxisError`: not found, out of
        scope) drops its events and is raised here; it does not disturb the batch.
        ``prefetch``/``key``: as for :class:`GroupReader`."""
        job = _Job(self._future(), _refusing(read), prefetch=prefetch, key=key)
        value = await self._submit(job)
        if isinstance(value, _Refused):
            raise value.error
        result: T = value
        return result

    @staticmethod
    def _future() -> asyncio.Future[Any]:
        return asyncio.get_running_loop().create_future()

    async def _submit(self, job: _Job) -> Any:
        self._enqueue(job, self._run_batch)
        return await job.future  # cancelled with the request: the batch skips its outcome

    async def _run_batch(self, batch: list[_Job]) -> list[tuple[bool, Any]]:
        loop = asyncio.get_running_loop()
        if self.loop_connections is not None:
            outcomes = await self._on_loop(batch)
            if outcomes is not None:
                return outcomes
        lock = None if self.gate is None else self.gate.lock()
        if lock is None:
            return await loop.run_in_executor(self._thread, self._commit, batch)
        async with lock:
            return await loop.run_in_executor(self._thread, self._commit, batch)

    async def _on_loop(self, batch: list[_Job]) -> list[tuple[bool, Any]] | None:
        """The batch on the event loop, without savepoints (PostgreSQL; see
        ``storage.event_loop_batch``): its first queries in one round trip, the jobs, then
        every write with the COMMIT in another. None, with nothing written, if a job raised
        or needs a connection of its own, if a write was refused, or if the connection
        failed before the COMMIT was sent: the worker thread then runs the batch as before.
        A connection lost with the COMMIT in flight fails the batch (it may be written)."""
        assert self.loop_connections is not None
        try:
            connection = await self.loop_connections.connection()
        except Exception:
            return None
        sending = LoopBatch(connection)
        try:
            with self.database.uow(batch=sending) as uow:
                uow.audit.lock_head_early()
                if not _prefetched(uow, batch):
                    raise _Isolate
                await sending.send()
                outcomes = _jobs(uow, batch, isolated=False)
                await uow.commit_batch()
            return outcomes
        except WriteUnknown:
            await connection.close()  # whatever it was in the middle of ends with it
            raise
        except Exception:
            with contextlib.suppress(Exception):  # a broken one is replaced next batch
                await sending.rollback()
            return None
        except BaseException:  # cancelled mid-way (shutdown): the connection is not reused
            await connection.close()
            raise

    def _commit(self, batch: list[_Job]) -> list[tuple[bool, Any]]:
        """One transaction for the batch (blocking; on the committer's thread).

        It runs first without savepoints (each costs two statements, two round trips on
        PostgreSQL); should a job or group raise, that transaction is rolled back and the
        batch runs again with a savepoint per job and group, so that one rolls back alone."""
        try:
            return self._transaction(batch, isolated=False)
        except _Isolate:
            return self._transaction(batch, isolated=True)

    def _transaction(self, batch: list[_Job], *, isolated: bool) -> list[tuple[bool, Any]]:
        with self.database.uow() as uow:
            if not isolated and not _prefetched(uow, batch):
                raise _Isolate  # the reads look their keys up one by one instead
            outcomes = _jobs(uow, batch, isolated)
            uow.commit()
        return outcomes


def _jobs(uow: UnitOfWork, batch: list[_Job], isolated: bool) -> list[tuple[bool, Any]]:
    """Run the batch's jobs, then its groups (each group once with all its items)."""
    outcomes: list[tuple[bool, Any]] = [(False, None)] * len(batch)
    groups: dict[Group, list[int]] = {}
    for index, job in enumerate(batch):
        if job.group is not None:
            groups.setdefault(job.group, []).append(index)
        else:
            outcomes[index] = _run_job(uow, job, isolated)
    for group, indexes in groups.items():
        jobs = [batch[i] for i in indexes]
        ran = _run_group(uow, group, jobs, isolated)
        for index, outcome in zip(indexes, ran, strict=True):
            outcomes[index] = outcome
    return outcomes


class _Isolate(Exception):
    """A job raised in a batch run without savepoints: run the batch again with them."""


def _run_job(uow: UnitOfWork, job: _Job, isolated: bool = True) -> tuple[bool, Any]:
    uow.audit.pending.extend(job.events)
    if job.work is None:
        return True, None
    if not isolated:
        try:
            return True, job.work(uow)
        except Exception as exc:
            raise _Isolate from exc
    mark = len(uow.audit.pending)
    savepoint = uow.session.begin_nested()
    try:
        value = job.work(uow)
        savepoint.commit()
    except Exception as exc:
        if savepoint.is_active:
            savepoint.rollback()
        del uow.audit.pending[mark:]
        return False, exc
    return True, value


def _run_group(
    uow: UnitOfWork, group: Group, jobs: list[_Job], isolated: bool = True
) -> list[tuple[bool, Any]]:
    if not isolated:
        try:
            values = group(uow, [job.item for job in jobs])
        except Exception as exc:
            raise _Isolate from exc
        return [(not isinstance(v, BaseException), v) for v in values]
    mark = len(uow.audit.pending)
    savepoint = uow.session.begin_nested()
    try:
        values = group(uow, [job.item for job in jobs])
        savepoint.commit()
    except Exception:
        if savepoint.is_active:
            savepoint.rollback()
        del uow.audit.pending[mark:]
        return [_run_job(uow, _Job(job.future, _alone(group, job.item))) for job in jobs]
    return [(not isinstance(v, BaseException), v) for v in values]


def _refusing(read: Callable[[UnitOfWork], T]) -> Callable[[UnitOfWork], T | _Refused]:
    """``read`` with its domain error (and the audit events it recorded before it) handed
    back as a value: nothing was written, so the batch goes on without a savepoint."""

    def work(uow: UnitOfWork) -> T | _Refused:
        mark = len(uow.audit.pending)
        try:
            return read(uow)
        except AtlaxisError as error:
            del uow.audit.pending[mark:]
            return _Refused(error)

    return work


def _alone(group: Group, item: Any) -> Callable[[UnitOfWork], Any]:
    def work(uow: UnitOfWork) -> Any:
        value = group(uow, [item])[0]
        if isinstance(value, BaseException):
            raise value
        return value

    return work


@dataclass
class _Read:
    future: asyncio.Future[Any]
    read: Callable[[UnitOfWork], Any]
    prefetch: Prefetch | None = None
    key: Any = None


class GroupReader(_Batcher):
    """Group read: the read-side twin of :class:`GroupCommitter`.

    Reads that arrive while a batch of reads runs are run together next, one after the
    other in one read-only unit of work on one worker thread (one connection, one thread
    hop and one transaction for the lot instead of one each). Every read of a batch arrived
    before the batch began, so each still sees every write acknowledged before it was sent.
    Each read gets its own outcome and its own audit events; an unexpected (database) error
    ends the shared transaction, and the reads not yet run are then run alone.

    A read may name a ``prefetch`` and its ``key`` (the timeline names the patient's version
    stamp): the batch first calls each prefetch once with every key of its reads, so that
    thirty reads cost one query instead of thirty round trips. What it loads is read at the
    start of the shared transaction, after every write the batch's reads must see.
    """

    def __init__(self, database: Database, slots: Any = None, *, max_batch: int = MAX_BATCH):
        super().__init__(database, max_batch, "atlaxis-read")
        self.slots = slots  # web.deps.RequestSlots (typed loosely: deps imports this module)

    async def run(
        self, read: Callable[[UnitOfWork], T], prefetch: Prefetch | None = None, key: Any = None
    ) -> tuple[T, list[PendingEvent]]:
        """``read(uow)`` in the next batch: its value and the audit events it recorded."""
        job = _Read(asyncio.get_running_loop().create_future(), read, prefetch, key)
        self._enqueue(job, self._run_batch)
        result: tuple[T, list[PendingEvent]] = await job.future
        return result

    async def _run_batch(self, batch: list[_Read]) -> list[tuple[bool, Any]]:
        loop = asyncio.get_running_loop()
        if self.slots is None:
            return await loop.run_in_executor(self._thread, self._read, batch)
        async with self.slots.semaphore():
            return await loop.run_in_executor(self._thread, self._read, batch)

    def _read(self, batch: list[_Read]) -> list[tuple[bool, Any]]:
        """Run the batch (blocking; on a worker thread)."""
        outcomes: list[tuple[bool, Any]] = []
        with self.database.uow(read_only=True) as uow:
            uow.committed = True  # nothing to write: closing ends the read
            shared = batch if _prefetched(uow, batch) else []  # else all run alone
            for job in shared:
                ok, value = _read_one(uow, job)
                outcomes.append((ok, value))
                if not ok and not isinstance(value, AtlaxisError):
                    break  # the shared transaction may be unusable: the rest run alone
        for job in batch[len(outcomes) :]:
            with self.database.uow(read_only=True) as alone:
                alone.committed = True
                outcomes.append(_read_one(alone, job))
        return outcomes


def _prefetched(uow: UnitOfWork, batch: list[_Read] | list[_Job]) -> bool:
    """Run each prefetch of the batch once with all its keys; False if one failed."""
    keys: dict[Prefetch, list[Any]] = {}
    for job in batch:
        if job.prefetch is not None:
            keys.setdefault(job.prefetch, []).append(job.key)
    try:
        for prefetch, wanted in keys.items():
            prefetch(uow, list(dict.fromkeys(wanted)))
    except Exception:
        return False
    return True


def _read_one(uow: UnitOfWork, job: _Read) -> tuple[bool, Any]:
    uow.audit.pending.clear()
    try:
        value = job.read(uow)
    except Exception as exc:
        return False, exc
    finally:
        events = list(uow.audit.pending)
        uow.audit.pending.clear()
    return True, (value, events)
