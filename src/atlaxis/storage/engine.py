"""Engines and sessions for SQLite (WAL, foreign keys, busy timeout) and PostgreSQL (psycopg 3).

On SQLite a writing unit of work starts with ``BEGIN IMMEDIATE`` so that it takes the write
lock up front (a deferred transaction that reads and then writes can fail with a busy
snapshot under concurrency); a read-only unit of work starts a plain deferred transaction.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from atlaxis.errors import ConfigurationError, Problem
from atlaxis.storage.repositories.base import LOOP_BATCH, NeedsConnection

#: execution option read by the SQLite ``begin`` hook
BEGIN_OPTION = "atlaxis_sqlite_begin"
BUSY_TIMEOUT_MS = 10_000

#: PostgreSQL: a pooled connection idle for longer than this is pinged before it is used
PING_AFTER_IDLE_S = 1.0
_LAST_USED = "atlaxis_last_used"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _normalise_url(url: str) -> str:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql" and parsed.get_driver_name() in ("", "psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend not in ("sqlite", "postgresql"):
        raise ConfigurationError(
            "unsupported database",
            problems=[Problem("database_url", f"backend {backend!r}", "sqlite, postgresql")],
        )
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, *, echo: bool = False, pool_size: int = 10, **kwargs: Any) -> Engine:
    """An engine for ``url`` with the pragmas and pool settings atlaxis relies on."""
    url = _normalise_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url, echo=echo, **kwargs)
    engine = create_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=pool_size * 2, **kwargs
    )
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Pessimistic disconnect handling, for connections that may have gone stale: one that
    sat in the pool longer than :data:`PING_AFTER_IDLE_S` is pinged at checkout and, if
    dead, replaced (the pool retries with a new one). One in steady use is not: under load
    every checkout would otherwise pay a round trip (``pool_pre_ping``), and a server that
    restarts mid-load fails the statements in flight either way, after which SQLAlchemy
    renews the whole pool."""

    @event.listens_for(engine, "connect")
    def _fresh(_dbapi_connection: Any, record: Any) -> None:
        record.info[_LAST_USED] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _used(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_LAST_USED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get(_LAST_USED, 0.0) <= PING_AFTER_IDLE_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise exc.DisconnectionError("stale pooled connection") from error


def _sqlite_engine(url: str, *, echo: bool, **kwargs: Any) -> Engine:
    memory = url in ("sqlite://", "sqlite:///:memory:")
    connect_args = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
    if memory:
        engine = create_engine(url, echo=echo, connect_args=connect_args, **kwargs)
    else:
        kwargs.setdefault("pool_size", 16)
        kwargs.setdefault("max_overflow", 48)
        engine = create_engine(url, echo=echo, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy (not the sqlite3 module) decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get(BEGIN_OPTION, "IMMEDIATE")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN")

    return engine


#: ``session.info`` key set by a read-only unit of work while it reads
READ_ONLY = "atlaxis_read_only"


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that never expire objects on commit (values stay readable after the edge
    commits) and refuse to write while marked read-only."""
    factory = sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
    event.listen(factory, "before_flush", _refuse_flush)
    event.listen(factory, "do_orm_execute", _refuse_dml)
    return factory


def _refuse_flush(session: Session, _context: Any, _instances: Any) -> None:
    if LOOP_BATCH in session.info and (session.new or session.dirty or session.deleted):
        raise NeedsConnection("the ORM in an event-loop batch")
    if session.info.get(READ_ONLY) and (session.new or session.dirty or session.deleted):
        raise RuntimeError("a read-only unit of work cannot write data")


def _refuse_dml(state: Any) -> None:
    if LOOP_BATCH in state.session.info:
        raise NeedsConnection("the ORM in an event-loop batch")
    if state.session.info.get(READ_ONLY) and (
        state.is_insert or state.is_update or state.is_delete
    ):
        raise RuntimeError("a read-only unit of work cannot write data")


__all__ = [
    "is_sqlite",
    "make_engine",
    "session_factory",
]
