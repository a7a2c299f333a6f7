"""Sign-in, sessions, CSRF, API tokens, throttling, headers, body limit and problem bodies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from atlaxis.domain import Role

PASSWORD = "correct horse battery staple"
PROBLEM = "application/problem+json"


@pytest.fixture
def clinician(factory: Any) -> Any:
    clinic = factory.clinic()
    return factory.user(Role.CLINICIAN, clinic, email="doc@example.org")


def _events(database: Any) -> list[Any]:
    with database.uow(read_only=True) as uow:
        return list(uow.audit.iterate())


def test_bearer_token_from_password_works_on_api_routes(
    client: TestClient, clinician: Any, database: Any
) -> None:
    response = client.post(
        "/api/v1/auth/token", json={"email": "Doc@Example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and len(body["access_token"]) >= 40
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["user_id"] == clinician.id and me.json()["role"] == "clinician"
    assert [e.action for e in _events(database)] == ["login"]


def test_wrong_password_and_unknown_address_look_the_same(
    client: TestClient, clinician: Any, database: Any
) -> None:
    wrong = client.post("/api/v1/auth/token", json={"email": "doc@example.org", "password": "nope"})
    unknown = client.post(
        "/api/v1/auth/token", json={"email": "who@example.org", "password": "nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.headers["content-type"] == PROBLEM
    assert wrong.json() == unknown.json()
    events = _events(database)
    assert [e.action for e in events] == ["login.failed", "login.failed"]
    assert events[0].actor_user_id == clinician.id and events[1].actor_user_id is None


def test_no_token_means_401_with_a_bearer_challenge(client: TestClient) -> None:
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    bad = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401
    basic = client.get("/api/v1/auth/me", headers={"Authorization": "Basic eDp5"})
    assert basic.status_code == 401


def test_repeated_failures_lock_the_address_then_lift(
    make_app: Callable[..., FastAPI], clinician: Any, database: Any
) -> None:
    with TestClient(make_app(login_max_failures=3)) as client:
        for _ in range(3):
            r = client.post(
                "/api/v1/auth/token", json={"email": "doc@example.org", "password": "x"}
            )
            assert r.status_code == 401
        # locked now: even the right password is refused, and unknown addresses behave alike
        good = {"email": "doc@example.org", "password": PASSWORD}
        locked = client.post("/api/v1/auth/token", json=good)
        assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
    assert _events(database)[-1].action == "login.throttled"
    # the window slides: once the failures are older than the lockout, sign-in works again
    with database.uow() as uow:
        uow.session.execute(
            __import__("sqlalchemy").text("UPDATE login_attempts SET at = '2000-01-01 00:00:00'")
        )
        uow.commit()
    with TestClient(make_app(login_max_failures=3)) as client:
        assert client.post("/api/v1/auth/token", json=good).status_code == 200


def test_cookie_session_attributes_and_rotation(client: TestClient, clinician: Any) -> None:
    creds = {"email": "doc@example.org", "password": PASSWORD}
    first = client.post("/api/v1/auth/session", json=creds)
    assert first.status_code == 200
    cookie = first.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    old = client.cookies.get("atlaxis_session")
    assert client.get("/api/v1/auth/me").status_code == 200
    second = client.post("/api/v1/auth/session", json=creds)  # signs in again: new id
    new = client.cookies.get("atlaxis_session")
    assert second.status_code == 200 and new and new != old
    stale = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {old}"})
    assert stale.status_code == 401


def test_secure_cookie_and_hsts_over_https(app: FastAPI, clinician: Any) -> None:
    with TestClient(app, base_url="https://testserver") as client:
        r = client.post(
            "/api/v1/auth/session", json={"email": "doc@example.org", "password": PASSWORD}
        )
        assert "secure" in r.headers["set-cookie"].lower()
        assert r.headers["strict-transport-security"].startswith("max-age=")


def test_csrf_required_for_cookie_writes_not_for_bearer(
    client: TestClient, clinician: Any, sign_in: Callable[..., dict[str, str]]
) -> None:
    login = client.post(
        "/api/v1/auth/session", json={"email": "doc@example.org", "password": PASSWORD}
    )
    csrf = login.json()["csrf_token"]
    body = {"name": "laptop", "scopes": ["read"]}
    missing = client.post("/api/v1/auth/api-tokens", json=body)
    assert missing.status_code == 403 and missing.headers["content-type"] == PROBLEM
    wrong = client.post("/api/v1/auth/api-tokens", json=body, headers={"X-CSRF-Token": "x" * 43})
    assert wrong.status_code == 403
    ok = client.post("/api/v1/auth/api-tokens", json=body, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201
    headers = sign_in("doc@example.org")
    client.cookies.clear()
    assert client.post("/api/v1/auth/api-tokens", json=body, headers=headers).status_code == 201


def test_api_token_shown_once_scoped_and_revocable(
    client: TestClient, clinician: Any, sign_in: Callable[..., dict[str, str]], database: Any
) -> None:
    import hashlib

    session = sign_in("doc@example.org")
    created = client.post(
        "/api/v1/auth/api-tokens", json={"name": "reader", "scopes": ["read"]}, headers=session
    )
    assert created.status_code == 201
    secret = created.json()["token"]
    assert secret.startswith("atx_")
    listed = client.get("/api/v1/auth/api-tokens", headers=session).json()
    assert secret not in str(listed) and listed[0]["name"] == "reader"
    with database.uow(read_only=True) as uow:
        stored = uow.api_tokens.by_hash(hashlib.sha256(secret.encode()).hexdigest())
        assert stored is not None and stored.token_hash != secret
    token = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/auth/me", headers=token).json()["scopes"] == ["read"]
    write = client.post("/api/v1/auth/api-tokens", json={"name": "x"}, headers=token)
    assert write.status_code == 403  # a read token may not write
    token_id = created.json()["id"]
    assert client.delete(f"/api/v1/auth/api-tokens/{token_id}", headers=session).status_code == 200
    assert client.get("/api/v1/auth/me", headers=token).status_code == 401


def test_someone_elses_token_is_not_found(
    client: TestClient, factory: Any, sign_in: Callable[..., dict[str, str]]
) -> None:
    clinic = factory.clinic()
    factory.user(Role.CLINICIAN, clinic, email="a@example.org")
    factory.user(Role.CLINICIAN, clinic, email="b@example.org")
    a, b = sign_in("a@example.org"), sign_in("b@example.org")
    made = client.post("/api/v1/auth/api-tokens", json={"name": "t", "scopes": ["read"]}, headers=a)
    other = client.delete(f"/api/v1/auth/api-tokens/{made.json()['id']}", headers=b)
    missing = client.delete("/api/v1/auth/api-tokens/999999", headers=b)
    assert other.status_code == missing.status_code == 404
    assert other.json()["detail"] == missing.json()["detail"]


def test_sign_out_ends_the_session(
    client: TestClient, clinician: Any, sign_in: Callable[..., dict[str, str]]
) -> None:
    headers = sign_in("doc@example.org")
    assert client.delete("/api/v1/auth/session", headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_security_headers_on_every_response(client: TestClient) -> None:
    for response in (client.get("/api/v1/health"), client.get("/api/v1/nowhere")):
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"
        assert "strict-transport-security" not in response.headers


def test_validation_problem_names_every_bad_field(client: TestClient) -> None:
    response = client.post("/api/v1/auth/token", json={"email": 5, "extra": True})
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    body = response.json()
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"email", "password", "extra"}
    assert body["status"] == 422 and body["title"] and body["type"].startswith("https://")
    assert all("message" in e for e in body["errors"])


def test_unknown_route_is_a_problem(client: TestClient) -> None:
    response = client.get("/api/v1/nowhere")
    assert response.status_code == 404 and response.headers["content-type"] == PROBLEM


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_oversized_body_refused(make_app: Callable[..., FastAPI], chunked: bool) -> None:
    with TestClient(make_app(max_body_bytes=2048)) as client:
        payload = b'{"email": "' + b"a" * 4000 + b'", "password": "x"}'
        content: Any = iter([payload[:1000], payload[1000:]]) if chunked else payload
        headers = {"content-type": "application/json"}
        response = client.post("/api/v1/auth/token", content=content, headers=headers)
        assert response.status_code == 413
        assert response.headers["content-type"] == PROBLEM
        small = client.post("/api/v1/auth/token", json={"email": "a@b.c", "password": "x"})
        assert small.status_code == 401


def test_unexpected_error_is_a_bare_500(
    make_app: Callable[..., FastAPI], caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app()

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("Jane Doe, born 1970-01-01")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/boom")
    assert response.status_code == 500 and response.headers["content-type"] == PROBLEM
    assert "Jane" not in response.text and "RuntimeError" not in response.text
    assert "Jane" not in caplog.text and "RuntimeError" in caplog.text


def test_no_request_reaches_an_opentelemetry_tracer(
    client: TestClient, clinician: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FastAPI traces every request, and records validation failures and exceptions, once
    an OpenTelemetry provider is configured in the process (by any library, or the
    environment). Spans carry paths with patient ids and error texts: PHI. The app turns
    that off."""
    from opentelemetry import trace

    started: list[str] = []

    class Recording(trace.NoOpTracer):
        def start_span(self, name: str, *args: Any, **kwargs: Any) -> Any:
            started.append(name)
            return super().start_span(name, *args, **kwargs)

        def start_as_current_span(self, name: str, *args: Any, **kwargs: Any) -> Any:
            started.append(name)
            return super().start_as_current_span(name, *args, **kwargs)

    class Provider(trace.TracerProvider):  # a real provider (the no-op one is ignored)
        def get_tracer(self, *args: Any, **kwargs: Any) -> trace.Tracer:
            return Recording()

    monkeypatch.setattr(trace, "get_tracer_provider", lambda: Provider())
    token = client.post("/api/v1/auth/token", json={"email": clinician.email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert client.get("/api/v1/patients", headers=headers).status_code == 200
    assert client.get("/api/v1/patients/999999", headers=headers).status_code == 404
    assert client.get("/api/v1/health").status_code == 200
    assert started == []
