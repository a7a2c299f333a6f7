"""Bulk loading for generators and importers: many rows per statement, explicit ids.

Two paths, both inside the unit of work's transaction:

* :meth:`BulkRepository.insert`: rows as dicts of Python values through SQLAlchemy Core
  (types converted by SQLAlchemy; fine for hundreds of rows).
* :meth:`BulkRepository.load`: rows as tuples of database-ready values (ints, floats, bools,
  ``None`` and text: dates as ``YYYY-MM-DD``, moments from :func:`moment_text`, JSON already
  serialised), written by the driver itself: ``executemany`` on SQLite, ``COPY … FROM
  STDIN`` on PostgreSQL. For millions of rows.

:func:`bulk_database` opens a handle tuned for a one-off load (SQLite: ``synchronous=OFF``
and a larger page cache while loading, back to ``NORMAL`` afterwards). Call
:meth:`BulkRepository.reset_sequences` after loading explicit ids so that later inserts on
PostgreSQL continue after them.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import String, Table, event, func, insert, select, text
from sqlalchemy.dialects.postgresql.base import PGDialect

from atlaxis.storage.base import Base
from atlaxis.storage.repositories.base import Repository

if TYPE_CHECKING:
    from atlaxis.storage.database import Database

#: SQLite page cache while bulk loading (negative = KiB): 64 MiB
BULK_CACHE_KIB = 65_536

#: at most this many rows and parameters go in one multi-row INSERT (SQLite allows 32,766
#: parameters, PostgreSQL 65,535); bigger loads are streamed (COPY / executemany)
VALUES_ROWS = 512
VALUES_PARAMETERS = 8_192


@functools.lru_cache(maxsize=256)
def _values_sql(table: str, names: str, width: int, count: int) -> str:
    """SQLite: one multi-row INSERT (one step of its engine for the lot)."""
    row = "(" + ", ".join(["?"] * width) + ")"
    return f"INSERT INTO {table} ({names}) VALUES " + ", ".join([row] * count)


@functools.lru_cache(maxsize=64)
def _unnest_sql(table: Table, columns: tuple[str, ...]) -> str:
    """PostgreSQL: ``INSERT … SELECT`` from one text array per column. Text columns take
    the text as it is (assigning it checks their length, where a cast would truncate)."""
    dialect = PGDialect()  # type: ignore[no-untyped-call]
    casts = ", ".join(
        c if isinstance(table.c[c].type, String) else f"{c}::{table.c[c].type.compile(dialect)}"
        for c in columns
    )
    arrays = ", ".join(["%b::text[]"] * len(columns))  # binary: no per-element quoting
    names = ", ".join(columns)
    return f"INSERT INTO {table.name} ({names}) SELECT {casts} FROM unnest({arrays}) AS u({names})"


@functools.lru_cache(maxsize=16)
def _with(statement: str, insert: str) -> str:
    """PostgreSQL: ``statement`` (``?`` placeholders) and ``insert`` as one statement."""
    return f"WITH _along AS ({statement.replace('?', '%s')}) {insert}"


def _text_arrays(rows: Sequence[Sequence[Any]]) -> list[list[str | None]]:
    """The rows as one text array per column (for :func:`_unnest_sql`)."""
    return [[_copy_text(v) for v in column] for column in zip(*rows, strict=True)]


def _copy_text(value: Any) -> str | None:
    """A database-ready value as the text PostgreSQL reads for its column (as in COPY)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def moment_text(day: str, hour: int, minute: int) -> str:
    """A naive-UTC moment as stored (``YYYY-MM-DD HH:MM:SS.ffffff``, SQLAlchemy's SQLite
    form, which PostgreSQL also reads as a ``timestamp``)."""
    return f"{day} {hour:02d}:{minute:02d}:00.000000"


def moment_value(moment: datetime) -> str:
    """A moment (aware: converted to UTC; naive: taken as UTC) in the stored text form of
    :func:`moment_text`."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(sep=" ", timespec="microseconds")


def json_value(value: Any) -> str:
    """A JSON column's value as text (what SQLAlchemy's JSON type reads back as ``value``).

    orjson writes it (compact, UTF-8); a value orjson refuses but :func:`json.dumps` takes
    (an integer beyond 64 bits) is written by the latter, as the JSON type itself would."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value)


def _table(name: str) -> Table:
    table = Base.metadata.tables.get(name)
    if table is None:
        raise KeyError(f"no table {name!r}")
    return table


