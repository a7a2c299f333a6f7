"""Clinically important change: IMMPACT categories and MCID classification.

IMMPACT (Dworkin RH et al. 2008, *J Pain* 9:105–121, Table 1): a 0–10 pain reduction of
10–20% is minimally important, ≥ 30% moderately important, ≥ 50% substantial. Our grades:
< 10% none, 10–<30% minimal, 30–<50% moderate, ≥ 50% substantial.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atlaxis.errors import ValidationError
from atlaxis.instruments import get_instrument
from atlaxis.instruments.model import ChangeThreshold, Source
from atlaxis.outcomes import immpact_category, immpact_change, mcid_change
from atlaxis.outcomes.reading import wording_problems


@pytest.mark.parametrize(
    ("baseline", "followup", "expected"),
    [
        (10, 9.5, "none"),  # 5% reduction
        (10, 9.01, "none"),  # 9.9%
        (10, 9, "minimal"),  # exactly 10%
        (10, 7.1, "minimal"),  # 29%
        (10, 7, "moderate"),  # exactly 30%: (10 − 7)/10 = 0.3
        (7, 4.9, "moderate"),  # exactly 30% (2.1/7), where floating point gives 29.99999…
        (6.2, 4.34, "moderate"),  # exactly 30% (1.86/6.2); floating point gives 30.000…04
        (10, 5.01, "moderate"),  # 49.9%
        (8, 4, "substantial"),  # exactly 50%
        (6, 0, "substantial"),  # 100%
        (5, 5, "none"),
    ],
)
def test_immpact_improvement_categories(baseline: float, followup: float, expected: str) -> None:
    assert immpact_category(baseline, followup) == expected


def test_immpact_worsening_is_graded_only_when_asked() -> None:
    # 4 → 8: pain doubled, a 100% worsening.
    assert immpact_category(4, 8) == "none"  # no improvement
    assert immpact_category(4, 8, direction="worsening") == "substantial"
    assert immpact_category(4, 8, direction="either") == "substantial"
    assert immpact_category(8, 4, direction="worsening") == "none"
    change = immpact_change(4, 8)
    assert (change.direction, change.category, change.improvement_category) == (
        "worsening",
        "substantial",
        "none",
    )
    assert change.percent_improvement == pytest.approx(-100.0)
    with pytest.raises(ValidationError):
        immpact_category(4, 8, direction="up")  # type: ignore[arg-type]


def test_immpact_higher_is_better_scales() -> None:
    # 40 → 60 on a higher-is-better scale is a 50% improvement.
    assert immpact_category(40, 60, lower_is_better=False) == "substantial"
    assert immpact_category(60, 40, lower_is_better=False) == "none"


def test_immpact_baseline_zero_is_a_clear_error() -> None:
    with pytest.raises(ValidationError) as info:
        immpact_category(0, 3)
    problem = info.value.problems[0]
    assert problem.field == "baseline"
    assert "undefined" in problem.message
    with pytest.raises(ValidationError):
        immpact_change(-1, 3)


def test_immpact_reading_is_plain_and_honest() -> None:
    res = immpact_change(6, 3)
    assert res.reading.startswith("Pain was 50% lower at follow-up than at baseline")
    assert "substantial" in res.reading
    assert wording_problems(res.reading) == []
    assert res.to_dict()["category"] == "substantial"


@settings(max_examples=150, deadline=None)
@given(st.floats(0.1, 10), st.floats(0, 10))
def test_immpact_categories_are_monotone_in_the_reduction(baseline: float, followup: float) -> None:
    pct = 100 * (baseline - followup) / baseline
    got = immpact_category(baseline, followup)
    order = ["none", "minimal", "moderate", "substantial"]
    if pct < 9.99:
        assert got == "none"
    elif 10.01 <= pct < 29.99:
        assert got == "minimal"
    elif 30.01 <= pct < 49.99:
        assert got == "moderate"
    elif pct >= 50.01:
        assert got == "substantial"
    # a smaller follow-up never grades lower
    assert order.index(immpact_category(baseline, followup * 0.9)) >= order.index(got)


def test_mcid_points_hand_worked() -> None:
    # NDI: MCID 7.5 points (physical-therapy cohort; see instruments reference §3).
    # 30 → 22: −8 points, at least 7.5 in the better direction → improved.
    res = mcid_change(30, 22, mcid=7.5)
    assert (res.change, res.category, res.meets_mcid) == (-8.0, "improved", True)
    assert mcid_change(30, 23, mcid=7.5).category == "below mcid"  # −7 points
    assert mcid_change(30, 22.5, mcid=7.5).category == "improved"  # exactly the MCID
    assert mcid_change(22, 30, mcid=7.5).category == "worsened"
    assert mcid_change(22, 30, mcid=7.5, lower_is_better=False).category == "improved"
    assert wording_problems(res.reading) == []


def test_mcid_percent_unit() -> None:
    # FIQ: 14% (Bennett 2009) carried over to FIQR. 60 → 51 is a 15% reduction.
    res = mcid_change(60, 51, mcid=14, unit="percent")
    assert res.percent_change == pytest.approx(-15.0)
    assert res.category == "improved"
    assert mcid_change(60, 53, mcid=14, unit="percent").category == "below mcid"  # 11.7%
    with pytest.raises(ValidationError):
        mcid_change(0, 5, mcid=14, unit="percent")


def test_mcid_from_an_instrument_definition() -> None:
    source = Source("Example source for the test", evidence="unverified")
    inst = replace(
        get_instrument("phq9"),
        thresholds=(ChangeThreshold("mcid", 5.0, "points", source),),
    )
    res = mcid_change(15, 9, instrument=inst)
    assert (res.mcid, res.category, res.instrument) == (5.0, "improved", "phq9")
    assert res.threshold_source == "Example source for the test"
    assert any("not verified" in c for c in res.caveats)
    # an instrument without an MCID (and no explicit one) is a clear error
    bare = replace(get_instrument("phq9"), thresholds=())
    with pytest.raises(ValidationError) as info:
        mcid_change(15, 9, instrument=bare)
    assert info.value.problems[0].field == "instrument"
    # an explicit MCID overrides the definition
    assert mcid_change(15, 9, instrument=bare, mcid=7).category == "below mcid"
