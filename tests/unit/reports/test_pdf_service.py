"""Reports through the service, the page route and the CLI: scope, audience and audit."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from atlaxis.domain import Actor, DiaryEntry, Episode, Role, Visit, VisitDecision
from atlaxis.errors import AtlaxisError, NotFound, PermissionDenied
from atlaxis.services.reports import patient_report_pdf, report_input

CARE = date(2024, 3, 1)


def _patient(factory: Any, uow_factory: Any) -> tuple[Any, Any]:
    clinic = factory.clinic()
    patient = factory.patient(clinic)
    with uow_factory() as uow:
        uow.episodes.add(Episode(None, patient.id, CARE))
        for k in range(-10, 20):
            uow.diary.add(
                DiaryEntry(
                    None,
                    patient.id,
                    CARE + timedelta(days=k),
                    {"pain": 6 if k < 0 else 4, "fatigue": 5},
                )
            )
        uow.visits.add(
            Visit(
                None,
                patient.id,
                None,
                datetime.combine(CARE, time(9), UTC),
                "toggle",
                VisitDecision.ADJUSTED,
            )
        )
        uow.commit()
    return clinic, patient


def test_clinician_gets_pdf_and_an_export_audit_event(factory: Any, uow_factory: Any) -> None:
    clinic, patient = _patient(factory, uow_factory)
    clinician = factory.actor(factory.user(Role.CLINICIAN, clinic))
    with uow_factory(read_only=True) as uow:
        pdf = patient_report_pdf(uow, clinician, patient.id)
        uow.commit()
    assert pdf.startswith(b"%PDF-")
    with uow_factory(read_only=True) as uow:
        events = [e for e in uow.audit.iterate() if e.action == "export"]
    assert events[-1].entity == "report" and events[-1].patient_id == patient.id
    assert events[-1].detail["audience"] == "clinician"


def test_patient_gets_only_own_plain_version(factory: Any, uow_factory: Any) -> None:
    clinic, patient = _patient(factory, uow_factory)
    other = factory.patient(clinic)
    me = factory.actor(factory.user(Role.PATIENT, clinic, patient=patient))
    with uow_factory(read_only=True) as uow:
        data = report_input(uow, me, patient.id, "clinician")
        assert data.audience == "patient" and data.open_alerts == []
        with pytest.raises(NotFound):
            report_input(uow, me, other.id)


def test_researcher_and_other_clinic_are_refused(factory: Any, uow_factory: Any) -> None:
    _, patient = _patient(factory, uow_factory)
    elsewhere = factory.clinic()
    with uow_factory(read_only=True) as uow:
        with pytest.raises(PermissionDenied):
            patient_report_pdf(
                uow, factory.actor(factory.user(Role.RESEARCHER, elsewhere)), patient.id
            )
        with pytest.raises(NotFound):
            patient_report_pdf(
                uow, factory.actor(factory.user(Role.CLINICIAN, elsewhere)), patient.id
            )


def _invoke(*args: str) -> Any:
    from atlaxis.cli.main import _register_all, app

    if not any(c.name == "report" for c in app.registered_commands):
        _register_all()
    result = CliRunner().invoke(app, list(args))
    if isinstance(result.exception, AtlaxisError):
        result.exit_code = result.exception.exit_code
    return result


def test_cli_one_report_and_all(
    factory: Any, uow_factory: Any, db_url: str, tmp_path: Path
) -> None:
    _, patient = _patient(factory, uow_factory)
    one = _invoke("report", str(patient.id), "--out", str(tmp_path / "r.pdf"), "--database", db_url)
    assert one.exit_code == 0, one.output
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")
    every = _invoke(
        "report",
        "--all",
        "--out",
        str(tmp_path / "all"),
        "--database",
        db_url,
        "--audience",
        "patient",
    )
    assert every.exit_code == 0, every.output
    assert [p.name for p in (tmp_path / "all").iterdir()] == [f"report-{patient.record_number}.pdf"]
    missing = _invoke("report", "999999", "--out", str(tmp_path / "x.pdf"), "--database", db_url)
    assert missing.exit_code == 3  # NotFound
    neither = _invoke("report", "--out", str(tmp_path / "x.pdf"), "--database", db_url)
    assert neither.exit_code == 2 and "PATIENT_ID" in str(neither.exception)


def test_page_route_downloads_the_pdf(factory: Any, uow_factory: Any, db_url: str) -> None:
    from fastapi.testclient import TestClient

    from atlaxis.config import load_settings
    from atlaxis.web.app import create_app

    clinic, patient = _patient(factory, uow_factory)
    user = factory.user(Role.CLINICIAN, clinic)
    app = create_app(load_settings(database_url=db_url, environment="test"))
    try:
        with TestClient(app, follow_redirects=False) as client:
            anonymous = client.get(f"/patients/{patient.id}/report.pdf")
            assert anonymous.status_code in (302, 303)
            token = client.post(
                "/api/v1/auth/token", json={"email": user.email, "password": _password()}
            )
            assert token.status_code == 200, token.text
            bearer = {"authorization": f"Bearer {token.json()['access_token']}"}
            got = client.get(f"/patients/{patient.id}/report.pdf?audience=patient", headers=bearer)
            assert got.status_code == 200, got.text[:300]
            assert got.headers["content-type"] == "application/pdf"
            assert got.content.startswith(b"%PDF-")
    finally:
        app.state.database.dispose()


def _password() -> str:
    return "correct horse battery staple"  # what tests/conftest.py gives every user


_ = Actor  # re-exported for readers: reports run as an Actor like every service
