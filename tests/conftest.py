"""Shared fixtures: a migrated database on SQLite and (when configured) PostgreSQL.

``db_url`` is parametrised over ``sqlite`` and ``postgresql``. Each test module gets its own
database (a temporary SQLite file, or a fresh PostgreSQL database created from
``ATLAXIS_TEST_POSTGRES_URL``), migrated once; every table is emptied before each test, so
tests never share state. Without ``ATLAXIS_TEST_POSTGRES_URL`` the PostgreSQL cases are
skipped, unless ``ATLAXIS_REQUIRE_POSTGRES=1``, in which case they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

BACKENDS = ("sqlite", "postgresql")
TEST_PASSWORD = "correct horse battery staple"


def _pg_admin_url() -> str | None:
    return os.environ.get("ATLAXIS_TEST_POSTGRES_URL") or None


def _require_pg() -> bool:
    return os.environ.get("ATLAXIS_REQUIRE_POSTGRES") == "1"


def _pg_unavailable(reason: str) -> None:
    if _require_pg():
        pytest.fail(f"PostgreSQL required (ATLAXIS_REQUIRE_POSTGRES=1) but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module", params=BACKENDS)
def _module_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    from atlaxis.storage import upgrade

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        upgrade(url)
        yield url
        return
    admin = _pg_admin_url()
    if admin is None:
        _pg_unavailable("ATLAXIS_TEST_POSTGRES_URL is not set")
    assert admin is not None
    url = _create_pg_database(admin)
    try:
        upgrade(url)
        yield url
    finally:
        _drop_pg_database(admin, url)


def _create_pg_database(admin_url: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"atx_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # pragma: no cover - depends on the machine
        _pg_unavailable(f"PostgreSQL unreachable: {exc.__class__.__name__}: {exc}")
    finally:
        engine.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(admin_url: str, url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


def empty_database(engine: Any) -> None:
    """Delete every row (keeping the schema and the migration stamp); reseed the audit head.

    Row-by-row DELETE of a handful of rows is much faster than TRUNCATE on PostgreSQL.
    """
    from sqlalchemy import text

    from atlaxis.storage import Base

    seed = "INSERT INTO audit_head (id, last_seq, last_hash, note) VALUES (1, 0, :h, '')"
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
        conn.execute(text(seed), {"h": "0" * 64})


@pytest.fixture(scope="module")
def _module_database(_module_db: str) -> Iterator[Any]:
    from atlaxis.storage import Database

    db = Database(_module_db)
    yield db
    db.dispose()


@pytest.fixture
def db_url(_module_db: str, _module_database: Any) -> str:
    """A migrated, empty database URL (sqlite or postgresql)."""
    empty_database(_module_database.engine)
    return _module_db


@pytest.fixture
def database(db_url: str, _module_database: Any) -> Any:
    """The module's :class:`~atlaxis.storage.Database` on an empty database."""
    return _module_database


@pytest.fixture
def uow_factory(database: Any) -> Callable[..., Any]:
    """``uow_factory()`` / ``uow_factory(read_only=True)`` → a new UnitOfWork."""

    def make(*, read_only: bool = False) -> Any:
        return database.uow(read_only=read_only)

    return make


_HASH_CACHE: dict[str, str] = {}


def password_hash(password: str = TEST_PASSWORD) -> str:
    """argon2id hash, computed once per password per test process."""
    if password not in _HASH_CACHE:
        try:
            from atlaxis.security.passwords import hash_password
        except ImportError:  # pragma: no cover - before the security package exists
            from pwdlib import PasswordHash

            hash_password = PasswordHash.recommended().hash
        _HASH_CACHE[password] = hash_password(password)
    return _HASH_CACHE[password]


@dataclass
class Factory:
    """Makes committed records: ``factory.clinic()``, ``.user(Role.CLINICIAN, clinic)``,
    ``.patient(clinic)``, ``.actor(user)``."""

    uow_factory: Callable[..., Any]
    counter: int = 0

    def _next(self) -> int:
        self.counter += 1
        return self.counter

    def clinic(self, name: str | None = None) -> Any:
        n = self._next()
        with self.uow_factory() as uow:
            clinic = uow.clinics.add(name or f"Clinic {n}", f"clinic-{n}")
            uow.commit()
        return clinic

    def patient(self, clinic: Any, **fields: Any) -> Any:
        from atlaxis.domain import Patient, Sex

        n = self._next()
        values: dict[str, Any] = {
            "record_number": f"R{n:05d}",
            "given_name": "Test",
            "family_name": f"Patient{n}",
            "birth_date": date(1980, 1, 1),
            "sex": Sex.FEMALE,
        }
        values.update(fields)
        with self.uow_factory() as uow:
            patient = uow.patients.add(Patient(id=None, clinic_id=clinic.id, **values))
            uow.commit()
        return patient

    def user(self, role: Any, clinic: Any, *, patient: Any = None, email: str | None = None) -> Any:
        n = self._next()
        with self.uow_factory() as uow:
            user = uow.users.add(
                email or f"{role.value}{n}@example.org",
                password_hash(),
                role,
                clinic.id,
                patient_id=None if patient is None else patient.id,
                display_name=f"{role.value.title()} {n}",
            )
            uow.commit()
        return user

    @staticmethod
    def actor(user: Any) -> Any:
        from atlaxis.domain import Actor

        return Actor(user.id, user.role, user.clinic_id, user.patient_id, ip="127.0.0.1")


@pytest.fixture
def factory(uow_factory: Callable[..., Any]) -> Factory:
    return Factory(uow_factory)


@pytest.fixture
def empty_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty (unmigrated) database on the same backend as ``db_url``."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'second.db'}"
        return
    admin = _pg_admin_url()
    assert admin is not None
    url = _create_pg_database(admin)
    try:
        yield url
    finally:
        _drop_pg_database(admin, url)


@pytest.fixture
def tmp_sqlite_url(tmp_path: Path) -> str:
    """A fresh, migrated SQLite database of this test's own (for CLI and backup tests)."""
    from atlaxis.storage import upgrade

    url = f"sqlite:///{tmp_path / 'atlaxis.db'}"
    upgrade(url)
    return url
