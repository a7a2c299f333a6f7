"""Reading one record by id over the API (episodes, consents, diary entries, co-therapies,
alerts), and the refusal to change a scored assessment (405, the same answer for every id)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from atlaxis.domain import Role

Headers = dict[str, str]
MISSING = 987654321


@dataclass
class Seeded:
    staff: Headers
    patient: Headers
    other_staff: Headers
    researcher: Headers
    patient_id: int
    urls: dict[str, str]  # kind -> URL of one stored record
    assessment_id: int


def _created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def seeded(client: TestClient, factory: Any, sign_in: Callable[..., Headers]) -> Seeded:
    home, away = factory.clinic(), factory.clinic()
    patient = factory.patient(home)
    factory.user(Role.CLINICIAN, home, email="doc@home.org")
    factory.user(Role.CLINICIAN, away, email="doc@away.org")
    factory.user(Role.RESEARCHER, home, email="res@home.org")
    factory.user(Role.PATIENT, home, patient=patient, email="pat@home.org")
    staff, me = sign_in("doc@home.org"), sign_in("pat@home.org")
    base = f"/api/v1/patients/{patient.id}"
    episode = _created(
        client.post(f"{base}/episodes", json={"care_start": "2024-04-15"}, headers=staff)
    )
    consent = _created(
        client.post(f"{base}/consents", json={"kind": "research", "version": "3"}, headers=me)
    )
    entry = _created(
        client.post(
            f"{base}/diary",
            json={"date": "2024-05-01", "time": "07:45", "items": {"pain": 6}, "note": "stiff"},
            headers=me,
        )
    )
    cotherapy = _created(
        client.post(
            f"{base}/cotherapies",
            json={"kind": "medication", "name": "amitriptyline", "started_on": "2024-04-01"},
            headers=staff,
        )
    )
    answers = {str(i): 0 for i in range(1, 9)} | {"9": 1}  # PHQ-9 item 9 > 0 raises an alert
    saved = _created(
        client.post(
            f"{base}/assessments", json={"instrument": "phq9", "answers": answers}, headers=staff
        )
    )
    assert saved["alerts"], "PHQ-9 item 9 above 0 raises an alert"
    urls = {
        "episode": f"/api/v1/episodes/{episode['id']}",
        "consent": f"/api/v1/consents/{consent['id']}",
        "diary": f"/api/v1/diary/{entry['id']}",
        "cotherapy": f"/api/v1/cotherapies/{cotherapy['id']}",
        "alert": f"/api/v1/alerts/{saved['alerts'][0]['id']}",
    }
    return Seeded(
        staff,
        me,
        sign_in("doc@away.org"),
        sign_in("res@home.org"),
        patient.id,
        urls,
        saved["assessment"]["id"],
    )


def test_staff_read_each_record_as_stored(client: TestClient, seeded: Seeded) -> None:
    got = {kind: client.get(url, headers=seeded.staff) for kind, url in seeded.urls.items()}
    assert {kind: r.status_code for kind, r in got.items()} == dict.fromkeys(seeded.urls, 200)
    assert got["episode"].json()["care_start"] == "2024-04-15"
    assert got["consent"].json()["version"] == "3" and got["consent"].json()["active"] is True
    entry = got["diary"].json()
    assert (entry["date"], entry["time"], entry["items"], entry["note"]) == (
        "2024-05-01",
        "07:45",
        {"pain": 6},
        "stiff",
    )
    assert got["cotherapy"].json()["name"] == "amitriptyline"
    alert = got["alert"].json()
    assert alert["open"] is True and alert["source_id"] == seeded.assessment_id
    assert all(r.json()["patient_id"] == seeded.patient_id for r in got.values())


def test_patient_reads_own_records_but_not_alerts(client: TestClient, seeded: Seeded) -> None:
    for kind, url in seeded.urls.items():
        expected = 403 if kind == "alert" else 200
        assert client.get(url, headers=seeded.patient).status_code == expected, kind


def test_out_of_scope_reads_like_a_missing_record(client: TestClient, seeded: Seeded) -> None:
    for kind, url in seeded.urls.items():
        stored_id = url.rsplit("/", 1)[1]
        other = client.get(url, headers=seeded.other_staff)
        missing = client.get(url.replace(f"/{stored_id}", f"/{MISSING}"), headers=seeded.staff)
        assert other.status_code == missing.status_code == 404, kind
        assert other.json()["detail"].replace(stored_id, "N") == missing.json()["detail"].replace(
            str(MISSING), "N"
        )
        assert client.get(url, headers=seeded.researcher).status_code == 403, kind


def test_each_read_is_audited(client: TestClient, seeded: Seeded, database: Any) -> None:
    for url in seeded.urls.values():
        assert client.get(url, headers=seeded.staff).status_code == 200
    with database.uow(read_only=True) as uow:
        reads = {(e.entity, e.patient_id) for e in uow.audit.iterate() if e.action == "read"}
    for entity in ("episode", "consent", "diary_entry", "cotherapy", "alert"):
        assert (entity, seeded.patient_id) in reads, entity


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
def test_a_scored_assessment_is_never_changed(
    client: TestClient, seeded: Seeded, method: str
) -> None:
    url = f"/api/v1/assessments/{seeded.assessment_id}"
    before = client.get(url, headers=seeded.staff).json()
    body = {"answers": {str(i): 3 for i in range(1, 10)}}
    refused = client.request(method, url, json=body, headers=seeded.staff)
    assert refused.status_code == 405 and refused.headers["allow"] == "GET"
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "save a new assessment" in refused.json()["detail"]
    # the same answer for an id that does not exist (nothing about the record is revealed)
    missing = client.request(
        method, f"/api/v1/assessments/{MISSING}", json=body, headers=seeded.staff
    )
    assert missing.status_code == 405 and missing.json()["detail"] == refused.json()["detail"]
    assert client.request(method, url, json=body).status_code == 401
    assert client.get(url, headers=seeded.staff).json() == before
