"""A questionnaire from assignment to the clinician's screen, in a real browser: the clinician
assigns a PHQ-9; the patient starts it on a phone, saves, leaves, resumes where they stopped,
is told next to the item what is missing, and sends it; the clinician then sees the score on
the patient list and the urgent item-9 alert on the patient page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conftest import PHONE, Server

#: option labels of the PHQ-9 (Kroenke, Spitzer & Williams 2001), scored 0-3
SEVERAL_DAYS = "Several days"  # 1
MORE_THAN_HALF = "More than half the days"  # 2


def _choose(page: Any, item: str, label: str) -> None:
    page.locator(f"#item-{item}").get_by_label(label, exact=True).check()


def _assign_phq9(desk: Any, server: Server, sign_in: Callable[..., None], pid: int) -> None:
    page = desk.new_page()
    sign_in(page, server.login_for("clinician", 1))
    page.goto(f"{server.base_url}/patients/{pid}")
    intake = page.locator("#intake")
    intake.locator('input[name="instrument"][value="phq9"]').check()
    intake.get_by_role("button", name="Assign").click()
    page.wait_for_url(lambda url: "saved=assigned" in url)
    page.get_by_text("The questionnaires were assigned to the patient.").wait_for()
    assert "PHQ9" in page.locator("#open-assignments").inner_text()


def _fill_with_save_and_resume(page: Any, server: Server) -> None:
    page.goto(f"{server.base_url}/questionnaires")
    card = page.locator("li.card", has_text="PHQ-9")
    card.get_by_role("link", name="Start").click()
    assert "Page 1 of 2" in page.locator("#progress-text").inner_text()
    for item in ("1", "2", "3"):
        _choose(page, item, SEVERAL_DAYS)
    page.get_by_role("button", name="Save and finish later").click()
    page.get_by_text("Saved. You can close this page and carry on later.").wait_for()
    # leave, come back: the list shows the progress and offers to carry on
    page.goto(f"{server.base_url}/checkin")
    page.goto(f"{server.base_url}/questionnaires")
    card = page.locator("li.card", has_text="PHQ-9")
    assert "3 of 9 questions answered" in card.inner_text()
    card.get_by_role("link", name="Carry on").click()
    for item in ("1", "2", "3"):
        assert page.locator(f"#item-{item}").get_by_label(SEVERAL_DAYS, exact=True).is_checked()
    for item in ("4", "5", "6"):
        _choose(page, item, SEVERAL_DAYS)
    page.get_by_role("button", name="Next").click()
    assert "Page 2 of 2" in page.locator("#progress-text").inner_text()
    _choose(page, "7", SEVERAL_DAYS)
    _choose(page, "8", SEVERAL_DAYS)
    page.get_by_role("button", name="Send my answers").click()  # item 9 left out
    missing = page.locator("#err-9")
    missing.wait_for()
    assert missing.inner_text() == "Please answer this question."
    assert page.locator("#item-9").get_attribute("aria-invalid") == "true"
    assert page.locator("#item-7").get_by_label(SEVERAL_DAYS, exact=True).is_checked()
    _choose(page, "9", MORE_THAN_HALF)
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_text("Thank you. Your answers were sent to your clinic.").wait_for()
    assert page.locator("li.card", has_text="PHQ-9").count() == 0


def test_assigned_questionnaire_reaches_the_clinician(
    server: Server, browser: Any, sign_in: Callable[..., None], uow: Callable[[], Any]
) -> None:
    patient = server.login_for("patient", 3)
    pid = patient.patient_id
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    for context in (desk, phone):
        context.set_default_timeout(10_000)
    try:
        _assign_phq9(desk, server, sign_in, pid)
        mine = phone.new_page()
        sign_in(mine, patient)
        _fill_with_save_and_resume(mine, server)
        with uow() as u:
            latest = u.assessments.page(pid, instrument="phq9", limit=1)[0]
        # 8 items x 1 + item 9 x 2 = 10 (PHQ-9 total range 0-27)
        assert latest.result["total"] == 10
        assert latest.source.value == "portal"
        page = desk.new_page()
        page.goto(f"{server.base_url}/patients")
        row = page.locator(
            "table.patients tbody tr", has=page.locator(f'a[href="/patients/{pid}"]')
        )
        assert "Urgent" in row.inner_text()
        assert row.locator("td").nth(4).inner_text().split()[0] == "10"
        page.goto(f"{server.base_url}/patients/{pid}")
        item9 = page.locator("#alerts article", has_text="answered 'more than half the days'")
        assert item9.count() == 1
        assert "Urgent" in item9.inner_text() and "PHQ-9 item 9" in item9.inner_text()
        assigned = page.locator("#open-assignments")  # the PHQ-9 is no longer open
        assert assigned.count() == 0 or "PHQ9" not in assigned.inner_text()
    finally:
        desk.close()
        phone.close()
