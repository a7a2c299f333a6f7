"""The plain-ASGI fast path (``web.fastpath``) answers exactly as the FastAPI routes do.

The same script of diary check-ins — new, replayed, conflicting, invalid in each way, out of
scope, unauthenticated, by cookie with and without the CSRF token — is sent to an app with the
fast path and to one without it; every answer (status, headers that matter, body) and every
audit event must be the same, and the fast path must actually have answered the plain ones.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from atlaxis.domain import Role
from atlaxis.web import fastpath

TEST_PASSWORD = "correct horse battery staple"
KEPT_HEADERS = ("content-type", "idempotent-replayed", "www-authenticate", "cache-control")


def _sign_in(client: TestClient, email: str) -> str:
    response = client.post("/api/v1/auth/token", json={"email": email, "password": TEST_PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _normal(text: str, names: dict[str, str]) -> str:
    """Ids and times differ between the two runs; the patients are named by their role."""
    text = re.sub(r"/patients/(\d+)/", lambda m: f"/patients/{names.get(m[1], m[1])}/", text)
    text = re.sub(r"patient (\d+) not found", lambda m: f"patient {names.get(m[1])} not", text)
    text = re.sub(r'"patient_id":(\d+)', lambda m: f'"patient_id":"{names.get(m[1])}"', text)
    text = re.sub(r'"created_at":"[^"]*"', '"created_at":"T"', text)
    return re.sub(r'"id":\d+', '"id":N', text)


def _script(client: TestClient, factory: Any, tag: str) -> tuple[list[Any], dict[str, str]]:
    """Run the script against ``client`` with fresh records; the normalised transcript."""
    home, away = factory.clinic(), factory.clinic()
    patient = factory.patient(home)
    other = factory.patient(away)
    factory.user(Role.PATIENT, home, patient=patient, email=f"p-{tag}@x.org")
    factory.user(Role.CLINICIAN, away, email=f"d-{tag}@x.org")
    factory.user(Role.RESEARCHER, home, email=f"r-{tag}@x.org")
    factory.user(Role.CLINICIAN, home, email=f"h-{tag}@x.org")
    mine = {"Authorization": f"Bearer {_sign_in(client, f'p-{tag}@x.org')}"}
    home_doc = {"Authorization": f"Bearer {_sign_in(client, f'h-{tag}@x.org')}"}
    away_doc = {"Authorization": f"Bearer {_sign_in(client, f'd-{tag}@x.org')}"}
    researcher = {"Authorization": f"Bearer {_sign_in(client, f'r-{tag}@x.org')}"}
    url = f"/api/v1/patients/{patient.id}/diary"
    entry = {"date": "2024-05-01", "time": "08:30", "items": {"pain": 6}, "body_map": ["neck"]}
    raw = {"Content-Type": "application/json"}
    steps: list[tuple[str, str, dict[str, str], Any]] = [
        ("POST", url, mine, entry),  # resolves the caller (slow path), then cached
        ("POST", url, mine | {"Idempotency-Key": "k-1"}, entry),
        ("POST", url, mine | {"Idempotency-Key": "k-1"}, entry),  # replay
        ("POST", url, mine | {"Idempotency-Key": "k-1"}, entry | {"note": "x"}),  # conflict
        ("POST", url, mine | {"Idempotency-Key": "  "}, entry),  # blank key
        ("POST", url, mine | {"Idempotency-Key": "k" * 201}, entry),  # too long
        ("POST", url, mine, {"date": "2024-13-01", "items": {"pain": "a lot"}, "x": 1}),
        ("POST", url, mine, {"date": "2024-05-01", "items": {"pain": 11}}),  # scored: 0-10
        ("POST", url, mine, {"date": "2999-01-01", "items": {}}),  # future day
        ("POST", url, mine | raw, b'{"date": "2024-05-01", "items": {"pain": NaN}}'),
        ("POST", url, mine | raw, b"[1, 2]"),
        ("POST", url, mine | raw, b"{not json"),
        ("POST", url, mine | {"Content-Type": "text/plain"}, b'{"date": "2024-05-01"}'),
        ("POST", f"/api/v1/patients/{other.id}/diary", mine, entry),  # not theirs
        ("POST", url, away_doc, entry),  # another clinic's clinician
        ("POST", f"/api/v1/patients/{other.id}/diary", away_doc, entry),  # their own clinic
        ("POST", url, researcher, entry),
        ("POST", url, {"Authorization": "Bearer nope"}, entry),
        ("POST", url, {"Authorization": "Basic abc"}, entry),
        ("POST", url, {}, entry),
        ("POST", "/api/v1/patients/0/diary", mine, entry),
        ("POST", "/api/v1/patients/9007199254740993/diary", mine, entry),
        ("GET", "/api/v1/health", {}, None),
    ]
    timeline = f"/api/v1/patients/{patient.id}/timeline"
    steps += [
        ("GET", timeline, home_doc, None),  # resolves the caller
        ("GET", timeline, home_doc, None),  # with alerts (staff)
        ("GET", timeline, home_doc | {"If-None-Match": "ETAG"}, None),  # 304
        ("GET", timeline, home_doc | {"If-None-Match": 'W/"nope", ETAG'}, None),  # 304
        ("GET", timeline, home_doc | {"If-None-Match": '"nope"'}, None),
        ("GET", timeline, mine, None),  # the patient's own (no alerts)
        ("GET", timeline, mine | {"If-None-Match": "ETAG"}, None),  # staff's tag: 200
        ("GET", f"/api/v1/patients/{other.id}/timeline", mine, None),
        ("GET", timeline, away_doc, None),
        ("GET", timeline, researcher, None),
        ("GET", timeline, {}, None),
        ("GET", timeline, {"Authorization": "Bearer nope"}, None),
        ("GET", timeline + "?start=2024-05-01", home_doc, None),
        ("GET", timeline + "?start=2024-05-02&end=2024-05-01", home_doc, None),
    ]
    transcript = []
    etag = ""
    for method, path, headers, body in steps:
        headers = {k: v.replace("ETAG", etag) for k, v in headers.items()}
        if isinstance(body, bytes):
            response = client.request(method, path, headers=headers, content=body)
        else:
            response = client.request(method, path, headers=headers, json=body)
        if path == timeline and headers == home_doc:
            etag = response.headers["etag"]
        kept = {k: response.headers.get(k) for k in KEPT_HEADERS}
        kept["etag"] = "present" if response.headers.get("etag") else None
        transcript.append((method, response.status_code, kept, response.text))
    names = {str(patient.id): "PATIENT", str(other.id): "OTHER"}
    return transcript, names


def _audit(database: Any) -> list[tuple[str, str]]:
    with database.uow(read_only=True) as uow:
        return [(e.action, e.entity) for e in uow.audit.iterate()]


def test_fast_path_answers_as_fastapi_does(
    make_app: Callable[..., FastAPI], factory: Any, database: Any, monkeypatch: Any
) -> None:
    answered: list[int] = []
    original = fastpath._check_diary

    async def counting(*args: Any) -> Any:
        prepared = await original(*args)
        answered.append(1)
        return prepared

    monkeypatch.setattr(fastpath, "_check_diary", counting)
    timelines: list[int] = []
    read_timeline = fastpath.read_timeline

    async def counting_timeline(*args: Any) -> Any:
        timelines.append(1)
        return await read_timeline(*args)

    monkeypatch.setattr(fastpath, "read_timeline", counting_timeline)
    runs = []
    for tag, fast in (("slow", False), ("fast", True)):
        before = len(_audit(database))
        with TestClient(make_app(fast_path=fast)) as client:
            transcript, names = _script(client, factory, tag)
        events = _audit(database)[before:]
        runs.append(([(m, s, h, _normal(t, names)) for m, s, h, t in transcript], events))
    (slow, slow_events), (fast, fast_events) = runs
    for slow_step, fast_step in zip(slow, fast, strict=True):
        assert fast_step == slow_step
    assert fast_events == slow_events
    # the plain check-ins after the first were answered by the fast path
    assert len(answered) >= 4 and len(timelines) >= 9
    statuses = [s for _, s, _, _ in fast]
    assert statuses[:4] == [201, 201, 201, 409]
    assert statuses[-14:-9] == [200, 200, 304, 304, 200] and statuses[-8] == 200
    assert timeline_reads(fast_events) == timeline_reads(slow_events) == 8  # 304s too


def timeline_reads(events: list[tuple[str, str]]) -> int:
    return events.count(("read", "timeline"))


def test_health_is_the_same_body_either_way(make_app: Callable[..., FastAPI]) -> None:
    bodies = []
    for fast in (False, True):
        with TestClient(make_app(fast_path=fast)) as client:
            response = client.get("/api/v1/health")
            assert response.status_code == 200
            assert response.headers["content-type"] == "application/json"
            assert response.headers["cache-control"] == "no-store"
            assert "content-security-policy" in response.headers
            bodies.append(response.json())
    assert bodies[0] == bodies[1] == {"status": "ok"}


def test_fast_path_logs_the_route_template(
    client: TestClient,
    factory: Any,
    sign_in: Callable[..., dict[str, str]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    clinic = factory.clinic()
    patient = factory.patient(clinic)
    factory.user(Role.PATIENT, clinic, patient=patient, email="log@x.org")
    headers = sign_in("log@x.org")
    caplog.set_level(logging.INFO, logger="atlaxis.access")
    for _ in range(3):
        entry = {"date": "2024-05-01", "items": {"pain": 2}, "note": "secret-note"}
        assert client.post(f"/api/v1/patients/{patient.id}/diary", json=entry, headers=headers)
    client.get("/api/v1/health")
    client.get(f"/api/v1/patients/{patient.id}/timeline", headers=headers)
    client.get(f"/api/v1/patients/{patient.id}/timeline", headers={"Authorization": "Basic x"})
    lines = [r.getMessage() for r in caplog.records if r.name == "atlaxis.access"]
    assert any("GET /api/v1/patients/{patient_id}/timeline 200" in line for line in lines)
    assert any("GET /api/v1/patients/{patient_id}/timeline 401" in line for line in lines)
    assert sum("POST /api/v1/patients/{patient_id}/diary 201" in line for line in lines) == 3
    assert any(line.startswith("GET /api/v1/health 200") for line in lines)
    assert not any(f"/patients/{patient.id}/" in line or "secret" in line for line in lines)


def test_cookie_check_ins_need_the_csrf_token_on_the_fast_path(
    client: TestClient, factory: Any
) -> None:
    clinic = factory.clinic()
    patient = factory.patient(clinic)
    factory.user(Role.PATIENT, clinic, patient=patient, email="cookie@x.org")
    form = client.get("/login").text
    token = re.search(r'name="login_token" value="([^"]*)"', form)
    assert token is not None
    body = {"email": "cookie@x.org", "password": TEST_PASSWORD, "login_token": token.group(1)}
    assert client.post("/login", data=body, follow_redirects=False).status_code == 303
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/checkin").text)
    assert csrf is not None
    url = f"/api/v1/patients/{patient.id}/diary"
    entry = {"date": "2024-05-01", "items": {"pain": 4}}
    for _ in range(2):  # the second is answered from the caller cache
        assert client.post(url, json=entry).status_code == 403
        ok = client.post(url, json=entry, headers={"X-CSRF-Token": csrf.group(1)})
        assert ok.status_code == 201, ok.text
