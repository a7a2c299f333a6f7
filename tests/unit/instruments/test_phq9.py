"""PHQ-9 scoring, missing items and the item-9 flags.

Sources:
* Kroenke K, Spitzer RL, Williams JB. The PHQ-9: validity of a brief depression severity
  measure. J Gen Intern Med 2001;16(9):606-613 -- total 0-27; cut-points 5, 10, 15, 20 for
  mild, moderate, moderately severe, severe.
* Ohrbach R, Knibbe W. DC/TMD Scoring Manual for Self-Report Instruments (Version
  29May2016, rev. 30 March 2021), PHQ-9 section and Appendix 1 -- up to 3 items may be
  missing; score = sum of answered items / (9 - missing) x 9 (its example: 2 missing ->
  sum of the 7 answered / 7 x 9).
* Item 9 (thoughts of being better off dead or of self-harm): any answer above "not at all"
  needs a clinician's suicide-risk assessment whatever the total; item 9 is never imputed,
  a missing item 9 is flagged (atlaxis safety design).
"""

from __future__ import annotations

from typing import Any

import pytest

from atlaxis.errors import InvalidAnswers
from atlaxis.instruments import score, score_many


def answers(*codes: int | None) -> dict[str, Any]:
    return {str(k + 1): c for k, c in enumerate(codes) if c is not None}


def test_worked_example() -> None:
    # 1+2+0+3+1+0+2+1+0 = 10 -> 10-14 moderate; item 9 = 0 -> no self-harm flag
    res = score("phq9", answers(1, 2, 0, 3, 1, 0, 2, 1, 0))
    assert res.total == 10.0 and res.band == "moderate"
    assert res.flags == [] and res.complete is True and res.missing == []


def test_manual_proration_two_missing() -> None:
    # items 3 and 5 missing; answered 1+2+3+0+2+1+0 = 9 -> 9 / 7 x 9 = 81/7 = 11.571...
    res = score("phq9", answers(1, 2, None, 3, None, 0, 2, 1, 0))
    assert res.total == pytest.approx(81 / 7)
    assert res.band == "moderate"
    assert res.missing == ["3", "5"]


def test_three_missing_is_the_limit() -> None:
    # 3 missing: 6 answered, 2 each = 12 -> 12 / 6 x 9 = 18 -> moderately severe
    res = score("phq9", answers(2, 2, 2, 2, 2, 2, None, None, None))
    assert res.total == 18.0 and res.band == "moderately severe"
    # 4 missing: not scorable under the manual's rule
    res4 = score("phq9", answers(2, 2, 2, 2, 2, None, None, None, None))
    assert res4.total is None and res4.complete is False and res4.band is None


@pytest.mark.parametrize(
    ("item9", "flags"),
    [(0, []), (1, ["self_harm_risk"]), (2, ["self_harm_risk"]), (3, ["self_harm_risk"])],
)
def test_item9_above_not_at_all_is_flagged_whatever_the_total(item9: int, flags: list[str]) -> None:
    res = score("phq9", answers(0, 0, 0, 0, 0, 0, 0, 0, item9))
    assert res.total == item9 and res.band == "minimal"  # low total, flag still raised
    assert res.flags == flags


def test_item9_is_never_imputed() -> None:
    # item 9 missing: total prorated from the other 8 (8 x 3 = 24 -> 24 / 8 x 9 = 27), but
    # the flag says item 9 needs follow-up instead of assuming its answer
    res = score("phq9", answers(3, 3, 3, 3, 3, 3, 3, 3, None))
    assert res.total == 27.0
    assert res.flags == ["item9_missing"]


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
     (14, "moderate"), (15, "moderately severe"), (19, "moderately severe"),
     (20, "severe"), (27, "severe")],
)  # fmt: skip
def test_band_boundaries(total: int, band: str) -> None:
    codes = [min(3, max(0, total - 3 * k)) for k in range(9)]
    res = score("phq9", answers(*codes))
    assert res.total == total and res.band == band


def test_prorated_total_uses_half_open_bands() -> None:
    # 8 answered summing to 4: 4 / 8 x 9 = 4.5 -> below 5 -> minimal (not rounded up)
    res = score("phq9", answers(1, 1, 1, 1, 0, 0, 0, 0, None))
    assert res.total == 4.5 and res.band == "minimal"


def test_every_invalid_answer_is_listed() -> None:
    bad = {"1": "2", "2": True, "3": 4, "4": float("nan"), "5": {"x": 1}, "10": 1}
    with pytest.raises(InvalidAnswers) as err:
        score("phq9", bad)
    assert sorted(p.field for p in err.value.problems) == ["1", "10", "2", "3", "4", "5"]


def test_score_many_prorates_like_score() -> None:
    rows = [
        answers(1, 2, None, 3, None, 0, 2, 1, 0),
        answers(2, 2, 2, 2, 2, None, None, None, None),
    ]
    cols = {str(i): [r.get(str(i)) for r in rows] for i in range(1, 10)}
    out = score_many(
        "phq9", {k: [float("nan") if v is None else v for v in c] for k, c in cols.items()}
    )
    assert out["total"][0] == pytest.approx(81 / 7)
    assert out["complete"].tolist() == [True, False]
