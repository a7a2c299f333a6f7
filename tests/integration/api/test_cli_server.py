"""``atlaxis token create`` and ``atlaxis audit verify`` (the chain check names the first
broken link and exits non-zero)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from typer.testing import CliRunner

from atlaxis.cli.main import _register_all, app
from atlaxis.domain import Role
from atlaxis.errors import NotFound

runner = CliRunner()


@pytest.fixture(autouse=True)
def _commands() -> None:
    _register_all()


def test_token_create_prints_secret_once_and_stores_hash(
    db_url: str, factory: Any, database: Any
) -> None:
    factory.user(Role.CLINICIAN, factory.clinic(), email="doc@example.org")
    result = runner.invoke(
        app,
        [
            "token",
            "create",
            "--email",
            "doc@example.org",
            "--name",
            "ci",
            "--scope",
            "read",
            "--database",
            db_url,
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    made = json.loads(result.stdout)
    assert made["token"].startswith("atx_") and made["scopes"] == ["read"]
    with database.uow(read_only=True) as uow:
        stored = uow.api_tokens.by_hash(hashlib.sha256(made["token"].encode()).hexdigest())
    assert stored is not None and stored.name == "ci"
    unknown = runner.invoke(
        app, ["token", "create", "--email", "x@example.org", "--name", "n", "--database", db_url]
    )
    assert isinstance(unknown.exception, NotFound)  # main() renders it with exit code 3


def test_audit_verify_names_the_first_broken_link(db_url: str, factory: Any, database: Any) -> None:
    clinic = factory.clinic()
    for _ in range(3):
        factory.patient(clinic)
    with database.uow() as uow:  # three audited reads
        from atlaxis.domain import Actor
        from atlaxis.services.patients import get_patient

        for patient_id in uow.patients.ids(clinic.id):
            get_patient(uow, Actor.system(), patient_id)
        uow.commit()
    ok = runner.invoke(app, ["audit", "verify", "--database", db_url, "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["ok"] is True and json.loads(ok.stdout)["checked"] >= 3
    with database.uow() as uow:  # tamper with the second event
        from sqlalchemy import text

        uow.session.execute(text("UPDATE audit_events SET entity_id = '999' WHERE seq = 2"))
        uow.commit()
    broken = runner.invoke(app, ["audit", "verify", "--database", db_url])
    assert broken.exit_code == 1
    assert "BROKEN at event 2" in broken.stdout
