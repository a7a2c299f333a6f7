"""``patients.timeline_version``, kept by database triggers on both backends: every INSERT,
UPDATE and DELETE on a timeline table raises the version of the patients it touches (both
on an UPDATE that moves a row), bulk loads included; migration 0004 starts existing patients
at 0 and downgrades cleanly; ``metadata.create_all`` makes the same triggers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, text

from atlaxis.storage import Base, make_engine, upgrade
from atlaxis.storage.migrate import alembic_config
from atlaxis.storage.repositories.bulk import moment_text
from atlaxis.storage.triggers import TIMELINE_TABLES, trigger_names

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
DAY = date(2025, 3, 1)

#: the columns each timeline table needs (the rest have defaults)
ROWS: dict[str, dict[str, Any]] = {
    "episodes": {"care_start": DAY},
    "assessments": {"instrument": "pgic", "answers": {"1": 2}, "result": {}, "taken_at": NOW},
    "diary_entries": {"local_date": DAY, "items": {"pain": 3}},
    "visits": {"occurred_at": NOW, "technique": "toggle", "decision": "held"},
    "cotherapies": {"kind": "yoga", "name": "yoga", "started_on": DAY},
    "alerts": {"code": "x", "kind": "safety", "severity": "high", "reason": "r"},
}


def versions(engine: Engine, *ids: int) -> list[int]:
    with engine.connect() as conn:
        sql = text("SELECT id, timeline_version FROM patients")
        found = {int(i): int(v) for i, v in conn.execute(sql)}
    return [found[i] for i in ids]


def trigger_set(engine: Engine) -> set[tuple[str, str]]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            sql = "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"
        else:
            sql = (
                "SELECT c.relname, t.tgname FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
            )
        return {(str(a), str(b)) for a, b in conn.exec_driver_sql(sql)}


def test_every_timeline_table_has_its_triggers_at_head(database: Any) -> None:
    assert set(trigger_names()) <= trigger_set(database.engine)


@pytest.fixture
def patients(factory: Any) -> tuple[int, int, int]:
    clinic = factory.clinic()
    return clinic.id, factory.patient(clinic).id, factory.patient(clinic).id


@pytest.mark.parametrize("table", TIMELINE_TABLES)
def test_insert_update_delete_raise_the_version(
    table: str, uow_factory: Any, database: Any, patients: tuple[int, int, int]
) -> None:
    clinic_id, one, two = patients
    engine = database.engine
    assert versions(engine, one, two) == [0, 0]
    row = (
        ROWS[table] | {"patient_id": one} | ({"clinic_id": clinic_id} if table == "alerts" else {})
    )
    with uow_factory() as uow:
        uow.bulk.insert(table, [row])
        uow.commit()
    inserted = versions(engine, one, two)
    assert inserted[0] > 0 and inserted[1] == 0
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE {table} SET patient_id = patient_id"))
    touched = versions(engine, one, two)
    assert touched[0] > inserted[0] and touched[1] == 0
    with engine.begin() as conn:  # moved to the other patient: both change
        conn.execute(text(f"UPDATE {table} SET patient_id = :two"), {"two": two})
    moved = versions(engine, one, two)
    assert moved[0] > touched[0] and moved[1] > 0
    with engine.begin() as conn:
        conn.execute(text(f"DELETE FROM {table}"))
    deleted = versions(engine, one, two)
    assert deleted[0] == moved[0] and deleted[1] > moved[1]


def test_a_rolled_back_write_leaves_the_version(
    uow_factory: Any, database: Any, patients: tuple[int, int, int]
) -> None:
    _, one, _ = patients
    with uow_factory() as uow:  # no commit
        uow.bulk.insert("diary_entries", [ROWS["diary_entries"] | {"patient_id": one}])
        uow.session.flush()
    assert versions(database.engine, one) == [0]


def test_bulk_load_raises_each_loaded_patient_once_per_statement(
    uow_factory: Any, database: Any, patients: tuple[int, int, int]
) -> None:
    _, one, two = patients
    columns = ("patient_id", "local_date", "items", "body_map", "note", "recalled", "created_at")
    rows = [
        (one if n % 2 else two, f"2025-01-{n + 1:02d}", '{"pain": 1}', "[]", "", False, None)
        for n in range(20)
    ]
    rows = [(*r[:-1], moment_text(r[1], 8, 0)) for r in rows]
    with uow_factory() as uow:
        assert uow.bulk.load("diary_entries", columns, rows) == 20
        uow.commit()
    assert all(v > 0 for v in versions(database.engine, one, two))


def test_deleting_a_patient_cascades_through_the_triggers(
    uow_factory: Any, database: Any, patients: tuple[int, int, int]
) -> None:
    clinic_id, one, two = patients
    with uow_factory() as uow:
        for table, row in ROWS.items():
            extra = {"clinic_id": clinic_id} if table == "alerts" else {}
            uow.bulk.insert(table, [row | {"patient_id": one} | extra])
        uow.commit()
    with database.engine.begin() as conn:
        conn.execute(text("DELETE FROM patients WHERE id = :id"), {"id": one})
    with database.engine.connect() as conn:
        left = conn.execute(text("SELECT count(*) FROM diary_entries")).scalar_one()
    assert left == 0 and versions(database.engine, two) == [0]


def _seed_before_0004(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO clinics (id, name, slug, timezone, created_at) "
                "VALUES (1, 'c', 'c', 'UTC', :at)"
            ),
            {"at": NOW.replace(tzinfo=None)},
        )
        conn.execute(
            text(
                "INSERT INTO patients (id, clinic_id, record_number, given_name, family_name, "
                "sex, timezone, created_at, diary_revision) "
                "VALUES (5, 1, 'R5', 'A', 'B', 'female', 'UTC', :at, 0)"
            ),
            {"at": NOW.replace(tzinfo=None)},
        )
        conn.execute(
            text(
                "INSERT INTO diary_entries (patient_id, local_date, items, body_map, note, "
                "recalled, created_at) VALUES (5, '2025-03-01', '{}', '[]', '', false, :at)"
            ),
            {"at": NOW.replace(tzinfo=None)},
        )


def _add_entry(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO diary_entries (patient_id, local_date, items, body_map, note, "
                "recalled, created_at) VALUES (5, '2025-03-02', '{}', '[]', '', false, :at)"
            ),
            {"at": NOW.replace(tzinfo=None)},
        )


def test_migration_0004_up_and_down_on_existing_patients(empty_url: str) -> None:
    from alembic import command

    upgrade(empty_url, "0003")
    engine = make_engine(empty_url)
    try:
        _seed_before_0004(engine)
        upgrade(empty_url)
        assert versions(engine, 5) == [0]  # existing patients start at 0
        _add_entry(engine)
        assert versions(engine, 5)[0] > 0
        command.downgrade(alembic_config(empty_url), "0003")
        assert trigger_set(engine) == set()
        with engine.connect() as conn:
            columns = [c["name"] for c in conn.dialect.get_columns(conn, "patients")]
            count = conn.execute(text("SELECT count(*) FROM diary_entries")).scalar_one()
        assert "timeline_version" not in columns and count == 2
        _add_entry(engine)  # writes work without the column and its triggers
        command.downgrade(alembic_config(empty_url), "0002")  # keeps patient-owned rows too
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM diary_entries")).scalar_one() == 3
        upgrade(empty_url)
        assert versions(engine, 5) == [0] and set(trigger_names()) <= trigger_set(engine)
    finally:
        engine.dispose()


def test_create_all_makes_the_triggers_too(empty_url: str) -> None:
    engine = make_engine(empty_url)
    try:
        Base.metadata.create_all(engine)
        assert set(trigger_names()) <= trigger_set(engine)
        _seed_before_0004(engine)
        assert versions(engine, 5)[0] > 0  # the seed's diary entry
        Base.metadata.drop_all(engine)
        assert trigger_set(engine) == set()
    finally:
        engine.dispose()
