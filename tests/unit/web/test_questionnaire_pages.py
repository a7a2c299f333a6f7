"""Patient questionnaires without JavaScript: paging, progress, item-level validation, save
and resume, and submission that scores with the science core (store injected)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from atlaxis.instruments import get_instrument, score
from atlaxis.web.pages import questionnaire_form as qf


@dataclass
class Assignment:
    id: int
    instrument: str
    due: date | None = None


@dataclass
class FakeStore:
    """The service contract in memory: assignments, drafts, submissions (scored)."""

    assignments: dict[int, Assignment] = field(default_factory=dict)
    drafts: dict[int, dict[str, Any]] = field(default_factory=dict)
    submitted: dict[int, Any] = field(default_factory=dict)

    def open(self, uow: Any, actor: Any) -> list[Assignment]:
        return [a for k, a in self.assignments.items() if k not in self.submitted]

    def get(self, uow: Any, actor: Any, assignment_id: int) -> Assignment:
        return self.assignments[assignment_id]

    def draft(self, uow: Any, actor: Any, assignment_id: int) -> dict[str, Any]:
        return dict(self.drafts.get(assignment_id, {}))

    def save(self, uow: Any, actor: Any, assignment_id: int, answers: dict[str, Any]) -> None:
        self.drafts[assignment_id] = dict(answers)

    def submit(self, uow: Any, actor: Any, assignment_id: int, answers: dict[str, Any]) -> Any:
        result = score(self.assignments[assignment_id].instrument, answers)
        self.submitted[assignment_id] = result
        return result


@pytest.fixture
def store(app: Any) -> FakeStore:
    fake = FakeStore({1: Assignment(1, "phq9", date(2030, 1, 1)), 2: Assignment(2, "psqi")})
    app.state.questionnaire_store = fake
    return fake


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_pages_keep_every_item_once() -> None:
    for instrument_id in ("phq9", "fiqr", "psqi", "compass31", "acr2016"):
        inst = get_instrument(instrument_id)
        paged = [i.id for p in qf.pages(inst, {}) for i in p.items]
        assert paged == [i.id for i in inst.items if not i.enable_when] or set(paged) <= set(
            inst.item_ids
        )
        assert all(len(p.items) <= qf.PAGE_SIZE for p in qf.pages(inst, {}))


def test_read_page_reports_invalid_choice_next_to_item() -> None:
    page = qf.pages(get_instrument("phq9"), {})[0]
    answers, problems = qf.read_page(page, {"q_1": ["2"], "q_2": ["7"], "q_3": [""]})
    assert answers["1"] == 2 and answers["3"] is None
    assert set(problems) == {"2"}


def test_list_shows_assigned_questionnaires(
    patient_client: tuple[TestClient, Any], store: FakeStore
) -> None:
    client, _ = patient_client
    html = client.get("/questionnaires").text
    assert "Patient Health Questionnaire-9" in html and "Pittsburgh Sleep Quality Index" in html
    assert "please fill in by 2030-01-01" in html
    assert "0 of 9 questions answered" in html


def test_questionnaire_through_to_submission_with_resume(
    patient_client: tuple[TestClient, Any], store: FakeStore
) -> None:
    client, _ = patient_client
    first_page = client.get("/questionnaires/1")
    assert first_page.status_code == 200
    assert "Page 1 of 2" in first_page.text and "0 of 9 answered" in first_page.text
    token = _csrf(first_page.text)
    # an invalid value: the message is next to item 2, nothing is saved
    bad = {"csrf_token": token, "page": "1", "q_1": "1", "q_2": "9", "action": "next"}
    response = client.post("/questionnaires/1", data=bad)
    assert response.status_code == 422
    assert 'id="err-2"' in response.text and 'aria-invalid="true" aria-describedby="err-2"' in (
        response.text
    )
    assert store.drafts == {}
    # page 1 answered, then "save and finish later"
    page1 = {f"q_{i}": "1" for i in range(1, 7)}
    saved = client.post(
        "/questionnaires/1", data={"csrf_token": token, "page": "1", **page1, "action": "save"}
    )
    assert saved.status_code == 303 and saved.headers["location"].endswith("page=1&saved=1")
    assert store.drafts[1] == {str(i): 1 for i in range(1, 7)}
    # resume later: the list says how far, the page shows the saved answers
    assert "6 of 9 questions answered" in client.get("/questionnaires").text
    resumed = client.get("/questionnaires/1?page=1").text
    assert re.search(r'name="q_1" value="1" checked', resumed)
    # page 2 with a missing required item: message next to it
    page2 = {"q_7": "0", "q_8": "0"}
    missing = client.post(
        "/questionnaires/1", data={"csrf_token": token, "page": "2", **page2, "action": "submit"}
    )
    assert missing.status_code == 422 and 'id="err-9"' in missing.text
    done = client.post(
        "/questionnaires/1",
        data={"csrf_token": token, "page": "2", **page2, "q_9": "0", "action": "submit"},
    )
    assert done.status_code == 303 and done.headers["location"] == "/questionnaires?done=1"
    # 6 items scored 1, 3 scored 0 → PHQ-9 total 6 (Kroenke 2001: sum of the nine items)
    assert store.submitted[1].total == 6
    after = client.get("/questionnaires?done=1").text
    assert "Thank you" in after and "Patient Health Questionnaire-9" not in after


def test_psqi_renders_time_and_number_fields(
    patient_client: tuple[TestClient, Any], store: FakeStore
) -> None:
    client, _ = patient_client
    html = client.get("/questionnaires/2").text
    assert 'type="time"' in html
    assert "<script" not in html


def test_no_assignments_say_none_waiting(patient_client: tuple[TestClient, Any]) -> None:
    """A patient with nothing assigned sees that nothing is waiting; an unknown id is 404."""
    client, _ = patient_client
    assert "no questionnaires waiting" in client.get("/questionnaires").text.lower()
    assert client.get("/questionnaires/999999").status_code == 404
