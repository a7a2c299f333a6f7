"""HIT-6 scoring.

Rules: NINDS CDE HIT-6 report and the HIT-6 scoring sheet (QualityMetric): 6 items,
never 6, rarely 8, sometimes 10, very often 11, always 13; total = sum, 36-78.
Bands (HIT-6 interpretation, QualityMetric): 36-49 little or no impact, 50-55 some,
56-59 substantial, 60-78 severe. No published missing-item rule.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from atlaxis.errors import InvalidAnswers
from atlaxis.instruments import get_instrument, score, score_many

IDS = [str(i) for i in range(1, 7)]
POINTS = {"never": 6, "rarely": 8, "sometimes": 10, "very_often": 11, "always": 13}

# Worked response (by hand):
#   sometimes, very_often, always, rarely, never, sometimes
#   = 10 + 11 + 13 + 8 + 6 + 10 = 58 -> 56-59 -> substantial impact
WORKED = dict(
    zip(IDS, ["sometimes", "very_often", "always", "rarely", "never", "sometimes"], strict=True)
)


def test_worked_example() -> None:
    res = score("hit6", WORKED)
    assert res.total == 58.0
    assert res.band == "substantial impact"


@pytest.mark.parametrize(("answer", "points"), list(POINTS.items()))
def test_each_answer_points(answer: str, points: int) -> None:
    # five items "never" (5 x 6 = 30) plus one item with the answer
    res = score("hit6", {**dict.fromkeys(IDS, "never"), "1": answer})
    assert res.total == 30 + points


# Band edges; totals by hand with extra points over "never" (6): rarely +2,
# sometimes +4, very_often +5, always +7.
BANDS = [
    pytest.param(["never"] * 6, 36, "little or no impact", id="36"),
    # 36 + 7 + 4 + 2 = 49
    pytest.param(["always", "sometimes", "rarely"] + ["never"] * 3, 49, "little or no impact",
                 id="49"),
    # 36 + 7 + 7 = 50
    pytest.param(["always", "always"] + ["never"] * 4, 50, "some impact", id="50"),
    # 36 + 7 + 7 + 5 = 55
    pytest.param(["always", "always", "very_often"] + ["never"] * 3, 55, "some impact", id="55"),
    # 36 + 7 + 7 + 4 + 2 = 56
    pytest.param(["always", "always", "sometimes", "rarely", "never", "never"], 56,
                 "substantial impact", id="56"),
    # 36 + 7 + 7 + 7 + 2 = 59
    pytest.param(["always"] * 3 + ["rarely", "never", "never"], 59, "substantial impact",
                 id="59"),
    # 36 + 7 + 7 + 5 + 5 = 60
    pytest.param(["always", "always", "very_often", "very_often", "never", "never"], 60,
                 "severe impact", id="60"),
    pytest.param(["always"] * 6, 78, "severe impact", id="78"),
]  # fmt: skip


@pytest.mark.parametrize(("answers", "total", "band"), BANDS)
def test_band_boundaries(answers: list[str], total: int, band: str) -> None:
    res = score("hit6", dict(zip(IDS, answers, strict=True)))
    assert res.total == total
    assert res.band == band


@pytest.mark.parametrize("left_out", [["1"], ["6"], ["2", "3"], IDS])
def test_any_missing_item_makes_it_not_scorable(left_out: list[str]) -> None:
    # no published missing-item rule: every item is needed
    res = score("hit6", {k: v for k, v in WORKED.items() if k not in left_out})
    assert res.complete is False and res.total is None and res.band is None
    assert res.missing == left_out


INVALID: list[Any] = [
    pytest.param({"7": "never"}, "7", id="unknown-item"),
    pytest.param({"1": 6}, "1", id="points-not-code"),
    pytest.param({"1": "very often"}, "1", id="space-not-underscore"),
    pytest.param({"1": "Never"}, "1", id="wrong-case"),
    pytest.param({"1": False}, "1", id="boolean"),
    pytest.param({"1": None, "x": "never"}, "x", id="none-is-missing-not-invalid"),
]


@pytest.mark.parametrize(("change", "field"), INVALID)
def test_invalid_answers(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidAnswers) as err:
        score("hit6", {**WORKED, **change})
    assert [p.field for p in err.value.problems] == [field]


def test_score_many_matches_score() -> None:
    cols = {k: np.array([v, "always", None], dtype=object) for k, v in WORKED.items()}
    out = score_many("hit6", cols)
    np.testing.assert_allclose(out["total"], [58.0, 78.0, np.nan])


def test_definition_facts() -> None:
    inst = get_instrument("hit6")
    assert inst.score_range == (36.0, 78.0)
    assert inst.licence.ship_text is False and all(i.text_is_label for i in inst.items)
    assert {o.code: o.points for o in inst.items[0].options} == POINTS
    kinds = {(t.kind, t.value) for t in inst.thresholds}
    assert {("mcid", 6.0), ("mic", 2.5), ("responder", 5.0), ("mcid", 8.0)} == kinds
