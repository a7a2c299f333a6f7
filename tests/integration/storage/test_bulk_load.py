"""The bulk loader: rows of database-ready text written by the driver read back through the
ORM exactly as rows the ORM wrote, on both of its paths: a group commit's few rows in one
statement (a multi-row INSERT on SQLite, INSERT … SELECT FROM unnest on PostgreSQL) and big
loads streamed (executemany on SQLite, COPY on PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from atlaxis.storage.repositories import bulk
from atlaxis.storage.repositories.bulk import moment_text

PATIENT = ("id", "clinic_id", "record_number", "given_name", "family_name", "sex", "timezone")
DIARY = ("patient_id", "local_date", "local_time", "items", "body_map", "note", "recalled")
DIARY_ALL = (*DIARY, "entered_by", "created_at")
ASSESSMENT = ("id", "patient_id", "instrument", "version", "answers", "result", "total")
ASSESSMENT += ("taken_at", "source", "created_at")


@pytest.fixture(params=["one statement", "streamed"])
def path(request, monkeypatch) -> str:
    if request.param == "streamed":
        monkeypatch.setattr(bulk, "VALUES_ROWS", 0)
    return str(request.param)


def test_loaded_rows_read_back_like_orm_rows(db_url, uow_factory, path) -> None:
    with uow_factory() as uow:
        clinic = uow.clinics.add("Bulk", "bulk")
        patient = (41, clinic.id, "B-1", "Ana", "Demo", "female", "UTC", "2025-01-02 09:00:00")
        uow.bulk.load("patients", (*PATIENT, "created_at"), [patient])
        first, second = moment_text("2025-01-03", 7, 5), moment_text("2025-01-04", 21, 30)
        diary = [
            (
                41,
                "2025-01-03",
                "07:05",
                '{"pain": 4, "mood": 7}',
                '["neck"]',
                "",
                True,
                None,
                first,
            ),
            (
                41,
                "2025-01-04",
                "21:30",
                '{"pain": 6}',
                "[]",
                'tab\tand "quote"',
                False,
                None,
                second,
            ),
        ]
        assert uow.bulk.load("diary_entries", DIARY_ALL, diary) == 2
        taken = moment_text("2025-01-05", 16, 30)
        result = '{"instrument": "pgic", "total": 2}'
        assessment = (7, 41, "pgic", "1", '{"1": 2}', result, 2.0, taken, "clinic", taken)
        uow.bulk.load("assessments", ASSESSMENT, [assessment])
        uow.bulk.reset_sequences()
        uow.commit()
    with uow_factory(read_only=True) as uow:
        entries = sorted(uow.diary.page(41, limit=10), key=lambda e: e.local_date)
        assert [e.local_date for e in entries] == [date(2025, 1, 3), date(2025, 1, 4)]
        assert entries[0].items == {"pain": 4, "mood": 7} and entries[0].body_map == ["neck"]
        assert entries[0].recalled is True and entries[1].recalled is False
        assert entries[1].note == 'tab\tand "quote"'
        assert entries[0].created_at == datetime(2025, 1, 3, 7, 5, tzinfo=UTC)
        # the date-range filters compare stored text/timestamps the same way
        assert len(uow.diary.page(41, start=date(2025, 1, 4), limit=10)) == 1
        assert uow.patients.get(41).given_name == "Ana"
        (stored,) = uow.assessments.page(41, start=date(2025, 1, 5), end=date(2025, 1, 5))
        assert stored.taken_at == datetime(2025, 1, 5, 16, 30, tzinfo=UTC)
        assert stored.answers == {"1": 2} and stored.result["total"] == 2
        assert uow.assessments.page(41, end=date(2025, 1, 4)) == []


def test_a_required_column_left_out_is_named(db_url, uow_factory) -> None:
    with uow_factory() as uow, pytest.raises(ValueError, match="created_at"):
        uow.bulk.load("diary_entries", DIARY, [])
    with uow_factory() as uow, pytest.raises(ValueError, match="nonsense"):
        uow.bulk.load("diary_entries", (*DIARY_ALL, "nonsense"), [])


def test_text_too_long_for_its_column_is_refused_not_cut(db_url, uow_factory, path) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite does not enforce VARCHAR lengths")
    import psycopg
    with uow_factory() as uow:
        clinic = uow.clinics.add("Bulk", "bulk")
        patient = (42, clinic.id, "B-2", "Ana", "Demo", "female", "UTC", "2025-01-02 09:00:00")
        uow.bulk.load("patients", (*PATIENT, "created_at"), [patient])
        row = (42, "2025-01-03", "07:05:59", "{}", "[]", "", False, None, "2025-01-03 07:05:00")
        # local_time is VARCHAR(5): the driver's own error, as for any raw statement
        with pytest.raises(psycopg.errors.StringDataRightTruncation, match="too long"):
            uow.bulk.load("diary_entries", DIARY_ALL, [row])


def test_load_along_runs_the_statement_and_the_insert(db_url, uow_factory, path) -> None:
    """``load_along``: the statement and the rows, both in the transaction (one statement
    on PostgreSQL for a batch's worth of rows); rolled back together."""
    from sqlalchemy import text

    with uow_factory() as uow:
        clinic = uow.clinics.add("Along", "along")
        uow.commit()
    rename = "UPDATE clinics SET name = ? WHERE id = ?"
    columns = (*PATIENT, "created_at")
    row = ("Al", "Ong", "female", "UTC", "2025-01-02 09:00:00")
    with uow_factory() as uow:
        kept = [(51, clinic.id, "A-1", *row)]
        uow.bulk.load_along("patients", columns, kept, rename, ["Renamed", clinic.id])
        uow.commit()
    with uow_factory() as uow:
        dropped = [(52, clinic.id, "A-2", *row)]
        uow.bulk.load_along("patients", columns, dropped, rename, ["Gone", clinic.id])
        uow.rollback()
    with uow_factory(read_only=True) as uow:
        name = uow.session.execute(text("SELECT name FROM clinics WHERE id = :i"), {"i": clinic.id})
        assert name.scalar_one() == "Renamed"
        ids = uow.session.execute(text("SELECT id FROM patients ORDER BY id")).scalars().all()
        assert ids == [51]
