"""``atlaxis export redcap`` / ``atlaxis import redcap`` end to end on a test database."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from atlaxis.domain import Consent, ConsentKind
from atlaxis.domain.care import Assessment
from atlaxis.errors import AtlaxisError
from atlaxis.instruments import get_instrument, score
from atlaxis.interop.custom_instruments import CustomInstrumentStore, custom_dir
from atlaxis.interop.deidentify import Keys
from atlaxis.interop.redcap_records import record_columns

SECRET = "redcap-cli-test-secret-0123456789abcdef"
DATA = Path(__file__).resolve().parents[2] / "data" / "redcap"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, db_url: str, tmp_path: Path) -> Path:
    monkeypatch.setenv("ATLAXIS_DATABASE_URL", db_url)
    monkeypatch.setenv("ATLAXIS_SECRET_KEY", SECRET)
    monkeypatch.setenv("ATLAXIS_TEXT_DIR", str(tmp_path / "texts"))
    return tmp_path


def _invoke(*args: str) -> Any:
    from atlaxis.cli.main import _register_all, app

    _register_all()
    result = CliRunner().invoke(app, list(args))
    if isinstance(result.exception, AtlaxisError):
        result.exit_code = result.exception.exit_code
    return result


def test_export_dictionary_and_records(env: Path, factory: Any, uow_factory: Any) -> None:
    clinic = factory.clinic()
    patient = factory.patient(clinic)
    answers = {"1": 1, "2": 2, "3": 0, "4": 1, "5": 0, "6": 1, "7": 0}
    with uow_factory() as uow:
        uow.consents.add(
            Consent(None, patient.id, ConsentKind.RESEARCH, "1", datetime(2024, 1, 1, tzinfo=UTC))
        )
        uow.assessments.add(
            Assessment(
                None,
                patient.id,
                "gad7",
                answers,
                score("gad7", answers).to_dict(),
                datetime(2024, 2, 1, 8, 15, tzinfo=UTC),
            )
        )
        uow.commit()
    out = _invoke(
        "export",
        "redcap",
        "--instruments",
        "gad7,phq9",
        "--out",
        str(env / "dd.csv"),
        "--records",
        str(env / "records.csv"),
    )
    assert out.exit_code == 0, out.output
    assert (env / "dd.csv").read_text().startswith("Variable / Field Name,Form Name,")
    rows = list(csv.DictReader(io.StringIO((env / "records.csv").read_text())))
    assert list(rows[0]) == record_columns([get_instrument("gad7"), get_instrument("phq9")])
    (row,) = rows
    keys = Keys(SECRET)
    assert row["record_id"] == keys.pseudonym("patient", patient.id, "p")
    assert row["gad7_2"] == "2" and row["phq9_1"] == ""
    shifted = datetime(2024, 2, 1, 8, 15).toordinal() + keys.shift_days(patient.id)
    assert row["gad7_taken_at"] == (datetime.fromordinal(shifted).strftime("%Y-%m-%d") + " 08:15")


def test_unknown_instrument_is_named(env: Path) -> None:
    out = _invoke("export", "redcap", "--instruments", "gad7,nope", "--out", str(env / "x.csv"))
    assert out.exit_code == 2
    assert "--instruments nope" in str(out.exception)


def test_import_store_and_reexport_custom(env: Path) -> None:
    src = DATA / "custom_fatigue_dictionary.csv"
    dry = _invoke("import", "redcap", str(src), "--dry-run")
    assert dry.exit_code == 0 and "fatigue_check" in dry.output
    assert CustomInstrumentStore(custom_dir(env / "texts")).ids() == []
    done = _invoke("import", "redcap", str(src))
    assert done.exit_code == 0, done.output
    assert CustomInstrumentStore(custom_dir(env / "texts")).ids() == ["fatigue_check"]
    again = _invoke("import", "redcap", str(src))
    assert again.exit_code == 5  # Conflict: use --replace
    back = _invoke(
        "export", "redcap", "--instruments", "fatigue_check", "--out", str(env / "back.csv")
    )
    assert back.exit_code == 0, back.output
    text = (env / "back.csv").read_text()
    assert "fat_total,fatigue_check,,calc," in text and ",[fat_q1]+[fat_q2]," in text
    assert ",fatigue_check,Last 7 days,radio,Tiredness on waking," in text


def test_import_bad_dictionary_lists_every_field(env: Path) -> None:
    out = _invoke("import", "redcap", str(DATA / "bad_dictionary.csv"))
    assert out.exit_code == 2
    message = str(out.exception)
    for where in ("row 3 [b_intro]", "row 6 [b_name]", "row 10 [b_score]", "row 13 [b_ct]"):
        assert where in message
    rename = _invoke("import", "redcap", str(DATA / "bad_dictionary.csv"), "--rename", "nope")
    assert rename.exit_code == 2 and "FORM=NEW_ID" in str(rename.exception)
