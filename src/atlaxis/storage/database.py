"""A database handle: engine + session factory + units of work (built by a factory, never
at import time)."""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from atlaxis.storage.engine import is_sqlite, make_engine, session_factory
from atlaxis.storage.event_loop_batch import LoopBatch, LoopConnections
from atlaxis.storage.uow import UnitOfWork


class Database:
    def __init__(self, url: str, *, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine if engine is not None else make_engine(url)
        self.sessions: sessionmaker[Session] = session_factory(self.engine)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.engine)

    def uow(self, *, read_only: bool = False, batch: LoopBatch | None = None) -> UnitOfWork:
        """A unit of work (``batch``: one without a connection, whose statements go to an
        event-loop batch; see ``storage.event_loop_batch``)."""
        return UnitOfWork(self.sessions, read_only=read_only, batch=batch)

    def loop_connections(self) -> LoopConnections | None:
        """PostgreSQL: event-loop connections for the group committer's batches (None on
        SQLite, whose statements are function calls: a worker thread costs little there)."""
        return None if self.is_sqlite else LoopConnections(self.url)

    def ping(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(text("SELECT 1")).scalar() == 1

    def dispose(self) -> None:
        self.engine.dispose()
