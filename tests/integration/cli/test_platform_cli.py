"""The platform commands end to end on a temporary SQLite database."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from atlaxis.cli.main import _register_all, app
from atlaxis.errors import AtlaxisError

runner = CliRunner()


def invoke(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    """Run a command; an AtlaxisError leaves with its own exit code, as ``main()`` does."""
    if not any(c.name == "demo" for c in app.registered_commands):
        _register_all()
    result = runner.invoke(app, list(args), input=stdin)
    if isinstance(result.exception, AtlaxisError):
        result.exit_code = result.exception.exit_code
    return result


def test_db_clinic_user_backup_restore(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    assert invoke("db", "upgrade", "--database", url).exit_code == 0
    made = invoke("clinic", "create", "North Clinic", "--database", url, "--json")
    assert made.exit_code == 0, made.output
    assert json.loads(made.output)["slug"] == "north-clinic"
    user = invoke(
        "user",
        "create",
        "--email",
        "Doc@North.org",
        "--role",
        "clinician",
        "--clinic",
        "north-clinic",
        "--database",
        url,
        "--json",
        stdin="a long enough password\n",
    )
    assert user.exit_code == 0, user.output
    assert json.loads(user.output)["email"] == "doc@north.org"
    weak = invoke(
        "user",
        "create",
        "--email",
        "x@north.org",
        "--role",
        "admin",
        "--clinic",
        "north-clinic",
        "--database",
        url,
        stdin="short\n",
    )
    assert weak.exit_code == 2
    file = tmp_path / "backup.db"
    assert invoke("backup", str(file), "--database", url).exit_code == 0
    target = f"sqlite:///{tmp_path / 'restored.db'}"
    restored = invoke("restore", str(file), "--database", target, "--json")
    assert restored.exit_code == 0, restored.output
    assert json.loads(restored.output)["ok"] is True


def test_demo_json(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    out = invoke("demo", "--no-serve", "--json", "--database", url, "--patients", "4")
    assert out.exit_code == 0, out.output
    body = json.loads(out.output)
    assert body["database"] == url
    roles = {login["role"] for login in body["logins"]}
    assert roles == {"admin", "clinician", "researcher", "patient"}
    assert all(
        set(x) == {"email", "password", "role", "clinic", "patient_id"} for x in body["logins"]
    )
    again = invoke("demo", "--no-serve", "--json", "--database", url, "--patients", "4")
    assert again.exit_code == 5  # refuses to overwrite data without --force
