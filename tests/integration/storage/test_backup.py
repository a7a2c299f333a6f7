"""Backup and restore on both backends: the restored copy matches the manifest (row counts,
audit head) and its audit chain verifies; a damaged backup is refused."""

from __future__ import annotations

import pytest

from atlaxis.domain import Role
from atlaxis.errors import Conflict, ValidationError
from atlaxis.services import audit
from atlaxis.services.diary import add_diary_entry
from atlaxis.storage import Database
from atlaxis.storage.backup import backup, restore


def test_round_trip(db_url, uow_factory, factory, empty_url, tmp_path) -> None:
    clinic = factory.clinic()
    patient = factory.patient(clinic)
    doc = factory.actor(factory.user(Role.CLINICIAN, clinic))
    with uow_factory() as uow:
        for day in range(1, 11):
            add_diary_entry(
                uow, doc, patient.id, {"date": f"2025-01-{day:02d}", "items": {"pain": 4}}
            )
        uow.commit()
    file = tmp_path / "atlaxis.backup"
    manifest = backup(db_url, file)
    assert manifest.counts["diary_entries"] == 10 and manifest.counts["patients"] == 1
    result = restore(empty_url, file)
    assert result.ok, result.problems
    assert result.counts == manifest.counts
    restored = Database(empty_url)
    try:
        with restored.uow() as uow:
            assert audit.verify(uow).ok
            assert len(uow.diary.page(patient.id, limit=100)) == 10
    finally:
        restored.dispose()
    with pytest.raises(Conflict):
        restore(empty_url, file)  # the target now holds data


def test_damaged_backup_is_refused(db_url, factory, tmp_path) -> None:
    factory.clinic()
    file = tmp_path / "atlaxis.backup"
    backup(db_url, file)
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    file.write_bytes(bytes(data))
    with pytest.raises(ValidationError):
        restore(f"sqlite:///{tmp_path / 'x.db'}", file)


def test_check_names_missing_rows(tmp_sqlite_url, tmp_path) -> None:
    from sqlalchemy import text

    from atlaxis.storage.backup import Manifest, check

    db = Database(tmp_sqlite_url)
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO clinics (name, slug, timezone, created_at) "
                "VALUES ('A', 'a', 'UTC', '2025-01-01 00:00:00')"
            )
        )
    db.dispose()
    manifest = backup(tmp_sqlite_url, tmp_path / "b.db")
    shrunk = Manifest(**{**manifest.__dict__, "counts": {**manifest.counts, "clinics": 2}})
    result = check(tmp_sqlite_url, shrunk)
    assert not result.ok and any("clinics" in p for p in result.problems)
