"""A missing safety answer never reads as "clear"; invalid answers are one clear error."""

from __future__ import annotations

from typing import Any

import pytest

from atlaxis.errors import InvalidAnswers
from atlaxis.instruments import get_instrument
from atlaxis.screening import safety

ALWAYS_ASKED = [
    i.id for i in get_instrument("safety_screen").items if i.required and not i.enable_when
]


def test_the_no_flags_vignette_answers_every_question(no_flags: dict[str, Any]) -> None:
    assert set(no_flags) == set(ALWAYS_ASKED)


@pytest.mark.parametrize("item", ALWAYS_ASKED)
def test_any_missing_answer_gives_incomplete(item: str, no_flags: dict[str, Any]) -> None:
    answers = dict(no_flags)
    del answers[item]
    result = safety(answers)
    assert result.decision == "incomplete"
    assert item in result.missing
    assert not result.complete


def test_empty_answers_are_incomplete() -> None:
    result = safety({})
    assert result.decision == "incomplete"
    # whether symptoms are new may matter too, until the symptom questions are answered
    assert set(result.missing) == {*ALWAYS_ASKED, "arterial_signs_recent"}
    assert result.ccr.step == "not_answered"


def test_null_counts_as_missing(no_flags: dict[str, Any]) -> None:
    assert safety({**no_flags, "fever": None}).decision == "incomplete"


def test_caution_with_a_missing_answer_is_incomplete(no_flags: dict[str, Any]) -> None:
    answers = {**no_flags, "smoking": True}
    del answers["fever"]
    result = safety(answers)
    assert result.decision == "incomplete"
    assert [f.rule_id for f in result.fired] == ["cad_risk_factors"]


@pytest.mark.parametrize(
    ("change", "decision"),
    [({"night_pain": True}, "refer"), ({"stroke_like_signs": True}, "refer_urgently")],
)
def test_a_refer_level_rule_decides_despite_missing_answers(
    change: dict[str, Any], decision: str, no_flags: dict[str, Any]
) -> None:
    answers = {**no_flags, **change}
    del answers["fever"], answers["cancer_history"]
    result = safety(answers)
    assert result.decision == decision
    assert result.missing == ("cancer_history", "fever")
    assert not result.complete


def test_only_the_answers_given_can_decide() -> None:
    assert safety({"bladder_bowel_change": True}).decision == "refer_urgently"
    assert safety({"night_pain": True}).decision == "refer"
    assert safety({"night_pain": False}).decision == "incomplete"


def test_whether_symptoms_are_new_is_needed_only_when_there_are_symptoms(
    no_flags: dict[str, Any],
) -> None:
    assert safety(no_flags).complete  # arterial_signs_recent not needed
    result = safety({**no_flags, "dizziness": True})
    assert result.decision == "incomplete"
    assert result.missing == ("arterial_signs_recent",)
    assert set(result.undetermined) == {"cad_new_signs", "cad_longstanding_signs"}


def test_injury_questions_are_needed_after_an_injury(no_flags: dict[str, Any]) -> None:
    result = safety({**no_flags, "neck_trauma": True})
    assert result.decision == "incomplete"
    for item in ("age", "dangerous_mechanism", "extremity_paresthesia", "not_fully_alert"):
        assert item in result.missing


def test_invalid_answers_list_every_problem() -> None:
    with pytest.raises(InvalidAnswers) as err:
        safety({"fever": "yes", "age": 300, "neck_trauma": True, "bogus": True})
    fields = {p.field for p in err.value.problems}
    assert fields == {"fever", "age", "bogus"}


def test_answers_must_be_an_object() -> None:
    with pytest.raises(InvalidAnswers):
        safety([True, False])
