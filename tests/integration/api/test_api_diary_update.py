"""PATCH /api/v1/diary/{entry_id}: a patient changes their own entry, clinic staff their
clinic's; out of scope reads like a missing id (404); every bad field in one 422; the
audit event names the changed fields only; the (cached) timeline shows the edited value."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from atlaxis.domain import Role

Headers = dict[str, str]


@pytest.fixture
def world(client: TestClient, factory: Any, sign_in: Callable[..., Headers]) -> dict[str, Any]:
    home, away = factory.clinic(), factory.clinic()
    mine, theirs = factory.patient(home), factory.patient(home)
    factory.user(Role.CLINICIAN, home, email="doc@home.org")
    factory.user(Role.CLINICIAN, away, email="doc@away.org")
    factory.user(Role.PATIENT, home, patient=mine, email="me@home.org")
    factory.user(Role.PATIENT, home, patient=theirs, email="them@home.org")
    me = sign_in("me@home.org")
    day = (date.today() - timedelta(days=3)).isoformat()
    body = {"date": day, "time": "07:45", "items": {"pain": 6}, "note": "stiff"}
    made = client.post(f"/api/v1/patients/{mine.id}/diary", json=body, headers=me)
    assert made.status_code == 201, made.text
    return {
        "me": me,
        "them": sign_in("them@home.org"),
        "doc": sign_in("doc@home.org"),
        "away": sign_in("doc@away.org"),
        "patient_id": mine.id,
        "url": f"/api/v1/diary/{made.json()['id']}",
        "day": day,
    }


def test_patient_changes_own_entry_and_audit_names_fields(
    client: TestClient, world: dict[str, Any], uow_factory: Any
) -> None:
    new_day = (date.fromisoformat(world["day"]) - timedelta(days=1)).isoformat()
    r = client.patch(
        world["url"],
        json={"items": {"pain": 3}, "date": new_day, "note": "ok"},
        headers=world["me"],
    )
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["items"]["pain"], got["date"], got["note"], got["time"]) == (
        3,
        new_day,
        "ok",
        "07:45",
    )
    assert client.get(world["url"], headers=world["me"]).json()["items"]["pain"] == 3
    with uow_factory(read_only=True) as uow:
        updates = [e for e in uow.audit.iterate() if e.action == "update"]
    assert [(e.entity, e.detail["fields"]) for e in updates] == [
        ("diary_entry", ["date", "items", "note"])
    ]
    assert "3" not in str(updates[0].detail) and "ok" not in str(updates[0].detail)


def test_clinician_of_clinic_may_change_time_cleared_with_null(
    client: TestClient, world: dict[str, Any]
) -> None:
    r = client.patch(world["url"], json={"time": None, "recalled": True}, headers=world["doc"])
    assert r.status_code == 200, r.text
    assert (r.json()["time"], r.json()["recalled"]) == (None, True)


@pytest.mark.parametrize("who", ["them", "away"])
def test_out_of_scope_reads_like_missing(
    client: TestClient, world: dict[str, Any], who: str
) -> None:
    other = client.patch(world["url"], json={"note": "x"}, headers=world[who])
    missing = client.patch("/api/v1/diary/987654321", json={"note": "x"}, headers=world[who])
    assert other.status_code == missing.status_code == 404
    assert other.json()["detail"].replace(world["url"].rsplit("/", 1)[1], "N") == missing.json()[
        "detail"
    ].replace("987654321", "N")
    assert client.get(world["url"], headers=world["me"]).json()["note"] == "stiff"


def test_bad_values_listed_together(client: TestClient, world: dict[str, Any]) -> None:
    future = (date.today() + timedelta(days=30)).isoformat()
    r = client.patch(
        world["url"],
        json={"items": {"pain": 11, "nonsense": 2}, "note": None, "date": future},
        headers=world["me"],
    )
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    fields = {p["field"] for p in r.json()["errors"]}
    assert {"items.pain", "items.nonsense", "note", "date"} <= fields, r.json()
    assert client.get(world["url"], headers=world["me"]).json()["items"]["pain"] == 6


def test_unknown_field_refused(client: TestClient, world: dict[str, Any]) -> None:
    r = client.patch(world["url"], json={"patient_id": 5}, headers=world["me"])
    assert r.status_code == 422


def test_cached_timeline_shows_edited_value(client: TestClient, world: dict[str, Any]) -> None:
    timeline = f"/api/v1/patients/{world['patient_id']}/timeline"
    for _ in range(2):  # the second read comes from the timeline cache
        seen = client.get(timeline, headers=world["doc"]).json()["diary"]
        assert [d["items"]["pain"] for d in seen] == [6]
    assert client.patch(world["url"], json={"items": {"pain": 2}}, headers=world["me"]).is_success
    seen = client.get(timeline, headers=world["doc"]).json()["diary"]
    assert [d["items"]["pain"] for d in seen] == [2]
