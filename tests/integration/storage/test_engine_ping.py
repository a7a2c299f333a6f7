"""PostgreSQL connections are pinged at checkout only after sitting idle in the pool
(``storage.engine._ping_when_idle``): a connection whose server process died while it was
idle is replaced before anyone uses it; one in steady use costs no extra round trip."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from atlaxis.storage import engine as engine_module
from atlaxis.storage.engine import make_engine


@pytest.fixture
def pg_url(db_url: str) -> str:
    if not db_url.startswith("postgresql"):
        pytest.skip("the pool of PostgreSQL connections (SQLite has no server to lose)")
    return db_url


def _backend(engine: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_connection_killed_while_idle_is_replaced(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(pg_url, pool_size=1)
    try:
        before = _backend(engine)
        admin = create_engine(pg_url, poolclass=NullPool)
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": before})
        admin.dispose()
        monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_S", 0.0)  # it has sat long enough
        after = _backend(engine)  # no error: the dead connection was pinged and replaced
        assert after != before
    finally:
        engine.dispose()


def test_only_idle_connections_are_pinged(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(pg_url, pool_size=1)
    pings: list[int] = []
    ping = engine.dialect.do_ping

    def counting(dbapi_connection: Any) -> bool:
        pings.append(1)
        return ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counting)
    try:
        for _ in range(5):
            _backend(engine)
        assert pings == []  # in steady use
        monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_S", -1.0)  # every one counts as idle
        for _ in range(3):
            _backend(engine)
        assert len(pings) == 3
    finally:
        engine.dispose()
