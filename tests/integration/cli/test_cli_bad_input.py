"""Empty, malformed and oversized input to the account commands and the importers gives one
clear error (an AtlaxisError naming the field and what is allowed, its own exit code), never
a traceback — on SQLite and on PostgreSQL, where the database refuses more (NUL characters,
values longer than a column, integers beyond 64 bits)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from atlaxis.cli.main import _register_all, app
from atlaxis.errors import AtlaxisError
from atlaxis.interop.redcap_format import COLUMNS, MAX_DICTIONARY_BYTES, MAX_FIELDS
from atlaxis.services.fields import MAX_YEAR, MIN_YEAR

runner = CliRunner()
PASSWORD = "a long enough password\n"
RECORD_NUMBER = "https://atlaxis.org/fhir/sid/record-number"


def refused(*args: str, stdin: str | None = None) -> AtlaxisError:
    """Run a command that must fail with our own error; return that error."""
    if not any(c.name == "demo" for c in app.registered_commands):
        _register_all()
    result = runner.invoke(app, list(args), input=stdin)
    assert isinstance(result.exception, AtlaxisError), (result.exception, result.output)
    return result.exception


def fields(error: AtlaxisError) -> list[str]:
    return [p.field for p in error.problems]


# --- clinic create and user create --------------------------------------------------------


def test_clinic_create_lists_every_problem(db_url: str) -> None:
    error = refused("clinic", "create", " ", "--timezone", "Mars/Base", "--database", db_url)
    assert fields(error) == ["name", "timezone"]
    assert error.problems[1].allowed == "an IANA name, e.g. Europe/Paris"
    long_zone = refused("clinic", "create", "North", "--timezone", "x" * 1000, "--database", db_url)
    assert fields(long_zone) == ["timezone"]  # longer than the column: refused, not truncated


@pytest.mark.parametrize(
    ("option", "value", "field"),
    [
        ("--name", "x" * 100_000, "display_name"),
        ("--email", "a@b." + "c" * 300, "email"),
        ("--patient-id", "9" * 25, "patient_id"),
    ],
)
def test_user_create_refuses_oversized_values(
    db_url: str, factory: Any, option: str, value: str, field: str
) -> None:
    clinic = factory.clinic()
    options = {"--email": "doc@example.org", "--role": "patient", "--clinic": clinic.slug}
    options |= {"--patient-id": "1", "--database": db_url, option: value}
    args = [part for pair in options.items() for part in pair]
    error = refused("user", "create", *args, "--password-stdin", stdin=PASSWORD)
    assert fields(error) == [field]


@pytest.mark.parametrize("clinic", ["9" * 25, "²", "no-such-clinic"])
def test_user_create_unknown_clinic_reads_as_missing(db_url: str, clinic: str) -> None:
    error = refused(
        "user", "create", "--email", "doc@example.org", "--role", "clinician",
        "--clinic", clinic, "--database", db_url, "--password-stdin", stdin=PASSWORD,
    )  # fmt: skip
    assert error.http_status == 404 and str(error) == f"clinic {clinic} not found"


# --- import fhir -------------------------------------------------------------------------


def _patient_bundle(**extra: Any) -> dict[str, Any]:
    patient = {
        "resourceType": "Patient",
        "id": "p",
        "identifier": [{"system": RECORD_NUMBER, "value": "F-1"}],
        "name": [{"family": "Quill", "given": ["Ada"]}],
    } | extra
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": patient}]}


def _import_refused(db_url: str, slug: str, path: Path, uow_factory: Any) -> AtlaxisError:
    error = refused("import", "fhir", str(path), "--clinic", slug, "--database", db_url)
    with uow_factory(read_only=True) as uow:
        assert uow.patients.by_record_number(1, "F-1") is None  # all or nothing
    return error


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"name": [{"family": "Qu\u0000ill"}]}, "family_name", "contains a NUL character"),
        ({"name": [{"family": "Q" * 10_000}]}, "family_name", "is 10000 characters long"),
        ({"birthDate": "0001-01-01"}, "birth_date", "year 1 is not plausible"),
        ({"birthDate": "9999-12-31"}, "birth_date", "year 9999 is not plausible"),
    ],
)
def test_fhir_values_no_database_can_hold_are_listed(
    db_url: str, factory: Any, uow_factory: Any, tmp_path: Path, extra: Any, field: str,
    message: str,
) -> None:  # fmt: skip
    clinic = factory.clinic()
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(_patient_bundle(**extra)), encoding="utf-8")
    error = _import_refused(db_url, clinic.slug, path, uow_factory)
    [problem] = error.problems
    assert problem.field.endswith(field) and problem.message == message
    if field == "birth_date":
        assert problem.allowed == f"years {MIN_YEAR}..{MAX_YEAR}"


def test_fhir_nesting_too_deep_is_an_error_not_a_crash(
    db_url: str, factory: Any, uow_factory: Any, tmp_path: Path
) -> None:
    clinic = factory.clinic()
    # deeper than the JSON decoder recurses: the whole file is refused
    deep = tmp_path / "deep.json"
    deep.write_text('{"a":' * 50_000 + "1" + "}" * 50_000, encoding="utf-8")
    error = _import_refused(db_url, clinic.slug, deep, uow_factory)
    assert str(error).startswith("the FHIR input nests too deeply")
    # decodable, but deeper than validation can recurse: that resource is named
    nested: dict[str, Any] = {"url": "u"}
    for _ in range(400):
        nested = {"url": "u", "extension": [nested]}
    resource = tmp_path / "nested.json"
    resource.write_text(json.dumps(_patient_bundle(extension=[nested])), encoding="utf-8")
    error = _import_refused(db_url, clinic.slug, resource, uow_factory)
    assert [(p.field, p.message) for p in error.problems] == [
        ("entry[0]", "is nested too deeply to check")
    ]
    line = tmp_path / "deep.ndjson"
    line.write_text("[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    error = _import_refused(db_url, clinic.slug, line, uow_factory)
    assert "nested too deeply" in error.problems[0].message


@pytest.mark.parametrize(("name", "content"), [("empty.json", b""), ("bin.json", b"\xff\xfe{")])
def test_fhir_empty_or_binary_input(
    db_url: str, factory: Any, uow_factory: Any, tmp_path: Path, name: str, content: bytes
) -> None:
    clinic = factory.clinic()
    path = tmp_path / name
    path.write_bytes(content)
    error = _import_refused(db_url, clinic.slug, path, uow_factory)
    assert error.problems and all(p.message for p in error.problems)


# --- import redcap -----------------------------------------------------------------------


def _dictionary(path: Path, fields_count: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(COLUMNS)
        out.writerow(["record_id", "intake", "", "text", "Record ID"] + [""] * 13)
        for n in range(fields_count):
            row = [f"intake_q{n}", "intake", "", "radio", f"Question {n}", "0, No | 1, Yes"]
            out.writerow(row + [""] * 12)
    return path


@pytest.fixture
def text_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ATLAXIS_TEXT_DIR", str(tmp_path / "texts"))
    return tmp_path / "texts"


def test_redcap_dictionary_too_long_or_too_large(tmp_path: Path, text_dir: Path) -> None:
    long = _dictionary(tmp_path / "long.csv", MAX_FIELDS + 5)
    error = refused("import", "redcap", str(long), "--dry-run")
    assert str(error).startswith("REDCap data dictionary too long")
    assert error.problems[0].allowed == f"at most {MAX_FIELDS} fields"
    large = tmp_path / "large.csv"
    with large.open("wb") as handle:  # sparse: no need to write 10 MB
        handle.truncate(MAX_DICTIONARY_BYTES + 1)
    error = refused("import", "redcap", str(large), "--dry-run")
    assert error.problems[0].message == "file too large"
    assert not text_dir.exists()


@pytest.mark.parametrize(("name", "content"), [("empty.csv", b""), ("bin.csv", b"\xff\xfe\x00")])
def test_redcap_empty_or_binary_dictionary(
    tmp_path: Path, text_dir: Path, name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    error = refused("import", "redcap", str(path), "--dry-run")
    assert error.problems and all(p.message for p in error.problems)


# --- JSON read by the CLI (score, fhir score, ...) ----------------------------------------


def test_cli_json_nested_too_deeply(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text("[" * 50_000 + "]" * 50_000, encoding="utf-8")
    error = refused("score", "phq9", "--answers", str(path))
    assert [(p.field, p.message) for p in error.problems] == [(str(path), "nested too deeply")]
