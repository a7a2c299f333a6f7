"""FIQR scoring.

Rules: Bennett RM et al. The Revised Fibromyalgia Impact Questionnaire (FIQR). Arthritis
Res Ther 2009;11(4):R120, and the scoring page http://www.fiqr.info/Scoring.htm:
function (items 1-9) sum / 3, overall (10-11) sum / 1, symptoms (12-21) sum / 2;
total = sum of the three (0-100). Missing: one function item pro-rated (sum x 9/8);
two or more function items, or any overall or symptom item missing -> invalid.
Bands: Salaffi et al. 2020 (0-23 remission, 24-40 mild, 41-63 moderate, 64-82 severe,
>83 very severe) taken as half-open intervals [0,24) [24,41) [41,64) [64,83) [83,100].
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from atlaxis.errors import InvalidAnswers
from atlaxis.instruments import get_instrument, score, score_many

FUNCTION = [str(i) for i in range(1, 10)]
OVERALL = ["10", "11"]
SYMPTOMS = [str(i) for i in range(12, 22)]

# Worked response (by hand):
#   function 1-9  = 2,4,6,8,10,0,1,3,5        sum 39 -> 39 / 3 = 13
#   overall 10-11 = 7, 9                      sum 16 -> 16 / 1 = 16
#   symptoms      = 8,7,6,5,4,3,2,1,0,9       sum 45 -> 45 / 2 = 22.5
#   total = 13 + 16 + 22.5 = 51.5 -> [41, 64) -> moderate
WORKED = dict(
    zip(
        [*FUNCTION, *OVERALL, *SYMPTOMS],
        [*(2, 4, 6, 8, 10, 0, 1, 3, 5), *(7, 9), *(8, 7, 6, 5, 4, 3, 2, 1, 0, 9)],
        strict=True,
    )
)


def test_worked_example() -> None:
    res = score("fiqr", WORKED)
    assert res.subscales == {"function": 13.0, "overall": 16.0, "symptoms": 22.5}
    assert res.total == 51.5
    assert res.band == "moderate"
    assert res.complete is True
    assert res.missing == []


def test_worked_example_with_one_function_item_missing() -> None:
    # item 5 (answered 10 above) left out: answered sum 29 over 8 items
    #   function = 29 x 9 / 8 / 3 = 261 / 24 = 10.875
    #   total = 10.875 + 16 + 22.5 = 49.375 (unrounded) -> moderate
    answers = {k: v for k, v in WORKED.items() if k != "5"}
    res = score("fiqr", answers)
    assert res.subscales["function"] == pytest.approx(10.875)
    assert res.total == pytest.approx(49.375)
    assert res.complete is True
    assert res.missing == ["5"]


def _total_of(function_sum: int, overall_sum: int, symptom_sum: int) -> dict[str, int]:
    """A complete response with the given domain sums (spread over the items)."""
    answers: dict[str, int] = {}
    for ids, total in ((FUNCTION, function_sum), (OVERALL, overall_sum), (SYMPTOMS, symptom_sum)):
        for item in ids:
            answers[item] = min(10, total)
            total -= answers[item]
        assert total == 0
    return answers


# Band boundaries (Salaffi 2020, half-open). total = F/3 + O + S/2.
BANDS = [
    # (function sum, overall sum, symptom sum, expected total, band)
    (0, 0, 0, 0.0, "remission"),
    (0, 0, 47, 23.5, "remission"),  # 23.5 is in the published gap 23-24 -> remission
    (0, 4, 40, 24.0, "mild"),
    (0, 20, 41, 40.5, "mild"),  # gap 40-41 -> mild
    (0, 20, 42, 41.0, "moderate"),
    (0, 20, 87, 63.5, "moderate"),
    (1, 20, 87, 63.5 + 1 / 3, "moderate"),  # 63.83: just below 64
    (0, 20, 88, 64.0, "severe"),
    (0, 20, 100, 70.0, "severe"),
    (38, 20, 100, 82.0 + 2 / 3, "severe"),  # 82.67 in the gap 82-83 -> severe
    (39, 20, 100, 83.0, "very severe"),  # exactly 83: left unassigned by "> 83"
    (90, 20, 100, 100.0, "very severe"),
]


@pytest.mark.parametrize(("f", "o", "s", "total", "band"), BANDS)
def test_band_boundaries(f: int, o: int, s: int, total: float, band: str) -> None:
    res = score("fiqr", _total_of(f, o, s))
    assert res.total == pytest.approx(total)
    assert res.band == band


# Missing data (fiqr.info scoring page).
MISSING = [
    pytest.param(["1"], True, id="one-function-item-prorated"),
    pytest.param(["9"], True, id="last-function-item-prorated"),
    pytest.param(["1", "2"], False, id="two-function-items-invalid"),
    pytest.param(["10"], False, id="overall-item-invalid"),
    pytest.param(["11"], False, id="other-overall-item-invalid"),
    pytest.param(["12"], False, id="symptom-item-invalid"),
    pytest.param(["21"], False, id="last-symptom-item-invalid"),
    pytest.param(["3", "15"], False, id="function-plus-symptom-invalid"),
    pytest.param(FUNCTION + OVERALL + SYMPTOMS, False, id="empty"),
]


@pytest.mark.parametrize(("left_out", "complete"), MISSING)
def test_missing_items(left_out: list[str], complete: bool) -> None:
    answers = {k: v for k, v in WORKED.items() if k not in left_out}
    res = score("fiqr", answers)
    assert res.complete is complete
    assert (res.total is not None) is complete
    assert res.missing == sorted(left_out, key=int)
    if not complete:
        assert res.band is None


def test_prorating_uses_eight_answered_function_items() -> None:
    # every function item 6 except item 1 missing: sum 48 x 9/8 = 54 -> / 3 = 18
    answers = {**_total_of(0, 0, 0), **{k: 6 for k in FUNCTION[1:]}}
    del answers["1"]
    assert score("fiqr", answers).subscales["function"] == pytest.approx(18.0)


INVALID: list[Any] = [
    pytest.param({"22": 1}, "22", id="unknown-item"),
    pytest.param({"0": 1}, "0", id="item-zero"),
    pytest.param({"1": 11}, "1", id="above-10"),
    pytest.param({"1": -1}, "1", id="negative"),
    pytest.param({"12": 2.5}, "12", id="non-integer"),
    pytest.param({"1": True}, "1", id="boolean"),
    pytest.param({"1": "5"}, "1", id="string"),
    pytest.param({"1": [5]}, "1", id="list"),
]


@pytest.mark.parametrize(("change", "field"), INVALID)
def test_invalid_answers(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidAnswers) as err:
        score("fiqr", {**WORKED, **change})
    assert [p.field for p in err.value.problems] == [field]


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(InvalidAnswers) as err:
        score("fiqr", {**WORKED, "1": 11, "2": "x", "99": 0})
    assert sorted(p.field for p in err.value.problems) == ["1", "2", "99"]


def test_integral_float_is_accepted_as_its_code() -> None:
    assert score("fiqr", {**WORKED, "1": 2.0}).total == 51.5


def test_score_many_matches_score_with_missing() -> None:
    rows = [WORKED, {k: v for k, v in WORKED.items() if k != "5"}, {**WORKED, "10": None}]
    cols = {k: np.array([np.nan if r.get(k) is None else r[k] for r in rows]) for k in WORKED}
    out = score_many("fiqr", cols)
    np.testing.assert_allclose(out["total"], [51.5, 49.375, np.nan])
    np.testing.assert_allclose(out["function"], [13.0, 10.875, 13.0])
    assert out["complete"].tolist() == [True, True, False]


def test_definition_facts() -> None:
    inst = get_instrument("fiqr")
    assert len(inst.items) == 21
    assert inst.licence.ship_text is False
    assert all(i.text_is_label for i in inst.items)
    assert inst.score_range == (0.0, 100.0)
    assert inst.normative_sd is not None and inst.normative_sd.value == 20.69
    mcid = inst.threshold("mcid")
    assert mcid is not None and mcid.unit == "percent" and mcid.source.evidence == "unverified"
