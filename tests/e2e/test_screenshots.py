"""Screenshots of the main pages on the demo clinic, written to docs/screenshots/ when
``ATLAXIS_SCREENSHOTS=1`` (``ATLAXIS_SCREENSHOTS=1 pytest tests/e2e/test_screenshots.py``);
otherwise skipped, so the regular suite never rewrites the committed images."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import PHONE, Server

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

pytestmark = pytest.mark.skipif(
    os.environ.get("ATLAXIS_SCREENSHOTS") != "1", reason="set ATLAXIS_SCREENSHOTS=1 to refresh"
)


def _shot(target: Any, name: str, **options: Any) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    target.screenshot(path=str(OUT / name), animations="disabled", **options)
    assert (OUT / name).stat().st_size > 5_000, name


def _patient_with_open_alert(server: Server, uow: Callable[[], Any]) -> int:
    any_patient = server.login_for("patient", 0).patient_id
    with uow() as u:
        clinic_id = u.patients.clinic_of(any_patient)
        found = u.alerts.page(clinic_id=clinic_id, open_only=True, limit=1)
    return int(found[0].patient_id) if found else int(any_patient)


def test_phone_checkin(server: Server, browser: Any, sign_in: Callable[..., None]) -> None:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    try:
        page = context.new_page()
        sign_in(page, server.login_for("patient", 7))
        page.goto(f"{server.base_url}/checkin")
        page.locator("#f-pain .scale label").nth(6).click()
        page.locator("#f-fatigue .scale label").nth(7).click()
        page.locator('.site[data-site="neck"][data-focus="1"]').click()
        page.locator('.site[data-site="lower_back"][data-focus="1"]').click()
        page.evaluate("window.scrollTo(0, 0)")
        _shot(page, "checkin-phone.png")
        page.locator("#f-body_map").scroll_into_view_if_needed()
        _shot(page.locator("#f-body_map"), "checkin-bodymap-phone.png")
    finally:
        context.close()


def test_desktop_pages(
    server: Server,
    desktop: Any,
    sign_in: Callable[..., None],
    uow: Callable[[], Any],
) -> None:
    page = desktop.new_page()
    sign_in(page, server.login_for("clinician", 0))
    pid = _patient_with_open_alert(server, uow)
    page.goto(f"{server.base_url}/patients")
    _shot(page, "patients.png")
    page.goto(f"{server.base_url}/patients/{pid}")
    _shot(page, "patient-intake-alerts.png")
    _shot(page.locator("#timeline"), "patient-timeline.png")
    page.locator("#visit details.landmarks-box summary").click()
    _shot(page.locator("#visit"), "visit-form.png")
    page.goto(f"{server.base_url}/patients/{pid}/outcomes")
    _shot(page, "outcomes.png", full_page=True)
    page.goto(f"{server.base_url}/cohort")
    _shot(page, "cohort.png", full_page=True)
