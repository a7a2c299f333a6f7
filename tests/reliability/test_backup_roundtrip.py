"""Backup and restore through the command line, end to end: a clinic used over the API is
backed up with ``atlaxis backup``, restored into an empty database with ``atlaxis restore``,
and the API served from the copy answers exactly as the original did (timeline, diary,
alerts); the copy's audit chain verifies with ``atlaxis audit verify``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from atlaxis.cli.main import _register_all
from atlaxis.cli.main import app as cli
from atlaxis.config import load_settings
from atlaxis.domain import Actor, Role
from atlaxis.services.auth import create_api_token
from atlaxis.storage import Database
from atlaxis.web.app import create_app

runner = CliRunner()


def _serve(url: str) -> Any:
    return create_app(load_settings(database_url=url, environment="test"))


def _token(url: str, email: str) -> str:
    database = Database(url)
    try:
        with database.uow() as uow:
            user = uow.users.by_email(email)
            made = create_api_token(uow, Actor.system(), user.id, "t", ["read", "write"])
            uow.commit()
    finally:
        database.dispose()
    return made.secret


def _snapshot(url: str, token: str, patient_id: int) -> dict[str, Any]:
    application = _serve(url)
    headers = {"Authorization": f"Bearer {token}"}
    try:
        with TestClient(application) as client:
            base = f"/api/v1/patients/{patient_id}"
            return {
                "patient": client.get(base, headers=headers).json(),
                "timeline": client.get(f"{base}/timeline", headers=headers).json(),
                "diary": client.get(f"{base}/diary", headers=headers).json(),
                "alerts": client.get(f"{base}/alerts", headers=headers).json(),
            }
    finally:
        application.state.database.dispose()


def test_backup_restore_round_trip_via_cli(
    db_url: str, empty_url: str, factory: Any, tmp_path: Path
) -> None:
    _register_all()
    clinic = factory.clinic()
    factory.user(Role.CLINICIAN, clinic, email="doc@example.org")
    token = _token(db_url, "doc@example.org")
    headers = {"Authorization": f"Bearer {token}"}
    application = _serve(db_url)
    with TestClient(application) as client:
        made = client.post(
            "/api/v1/patients",
            json={"record_number": "K-1", "given_name": "Kit", "family_name": "Lane"},
            headers=headers,
        ).json()
        base = f"/api/v1/patients/{made['id']}"
        for day in range(1, 15):
            entry = {"date": f"2024-03-{day:02d}", "items": {"pain": day % 11, "fatigue": 5}}
            assert client.post(f"{base}/diary", json=entry, headers=headers).status_code == 201
        phq9 = {str(i): 2 for i in range(1, 10)}  # item 9 > 0: an alert
        saved = client.post(
            f"{base}/assessments", json={"instrument": "phq9", "answers": phq9}, headers=headers
        )
        assert saved.status_code == 201 and saved.json()["alerts"]
    application.state.database.dispose()
    before = _snapshot(db_url, token, made["id"])

    file = tmp_path / "clinic.backup"
    backed = runner.invoke(cli, ["backup", str(file), "--database", db_url])
    assert backed.exit_code == 0, backed.output
    restored = runner.invoke(cli, ["restore", str(file), "--database", empty_url])
    assert restored.exit_code == 0, restored.output

    after = _snapshot(empty_url, token, made["id"])
    assert after == before
    assert len(after["diary"]["items"]) == 14 and after["alerts"]["items"]
    verified = runner.invoke(cli, ["audit", "verify", "--database", empty_url])
    assert verified.exit_code == 0, verified.output
