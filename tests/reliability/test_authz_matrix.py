"""Authorisation matrix: every authenticated API route × every role × own record / another
patient of the same clinic / a patient of another clinic, generated from the app's route
table, so a new route is covered the day it is added (it fails here until it has a sample
body, if it takes one).

What must hold:
* nobody reaches another clinic's records, and a patient nobody else's: the answer is 403 or
  404, and a 404 reads exactly like the 404 for a record that does not exist;
* a researcher gets no identified record at all;
* no response ever carries another clinic's (or, for a patient, another patient's) data;
* staff reading their own clinic's records succeed (so the test can tell denial from breakage).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from atlaxis.domain import Actor, Role
from atlaxis.services import assessments, diary, episodes, questionnaires, visits
from atlaxis.services.auth import create_api_token
from atlaxis.web.api import API_PREFIX
from atlaxis.web.api.openapi import api_operations, requires_auth

MISSING_ID = 10**9
ROLES = (Role.ADMIN, Role.CLINICIAN, Role.RESEARCHER, Role.PATIENT)
TARGETS = ("own", "other_patient", "other_clinic")

SAMPLE_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/auth/api-tokens"): {"name": "matrix", "scopes": ["read"]},
    ("POST", "/api/v1/patients"): {"record_number": "M-1", "given_name": "M", "family_name": "X"},
    ("PATCH", "/api/v1/patients/{patient_id}"): {"phone": "0"},
    ("POST", "/api/v1/patients/{patient_id}/episodes"): {"care_start": "2024-01-01"},
    ("PATCH", "/api/v1/episodes/{episode_id}"): {"goals": ["walk 1 km"]},
    ("POST", "/api/v1/patients/{patient_id}/consents"): {"kind": "research", "version": "1"},
    ("POST", "/api/v1/patients/{patient_id}/assessments"): {
        "instrument": "phq9",
        "answers": {str(i): 0 for i in range(1, 10)},
    },
    ("PATCH", "/api/v1/assessments/{assessment_id}"): {"answers": {"1": 0}},  # always 405
    ("PUT", "/api/v1/assessments/{assessment_id}"): {"answers": {"1": 0}},  # always 405
    ("POST", "/api/v1/patients/{patient_id}/diary"): {"date": "2024-05-01", "items": {"pain": 3}},
    ("PATCH", "/api/v1/diary/{entry_id}"): {"items": {"pain": 5}, "note": "edited"},
    ("POST", "/api/v1/patients/{patient_id}/visits"): {
        "occurred_at": "2024-05-01T09:00:00Z",
        "technique": "toggle",
        "decision": "held",
    },
    ("PATCH", "/api/v1/visits/{visit_id}"): {"notes": "n"},
    ("POST", "/api/v1/patients/{patient_id}/cotherapies"): {
        "kind": "nutrition",
        "name": "diet",
        "started_on": "2024-01-01",
    },
    ("PATCH", "/api/v1/cotherapies/{cotherapy_id}"): {"notes": "n"},
    ("POST", "/api/v1/alerts/{alert_id}/acknowledge"): {"note": "seen"},
    ("POST", "/api/v1/patients/{patient_id}/assignments"): {"instruments": ["phq9", "fiqr"]},
    ("PUT", "/api/v1/assignments/{assignment_id}/draft"): {"answers": {"1": 1}},
    ("POST", "/api/v1/assignments/{assignment_id}/submit"): {
        "answers": {str(i): 0 for i in range(1, 10)}
    },
    ("POST", "/api/v1/assignments/{assignment_id}/cancel"): None,
}
#: routes whose only input is the caller (no record of anyone else can be named)
SELF_ROUTES = frozenset({"/api/v1/auth/me", "/api/v1/auth/api-tokens", "/api/v1/auth/session"})


@dataclass
class Records:
    ids: dict[str, int]
    marker: str


def _seed_patient(uow: Any, clinic_id: int, marker: str) -> Records:
    from atlaxis.domain import Patient

    system = Actor.system(clinic_id)
    patient = uow.patients.add(
        Patient(None, clinic_id, f"REC-{marker}", marker, f"{marker}-family")
    )
    pid = patient.id
    user = uow.users.add(
        f"{marker.lower()}@example.org", "x", Role.PATIENT, clinic_id, patient_id=pid
    )
    ep = episodes.create_episode(uow, system, pid, {"care_start": "2024-01-01"})
    consent = episodes.record_consent(uow, system, pid, {"kind": "research", "version": "1"})
    answers = {str(i): 1 for i in range(1, 10)} | {"9": 2}
    saved = assessments.save_assessment(
        uow, system, pid, {"instrument": "phq9", "answers": answers}
    )
    assert saved.alerts, "PHQ-9 item 9 > 0 raises an alert"
    entry = diary.add_diary_entry(uow, system, pid, {"date": "2024-05-01", "items": {"pain": 4}})
    visit = visits.record_visit(
        uow,
        system,
        pid,
        {"occurred_at": "2024-05-01T09:00:00Z", "technique": "t", "decision": "held"},
    )
    co = visits.add_cotherapy(
        uow, system, pid, {"kind": "other", "name": "yoga", "started_on": "2024-01-01"}
    )
    assigned = questionnaires.assign_instruments(uow, system, pid, ["phq9"])
    questionnaires.save_draft(uow, system, assigned[0].id, {"1": 2})
    token = create_api_token(uow, Actor.system(), user.id, "target", ["read"])
    ids = {
        "patient_id": pid,
        "episode_id": ep.id,
        "consent_id": consent.id,
        "assessment_id": saved.assessment.id,
        "alert_id": saved.alerts[0].id,
        "entry_id": entry.body["id"],
        "visit_id": visit.id,
        "cotherapy_id": co.id,
        "assignment_id": assigned[0].id,
        "token_id": token.token.id,
        "user_id": user.id,
    }
    return Records(ids=ids, marker=marker)


@pytest.fixture
def world(database: Any) -> dict[str, Any]:
    with database.uow() as uow:
        home = uow.clinics.add("Home", "home")
        away = uow.clinics.add("Away", "away")
        own = _seed_patient(uow, home.id, "Ownmarker")
        other = _seed_patient(uow, home.id, "Samemarker")
        far = _seed_patient(uow, away.id, "Farmarker")
        tokens: dict[Role, str] = {}
        for role in ROLES:
            if role is Role.PATIENT:
                user_id = own.ids["user_id"]
            else:
                user = uow.users.add(f"{role.value}@home.org", "x", role, home.id)
                user_id = user.id
            made = create_api_token(uow, Actor.system(), user_id, "matrix", ["read", "write"])
            tokens[role] = made.secret
        uow.commit()
    return {"tokens": tokens, "own": own, "other_patient": other, "other_clinic": far}


def _url(template: str, ids: dict[str, int]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), MISSING_ID)), template)


def _normalise(detail: str) -> str:
    return re.sub(r"\d+", "N", detail)


def _call(client: TestClient, method: str, template: str, ids: dict[str, int], token: str) -> Any:
    bodiless = template in SELF_ROUTES or template.endswith("/withdraw")
    unsafe = method in ("POST", "PATCH", "PUT")
    if unsafe and (method, template) not in SAMPLE_BODIES and not bodiless:
        pytest.fail(f"add a sample body for {method} {template} to SAMPLE_BODIES")
    body = SAMPLE_BODIES.get((method, template))
    headers = {"Authorization": f"Bearer {token}"}
    return client.request(method, _url(template, ids), json=body, headers=headers)


def test_every_route_role_and_target(app: Any, world: dict[str, Any]) -> None:
    operations = [
        (p, m, r)
        for p, m, r in api_operations(app)
        if requires_auth(r) and p.startswith(API_PREFIX)  # pages have their own matrix
    ]
    assert len(operations) >= 25, "the route table looks empty"
    failures: list[str] = []
    allowed_reads = 0
    with TestClient(app) as client:
        for template, method, _route in operations:
            has_target = "{" in template or template in ("/api/v1/alerts",)
            for role in ROLES:
                token = world["tokens"][role]
                targets = TARGETS if has_target else ("own",)
                for target in targets:
                    records: Records = world[target]
                    response = _call(client, method, template, records.ids, token)
                    where = f"{method} {template} as {role.value} on {target}"
                    failures += _check(
                        client, method, template, role, target, response, token, world, where
                    )
                    if method == "GET" and target == "own" and response.status_code == 200:
                        allowed_reads += 1
    assert failures == [], "\n".join(failures)
    gets = sum(1 for _, m, _ in operations if m == "GET")
    assert allowed_reads >= gets, "staff could not read their own clinic's records"


def _check(
    client: TestClient,
    method: str,
    template: str,
    role: Role,
    target: str,
    response: Any,
    token: str,
    world: dict[str, Any],
    where: str,
) -> list[str]:
    problems: list[str] = []
    status = response.status_code
    if status >= 500:
        problems.append(f"{where}: server error {status}")
    text = response.text
    if world["other_clinic"].marker in text:
        problems.append(f"{where}: another clinic's data in the response")
    if role is Role.PATIENT and world["other_patient"].marker in text:
        problems.append(f"{where}: another patient's data in the response")
    denied = (
        target == "other_clinic"
        or (role is Role.PATIENT and target == "other_patient")
        or (role is Role.RESEARCHER and template not in SELF_ROUTES)
    )
    if "{" not in template:
        denied = denied and role is Role.RESEARCHER
    if denied and status < 400:
        problems.append(f"{where}: allowed ({status}) but must be denied")
    if denied and status == 404:
        missing = _call(client, method, template, {}, token)
        same = missing.status_code == 404 and _normalise(missing.json()["detail"]) == _normalise(
            response.json()["detail"]
        )
        if not same:
            problems.append(f"{where}: its 404 differs from a missing record's ({missing.text})")
    if not denied and role in (Role.ADMIN, Role.CLINICIAN) and method == "GET" and status != 200:
        problems.append(f"{where}: staff read of own clinic failed with {status}")
    return problems
