"""Questionnaire assignments over the API: staff assign, the patient saves a draft, resumes
and submits (scored, screened, alerts raised), errors are problem+json naming each field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from atlaxis.domain import Role

Headers = dict[str, str]


@dataclass
class World:
    staff: Headers
    patient: Headers
    other_staff: Headers
    patient_id: int


@pytest.fixture
def world(client: TestClient, factory: Any, sign_in: Callable[..., Headers]) -> World:
    home, away = factory.clinic(), factory.clinic()
    patient = factory.patient(home)
    factory.user(Role.CLINICIAN, home, email="doc@home.org")
    factory.user(Role.CLINICIAN, away, email="doc@away.org")
    factory.user(Role.PATIENT, home, patient=patient, email="pat@home.org")
    return World(
        sign_in("doc@home.org"), sign_in("pat@home.org"), sign_in("doc@away.org"), patient.id
    )


def test_assign_draft_resume_submit(client: TestClient, world: World) -> None:
    url = f"/api/v1/patients/{world.patient_id}/assignments"
    made = client.post(
        url, json={"instruments": ["phq9", "fiqr"], "due": "2030-01-31"}, headers=world.staff
    )
    assert made.status_code == 201, made.text
    phq9, fiqr = made.json()["items"]
    assert (phq9["instrument"], phq9["status"], phq9["open"]) == ("phq9", "open", True)
    assert fiqr["due"] == "2030-01-31"
    listed = client.get(url, headers=world.patient)
    assert {a["id"] for a in listed.json()["items"]} == {phq9["id"], fiqr["id"]}

    draft_url = f"/api/v1/assignments/{phq9['id']}/draft"
    empty = client.get(draft_url, headers=world.patient).json()
    assert empty == {"assignment_id": phq9["id"], "answers": {}, "saved_at": None}
    saved = client.put(draft_url, json={"answers": {"1": 3, "2": 1}}, headers=world.patient)
    assert saved.status_code == 200 and saved.json()["saved_at"]
    resumed = client.get(draft_url, headers=world.patient).json()["answers"]
    assert resumed == {"1": 3, "2": 1}

    answers = resumed | {"3": 0, "4": 0, "5": 0, "6": 0, "7": 0, "8": 0, "9": 2}
    submitted = client.post(
        f"/api/v1/assignments/{phq9['id']}/submit", json={"answers": answers}, headers=world.patient
    )
    assert submitted.status_code == 201, submitted.text
    body = submitted.json()
    # PHQ-9 total is the plain item sum (Kroenke 2001): 3 + 1 + 2 = 6; item 9 > 0 → alert
    assert body["assessment"]["result"]["total"] == 6 and body["assessment"]["source"] == "portal"
    assert [a["kind"] for a in body["alerts"]] == ["phq9_item9"]
    done = client.get(f"/api/v1/assignments/{phq9['id']}", headers=world.staff).json()
    assert done["status"] == "done" and done["assessment_id"] == body["assessment"]["id"]
    assert [a["id"] for a in client.get(url, headers=world.patient).json()["items"]] == [fiqr["id"]]
    everything = client.get(url, params={"status": "all"}, headers=world.staff).json()["items"]
    assert len(everything) == 2
    again = client.post(
        f"/api/v1/assignments/{phq9['id']}/submit", json={"answers": answers}, headers=world.patient
    )
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")


def test_errors_name_every_field(client: TestClient, world: World) -> None:
    url = f"/api/v1/patients/{world.patient_id}/assignments"
    bad = client.post(url, json={"instruments": ["phq9", "nope", "diary"]}, headers=world.staff)
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"instruments[1]", "instruments[2]"}
    made = client.post(url, json={"instruments": ["phq9"]}, headers=world.staff).json()["items"]
    draft_url = f"/api/v1/assignments/{made[0]['id']}/draft"
    wrong = client.put(draft_url, json={"answers": {"1": 9, "42": 1}}, headers=world.patient)
    assert wrong.status_code == 422
    assert {e["field"] for e in wrong.json()["errors"]} == {"1", "42"}


def test_scope(client: TestClient, world: World) -> None:
    url = f"/api/v1/patients/{world.patient_id}/assignments"
    denied = client.post(url, json={"instruments": ["phq9"]}, headers=world.patient)
    assert denied.status_code == 403
    assert (
        client.post(url, json={"instruments": ["phq9"]}, headers=world.other_staff).status_code
        == 404
    )
    made = client.post(url, json={"instruments": ["phq9"]}, headers=world.staff).json()["items"]
    one = f"/api/v1/assignments/{made[0]['id']}"
    other = client.get(one, headers=world.other_staff)
    missing = client.get("/api/v1/assignments/987654", headers=world.other_staff)
    assert other.status_code == missing.status_code == 404
    assert other.json()["detail"].replace(str(made[0]["id"]), "N") == missing.json()[
        "detail"
    ].replace("987654", "N")
    assert client.post(f"{one}/cancel", headers=world.patient).status_code == 403
    cancelled = client.post(f"{one}/cancel", headers=world.staff)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
