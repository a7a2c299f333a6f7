"""Fixtures for page tests: the app on the test database and a browser-like client."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

TEST_PASSWORD = "correct horse battery staple"  # the password tests/conftest.py gives users


@pytest.fixture
def app(db_url: str) -> Iterator[FastAPI]:
    from atlaxis.config import load_settings
    from atlaxis.web.app import create_app

    application = create_app(load_settings(database_url=db_url, environment="test"))
    yield application
    application.state.database.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as c:
        yield c


def hidden_value(html: str, name: str) -> str:
    """The value of the hidden input ``name`` in ``html``."""
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no hidden field {name}"
    return found.group(1)


@pytest.fixture
def page_login(client: TestClient) -> Callable[..., Any]:
    """``page_login(email)`` signs in through the /login form; returns the response."""

    def login(email: str, password: str = TEST_PASSWORD, next_url: str = "") -> Any:
        form = client.get("/login")
        token = hidden_value(form.text, "login_token")
        data = {"email": email, "password": password, "login_token": token, "next": next_url}
        return client.post("/login", data=data)

    return login


@pytest.fixture
def patient_client(
    client: TestClient, factory: Any, page_login: Callable[..., Any]
) -> tuple[TestClient, Any]:
    """A client signed in as a patient (returns the client and the patient record)."""
    from atlaxis.domain import Role

    clinic = factory.clinic()
    patient = factory.patient(clinic)
    user = factory.user(Role.PATIENT, clinic, patient=patient)
    assert page_login(user.email).status_code == 303
    return client, patient


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)
