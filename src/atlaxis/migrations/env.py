"""Alembic environment: the URL comes from the caller (``upgrade(url)``) or the settings."""

from __future__ import annotations

from alembic import context

from atlaxis.storage import security_tables, tables  # noqa: F401  (registers the tables)
from atlaxis.storage.base import Base
from atlaxis.storage.engine import make_engine


def _url() -> str:
    url = context.config.attributes.get("database_url")
    if url:
        return str(url)
    from atlaxis.config import load_settings

    return load_settings().database_url


def run_migrations_online() -> None:
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
