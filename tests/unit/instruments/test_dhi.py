"""DHI scoring.

Rules: Jacobson GP, Newman CW. Arch Otolaryngol Head Neck Surg 1990;116:424-427:
25 items, yes = 4, sometimes = 2, no = 0, total 0-100; physical items 1, 4, 8, 11, 13,
17, 25 (max 28); functional 3, 5, 6, 7, 12, 14, 16, 19, 24 (max 36); emotional 2, 9,
10, 15, 18, 20, 21, 22, 23 (max 36). Bands: Whitney SL et al. Otol Neurotol 2004:
0-30 mild, 31-60 moderate, 61-100 severe. No published missing-item rule.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from atlaxis.errors import InvalidAnswers
from atlaxis.instruments import get_instrument, score, score_many

IDS = [str(i) for i in range(1, 26)]
PHYSICAL = ["1", "4", "8", "11", "13", "17", "25"]
FUNCTIONAL = ["3", "5", "6", "7", "12", "14", "16", "19", "24"]
EMOTIONAL = ["2", "9", "10", "15", "18", "20", "21", "22", "23"]

# Worked response (by hand):
#   physical   1 yes, 4 yes, 8 sometimes, 11 yes, 13 no, 17 sometimes, 25 yes
#              = 4 + 4 + 2 + 4 + 0 + 2 + 4 = 20
#   functional 3 yes, 5 no, 6 sometimes, 7 no, 12 yes, 14 yes, 16 no, 19 sometimes, 24 no
#              = 4 + 0 + 2 + 0 + 4 + 4 + 0 + 2 + 0 = 16
#   emotional  2 sometimes, all others (9, 10, 15, 18, 20, 21, 22, 23) no = 2
#   total = 20 + 16 + 2 = 38 -> 31-60 -> moderate
WORKED: dict[str, str] = {
    "1": "yes", "4": "yes", "8": "sometimes", "11": "yes", "13": "no", "17": "sometimes",
    "25": "yes",
    "3": "yes", "5": "no", "6": "sometimes", "7": "no", "12": "yes", "14": "yes", "16": "no",
    "19": "sometimes", "24": "no",
    "2": "sometimes", "9": "no", "10": "no", "15": "no", "18": "no", "20": "no", "21": "no",
    "22": "no", "23": "no",
}  # fmt: skip


def test_worked_example() -> None:
    res = score("dhi", WORKED)
    assert res.subscales == {"physical": 20.0, "emotional": 2.0, "functional": 16.0}
    assert res.total == 38.0
    assert res.band == "moderate"


def test_subscales_partition_the_items() -> None:
    assert sorted(PHYSICAL + FUNCTIONAL + EMOTIONAL, key=int) == IDS
    inst = get_instrument("dhi")
    groups = {s.name: sorted(s.items, key=int) for s in inst.scoring.subscales}
    assert groups == {
        "physical": PHYSICAL,
        "functional": FUNCTIONAL,
        "emotional": EMOTIONAL,
    }


def test_subscale_maxima() -> None:
    res = score("dhi", dict.fromkeys(IDS, "yes"))
    assert res.subscales == {"physical": 28.0, "emotional": 36.0, "functional": 36.0}
    assert res.total == 100.0


def _with_total(total: int) -> dict[str, str]:
    """total must be even: k 'yes' answers and at most one 'sometimes'."""
    yes, rest = divmod(total, 4)
    answers = dict.fromkeys(IDS, "no")
    for item in IDS[:yes]:
        answers[item] = "yes"
    if rest:
        answers[IDS[yes]] = "sometimes"
    return answers


# Whitney 2004. DHI totals are always even, so 30/32 and 60/62 are the reachable edges.
BANDS = [
    (0, "mild"),
    (30, "mild"),
    (32, "moderate"),
    (60, "moderate"),
    (62, "severe"),
    (100, "severe"),
]


@pytest.mark.parametrize(("total", "band"), BANDS)
def test_band_boundaries(total: int, band: str) -> None:
    res = score("dhi", _with_total(total))
    assert res.total == total
    assert res.band == band


@pytest.mark.parametrize("left_out", [["1"], ["2"], ["3"], ["25"], IDS])
def test_any_missing_item_makes_it_not_scorable(left_out: list[str]) -> None:
    # no published rule for missing items: every item is needed
    res = score("dhi", {k: v for k, v in WORKED.items() if k not in left_out})
    assert res.complete is False and res.total is None and res.band is None
    assert res.missing == left_out


def test_missing_item_only_blanks_its_own_subscale() -> None:
    res = score("dhi", {k: v for k, v in WORKED.items() if k != "2"})
    assert res.subscales == {"physical": 20.0, "emotional": None, "functional": 16.0}


INVALID: list[Any] = [
    pytest.param({"26": "yes"}, "26", id="unknown-item"),
    pytest.param({"1": 4}, "1", id="points-not-code"),
    pytest.param({"1": "Yes"}, "1", id="wrong-case"),
    pytest.param({"1": "often"}, "1", id="not-an-option"),
    pytest.param({"1": True}, "1", id="boolean"),
    pytest.param({"1": ["yes"]}, "1", id="list"),
]


@pytest.mark.parametrize(("change", "field"), INVALID)
def test_invalid_answers(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidAnswers) as err:
        score("dhi", {**WORKED, **change})
    assert [p.field for p in err.value.problems] == [field]


def test_score_many_with_string_codes() -> None:
    cols = {k: np.array([v, None, "yes"], dtype=object) for k, v in WORKED.items()}
    out = score_many("dhi", cols)
    np.testing.assert_allclose(out["total"], [38.0, np.nan, 100.0])
    assert out["complete"].tolist() == [True, False, True]


def test_score_many_rejects_numeric_codes() -> None:
    with pytest.raises(InvalidAnswers):
        score_many("dhi", {"1": np.array([4.0, 0.0])})


def test_definition_facts() -> None:
    inst = get_instrument("dhi")
    true_change = inst.threshold("true_change")
    assert true_change is not None and true_change.value == 18.0
    assert inst.reliability is not None and inst.reliability.source.evidence == "unverified"
    assert inst.licence.ship_text is False
