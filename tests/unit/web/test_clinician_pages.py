"""Clinician pages without a browser: patient list order, visit form → timeline, angles from
typed landmarks, alert acknowledgement (refused without a reason), co-therapies, cohort."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from atlaxis.domain import Role
from atlaxis.services import assessments
from atlaxis.web.pages import visit_form as vf

StaffClient = tuple[TestClient, Any, Any]


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field"
    return found.group(1)


@pytest.fixture
def staff(client: TestClient, factory: Any, page_login: Any) -> StaffClient:
    clinic = factory.clinic()
    factory.user(Role.CLINICIAN, clinic, email="doc@example.org")
    patient = factory.patient(clinic, given_name="Ada", family_name="Quiet")
    assert page_login("doc@example.org").status_code == 303
    return client, clinic, patient


def _phq9_with_item9(uow_factory: Any, factory: Any, clinic: Any, patient: Any) -> None:
    """PHQ-9 with item 9 'several days' (1) raises a safety alert (Kroenke et al. 2001)."""
    doc = factory.user(Role.CLINICIAN, clinic)
    answers = {str(i): 1 for i in range(1, 10)}
    with uow_factory() as uow:
        assessments.save_assessment(
            uow, factory.actor(doc), patient.id, {"instrument": "phq9", "answers": answers}
        )
        uow.commit()


def test_leg_check_entries() -> None:
    # 1/8 in = 25.4 / 8 = 3.175 mm; 1/4 in = 6.35 mm; "3.2" is already millimetres
    assert vf.parse_leg("1/8 in") == (3.175, "1/8 in")
    assert vf.parse_leg("1/4") == (6.35, "1/4 in")
    assert vf.parse_leg("3.2") == (3.2, None)
    assert vf.parse_leg("5 mm") == (5.0, None)
    assert vf.parse_leg("a lot") is None
    assert vf.parse_leg("1/0") is None


def test_pages_need_clinic_staff(client: TestClient, factory: Any, page_login: Any) -> None:
    assert client.get("/patients").status_code == 303  # not signed in → /login
    clinic = factory.clinic()
    patient = factory.patient(clinic)
    factory.user(Role.PATIENT, clinic, patient=patient, email="pat@example.org")
    page_login("pat@example.org")
    assert client.get("/patients").status_code == 403
    assert client.get(f"/patients/{patient.id}").status_code == 403


def test_other_clinics_patient_is_not_found(staff: StaffClient, factory: Any) -> None:
    client, _, _ = staff
    stranger = factory.patient(factory.clinic())
    assert client.get(f"/patients/{stranger.id}").status_code == 404


def test_patient_list_puts_open_alerts_first(
    staff: StaffClient, factory: Any, uow_factory: Any
) -> None:
    client, clinic, _ = staff
    second = factory.patient(clinic, given_name="Bea", family_name="Alerted")
    _phq9_with_item9(uow_factory, factory, clinic, second)
    html = client.get("/patients").text
    assert html.index("Bea Alerted") < html.index("Ada Quiet")
    assert "1 open" in html
    assert "PHQ9" in html


def _visit_form(html: str, **extra: str) -> dict[str, str]:
    form = {
        "csrf_token": _csrf(html),
        "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "technique": "NUCCA",
        "listing": "At L 1.2",
        "decision": "adjusted",
        "pre_leg": "1/8 in",
        "pre_leg_side": "left",
        "post_leg": "0",
        "post_leg_side": "none",
        "reaction": "mild",
        "action": "save",
    }
    form.update(extra)
    return form


def test_recorded_visit_appears_on_the_timeline(staff: StaffClient) -> None:
    client, _, patient = staff
    page = client.get(f"/patients/{patient.id}")
    assert page.status_code == 200
    assert re.search(r"<script(?![^>]*\bsrc=)", page.text) is None  # no inline script (CSP)
    saved = client.post(f"/patients/{patient.id}/visits", data=_visit_form(page.text))
    assert saved.status_code == 303, saved.text[:2000]
    html = client.get(saved.headers["location"]).text
    assert "The visit was saved" in html
    assert "At L 1.2" in html and "1/8 in left" in html
    # on the chart: one visit marker with its label, and the same in the data table
    assert 'class="mk event"' in html
    assert "NUCCA · Adjusted · At L 1.2" in html


def test_visit_form_problems_are_shown_next_to_fields(staff: StaffClient) -> None:
    client, _, patient = staff
    page = client.get(f"/patients/{patient.id}").text
    form = _visit_form(page, technique="", decision="", pre_leg="lots", occurred_at="")
    response = client.post(f"/patients/{patient.id}/visits", data=form)
    assert response.status_code == 422
    for name in ("technique", "decision", "pre_leg", "occurred_at"):
        assert f'id="err-{name}"' in response.text, name
    assert 'aria-invalid="true"' in response.text


def test_compute_angles_from_typed_landmarks(staff: StaffClient) -> None:
    """Nasium hand case (see tests/unit/domain/test_geometry.py): laterality 0.8°."""
    client, _, patient = staff
    page = client.get(f"/patients/{patient.id}").text
    points = {
        "csl_lower": (100, 50),
        "csl_upper": (98, 150),
        "apl_left": (40, 60),
        "apl_right": (160, 64),
    }
    form = _visit_form(page, action="compute", coords="film")
    for name, (x, y) in points.items():
        form[vf.landmark_field("nasium", name, "x")] = str(x)
        form[vf.landmark_field("nasium", name, "y")] = str(y)
    response = client.post(f"/patients/{patient.id}/visits", data=form)
    assert response.status_code == 422  # shown again, not saved
    assert "<dt>Atlas laterality</dt><dd>0.8°</dd>" in response.text
    assert "<dt>Head tilt</dt><dd>1.1°</dd>" in response.text
    form["action"] = "save"
    form["csrf_token"] = _csrf(response.text)
    assert client.post(f"/patients/{patient.id}/visits", data=form).status_code == 303


def test_alert_acknowledgement_needs_a_reason(
    staff: StaffClient, factory: Any, uow_factory: Any
) -> None:
    client, clinic, patient = staff
    _phq9_with_item9(uow_factory, factory, clinic, patient)
    page = client.get(f"/patients/{patient.id}").text
    found = re.search(r'action="(/patients/\d+/alerts/(\d+)/acknowledge)"', page)
    assert found, "the open alert has an acknowledgement form"
    url, alert_id = found.group(1), found.group(2)
    refused = client.post(url, data={"csrf_token": _csrf(page), "reason": "   "})
    assert refused.status_code == 422
    assert f'id="err-reason-{alert_id}"' in refused.text
    assert "Write what was done" in refused.text
    with uow_factory() as uow:
        assert uow.alerts.get(int(alert_id)).open
    done = client.post(url, data={"csrf_token": _csrf(page), "reason": "Assessed; GP informed"})
    assert done.status_code == 303
    after = client.get(done.headers["location"]).text
    assert url not in after  # no open acknowledgement form any more
    assert "Assessed; GP informed" in after


def test_acknowledgement_without_csrf_is_refused(
    staff: StaffClient, factory: Any, uow_factory: Any
) -> None:
    client, clinic, patient = staff
    _phq9_with_item9(uow_factory, factory, clinic, patient)
    page = client.get(f"/patients/{patient.id}").text
    url = re.search(r'action="(/patients/\d+/alerts/\d+/acknowledge)"', page)
    assert url
    response = client.post(url.group(1), data={"reason": "fine"})
    assert response.status_code in (303, 403)
    assert url.group(1) in client.get(f"/patients/{patient.id}").text  # still open


def test_cotherapy_add_validation_and_end(staff: StaffClient) -> None:
    client, _, patient = staff
    page = client.get(f"/patients/{patient.id}").text
    bad = client.post(
        f"/patients/{patient.id}/cotherapies",
        data={"csrf_token": _csrf(page), "kind": "stress_reduction", "name": ""},
    )
    assert bad.status_code == 422 and 'id="err-name"' in bad.text
    ok = client.post(
        f"/patients/{patient.id}/cotherapies",
        data={
            "csrf_token": _csrf(page),
            "kind": "stress_reduction",
            "name": "Yoga",
            "started_on": (datetime.now(UTC).date() - timedelta(days=10)).isoformat(),
        },
    )
    assert ok.status_code == 303
    html = client.get(f"/patients/{patient.id}").text
    assert "<strong>Yoga</strong>" in html and 'class="mk span"' not in html
    assert "Yoga: " in html  # the bar's tooltip on the timeline


def test_outcome_and_cohort_pages_render(staff: StaffClient, factory: Any, page_login: Any) -> None:
    client, clinic, patient = staff
    assert client.get(f"/patients/{patient.id}/outcomes").status_code == 200
    cohort = client.get("/cohort")
    assert cohort.status_code == 200
    assert 'role="img"' in cohort.text and "Responder rates" in cohort.text
    factory.user(Role.RESEARCHER, clinic, email="res@example.org")
    client.cookies.clear()
    page_login("res@example.org")
    assert client.get("/cohort").status_code == 200
    assert "at least 2 sign(s)" in client.get("/cohort?neck_signs=2").text
    assert client.get("/cohort?neck_signs=9").status_code == 200  # out of range: the default
    assert client.get(f"/patients/{patient.id}").status_code == 403


def test_intake_assigns_questionnaires(staff: StaffClient, uow_factory: Any) -> None:
    from atlaxis.services import questionnaires

    client, _, patient = staff
    page = client.get(f"/patients/{patient.id}").text
    assert 'action="/patients/' + str(patient.id) + '/assignments"' in page
    url = f"/patients/{patient.id}/assignments"
    none_chosen = client.post(url, data={"csrf_token": _csrf(page)})
    assert none_chosen.status_code == 422
    assert "Choose at least one questionnaire." in none_chosen.text
    bad_due = client.post(
        url, data={"csrf_token": _csrf(page), "instrument": "phq9", "due": "soon"}
    )
    assert bad_due.status_code == 422 and "Enter the due date as a date." in bad_due.text
    form = {"csrf_token": _csrf(page), "instrument": ["phq9", "ndi"], "due": "2031-01-31"}
    saved = client.post(url, data=form)
    assert saved.status_code == 303, saved.text[:2000]
    html = client.get(saved.headers["location"]).text
    assert "The questionnaires were assigned to the patient." in html
    listed = html[html.index('id="open-assignments"') :]
    assert "PHQ9" in listed[:400] and "NDI" in listed[:400] and "2031-01-31" in listed[:400]
    with uow_factory() as uow:
        open_now = uow.assignments.for_patient(patient.id)
    assert sorted(a.instrument for a in open_now) == ["ndi", "phq9"]
    for inst in questionnaires.assignable_instruments():  # the form offers the service's list
        assert f'name="instrument" value="{inst}"' in page


def test_report_links_are_live_and_saved_notes_are_known_ones(staff: StaffClient) -> None:
    client, _, patient = staff
    html = client.get(f"/patients/{patient.id}?saved=alert").text
    assert f'href="/patients/{patient.id}/report.pdf"' in html
    assert f'href="/patients/{patient.id}/report.pdf?audience=patient"' in html
    assert 'aria-disabled="true"' not in html
    assert "The alert was acknowledged" in html
    odd = client.get(f"/patients/{patient.id}?saved=%3Cb%3Ehello").text
    assert "patient.saved." not in odd and "hello" not in odd
