"""Shared pieces of the repositories: date-range filters, keyset (cursor) paging and the
driver-level statements of the group commit's batches."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVarTuple

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute, Session

Ts = TypeVarTuple("Ts")

#: a keyset position: (sort value, id) of the last item of the previous page
After = tuple[Any, int]


#: ``session.info`` key: the event-loop batch (``storage.event_loop_batch.LoopBatch``) a
#: unit of work without a connection of its own sends its statements to
LOOP_BATCH = "atlaxis_loop_batch"


class NeedsConnection(Exception):
    """Work in an event-loop batch (``storage.event_loop_batch``) that needs a connection of
    its own: the ORM, or rows wanted before the batch fetched them. The group committer then
    runs the batch on its worker thread."""


class Pending:
    """The rows of a query (:meth:`Repository._driver_send`): there at once outside an
    event-loop batch; in one, filled when the batch has sent its queries (several in one
    round trip)."""

    __slots__ = ("_rows",)

    def __init__(self, rows: list[tuple[Any, ...]] | None = None) -> None:
        self._rows = rows

    def fill(self, rows: list[tuple[Any, ...]]) -> None:
        self._rows = rows

    def rows(self) -> list[tuple[Any, ...]]:
        if self._rows is None:
            raise NeedsConnection("rows wanted before the batch fetched them")
        return self._rows


class Repository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _raw(self) -> Any:
        """This transaction's own driver connection (sqlite3 or psycopg)."""
        if LOOP_BATCH in self.session.info:
            raise NeedsConnection("a statement the event-loop batch cannot send")
        return self.session.connection().connection.driver_connection

    def _driver_rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run ``sql`` (``?`` placeholders; a query: it returns rows) on this transaction's
        own driver connection and return its rows. For the few statements every group-commit
        batch runs: through the ORM each costs ~0.1–0.4 ms of Python, which a batch of one
        pays in full. The text must be valid on both backends (``FOR UPDATE`` only via
        :meth:`_postgresql`)."""
        return self._driver_send(sql, params).rows()

    def _driver_send(self, sql: str, params: Sequence[Any] = ()) -> Pending:
        """Send the query ``sql`` and read its rows later: in an event-loop batch it is
        queued, to travel with the batch's other first queries; elsewhere it runs (and its
        rows are read) at once."""
        batch = self.session.info.get(LOOP_BATCH)
        if batch is not None:
            return batch.query(_placeholders(sql), params)  # type: ignore[no-any-return]
        raw = self._raw()
        cursor = raw.execute(_placeholders(sql) if self._postgresql() else sql, params)
        return Pending([tuple(row) for row in cursor.fetchall()])

    def _driver_execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run the statement ``sql`` (``?`` placeholders; no rows back) at once."""
        raw = self._raw()
        raw.execute(_placeholders(sql) if self._postgresql() else sql, params)

    def _driver_write(self, sql: str, params: Sequence[Any]) -> None:
        """Run a write that returns nothing (``sql`` in the driver's own placeholders); in an
        event-loop batch it is put off until the batch's COMMIT, and travels with it."""
        batch = self.session.info.get(LOOP_BATCH)
        if batch is not None:
            batch.write(sql, params)
        else:
            self._raw().execute(sql, params)

    def _postgresql(self) -> bool:
        return bool(self.session.get_bind().dialect.name == "postgresql")


@functools.lru_cache(maxsize=128)
def _placeholders(sql: str) -> str:
    """``?`` (SQLite's) as ``%s`` (psycopg's); our SQL has no other ``?`` or ``%``."""
    return sql.replace("?", "%s")


def day_start(value: date) -> datetime:
    return datetime.combine(value, time(0), tzinfo=UTC)


def date_range(
    stmt: Select[*Ts],
    column: InstrumentedAttribute[Any],
    start: date | None,
    end: date | None,
    *,
    is_datetime: bool = False,
) -> Select[*Ts]:
    """Inclusive ``start``..``end`` calendar days (UTC days for timestamp columns)."""
    if start is not None:
        stmt = stmt.where(column >= (day_start(start) if is_datetime else start))
    if end is not None:
        if is_datetime:
            stmt = stmt.where(column < day_start(end + timedelta(days=1)))
        else:
            stmt = stmt.where(column <= end)
    return stmt


def newest_first(
    stmt: Select[*Ts],
    column: InstrumentedAttribute[Any],
    id_column: InstrumentedAttribute[int],
    after: After | None,
    limit: int,
) -> Select[*Ts]:
    """Order by (column, id) descending and continue after the keyset position ``after``."""
    if after is not None:
        value, last_id = after
        stmt = stmt.where(or_(column < value, and_(column == value, id_column < last_id)))
    return stmt.order_by(column.desc(), id_column.desc()).limit(limit)
