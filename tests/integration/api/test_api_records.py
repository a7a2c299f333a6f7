"""The record routes end to end: create, read, update, list with cursors and filters,
idempotent diary writes, alerts acknowledged with a reason, and the audit trail."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from atlaxis.domain import Role

Headers = dict[str, str]


@dataclass
class Clinic:
    staff: Headers
    patient_id: int
    patient: Headers
    other_staff: Headers
    researcher: Headers


@pytest.fixture
def clinic(client: TestClient, factory: Any, sign_in: Callable[..., Headers]) -> Clinic:
    home, away = factory.clinic(), factory.clinic()
    factory.user(Role.CLINICIAN, home, email="doc@home.org")
    factory.user(Role.CLINICIAN, away, email="doc@away.org")
    factory.user(Role.RESEARCHER, home, email="res@home.org")
    staff = sign_in("doc@home.org")
    made = client.post(
        "/api/v1/patients",
        json={"record_number": "A-1", "given_name": "Ada", "family_name": "Quill"},
        headers=staff,
    )
    assert made.status_code == 201, made.text
    patient_id = made.json()["id"]
    with factory.uow_factory() as uow:
        patient = uow.patients.get(patient_id)
    factory.user(Role.PATIENT, home, patient=patient, email="ada@home.org")
    return Clinic(
        staff, patient_id, sign_in("ada@home.org"), sign_in("doc@away.org"), sign_in("res@home.org")
    )


def test_patient_create_read_update_and_scope(client: TestClient, clinic: Clinic) -> None:
    url = f"/api/v1/patients/{clinic.patient_id}"
    assert client.get(url, headers=clinic.staff).json()["given_name"] == "Ada"
    assert client.get(url, headers=clinic.patient).status_code == 200
    changed = client.patch(url, json={"phone": "+44 1"}, headers=clinic.staff)
    assert changed.status_code == 200 and changed.json()["phone"] == "+44 1"
    # another clinic's clinician: indistinguishable from a record that does not exist
    other = client.get(url, headers=clinic.other_staff)
    missing = client.get("/api/v1/patients/987654", headers=clinic.other_staff)
    assert other.status_code == missing.status_code == 404
    assert other.json()["detail"].replace(str(clinic.patient_id), "N") == missing.json()[
        "detail"
    ].replace("987654", "N")
    assert client.get(url, headers=clinic.researcher).status_code == 403
    assert client.patch(url, json={"phone": "1"}, headers=clinic.patient).status_code == 403


def test_patient_list_pages_with_a_cursor(client: TestClient, clinic: Clinic) -> None:
    for n in range(4):
        body = {"record_number": f"B-{n}", "given_name": "P", "family_name": f"N{n}"}
        assert client.post("/api/v1/patients", json=body, headers=clinic.staff).status_code == 201
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/patients", params=params, headers=clinic.staff).json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 5
    bad = client.get("/api/v1/patients", params={"cursor": "zzz"}, headers=clinic.staff)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cursor"


def test_diary_is_idempotent_with_a_key(client: TestClient, clinic: Clinic) -> None:
    url = f"/api/v1/patients/{clinic.patient_id}/diary"
    entry = {"date": "2024-05-01", "time": "08:30", "items": {"pain": 6, "fatigue": 7}}
    key = {"Idempotency-Key": "phone-42-0001"}
    first = client.post(url, json=entry, headers=clinic.patient | key)
    again = client.post(url, json=entry, headers=clinic.patient | key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again.headers["idempotent-replayed"] == "true"
    other = client.post(url, json=entry | {"note": "x"}, headers=clinic.patient | key)
    assert other.status_code == 409
    listed = client.get(url, headers=clinic.staff).json()["items"]
    assert len(listed) == 1 and listed[0]["items"]["pain"] == 6


def test_diary_problems_name_every_field(client: TestClient, clinic: Clinic) -> None:
    url = f"/api/v1/patients/{clinic.patient_id}/diary"
    bad = {"date": "2024-13-01", "time": "8am", "items": {"pain": "a lot"}, "mood_ring": 1}
    response = client.post(url, json=bad, headers=clinic.patient)
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"date", "time", "mood_ring"} <= fields and any(f.startswith("items") for f in fields)
    out_of_range = client.post(
        url, json={"date": "2024-05-01", "items": {"pain": 11}}, headers=clinic.patient
    )
    assert out_of_range.status_code == 422
    assert [e["field"] for e in out_of_range.json()["errors"]] == ["items.pain"]


def test_diary_date_filter_and_timeline(client: TestClient, clinic: Clinic) -> None:
    url = f"/api/v1/patients/{clinic.patient_id}/diary"
    for day in ("2024-05-01", "2024-05-02", "2024-05-03"):
        body = {"date": day, "items": {"pain": 5}}
        assert client.post(url, json=body, headers=clinic.patient).status_code == 201
    some = client.get(url, params={"start": "2024-05-02"}, headers=clinic.staff).json()
    assert [e["date"] for e in some["items"]] == ["2024-05-03", "2024-05-02"]
    backwards = client.get(
        url, params={"start": "2024-05-03", "end": "2024-05-01"}, headers=clinic.staff
    )
    assert backwards.status_code == 422
    timeline = client.get(f"/api/v1/patients/{clinic.patient_id}/timeline", headers=clinic.staff)
    assert timeline.status_code == 200 and len(timeline.json()["diary"]) == 3
    mine = client.get(f"/api/v1/patients/{clinic.patient_id}/timeline", headers=clinic.patient)
    assert mine.status_code == 200 and "alerts" not in mine.json()


def test_assessment_raises_alert_acknowledged_with_reason(
    client: TestClient, clinic: Clinic
) -> None:
    answers = {str(i): 1 for i in range(1, 10)} | {"9": 2}  # PHQ-9 item 9 answered > 0
    saved = client.post(
        f"/api/v1/patients/{clinic.patient_id}/assessments",
        json={"instrument": "phq9", "answers": answers},
        headers=clinic.staff,
    )
    assert saved.status_code == 201, saved.text
    assert saved.json()["assessment"]["result"]["total"] == 10  # 8 x 1 + 2
    alerts = saved.json()["alerts"]
    assert alerts, "PHQ-9 item 9 above 0 must raise an alert for the clinician"
    alert_id = alerts[0]["id"]
    listed = client.get("/api/v1/alerts", params={"open": True}, headers=clinic.staff).json()
    assert alert_id in [a["id"] for a in listed["items"]]
    ack = f"/api/v1/alerts/{alert_id}/acknowledge"
    assert client.post(ack, json={"note": ""}, headers=clinic.staff).status_code == 422
    assert client.post(ack, json={"note": "called"}, headers=clinic.other_staff).status_code == 404
    done = client.post(ack, json={"note": "phoned; safety plan"}, headers=clinic.staff)
    assert done.status_code == 200 and done.json()["open"] is False
    assert client.post(ack, json={"note": "again"}, headers=clinic.staff).status_code == 409
    assert client.get("/api/v1/alerts", headers=clinic.patient).status_code == 403


def test_visits_cotherapies_episodes_consents(client: TestClient, clinic: Clinic) -> None:
    base = f"/api/v1/patients/{clinic.patient_id}"
    visit = {
        "occurred_at": "2024-05-01T09:00:00Z",
        "technique": "toggle",
        "decision": "adjusted",
        "pre_checks": {"leg_check": {"mm": 6.35, "side": "right", "entered_as": "1/4 in"}},
        "post_checks": {"leg_check": {"mm": 0, "side": "none"}},
        "reaction": "mild",
    }
    made = client.post(f"{base}/visits", json=visit, headers=clinic.staff)
    assert made.status_code == 201, made.text
    vid = made.json()["id"]
    assert made.json()["pre_checks"]["leg_check"]["mm"] == 6.35
    held = client.patch(f"/api/v1/visits/{vid}", json={"decision": "held"}, headers=clinic.staff)
    assert held.json()["decision"] == "held"
    assert (
        client.get(f"{base}/visits", params={"kind": "held"}, headers=clinic.staff).json()["items"][
            0
        ]["id"]
        == vid
    )
    assert client.post(f"{base}/visits", json=visit, headers=clinic.patient).status_code == 403
    co = {"kind": "physiotherapy", "name": "graded exercise", "started_on": "2024-04-01"}
    made_co = client.post(f"{base}/cotherapies", json=co, headers=clinic.staff)
    assert made_co.status_code == 201
    ended = client.patch(
        f"/api/v1/cotherapies/{made_co.json()['id']}",
        json={"ended_on": "2024-03-01"},
        headers=clinic.staff,
    )
    assert ended.status_code == 422  # ends before it started
    ep = client.post(f"{base}/episodes", json={"care_start": "2024-04-15"}, headers=clinic.staff)
    assert ep.status_code == 201
    assert (
        client.get(f"{base}/episodes", headers=clinic.patient).json()["items"][0]["id"]
        == ep.json()["id"]
    )
    consent = client.post(
        f"{base}/consents", json={"kind": "research", "version": "2"}, headers=clinic.patient
    )
    assert consent.status_code == 201 and consent.json()["active"] is True
    gone = client.post(f"/api/v1/consents/{consent.json()['id']}/withdraw", headers=clinic.patient)
    assert gone.json()["active"] is False


def test_reads_and_writes_are_audited(client: TestClient, clinic: Clinic, database: Any) -> None:
    client.get(f"/api/v1/patients/{clinic.patient_id}", headers=clinic.staff)
    with database.uow(read_only=True) as uow:
        events = list(uow.audit.iterate())
    kinds = [(e.action, e.entity) for e in events]
    assert ("create", "patient") in kinds and ("read", "patient") in kinds
    assert ("login", "user") in kinds
    read = [e for e in events if e.action == "read"][-1]
    assert read.patient_id == clinic.patient_id and read.ip


def test_request_logs_carry_no_patient_data(
    client: TestClient, clinic: Clinic, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret_name, secret_note = "Zebediah", "panic attack after divorce"
    client.get("/api/v1/patients", params={"search": secret_name}, headers=clinic.staff)
    client.post(
        "/api/v1/patients",
        json={"record_number": "Z-9", "given_name": secret_name, "family_name": "Q"},
        headers=clinic.staff,
    )
    client.post(
        f"/api/v1/patients/{clinic.patient_id}/diary",
        json={"date": "2024-05-01", "items": {"pain": 3}, "note": secret_note},
        headers=clinic.patient,
    )
    client.post(
        f"/api/v1/patients/{clinic.patient_id}/diary",
        json={"note": secret_note},
        headers=clinic.patient,
    )
    # the test client's own log (httpx) shows its URLs; everything the server logged must not
    server = [r.getMessage() for r in caplog.records if not r.name.startswith("httpx")]
    assert any("POST /api/v1/patients/{patient_id}/diary 201" in line for line in server)
    text = "\n".join(server)
    assert secret_name not in text and "divorce" not in text and "search=" not in text


def test_outcomes_summary_is_one_call(client: TestClient, clinic: Clinic) -> None:
    base = f"/api/v1/patients/{clinic.patient_id}"
    client.post(f"{base}/episodes", json={"care_start": "2024-03-01"}, headers=clinic.staff)
    for day in range(1, 29):
        for month, pain in (("02", 7), ("03", 4)):
            entry = {"date": f"2024-{month}-{day:02d}", "items": {"pain": pain + day % 2}}
            client.post(f"{base}/diary", json=entry, headers=clinic.patient)
    for when, level in (("2024-02-20T10:00:00Z", 2), ("2024-04-01T10:00:00Z", 1)):
        answers = {str(i): level for i in range(1, 9)} | {"9": 0}
        body = {"instrument": "phq9", "answers": answers, "taken_at": when}
        assert (
            client.post(f"{base}/assessments", json=body, headers=clinic.staff).status_code == 201
        )
    response = client.get(f"{base}/outcomes", headers=clinic.staff)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["care_start"] == "2024-03-01" and "caused" in body["wording"]
    assert [i["instrument"] for i in body["instruments"]] == ["phq9"]
    assert any(d["item"] == "pain" for d in body["diary"])
    assert client.get(f"{base}/outcomes", headers=clinic.other_staff).status_code == 404
