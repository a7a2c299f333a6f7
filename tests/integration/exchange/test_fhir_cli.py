"""``atlaxis export fhir`` and ``atlaxis import fhir``, run as a user would (database from
ATLAXIS_DATABASE_URL): files written, summaries printed, clear errors without tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fhir_sample import populate
from typer.testing import CliRunner

from atlaxis.domain import Actor
from atlaxis.errors import AtlaxisError
from atlaxis.storage import Database, upgrade


def _run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ATLAXIS_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "atlaxis.cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _database(path: Path, with_patient: bool) -> str:
    url = f"sqlite:///{path}"
    upgrade(url)
    db = Database(url)
    with db.uow() as uow:
        clinic = uow.clinics.add("Clinic", "clinic")
        if with_patient:
            populate(uow, Actor.system(clinic.id), int(clinic.id or 0))
        uow.commit()
    db.dispose()
    return url


def test_export_then_import_from_the_command_line(tmp_path: Path) -> None:
    source = _database(tmp_path / "a.db", with_patient=True)
    target = _database(tmp_path / "b.db", with_patient=False)
    done = _run(source, "export", "fhir", "--patient", "1", "--out", str(tmp_path / "p.json"))
    assert done.returncode == 0, done.stderr
    bundle = json.loads((tmp_path / "p.json").read_text())
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "transaction"
    from atlaxis.cli import main

    _registered()
    runner = CliRunner()
    out = str(tmp_path / "bulk")
    result = runner.invoke(
        main.app, ["export", "fhir", "--all", "--out", out], env={"ATLAXIS_DATABASE_URL": source}
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "bulk" / "Patient.ndjson").read_text().count("\n") == 1
    done = _run(target, "import", "fhir", str(tmp_path / "p.json"), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["stored"]["diary_entries"] == 2
    # the same patient again: refused, nothing stored, no traceback
    done = _run(target, "import", "fhir", str(tmp_path / "bulk"))
    assert done.returncode == 2
    assert "Patient.ndjson line 1 (Patient/1) identifier" in done.stderr
    assert "Traceback" not in done.stderr


def _registered() -> None:
    from atlaxis.cli import main

    if not main.app.registered_groups:
        main._register_all()


def _invoke(url: str, *args: str) -> AtlaxisError:
    """Run a command in-process; the error main() would print (exit code, message)."""
    from atlaxis.cli import main

    _registered()
    result = CliRunner().invoke(main.app, list(args), env={"ATLAXIS_DATABASE_URL": url})
    assert isinstance(result.exception, AtlaxisError), result.output
    return result.exception


def test_usage_errors_are_clear(tmp_path: Path) -> None:
    url = _database(tmp_path / "c.db", with_patient=False)
    error = _invoke(url, "export", "fhir", "--out", str(tmp_path / "x.json"))
    assert error.exit_code == 2 and "--patient / --all" in str(error)
    error = _invoke(url, "export", "fhir", "--patient", "99", "--out", str(tmp_path / "x.json"))
    assert error.exit_code == 3 and "patient 99 not found" in str(error)
    (tmp_path / "bad.json").write_text("{not json")
    error = _invoke(url, "import", "fhir", str(tmp_path / "bad.json"))
    assert error.exit_code == 2 and "not valid JSON" in str(error)
    error = _invoke(f"sqlite:///{tmp_path / 'empty.db'}", "import", "fhir", "bad.json")
    assert error.exit_code == 7 and "atlaxis db upgrade" in str(error)
