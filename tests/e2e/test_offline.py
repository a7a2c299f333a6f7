"""The offline queue: an entry made without a network is kept on the phone and sent once the
phone is back online; a retry after a lost response never stores it twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conftest import Server, wait_until


def _count(uow: Callable[[], Any], patient_id: int) -> int:
    with uow() as u:
        return len(u.diary.series(patient_id))


def test_offline_entry_is_sent_once_when_back_online(
    server: Server, phone: Any, sign_in: Callable[..., None], uow: Callable[[], Any]
) -> None:
    login = server.login_for("patient", 4)
    page = phone.new_page()
    sign_in(page, login)
    page.goto(f"{server.base_url}/checkin")
    before = _count(uow, login.patient_id)
    phone.set_offline(True)
    page.locator("#f-pain .scale label").nth(5).tap()
    page.locator("#f-fatigue .scale label").nth(5).tap()
    page.locator("#f-sleep_quality .scale label").nth(5).tap()
    page.get_by_role("button", name="Save check-in").tap()
    page.get_by_text("Saved on this phone").wait_for()
    assert page.locator("#queue").inner_text().startswith("Check-ins waiting to be sent")
    queued = page.evaluate("JSON.parse(localStorage.getItem('atlaxis.checkin.queue.v1')).length")
    assert queued == 1
    assert _count(uow, login.patient_id) == before
    phone.set_offline(False)
    page.get_by_text("Saved. Thank you.").first.wait_for()
    wait_until(page, "localStorage.getItem('atlaxis.checkin.queue.v1') === '[]'")
    assert _count(uow, login.patient_id) == before + 1
    page.reload()  # nothing left to send: still exactly one
    page.wait_for_timeout(500)
    assert _count(uow, login.patient_id) == before + 1


def test_lost_response_is_retried_without_duplicate(
    server: Server, routed_phone: Any, sign_in: Callable[..., None], uow: Callable[[], Any]
) -> None:
    login = server.login_for("patient", 5)
    page = routed_phone.new_page()
    sign_in(page, login)
    page.goto(f"{server.base_url}/checkin")
    before = _count(uow, login.patient_id)
    lost: list[str] = []

    def reach_server_then_lose_answer(route: Any) -> None:
        route.fetch()  # the server stores the entry ...
        lost.append(route.request.headers["idempotency-key"])
        route.abort("connectionreset")  # ... but the phone never hears back

    page.route("**/checkin/entries", reach_server_then_lose_answer)
    page.locator("#f-pain .scale label").nth(2).tap()
    page.get_by_role("button", name="Save check-in").tap()
    page.get_by_text("Saved on this phone").wait_for()
    assert _count(uow, login.patient_id) == before + 1
    page.unroute("**/checkin/entries")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until(page, "localStorage.getItem('atlaxis.checkin.queue.v1') === '[]'")
    assert len(lost) == 1
    assert _count(uow, login.patient_id) == before + 1


def test_checkin_opens_offline_and_is_forgotten_at_sign_out(
    server: Server, phone: Any, sign_in: Callable[..., None], uow: Callable[[], Any]
) -> None:
    login = server.login_for("patient", 1)
    page = phone.new_page()
    sign_in(page, login)
    page.goto(f"{server.base_url}/checkin")
    page.wait_for_selector("html[data-offline-ready='1']")
    before = _count(uow, login.patient_id)
    phone.set_offline(True)
    reopened = page.reload()  # the phone has no network: the page comes from the worker
    assert reopened is not None and reopened.ok and reopened.from_service_worker
    page.locator("#f-pain .scale label").nth(4).tap()
    page.locator("#f-fatigue .scale label").nth(6).tap()
    page.get_by_role("button", name="Save check-in").tap()
    page.get_by_text("Saved on this phone").wait_for()
    assert _count(uow, login.patient_id) == before
    phone.set_offline(False)
    page.get_by_text("Saved. Thank you.").first.wait_for()
    wait_until(page, "localStorage.getItem('atlaxis.checkin.queue.v1') === '[]'")
    page.reload()
    page.wait_for_timeout(300)
    assert _count(uow, login.patient_id) == before + 1  # exactly one entry
    # only the page itself and its static files are kept: no API answer, no other page
    kept = page.evaluate(
        "async () => (await (await caches.open('atlaxis-checkin-v1')).keys()).map(r => r.url)"
    )
    paths = sorted({url.removeprefix(server.base_url).split("?")[0] for url in kept})
    assert "/checkin" in paths
    assert all(p == "/checkin" or p.startswith("/static/") for p in paths), paths
    # signing out forgets the kept page
    page.get_by_role("button", name="Sign out").tap()
    page.wait_for_selector("html[data-offline-cleared='1']")
    assert page.evaluate("caches.has('atlaxis-checkin-v1')") is False


def test_queued_entry_waits_for_its_own_patient(
    server: Server, routed_phone: Any, sign_in: Callable[..., None], uow: Callable[[], Any]
) -> None:
    """On a shared phone, a check-in queued by one patient is never sent under another's
    account: it waits until its own patient signs in again."""
    first, second = server.login_for("patient", 2), server.login_for("patient", 3)
    page = routed_phone.new_page()
    sign_in(page, first)
    page.goto(f"{server.base_url}/checkin")
    counts = (_count(uow, first.patient_id), _count(uow, second.patient_id))
    page.route("**/checkin/entries", lambda route: route.fulfill(status=503, body="busy"))
    page.locator("#f-pain .scale label").nth(3).tap()
    page.get_by_role("button", name="Save check-in").tap()
    wait_until(
        page, "JSON.parse(localStorage.getItem('atlaxis.checkin.queue.v1') || '[]').length === 1"
    )
    page.unroute("**/checkin/entries")
    page.get_by_role("button", name="Sign out").tap()
    page.wait_for_url("**/login*")
    sign_in(page, second)
    page.goto(f"{server.base_url}/checkin")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(800)
    assert page.locator("#queue").is_hidden()  # not the second patient's to send
    assert (_count(uow, first.patient_id), _count(uow, second.patient_id)) == counts
    page.get_by_role("button", name="Sign out").tap()
    page.wait_for_url("**/login*")
    sign_in(page, first)
    page.goto(f"{server.base_url}/checkin")
    wait_until(page, "localStorage.getItem('atlaxis.checkin.queue.v1') === '[]'")
    assert _count(uow, first.patient_id) == counts[0] + 1
    assert _count(uow, second.patient_id) == counts[1]
