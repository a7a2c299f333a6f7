"""Fixtures for API tests: an app on the test database and clients signed in per role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

TEST_PASSWORD = "correct horse battery staple"  # the password tests/conftest.py gives users


@pytest.fixture
def make_app(db_url: str) -> Iterator[Callable[..., FastAPI]]:
    """``make_app(**settings)`` → an app on this test's database with those settings."""
    from atlaxis.config import load_settings
    from atlaxis.web.app import create_app

    built: list[FastAPI] = []

    def make(**overrides: Any) -> FastAPI:
        settings = load_settings(database_url=db_url, environment="test", **overrides)
        app = create_app(settings)
        built.append(app)
        return app

    yield make
    for app in built:
        app.state.database.dispose()


@pytest.fixture
def app(make_app: Callable[..., FastAPI]) -> FastAPI:
    return make_app()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def sign_in(client: TestClient) -> Callable[..., dict[str, str]]:
    """``sign_in(email)`` → the Authorization header of a fresh bearer session."""

    def sign(email: str, password: str = TEST_PASSWORD) -> dict[str, str]:
        body = {"email": email, "password": password}
        response = client.post("/api/v1/auth/token", json=body)
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return sign
