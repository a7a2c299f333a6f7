"""Alembic migrations, driven from Python (``atlaxis db upgrade``, tests, the demo)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from atlaxis.storage.engine import make_engine

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["database_url"] = url
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision`` (creating every table on a new one)."""
    command.upgrade(alembic_config(url), revision)


def head_revision() -> str:
    """The newest revision shipped with this version of atlaxis."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def current_revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def is_empty(url: str) -> bool:
    """True when the database has no atlaxis tables or none of them holds a row."""
    from atlaxis.storage.backup import _has_rows

    return not _has_rows(url)


def reset(url: str) -> None:
    """Remove every atlaxis table (SQLite: the files) so the next upgrade starts fresh."""
    from pathlib import Path as _Path

    from sqlalchemy import text

    from atlaxis.storage.backup import sqlite_path
    from atlaxis.storage.base import Base

    if url.startswith("sqlite"):
        path = sqlite_path(url)
        for suffix in ("", "-wal", "-shm", "-journal"):
            _Path(str(path) + suffix).unlink(missing_ok=True)
        return
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        engine.dispose()
