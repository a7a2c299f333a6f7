"""A patient checks in on a phone: taps on the 0-10 scales and the body map, under 10 taps;
"same as last time" in two taps; the body map works from the keyboard; the page is light."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from conftest import Server, wait_until

MAX_TAPS = 10
MAX_PAGE_BYTES = 150_000


def _entries(uow: Callable[[], Any], patient_id: int) -> list[dict[str, Any]]:
    with uow() as u:
        return [items for _, items in u.diary.series(patient_id)]


def _newest(uow: Callable[[], Any], patient_id: int) -> Any:
    with uow() as u:
        return u.diary.page(patient_id, limit=1)[0]


def test_phone_checkin_with_body_map_under_ten_taps(
    server: Server, phone: Any, sign_in: Callable[..., None], uow: Callable[[], Any]
) -> None:
    login = server.login_for("patient", 0)
    page = phone.new_page()
    sign_in(page, login)
    page.goto(f"{server.base_url}/checkin")
    before = len(_entries(uow, login.patient_id))
    started = time.monotonic()
    taps = 0

    def tap(locator: Any) -> None:
        nonlocal taps
        locator.tap()
        taps += 1

    tap(page.locator("#f-pain .scale label").nth(6))
    tap(page.locator("#f-fatigue .scale label").nth(7))
    tap(page.locator("#f-sleep_quality .scale label").nth(3))
    tap(page.locator('.site[data-site="neck"][data-focus="1"]'))
    tap(page.locator('.site[data-site="shoulder_girdle_left"][data-focus="1"]'))
    assert page.locator("#site-count").inner_text() == "Areas marked: 2"
    tap(page.get_by_role("button", name="Save check-in"))
    page.get_by_text("Saved. Thank you.").first.wait_for()
    elapsed = time.monotonic() - started
    assert taps < MAX_TAPS, taps
    assert elapsed < 30, elapsed
    assert len(_entries(uow, login.patient_id)) == before + 1
    entry = _newest(uow, login.patient_id)
    assert entry.items == {"pain": 6, "fatigue": 7, "sleep_quality": 3}
    assert sorted(entry.body_map) == ["neck", "shoulder_girdle_left"]
    assert entry.recalled is False and entry.local_time is not None
    # the form is cleared for the next entry of the day; "same as last time" refills it
    assert page.locator('#f-pain input[type="radio"]:checked').count() == 0
    tap_count = 0
    page.get_by_role("button", name="Same as last time").tap()
    tap_count += 1
    assert page.locator("#n-pain").input_value() == "6"
    assert page.locator('.site.on[data-site="neck"]').count() == 2  # front copy + back
    page.get_by_role("button", name="Save check-in").tap()
    tap_count += 1
    wait_until(page, "document.getElementById('today-count').dataset.n >= '1'")
    page.wait_for_timeout(300)
    assert tap_count == 2
    assert len(_entries(uow, login.patient_id)) == before + 2
    assert _newest(uow, login.patient_id).items == entry.items


def test_body_map_works_from_the_keyboard(
    server: Server, desktop: Any, sign_in: Callable[..., None]
) -> None:
    page = desktop.new_page()
    sign_in(page, server.login_for("patient", 1))
    page.goto(f"{server.base_url}/checkin")
    region = page.get_by_role("checkbox", name="Lower back")
    region.focus()
    page.keyboard.press("Space")
    assert region.get_attribute("aria-checked") == "true"
    assert page.locator("#site-lower_back").is_checked()
    page.keyboard.press("Enter")
    assert region.get_attribute("aria-checked") == "false"
    # every one of the 19 WPI sites is one keyboard stop with a name
    assert page.locator('.bodymap [role="checkbox"][tabindex="0"]').count() == 19
    # Tab moves from a region to the next one
    page.get_by_role("checkbox", name="Jaw, right").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "Jaw, left"


def test_low_energy_mode_keeps_three_questions(
    server: Server, phone: Any, sign_in: Callable[..., None], uow: Callable[[], Any]
) -> None:
    login = server.login_for("patient", 2)
    page = phone.new_page()
    sign_in(page, login)
    page.goto(f"{server.base_url}/checkin")
    toggle = page.get_by_role("button", name="Low-energy mode")
    toggle.tap()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert not page.locator("#f-body_map").is_visible()
    assert not page.locator("#f-mood").is_visible()
    page.locator("#f-pain .scale label").nth(8).tap()
    page.locator("#f-fatigue .scale label").nth(9).tap()
    page.locator("#f-sleep_quality .scale label").nth(2).tap()
    page.get_by_role("button", name="Save check-in").tap()
    page.get_by_text("Saved. Thank you.").first.wait_for()
    assert _newest(uow, login.patient_id).items == {"pain": 8, "fatigue": 9, "sleep_quality": 2}
    page.reload()  # the choice is remembered on this phone
    assert (
        page.get_by_role("button", name="Low-energy mode").get_attribute("aria-pressed") == "true"
    )


def test_checkin_page_weighs_under_150_kb(
    server: Server, phone: Any, sign_in: Callable[..., None]
) -> None:
    page = phone.new_page()
    sign_in(page, server.login_for("patient", 3))
    requests: list[Any] = []
    # on the context, so the service worker's own fetches (it keeps the page for offline
    # use) are counted as well
    phone.on("requestfinished", lambda request: requests.append(request))
    page.goto(f"{server.base_url}/checkin", wait_until="networkidle")
    page.wait_for_selector("html[data-offline-ready='1']")
    page.wait_for_timeout(200)
    total = 0
    for request in requests:
        assert request.url.startswith(server.base_url), f"third-party request {request.url}"
        sizes = request.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        total += sizes["requestBodySize"] + sizes["requestHeadersSize"]
    print(f"/checkin over the wire: {total} bytes in {len(requests)} requests")
    assert {r.resource_type for r in requests} >= {"document", "stylesheet", "script"}
    assert total < MAX_PAGE_BYTES
