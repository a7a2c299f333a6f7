"""A database handle: engine + session factory + units of work (built by a factory, never
at import time)."""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from atlaxis.storage.engine import is_sqlite, make_engine, session_factory
from atlaxis.storage.uow import UnitOfWork


class Database:
    def __init__(self, url: str, *, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine if engine is not None else make_engine(url)
        self.sessions: sessionmaker[Session] = session_factory(self.engine)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.engine)

    def uow(self, *, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(self.sessions, read_only=read_only)

    def ping(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(text("SELECT 1")).scalar() == 1

    def dispose(self) -> None:
        self.engine.dispose()
