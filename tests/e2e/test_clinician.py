"""Clinician pages in a real browser: a visit recorded on the form appears on the timeline; a
safety alert is acknowledged only with a recorded reason (who and when stored); a PHQ-9 the
patient sends from their phone reaches the clinician's list and patient page with its score and
its urgent alert."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from conftest import Server

#: PHQ-9 answers, item 9 ("thoughts that you would be better off dead, or of hurting yourself")
#: answered 2 = "more than half the days". Total = 8 x 1 + 2 = 10 (Kroenke, Spitzer & Williams
#: 2001: each item 0-3, total 0-27; any item-9 answer above 0 needs a clinician's follow-up).
PHQ9 = {**{str(i): 1 for i in range(1, 9)}, "9": 2}
PHQ9_TOTAL = "10"


def _csrf(page: Any) -> str:
    """The session's CSRF token (every signed-in page carries it in the sign-out form)."""
    return str(page.locator('input[name="csrf_token"]').first.input_value())


def _send_phq9(page: Any, base_url: str, patient_id: int) -> dict[str, Any]:
    """POST a PHQ-9 through the JSON API with the page's own session (as the app would)."""
    response = page.request.post(
        f"{base_url}/api/v1/patients/{patient_id}/assessments",
        data={"instrument": "phq9", "answers": PHQ9},
        headers={"X-CSRF-Token": _csrf(page)},
    )
    assert response.status == 201, response.text()
    body: dict[str, Any] = response.json()
    return body


def _staff_user_id(uow: Callable[[], Any], email: str) -> int:
    with uow() as u:
        return int(u.users.by_email(email).id)


def test_visit_recorded_on_the_form_appears_on_the_timeline(
    server: Server, desktop: Any, sign_in: Callable[..., None], uow: Callable[[], Any]
) -> None:
    patient = server.login_for("patient", 2)
    page = desktop.new_page()
    sign_in(page, server.login_for("clinician", 0))
    page.goto(f"{server.base_url}/patients/{patient.patient_id}")
    page.get_by_label("Technique").fill("Toggle recoil (e2e)")
    page.locator('#f-decision input[value="adjusted"]').check()
    page.locator("#f-listing").fill("ASLP")
    page.locator("#f-pre_leg").fill("1/4")
    page.locator("#f-pre_leg_side").select_option("left")
    page.locator("#f-post_leg").fill("0")
    page.locator("#f-reaction").select_option("none")
    page.get_by_role("button", name="Save visit").click()
    page.wait_for_url(lambda url: "saved=visit" in url)
    page.get_by_text("The visit was saved. It is on the timeline below.").wait_for()
    # the newest visit leads the table under the timeline
    first_row = page.locator("table.visits tbody tr").first
    assert "Toggle recoil (e2e)" in first_row.inner_text()
    assert "ASLP" in first_row.inner_text()
    assert "1/4 in" in first_row.inner_text()
    # ... and is a marker on the timeline chart: in the SVG and in its data-table alternative
    chart = page.locator("#timeline .chart-box svg")
    assert "Toggle recoil (e2e) · Adjusted · ASLP" in chart.inner_html()
    page.locator("#timeline details.chart-data summary").click()
    tables = page.locator("#timeline details.chart-data").inner_text()
    assert "Toggle recoil (e2e) · Adjusted · ASLP" in tables
    with uow() as u:
        stored = u.visits.page(patient.patient_id, limit=1)[0]
    assert stored.technique == "Toggle recoil (e2e)"
    assert stored.decision.value == "adjusted"


def test_alert_is_acknowledged_only_with_a_reason(
    server: Server, desktop: Any, sign_in: Callable[..., None], uow: Callable[[], Any]
) -> None:
    patient = server.login_for("patient", 6)
    clinician = server.login_for("clinician", 1)
    page = desktop.new_page()
    sign_in(page, clinician)
    page.goto(f"{server.base_url}/patients/{patient.patient_id}")
    saved = _send_phq9(page, server.base_url, patient.patient_id)
    alert_ids = [a["id"] for a in saved["alerts"] if a["severity"] == "urgent"]
    assert alert_ids, saved["alerts"]
    alert_id = alert_ids[0]
    page.reload()
    card = page.locator(f'article[aria-labelledby="alert-{alert_id}-h"]')
    card.get_by_role("button", name="Acknowledge with this reason").click()
    # refused: the page says why, next to the field, and the alert stays open
    page.get_by_text("Write what was done before acknowledging this alert.").wait_for()
    reason = page.locator(f"#reason-{alert_id}")
    assert reason.get_attribute("aria-invalid") == "true"
    with uow() as u:
        assert u.alerts.get(alert_id).open
    before = datetime.now(UTC) - timedelta(seconds=5)
    reason_text = "Called the patient; safety plan agreed; GP informed (e2e)."
    reason.fill(reason_text)
    card.get_by_role("button", name="Acknowledge with this reason").click()
    page.wait_for_url(lambda url: "saved=alert" in url)
    page.get_by_text("The alert was acknowledged and your reason recorded.").wait_for()
    assert page.locator(f'article[aria-labelledby="alert-{alert_id}-h"]').count() == 0
    page.locator("#alerts details summary").click()
    assert "safety plan agreed" in page.locator("#alerts details").inner_text()
    with uow() as u:
        stored = u.alerts.get(alert_id)
    assert stored.acknowledged_by == _staff_user_id(uow, clinician.email)
    assert stored.acknowledged_at is not None
    at = stored.acknowledged_at
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    assert before <= at <= datetime.now(UTC) + timedelta(seconds=5)
    assert stored.acknowledgement_note == reason_text


def test_patient_questionnaire_reaches_the_clinician_with_score_and_alert(
    server: Server, browser: Any, sign_in: Callable[..., None]
) -> None:
    patient = server.login_for("patient", 7)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        mine = phone.new_page()
        sign_in(mine, patient)
        saved = _send_phq9(mine, server.base_url, patient.patient_id)
    finally:
        phone.close()
    assert saved["assessment"]["source"] == "portal"  # sent by the patient
    assert saved["assessment"]["result"]["total"] == 10
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = desk.new_page()
        sign_in(page, server.login_for("clinician", 2))
        page.goto(f"{server.base_url}/patients")
        # the patient is among the urgent rows at the top, with the new PHQ-9 total
        link = page.locator(f'a[href="/patients/{patient.patient_id}"]')
        row = page.locator("table.patients tbody tr", has=link)
        text = row.inner_text()
        assert "Urgent" in text
        phq9_cell = row.locator("td").nth(4)
        assert phq9_cell.inner_text().split()[0] == PHQ9_TOTAL
        rows = page.locator("table.patients tbody tr")
        urgent_rows = [i for i in range(rows.count()) if "Urgent" in rows.nth(i).inner_text()]
        assert urgent_rows == list(range(len(urgent_rows)))  # urgent ones lead the list
        row.get_by_role("link").first.click()
        page.wait_for_url(f"**/patients/{patient.patient_id}")
        alerts = page.locator("#alerts").inner_text()
        assert "Urgent" in alerts and "PHQ-9" in alerts.upper()
        page.locator("#timeline details.chart-data summary").click()
        assert "10 (0–27)" in page.locator("#timeline details.chart-data").inner_text()
    finally:
        desk.close()
