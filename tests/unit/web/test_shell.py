"""The shared page shell: catalogue completeness, sign-in form, sign-out, error page, static."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from atlaxis.domain import Role
from atlaxis.web import i18n
from atlaxis.web.pages import common

WEB = Path(common.__file__).resolve().parent.parent
KEY_CALL = re.compile(r"""\b_\(\s*["']([^"']+)["']\s*[,)]""")  # literal keys only
KEY_SHAPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
NOT_KEYS = (".html", ".css", ".js", ".svg", ".json", ".py")


def _template_keys() -> dict[str, set[str]]:
    used: dict[str, set[str]] = {}
    for path in (WEB / "templates").rglob("*.html"):
        for key in KEY_CALL.findall(path.read_text(encoding="utf-8")):
            used.setdefault(key, set()).add(path.name)
    return used


def _python_keys() -> dict[str, set[str]]:
    """Dotted string literals in the page modules (catalogue keys by their shape)."""
    used: dict[str, set[str]] = {}
    for path in (WEB / "pages").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                value = node.value
                shaped = KEY_SHAPE.match(value) and not value.endswith(NOT_KEYS)
                if shaped and not value.startswith(("atlaxis.", "http.")):
                    used.setdefault(value, set()).add(path.name)
    return used


def test_every_key_used_by_templates_and_pages_is_in_english_catalogue() -> None:
    english = i18n.catalogue("en")
    used = _template_keys() | _python_keys()
    assert used, "the scan found no keys at all"
    missing = {key: sorted(where) for key, where in used.items() if key not in english}
    assert missing == {}, f"keys missing from en.json: {missing}"


def test_dynamic_keys_exist_for_every_item_and_site() -> None:
    from atlaxis.web.pages import bodymap, checkin

    english = i18n.catalogue("en")
    wanted = [f"item.{k}" for k in (*checkin.RATINGS, "body_map", "note", "date")]
    wanted += [f"site.{s}" for s in bodymap.SITE_IDS]
    assert [k for k in wanted if k not in english] == []


def test_catalogue_is_flat_text_and_placeholders_format() -> None:
    data = json.loads((WEB / "locales" / "en.json").read_text(encoding="utf-8"))
    assert all(isinstance(v, str) and v.strip() for v in data.values())
    assert i18n.t("no.such.key") == "no.such.key"


def test_language_negotiation_falls_back_to_english() -> None:
    assert i18n.negotiate("de-DE,de;q=0.9,en;q=0.5") == "en"
    assert i18n.negotiate(None) == "en"
    assert i18n.negotiate("xx;q=bad") == "en"


def test_nav_keys_exist_for_every_role() -> None:
    english = i18n.catalogue("en")
    for role in Role:
        assert role in common.HOME
        for _, key in common.NAV[role]:
            assert key in english


def test_login_form_has_labelled_email_and_password(client: TestClient) -> None:
    page = client.get("/login")
    assert page.status_code == 200
    assert '<label for="email">Email</label>' in page.text
    assert '<label for="password">Password</label>' in page.text
    assert 'id="email" name="email"' in page.text and 'id="password" name="password"' in page.text
    assert "<script>" not in page.text and "http://" not in page.text.replace("http://www", "")


def test_unknown_user_sees_generic_error_and_status_401(
    client: TestClient, page_login: Callable[..., Any]
) -> None:
    response = page_login("nobody@example.org", "wrong")
    assert response.status_code == 401
    assert "do not match" in response.text
    assert 'value="nobody@example.org"' in response.text


def test_login_without_form_token_is_refused(client: TestClient, factory: Any) -> None:
    clinic = factory.clinic()
    user = factory.user(Role.CLINICIAN, clinic)
    response = client.post(
        "/login", data={"email": user.email, "password": "x", "login_token": "forged"}
    )
    assert response.status_code == 400
    assert "atlaxis_session" not in response.headers.get("set-cookie", "")


def test_patient_signs_in_lands_on_checkin_and_signs_out(
    client: TestClient, factory: Any, page_login: Callable[..., Any]
) -> None:
    clinic = factory.clinic()
    patient = factory.patient(clinic)
    user = factory.user(Role.PATIENT, clinic, patient=patient)
    response = page_login(user.email)
    assert response.status_code == 303
    assert response.headers["location"] == "/checkin"
    assert "httponly" in response.headers["set-cookie"].lower()
    home = client.get("/")
    assert home.headers["location"] == "/checkin"
    page = client.get("/login")  # already signed in → home
    assert page.status_code == 303
    # sign-out needs the session's CSRF token
    refused = client.post("/logout", data={"csrf_token": "wrong"})
    assert refused.status_code == 403
    assert "Not available" in refused.text
    assert client.get("/").headers["location"] == "/checkin"


def test_clinician_login_honours_local_next_only(
    client: TestClient, factory: Any, page_login: Callable[..., Any]
) -> None:
    clinic = factory.clinic()
    user = factory.user(Role.CLINICIAN, clinic)
    response = page_login(user.email, next_url="https://evil.example/")
    assert response.headers["location"] == "/patients"


def test_error_page_is_friendly_html() -> None:
    from starlette.requests import Request

    from atlaxis.errors import NotFound, ValidationError

    scope = {"type": "http", "method": "GET", "path": "/x", "headers": [], "query_string": b""}
    response = common.error_page(Request(scope), NotFound("no such patient"))
    assert response.status_code == 404
    body = bytes(response.body).decode()
    assert "Not found" in body and "no such patient" not in body
    from atlaxis.errors import Problem

    invalid = ValidationError("bad", problems=[Problem("date", "not a date", "YYYY-MM-DD")])
    body = bytes(common.error_page(Request(scope), invalid).body).decode()
    assert "date" in body and "YYYY-MM-DD" in body


def test_signed_out_visitor_is_sent_to_login_with_next() -> None:
    from starlette.requests import Request

    from atlaxis.errors import AuthenticationRequired

    scope = {"type": "http", "method": "GET", "path": "/me", "headers": [], "query_string": b"a=1"}
    response = common.error_page(Request(scope), AuthenticationRequired("x"))
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fme%3Fa%3D1"


def test_static_files_are_fingerprinted_and_cached(client: TestClient) -> None:
    url = common.static_url("app.css")
    assert re.fullmatch(r"/static/app\.css\?v=[0-9a-f]{10}", url)
    response = client.get(url)
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]
    assert response.headers.get("etag")
    plain = client.get("/static/app.css")
    assert plain.headers["cache-control"] == "no-cache"


def test_safe_next_rejects_other_sites() -> None:
    assert common.safe_next("//evil.example", "/") == "/"
    assert common.safe_next("https://evil.example", "/") == "/"
    assert common.safe_next("/\\evil", "/") == "/"
    assert common.safe_next("/me", "/") == "/me"


def test_logout_with_csrf_ends_the_session(patient_client: tuple[TestClient, Any]) -> None:
    client, _ = patient_client
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/checkin").text)
    assert token
    response = client.post("/logout", data={"csrf_token": token.group(1)})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert client.get("/").headers["location"] == "/login"
    assert client.get("/checkin").status_code == 303
