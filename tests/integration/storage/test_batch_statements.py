"""The driver-level statements of the group commit's batches.

PostgreSQL: the idempotency lookup of a check-in batch probes the unique (user_id, key)
index once per pair, whatever plan the server caches. With the lookup written as a plain
join, a prepared statement's generic plan chosen while the table was small hashed the whole
table on every batch; as the table grew with every check-in, the database's time per batch
grew with it (measured: diary POSTs fell from ~2,800 to ~1,900 req/s within 40 s of load)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from atlaxis.storage import Database
from atlaxis.storage.repositories.accounts import _PAIRS_LOOKUP


@pytest.fixture
def pg(database: Database) -> Database:
    if database.is_sqlite:
        pytest.skip("SQLite's lookup is IN lists on the same index (its planner's choice)")
    return database


def _plan(database: Database, users: list[int], keys: list[str]) -> str:
    with database.uow(read_only=True) as uow:
        raw: Any = uow.session.connection().connection.driver_connection
        raw.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        sql = "EXPLAIN " + _PAIRS_LOOKUP
        for _ in range(3):  # a prepared statement, planned once for any parameters
            rows = raw.execute(sql, [users, keys], prepare=True).fetchall()
        return "\n".join(str(row[0]) for row in rows)


def test_the_lookup_probes_the_index_even_with_a_generic_plan(pg: Database, factory: Any) -> None:
    from atlaxis.domain import Role

    clinic = factory.clinic()
    patient = factory.patient(clinic)
    user = factory.user(Role.PATIENT, clinic, patient=patient)
    plan = _plan(pg, [user.id] * 30, [f"key-{n}" for n in range(30)])
    assert "uq_idempotency_keys_user_id_key" in plan, plan
    assert "Seq Scan on idempotency_keys" not in plan, plan
    assert "Hash" not in plan, plan


def test_the_lookup_finds_each_pair_once(pg: Database, factory: Any) -> None:
    from atlaxis.domain import Role
    from atlaxis.domain.accounts import StoredResponse

    clinic = factory.clinic()
    patient = factory.patient(clinic)
    users = [factory.user(Role.PATIENT, clinic, patient=patient) for _ in range(2)]
    with pg.uow() as uow:
        rows = [
            (u.id, f"k{n}", patient.id, StoredResponse(f"h{u.id}{n}", 201, {"n": n}))
            for u in users
            for n in range(3)
        ]
        uow.idempotency.add_many(rows)
        uow.commit()
    wanted = [(users[0].id, "k1"), (users[1].id, "k1"), (users[1].id, "k2"), (users[0].id, "x")]
    with pg.uow(read_only=True) as uow:
        found = uow.idempotency.get_many(wanted)
        count = uow.session.execute(text("SELECT count(*) FROM idempotency_keys")).scalar_one()
    assert count == 6
    assert sorted(found) == sorted(wanted[:3])
    assert found[(users[1].id, "k2")] == StoredResponse(f"h{users[1].id}2", 201, {"n": 2})


def test_touches_store_the_moment_on_both_backends(database: Database, factory: Any) -> None:
    """Token and session refreshes are driver-level writes (they may share an event-loop
    batch): the moment read back is the moment written, to the microsecond."""
    from datetime import UTC, datetime, timedelta

    from atlaxis.domain import Actor, Role
    from atlaxis.domain.accounts import WebSession
    from atlaxis.services.auth import create_api_token

    clinic = factory.clinic()
    user = factory.user(Role.CLINICIAN, clinic)
    at = datetime(2025, 6, 30, 23, 59, 58, 123456, tzinfo=UTC)
    start = at - timedelta(hours=1)
    with database.uow() as uow:
        token = create_api_token(uow, Actor.system(), user.id, "desk", ["read"])
        session = WebSession("h" * 64, user.id, start, start, at + timedelta(hours=8), "c")
        uow.web_sessions.add(session)
        uow.commit()
    with database.uow() as uow:
        uow.api_tokens.touch(token.token.id, at)
        uow.web_sessions.touch(session.id_hash, at)
        uow.commit()
    with database.uow(read_only=True) as uow:
        stored_token = uow.api_tokens.get(token.token.id)
        stored_session = uow.web_sessions.get(session.id_hash)
    assert stored_token is not None and stored_session is not None
    assert stored_token.last_used_at is not None
    assert stored_token.last_used_at.replace(tzinfo=UTC) == at
    assert stored_session.last_seen_at.replace(tzinfo=UTC) == at
