"""Patient pages without a browser: the check-in form (no-JS path), its JSON twin with
idempotency keys, low-energy mode, "same as last time", back-fill, and the body map markup."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from atlaxis.web.pages import bodymap, checkin

PatientClient = tuple[TestClient, Any]


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def _key(html: str) -> str:
    found = re.search(r'name="idempotency_key" value="([^"]+)"', html)
    assert found
    return found.group(1)


def FakeForm(data: dict[str, Any]) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [v] for k, v in data.items()}


def test_read_form_prefers_typed_number_and_lists_every_problem() -> None:
    form = FakeForm(
        {"pain": "3", "pain_n": "7", "fatigue": "11", "sleep_quality_n": "x", "date": "nope"}
    )
    read, problems = checkin.read_form(form)
    assert read.values == {"pain": 7}
    assert {p.field for p in problems} == {"fatigue", "sleep_quality", "date"}


def test_low_energy_form_keeps_only_pain_fatigue_sleep() -> None:
    form = FakeForm(
        {
            "mode": "low",
            "pain": "4",
            "fatigue": "5",
            "sleep_quality": "6",
            "mood": "2",
            "body_map": ["neck"],
            "note": "x",
            "date": "2024-03-01",
        }
    )
    read, problems = checkin.read_form(form)
    assert problems == []
    assert read.values == {"pain": 4, "fatigue": 5, "sleep_quality": 6}
    assert read.sites == [] and read.note == ""


def test_payload_marks_days_before_yesterday_recalled() -> None:
    read, _ = checkin.read_form(FakeForm({"pain": "2", "date": "2024-03-01"}))
    assert checkin.payload_of(read, date(2024, 3, 2))["recalled"] is False
    assert checkin.payload_of(read, date(2024, 3, 5))["recalled"] is True


def test_every_wpi_site_is_keyboard_reachable_exactly_once() -> None:
    focusable = [r.site for r in bodymap.front() + bodymap.back() if r.focus]
    assert sorted(focusable) == sorted(bodymap.SITE_IDS)
    assert len(focusable) == 19


def test_front_view_shows_patients_right_on_viewers_left() -> None:
    front = {r.site: r for r in bodymap.front()}
    back = {r.site: r for r in bodymap.back()}
    assert front["upper_arm_right"].x < 80 < front["upper_arm_left"].x
    assert back["upper_arm_left"].x < 80 < back["upper_arm_right"].x


def test_checkin_page_needs_a_patient(client: TestClient) -> None:
    response = client.get("/checkin")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fcheckin"


def test_checkin_page_renders_map_ratings_and_no_inline_script(
    patient_client: PatientClient,
) -> None:
    client, _ = patient_client
    page = client.get("/checkin")
    assert page.status_code == 200
    html = page.text
    assert html.count('name="body_map"') == 19
    assert len(re.findall(r'class="site[^"]*" data-site=', html)) > 19
    for item in checkin.RATINGS:
        assert f'name="{item}" value="10"' in html and f'name="{item}_n"' in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None  # CSP: no inline scripts
    assert "style=" not in html
    assert re.search(r'id="same" href="[^"]*" hidden', html)  # nothing to copy yet


def test_no_js_checkin_is_stored_once_even_if_posted_twice(
    patient_client: PatientClient, uow_factory: Any
) -> None:
    client, patient = patient_client
    page = client.get("/checkin").text
    today = datetime.now(UTC).date().isoformat()
    form = {
        "csrf_token": _csrf(page),
        "idempotency_key": _key(page),
        "date": today,
        "pain": "6",
        "fatigue_n": "7",
        "sleep_quality": "3",
        "body_map": ["neck", "lower_back"],
        "note": "bad night",
    }
    first = client.post("/checkin", data=form)
    assert first.status_code == 303 and first.headers["location"] == "/checkin?saved=1"
    again = client.post("/checkin", data=form)
    assert again.status_code == 303
    with uow_factory(read_only=True) as uow:
        stored = uow.diary.page(patient.id, limit=10)
    assert len(stored) == 1
    entry = stored[0]
    assert entry.items == {"pain": 6, "fatigue": 7, "sleep_quality": 3}
    assert entry.body_map == ["neck", "lower_back"] and entry.note == "bad night"
    assert entry.recalled is False
    after = client.get("/checkin?saved=1").text
    assert "Saved. Thank you." in after and "Check-ins today: 1" in after
    assert re.search(r'id="same" href="[^"]*">Same as last time', after)


def test_same_as_last_time_prefills_without_saving(
    patient_client: PatientClient, uow_factory: Any
) -> None:
    client, patient = patient_client
    page = client.get("/checkin").text
    today = datetime.now(UTC).date().isoformat()
    base = {"csrf_token": _csrf(page), "date": today, "pain": "5", "body_map": ["neck"]}
    client.post("/checkin", data={**base, "idempotency_key": "k1"})
    copied = client.get("/checkin?copy=last").text
    assert re.search(r'name="pain" value="5" checked', copied)
    assert re.search(r'id="site-neck" checked', copied)
    with uow_factory(read_only=True) as uow:
        assert len(uow.diary.page(patient.id, limit=10)) == 1


def test_invalid_form_shows_message_next_to_the_item(patient_client: PatientClient) -> None:
    client, _ = patient_client
    page = client.get("/checkin").text
    today = datetime.now(UTC).date().isoformat()
    data = {"csrf_token": _csrf(page), "idempotency_key": "k", "date": today, "pain_n": "12"}
    response = client.post("/checkin", data=data)
    assert response.status_code == 422
    assert 'id="e-pain"' in response.text and "Choose a number from 0 to 10." in response.text
    assert 'aria-describedby="h-pain e-pain"' in response.text


def test_post_without_csrf_is_refused(patient_client: PatientClient) -> None:
    client, _ = patient_client
    response = client.post("/checkin", data={"pain": "3", "date": "2024-01-01"})
    assert response.status_code == 403


def test_backfill_page_is_marked_recalled(patient_client: PatientClient) -> None:
    client, _ = patient_client
    day = (datetime.now(UTC).date() - timedelta(days=3)).isoformat()
    html = client.get(f"/checkin?date={day}").text
    assert f'value="{day}"' in html and 'name="recalled" value="1"' in html
    assert "marked as filled in from memory" in html


@pytest.mark.parametrize("mode", ["low"])
def test_low_energy_page_hides_the_rest(patient_client: PatientClient, mode: str) -> None:
    client, _ = patient_client
    html = client.get(f"/checkin?mode={mode}").text
    assert 'class="stack low-energy"' in html and 'name="mode" value="low"' in html


def test_json_twin_is_idempotent_and_needs_csrf_header(
    patient_client: PatientClient, uow_factory: Any
) -> None:
    client, patient = patient_client
    token = _csrf(client.get("/checkin").text)
    body = {"date": datetime.now(UTC).date().isoformat(), "items": {"pain": 4}, "recalled": False}
    refused = client.post("/checkin/entries", json=body, headers={"Idempotency-Key": "a"})
    assert refused.status_code == 403
    headers = {"X-CSRF-Token": token, "Idempotency-Key": "offline-1"}
    first = client.post("/checkin/entries", json=body, headers=headers)
    assert first.status_code == 201, first.text
    retry = client.post("/checkin/entries", json=body, headers=headers)
    assert retry.status_code == 200 and retry.json()["id"] == first.json()["id"]
    other = client.post("/checkin/entries", json={**body, "items": {"pain": 9}}, headers=headers)
    assert other.status_code == 409
    bad = client.post(
        "/checkin/entries",
        json={**body, "items": {"pain": 11}},
        headers={**headers, "Idempotency-Key": "offline-2"},
    )
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem")
    with uow_factory(read_only=True) as uow:
        assert len(uow.diary.page(patient.id, limit=10)) == 1


def _add_entries(client: TestClient, days: list[tuple[str, str, list[str]]]) -> None:
    token = _csrf(client.get("/checkin").text)
    for i, (day, pain, sites) in enumerate(days):
        body = {"date": day, "items": {"pain": int(pain), "fatigue": 6}, "body_map": sites}
        if sites:
            body["note"] = "=cmd|' /C calc'!A0" if i == 0 else "ok"
        headers = {"X-CSRF-Token": token, "Idempotency-Key": f"e{i}"}
        assert client.post("/checkin/entries", json=body, headers=headers).status_code == 201


def test_me_page_shows_trend_weekly_estimate_and_downloads(patient_client: PatientClient) -> None:
    client, _ = patient_client
    today = datetime.now(UTC).date()
    _add_entries(
        client,
        [
            (today.isoformat(), "6", ["neck", "lower_back"]),
            ((today - timedelta(days=1)).isoformat(), "4", []),
        ],
    )
    page = client.get("/me")
    assert page.status_code == 200
    html = page.text
    assert 'role="img"' in html and "Pain, tiredness and sleep" in html  # the trend chart
    assert "Weekly pain areas and symptom severity" in html
    assert "No questionnaire results yet." in html
    csv_text = client.get("/me/diary.csv")
    assert csv_text.headers["content-disposition"].startswith("attachment;")
    lines = csv_text.text.strip().splitlines()
    assert lines[0].startswith("date,time,recalled,pain,fatigue")
    assert len(lines) == 3
    assert "neck;lower_back" in csv_text.text
    assert ",'=cmd" in csv_text.text  # a formula-like note is neutralised for spreadsheets
    data = client.get("/me/data.json").json()
    assert [e["items"]["pain"] for e in data["diary"]] == [4, 6]  # oldest first
    assert client.get("/me/scores.csv").text.startswith("instrument,taken_at,total")


def test_me_needs_a_patient(client: TestClient, factory: Any, page_login: Any) -> None:
    from atlaxis.domain import Role

    clinic = factory.clinic()
    page_login(factory.user(Role.CLINICIAN, clinic).email)
    assert client.get("/me").status_code == 403
    assert client.get("/me/data.json").status_code == 403


def test_service_worker_is_served_from_the_root_and_never_cached_long(
    client: TestClient,
) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"  # a new version is picked up
    assert 'var SHELL = "/checkin";' in response.text


def test_queue_owner_tag_differs_per_patient() -> None:
    from atlaxis.domain import Actor, Role

    one = Actor(user_id=1, role=Role.PATIENT, clinic_id=1, patient_id=1)
    two = Actor(user_id=2, role=Role.PATIENT, clinic_id=1, patient_id=2)
    assert checkin.owner_tag(one) != checkin.owner_tag(two)
    assert checkin.owner_tag(one) == checkin.owner_tag(one)
    assert checkin.owner_tag(one) != "1" and len(checkin.owner_tag(one)) == 16