def _check_columns(table: Table, columns: Sequence[str]) -> None:
    """Every named column exists; every required column without a default is named."""
    unknown = [c for c in columns if c not in table.c]
    required = [
        c.name
        for c in table.c
        if not c.nullable
        and c.server_default is None
        and not (c.primary_key and c.autoincrement in (True, "auto"))
        and c.name not in columns
    ]
    if unknown or required:
        raise ValueError(
            f"bulk load into {table.name}: unknown columns {unknown}, missing {required}"
        )


class BulkRepository(Repository):
    def insert(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(_table(table)), list(rows))

    def load(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
        """Append ``rows`` (tuples in ``columns`` order, database-ready values) to ``table``.

        A few hundred rows (a group commit's batch) go in one multi-row ``INSERT`` (one
        round trip to PostgreSQL, one step of SQLite's engine); more are streamed."""
        t = _table(table)
        _check_columns(t, columns)
        if not rows:
            return 0
        names = ", ".join(columns)
        postgresql = self._postgresql()
        if postgresql and len(rows) <= VALUES_ROWS:
            # one statement whatever the row count (so prepared and planned once): a text
            # array per column, each cast to its column's type as COPY would read it (in an
            # event-loop batch: sent with its COMMIT)
            self._driver_write(_unnest_sql(t, tuple(columns)), _text_arrays(rows))
            return len(rows)
        raw: Any = self._raw()
        if len(rows) <= VALUES_ROWS and len(rows) * len(columns) <= VALUES_PARAMETERS:
            sql = _values_sql(t.name, names, len(columns), len(rows))
            raw.execute(sql, [value for row in rows for value in row])
        elif postgresql:
            copy_sql = f"COPY {t.name} ({names}) FROM STDIN"
            with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            raw.executemany(f"INSERT INTO {t.name} ({names}) VALUES ({marks})", rows)
        return len(rows)

    def load_along(
        self,
        table: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        statement: str,
        params: Sequence[Any],
    ) -> None:
        """:meth:`load`, and ``statement`` (``?`` placeholders; it modifies data and returns
        nothing) before it in the same transaction. On PostgreSQL a batch's worth of rows
        and the statement go as one (``WITH … INSERT``): each statement costs ~0.1 ms of
        driver work, and every group-commit batch runs this (in an event-loop batch: sent
        with its COMMIT)."""
        t = _table(table)
        if not (self._postgresql() and 0 < len(rows) <= VALUES_ROWS):
            self._driver_execute(statement, params)
            self.load(table, columns, rows)
            return
        _check_columns(t, columns)
        sql = _with(statement, _unnest_sql(t, tuple(columns)))
        self._driver_write(sql, [*params, *_text_arrays(rows)])

    def max_id(self, table: str) -> int:
        t = _table(table)
        return int(self.session.execute(select(func.max(t.c.id))).scalar() or 0)

    def count(self, table: str) -> int:
        t = _table(table)
        return int(self.session.execute(select(func.count()).select_from(t)).scalar_one())

    def reset_sequences(self) -> None:
        """PostgreSQL: move every id sequence past the largest id (no-op on SQLite)."""
        if self.session.get_bind().dialect.name != "postgresql":
            return
        for table in Base.metadata.sorted_tables:
            if "id" not in table.c or not table.c.id.autoincrement:
                continue
            self.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table.name}), 1))"
                )
            )


def _pragmas(dbapi_connection: Any, statements: Sequence[str]) -> None:
    cursor = dbapi_connection.cursor()
    for statement in statements:
        cursor.execute(statement)
    cursor.close()


LOADING = ("PRAGMA synchronous=OFF", f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
SETTLED = ("PRAGMA synchronous=NORMAL", "PRAGMA cache_size=-2000", "PRAGMA optimize")


@contextmanager
def bulk_database(url: str) -> Iterator[Database]:
    """A database handle for one bulk load, disposed afterwards. On SQLite its connections
    skip fsync (``synchronous=OFF``; a crash mid-load can lose the load, never an earlier
    commit's data in WAL mode) and keep a bigger page cache; both go back to the defaults
    (and ``PRAGMA optimize`` runs) when the load ends."""
    from atlaxis.storage.database import Database

    db = Database(url)
    sqlite = db.is_sqlite
    if sqlite:
        event.listen(db.engine, "connect", lambda conn, _rec: _pragmas(conn, LOADING))
    try:
        yield db
    finally:
        try:
            if sqlite:
                with db.engine.connect() as conn:
                    _pragmas(conn.connection.driver_connection, SETTLED)
        finally:
            db.dispose()
