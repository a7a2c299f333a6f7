"""A group-commit batch on PostgreSQL driven from the event loop: no worker thread.

The group committer's batch is a few Python functions and two round trips to the database:
first the transaction's BEGIN, the audit head's lock and the batch's lookups (prefetches),
then the rows and the COMMIT. Run on a worker thread, every round trip ends with that thread
waiting for the GIL, which the event loop holds while it serves HTTP: under load each wait
cost more than the statements themselves, and the batch's every step queued behind the loop.
Here the batch runs on the event loop itself, with psycopg's asynchronous connection: while
the database works, the loop serves other requests, and nothing waits for the GIL.

The unit of work of such a batch (``UnitOfWork(..., batch=LoopBatch)``) has no connection of
its own. Its repositories send their driver-level queries (``Repository._driver_send``) to
the batch, which runs them all in one pipeline when the committer awaits :meth:`LoopBatch.
send`; they put their writes (``Repository._driver_write``) off until :meth:`LoopBatch.
commit`, which sends them with the COMMIT. Anything else — the ORM, a query whose rows are
wanted before they were fetched, a bulk COPY — raises :class:`NeedsConnection`, and the
committer runs that batch on its worker thread instead, as before.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Sequence
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from atlaxis.storage.repositories.base import NeedsConnection, Pending


class WriteUnknown(Exception):
    """The connection failed while the batch's COMMIT was in flight: whether it was written
    is not known, so the batch must not be run again (its callers get this error)."""


class LoopBatch:
    """The queries and writes of one batch, sent in two pipelines (see the module doc)."""

    def __init__(self, connection: psycopg.AsyncConnection[Any]) -> None:
        self.connection = connection
        self._queries: list[tuple[str, Sequence[Any], Pending]] = []
        self._writes: list[tuple[str, Sequence[Any]]] = []

    def query(self, sql: str, params: Sequence[Any]) -> Pending:
        """Queue a query (driver placeholders); its rows are there after :meth:`send`."""
        pending = Pending()
        self._queries.append((sql, params, pending))
        return pending

    def write(self, sql: str, params: Sequence[Any]) -> None:
        """Queue a write that returns nothing; it is sent with the COMMIT."""
        self._writes.append((sql, params))

    async def send(self) -> None:
        """Run the queued queries in one round trip (with the transaction's BEGIN)."""
        queries, self._queries = self._queries, []
        if not queries:
            return
        cursors = []
        async with self.connection.pipeline():
            for sql, params, _pending in queries:
                cursors.append(await self.connection.execute(sql, params))
        for cursor, (_sql, _params, pending) in zip(cursors, queries, strict=True):
            pending.fill([tuple(row) for row in await cursor.fetchall()])

    async def commit(self) -> None:
        """The queued writes and the COMMIT in one round trip. A refused write raises it (the
        transaction was rolled back: nothing written); a broken connection raises
        :class:`WriteUnknown`."""
        if self._queries:
            raise NeedsConnection("queries queued after the batch's first round trip")
        writes, self._writes = self._writes, []
        try:
            async with self.connection.pipeline():
                for sql, params in writes:
                    await self.connection.execute(sql, params)
                await self.connection.commit()
        except psycopg.Error as exc:
            if self.connection.info.transaction_status.name in ("INERROR", "IDLE"):
                raise  # the server answered: the transaction ended without being written
            raise WriteUnknown("the connection failed during COMMIT") from exc

    async def rollback(self) -> None:
        """End the transaction unwritten (a no-op on a connection already idle)."""
        if not self.connection.closed:
            await self.connection.rollback()


class LoopConnections:
    """One asynchronous PostgreSQL connection per event loop, for the group committer's
    batches (which run one at a time per loop). Opened when first wanted; one found broken
    is replaced."""

    def __init__(self, url: str) -> None:
        self.conninfo = make_url(url).set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        self._connections: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, psycopg.AsyncConnection[Any]
        ] = weakref.WeakKeyDictionary()

    async def connection(self) -> psycopg.AsyncConnection[Any]:
        loop = asyncio.get_running_loop()
        conn = self._connections.get(loop)
        if conn is None or conn.closed or conn.broken:
            conn = await psycopg.AsyncConnection.connect(self.conninfo)
            self._connections[loop] = conn
        return conn

    async def close(self) -> None:
        """Close this loop's connection (at shutdown)."""
        conn = self._connections.pop(asyncio.get_running_loop(), None)
        if conn is not None and not conn.closed:
            await conn.close()


__all__ = ["LoopBatch", "LoopConnections", "NeedsConnection", "WriteUnknown"]
