"""Clinical alerts: safety rules, PHQ-9 item 9, reliable deterioration, criteria change."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest

from atlaxis.errors import InvalidAnswers, ValidationError
from atlaxis.instruments import ScoreResult, get_instrument, score
from atlaxis.instruments.model import NormativeSD, Reliability, Source
from atlaxis.outcomes.reading import wording_problems
from atlaxis.screening import safety
from atlaxis.screening.alerts import (
    Alert,
    alerts_for_assessment,
    alerts_for_safety,
    alerts_for_score,
)

PHQ9_LOW = {"1": 0, "2": 0, "3": 1, "4": 0, "5": 0, "6": 0, "7": 0, "8": 0}


def _kinds(alerts: tuple[Alert, ...]) -> list[tuple[str, str]]:
    return [(a.kind, a.severity) for a in alerts]


# ----------------------------------------------------------------------------- PHQ-9 item 9
# Any answer above "not at all" on item 9 needs a suicide-risk assessment whatever the total
# (Kroenke 2001; primary-care guidance); item 9 is never imputed.


@pytest.mark.parametrize("value", [1, 2, 3])
def test_phq9_item9_above_zero_is_urgent_whatever_the_total(value: int) -> None:
    answers = {**PHQ9_LOW, "9": value}
    result = score("phq9", answers)
    assert result.total is not None and result.total <= 4  # a "minimal" total
    for alerts in (
        alerts_for_assessment("phq9", result, answers=answers),
        alerts_for_score(result),
    ):
        assert _kinds(alerts) == [("phq9_item9", "urgent")]
        assert "suicide-risk assessment" in alerts[0].reason


def test_phq9_item9_zero_gives_no_alert() -> None:
    answers = {**PHQ9_LOW, "9": 0}
    assert alerts_for_assessment("phq9", score("phq9", answers), answers=answers) == ()


def test_phq9_item9_missing_is_flagged_even_when_the_total_is_prorated() -> None:
    result = score("phq9", PHQ9_LOW)  # 8 of 9 answered: total prorated, item 9 not imputed
    assert result.complete
    alerts = alerts_for_assessment("phq9", result, answers=PHQ9_LOW)
    assert _kinds(alerts) == [("phq9_item9_missing", "high")]
    assert _kinds(alerts_for_score(result)) == [("phq9_item9_missing", "high")]


def test_phq9_answers_are_validated() -> None:
    result = score("phq9", {**PHQ9_LOW, "9": 0})
    with pytest.raises(InvalidAnswers):
        alerts_for_assessment("phq9", result, answers={**PHQ9_LOW, "9": "often"})


# ----------------------------------------------------------------------------- reliable change


def _ndi_with_rc_parameters() -> Any:
    src = Source("test parameters", "unverified")
    return dataclasses.replace(
        get_instrument("ndi"),
        normative_sd=NormativeSD(10.0, src),
        reliability=Reliability(0.9, "icc", src),
    )


def _ndi(total: float) -> ScoreResult:
    return ScoreResult("ndi", "1", total=total, complete=True)


# Jacobson & Truax 1991: RC threshold = 1.96 * sqrt(2) * SD * sqrt(1 - r)
# = 1.96 * sqrt(2) * 10 * sqrt(0.1) = 1.96 * sqrt(0.2) * 10 = 1.96 * 4.4721 = 8.765 points
THRESHOLD = 1.96 * math.sqrt(2) * 10.0 * math.sqrt(1 - 0.9)


def test_threshold_arithmetic() -> None:
    assert pytest.approx(8.765, abs=5e-4) == THRESHOLD


@pytest.mark.parametrize(
    ("post", "alert"),
    [(19.0, True), (18.7, False), (10.0, False), (0.0, False)],  # +9 > 8.765; +8.7 is not
)
def test_deterioration_beyond_reliable_change(post: float, alert: bool) -> None:
    ndi = _ndi_with_rc_parameters()
    alerts = alerts_for_score(_ndi(post), _ndi(10.0), instrument=ndi)
    assert bool(alerts) is alert
    if alert:
        (only,) = alerts
        assert (only.kind, only.severity) == ("reliable_deterioration", "moderate")
        assert only.source["threshold"] == pytest.approx(THRESHOLD)
        assert "does not show what caused it" in only.reason
        assert wording_problems(only.reason) == []


def test_higher_is_better_instruments_deteriorate_downwards() -> None:
    ndi = dataclasses.replace(_ndi_with_rc_parameters(), lower_is_better=False)
    assert alerts_for_score(_ndi(0.0), _ndi(10.0), instrument=ndi)
    assert not alerts_for_score(_ndi(20.0), _ndi(10.0), instrument=ndi)


def test_no_reliable_change_alert_without_sd_and_reliability() -> None:
    ndi = dataclasses.replace(_ndi_with_rc_parameters(), normative_sd=None)
    assert alerts_for_score(_ndi(50.0), _ndi(0.0), instrument=ndi) == ()


def test_previous_must_be_the_same_instrument() -> None:
    with pytest.raises(ValidationError):
        alerts_for_score(_ndi(10.0), ScoreResult("dhi", "1", total=10.0, complete=True))


# ----------------------------------------------------------------------------- ACR 2016


def _acr(met: bool | None) -> ScoreResult:
    return ScoreResult("acr2016", "2016", total=20.0, complete=True, details={"acr2016_met": met})


@pytest.mark.parametrize(
    ("before", "now", "alert"),
    [(False, True, True), (True, False, True), (True, True, False), (None, True, False)],
)
def test_fibromyalgia_criteria_change(before: bool | None, now: bool, alert: bool) -> None:
    alerts = alerts_for_score(_acr(now), _acr(before))
    assert _kinds(alerts) == ([("fm_criteria_changed", "info")] if alert else [])


# ----------------------------------------------------------------------------- safety


def test_every_fired_safety_rule_is_an_alert(no_flags: dict[str, Any]) -> None:
    decision = safety({**no_flags, "night_pain": True, "smoking": True})
    alerts = alerts_for_safety(decision)
    assert sorted(_kinds(alerts)) == [("safety_rule", "high"), ("safety_rule", "moderate")]
    assert {a.source["rule"] for a in alerts} == {"rf_night_pain", "cad_risk_factors"}
    assert all("evidence" in a.rule_source for a in alerts)


def test_missing_safety_answers_are_an_alert() -> None:
    alerts = alerts_for_assessment("safety_screen", None, answers={"neck_trauma": False})
    assert ("safety_incomplete", "high") in _kinds(alerts)


def test_safety_screen_needs_answers() -> None:
    with pytest.raises(ValidationError):
        alerts_for_assessment("safety_screen", None)


def test_result_must_match_the_instrument() -> None:
    with pytest.raises(ValidationError):
        alerts_for_assessment("phq9", _ndi(1.0))


# ----------------------------------------------------------------------------- the values


def test_alerts_are_frozen_with_deterministic_ids(no_flags: dict[str, Any]) -> None:
    answers = {**no_flags, "fever": True}
    first = alerts_for_assessment("safety_screen", None, answers=answers)
    again = alerts_for_assessment("safety_screen", None, answers=answers)
    other = alerts_for_assessment("safety_screen", None, answers=answers, context={"visit": 2})
    assert [a.id for a in first] == [a.id for a in again]
    assert [a.id for a in first] != [a.id for a in other]
    alert = first[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        alert.severity = "info"  # type: ignore[misc]
    with pytest.raises(TypeError):
        alert.source["rule"] = "x"  # type: ignore[index]
    assert alert.to_dict()["source"]["inputs"] == {"fever": True}
    assert hash(alert) == hash(again[0])
