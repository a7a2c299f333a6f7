"""The Canadian C-Spine Rule, case by case, following the rule's published logic.

Stiell IG et al. The Canadian C-spine rule for radiography in alert and stable trauma
patients. JAMA 2001;286:1841-1848; Stiell IG et al. N Engl J Med 2003;349:2510-2518:

1. Any high-risk factor (age >= 65, dangerous mechanism, paresthesias in the extremities)
   mandates radiography.
2. Any low-risk factor that allows safe assessment of range of motion (simple rear-end
   MVC, sitting position in the ED, ambulatory at any time, delayed onset of neck pain,
   absence of midline tenderness)? If none: radiography.
3. Able to actively rotate the neck 45 degrees left and right? If not: radiography;
   if so: no radiography.

Applies to alert (GCS 15), stable trauma patients aged 16 or over.
"""

from __future__ import annotations

from typing import Any

import pytest

from atlaxis.screening import safety

LOW_RISK = (
    "simple_rear_end_mvc",
    "sitting_comfortably",
    "ambulatory_any_time",
    "delayed_onset_neck_pain",
    "no_midline_tenderness",
)


def _ccr(answers: dict[str, Any]) -> dict[str, Any]:
    return safety(answers).ccr.to_dict()


@pytest.mark.parametrize(
    ("change", "imaging", "step"),
    [
        # step 1: a 70-year-old after a simple rear-end collision, walking, turning freely
        ({"age": 70, "simple_rear_end_mvc": True}, True, "high_risk"),
        # boundary of the age criterion: >= 65 is high risk, 64 is not
        ({"age": 65}, True, "high_risk"),
        ({"age": 64}, False, "no_imaging"),
        # step 1: fall from a ladder above 1 m in a 30-year-old
        ({"age": 30, "dangerous_mechanism": True}, True, "high_risk"),
        # step 1: tingling in the hands after the injury
        ({"extremity_paresthesia": True}, True, "high_risk"),
        # step 1 wins even when every low-risk factor is present and rotation is full
        ({"dangerous_mechanism": True, **dict.fromkeys(LOW_RISK, True)}, True, "high_risk"),
        # step 2: no low-risk factor at all (immediate pain, midline tenderness, ...)
        ({"ambulatory_any_time": False}, True, "no_low_risk_factor"),
        # step 3: a low-risk factor, but cannot turn 45 degrees to one side
        ({"rotate_45_left": False}, True, "rotation"),
        ({"rotate_45_right": False}, True, "rotation"),
        ({"rotate_45_left": False, "rotate_45_right": False}, True, "rotation"),
        # no imaging: each low-risk factor on its own is enough for step 2
        *[
            ({"ambulatory_any_time": False, factor: True}, False, "no_imaging")
            for factor in LOW_RISK
        ],
    ],
)
def test_ccr_steps(
    change: dict[str, Any], imaging: bool, step: str, injured: dict[str, Any]
) -> None:
    ccr = _ccr({**injured, **change})
    assert ccr["applies"] is True
    assert ccr["imaging"] is imaging
    assert ccr["step"] == step
    assert ccr["reason"]


def test_imaging_means_urgent_referral(injured: dict[str, Any]) -> None:
    result = safety({**injured, "dangerous_mechanism": True})
    assert result.decision == "refer_urgently"


def test_no_imaging_never_clears_for_neck_care(injured: dict[str, Any]) -> None:
    result = safety(injured)
    assert result.ccr.imaging is False
    assert result.decision == "caution"  # the recent injury itself still calls for care
    assert {f.rule_id for f in result.fired} >= {"ccr_no_imaging", "recent_neck_trauma"}
    no_imaging = next(f for f in result.fired if f.rule_id == "ccr_no_imaging")
    assert no_imaging.action == "info"
    assert "does not clear" in no_imaging.reason


@pytest.mark.parametrize(
    "change",
    [
        {"age": 15},
        {"not_fully_alert": True},
        {"acute_paralysis": True},
        {"vertebral_disease_or_neck_surgery": True},
    ],
)
def test_outside_the_rules_population(change: dict[str, Any], injured: dict[str, Any]) -> None:
    result = safety({**injured, **change})
    assert result.ccr.to_dict() == {
        "applies": False,
        "imaging": None,
        "step": "outside_rule",
        "reason": result.ccr.reason,
    }
    assert result.decision == "refer_urgently"
    assert "does not cover" in result.ccr.reason


def test_no_injury_means_the_rule_does_not_apply(no_flags: dict[str, Any]) -> None:
    # CCR answers given without an injury are not asked and are ignored
    result = safety({**no_flags, "age": 80, "dangerous_mechanism": True})
    assert result.ccr.to_dict()["applies"] is False
    assert result.ccr.imaging is None
    assert result.ccr.step == "no_injury"
    assert result.decision == "clear"


def test_rotation_need_not_be_tested_after_a_high_risk_factor(injured: dict[str, Any]) -> None:
    answers = {**injured, "age": 70}
    del answers["rotate_45_left"], answers["rotate_45_right"]
    for factor in LOW_RISK:
        del answers[factor]
    result = safety(answers)
    assert result.ccr.imaging is True and result.ccr.step == "high_risk"
    assert result.decision == "refer_urgently"
    assert result.complete  # the low-risk and rotation answers are not needed


def test_imaging_found_before_the_exclusion_questions_are_answered(
    injured: dict[str, Any],
) -> None:
    # whether inside the rule (imaging) or outside it, the patient is referred urgently
    answers = {**injured, "dangerous_mechanism": True}
    for key in ("not_fully_alert", "acute_paralysis", "vertebral_disease_or_neck_surgery"):
        del answers[key]
    result = safety(answers)
    assert result.decision == "refer_urgently"
    assert result.ccr.imaging is True
    assert "not_fully_alert" in result.missing


def test_no_imaging_needs_every_step_answered(injured: dict[str, Any]) -> None:
    answers = dict(injured)
    del answers["rotate_45_right"]
    result = safety(answers)
    assert result.ccr.imaging is None
    assert result.ccr.step == "incomplete"
    assert result.decision == "incomplete"
    assert result.missing == ("rotate_45_right",)


def test_step_two_needs_the_low_risk_answers(injured: dict[str, Any]) -> None:
    answers = {**injured, "ambulatory_any_time": False}
    del answers["no_midline_tenderness"]
    result = safety(answers)
    assert result.decision == "incomplete"
    assert result.missing == ("no_midline_tenderness",)
    # answered: no tenderness in the midline -> a low-risk factor -> rotation decides
    assert safety({**answers, "no_midline_tenderness": True}).ccr.imaging is False
