"""Storage: the only package that imports SQLAlchemy (tables, repositories, sessions).

Public surface: :func:`make_engine`, :func:`session_factory`, :class:`UnitOfWork`,
:class:`Database`, :func:`upgrade` (Alembic migrations) and :data:`Base` (the metadata).
"""

from atlaxis.storage.base import Base
from atlaxis.storage.database import Database
from atlaxis.storage.engine import is_sqlite, make_engine, session_factory
from atlaxis.storage.migrate import current_revision, is_empty, reset, upgrade
from atlaxis.storage.uow import UnitOfWork

__all__ = [
    "Base",
    "Database",
    "UnitOfWork",
    "current_revision",
    "is_empty",
    "is_sqlite",
    "make_engine",
    "reset",
    "session_factory",
    "upgrade",
]
