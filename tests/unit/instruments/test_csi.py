"""CSI (Part A) scoring.

Rules: Mayer TG et al. Pain Pract 2012;12(4):276-285: 25 items, never 0 … always 4,
total 0-100; Part B is not scored. Severity levels: Neblett R et al. Pain Pract
2017;17(2):166-175: 0-29 subclinical, 30-39 mild, 40-49 moderate, 50-59 severe,
60-100 extreme. Cut-off >= 40 (Neblett et al. J Pain 2013;14(5):438-445) -> the
``csi_positive`` flag. No published missing-item rule.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from atlaxis.errors import InvalidAnswers
from atlaxis.instruments import get_instrument, score, score_many

IDS = [str(i) for i in range(1, 26)]

# Worked response (by hand):
#   items 1-5 = 4 each  -> 20
#   items 6-10 = 3 each -> 15
#   items 11-15 = 2 each -> 10
#   items 16-20 = 1 each -> 5
#   items 21-25 = 0     -> 0
#   total = 20 + 15 + 10 + 5 + 0 = 50 -> 50-59 severe; >= 40 -> csi_positive
WORKED = {k: 4 - (int(k) - 1) // 5 for k in IDS}


def test_worked_example() -> None:
    assert [WORKED[k] for k in ("1", "6", "11", "16", "21")] == [4, 3, 2, 1, 0]
    res = score("csi", WORKED)
    assert res.total == 50.0
    assert res.band == "severe"
    assert res.flags == ["csi_positive"]


def _with_total(total: int) -> dict[str, int]:
    answers = {}
    for item in IDS:
        answers[item] = min(4, total)
        total -= answers[item]
    return answers


BANDS = [
    (0, "subclinical", []),
    (29, "subclinical", []),
    (30, "mild", []),
    (39, "mild", []),
    (40, "moderate", ["csi_positive"]),
    (49, "moderate", ["csi_positive"]),
    (50, "severe", ["csi_positive"]),
    (59, "severe", ["csi_positive"]),
    (60, "extreme", ["csi_positive"]),
    (100, "extreme", ["csi_positive"]),
]


@pytest.mark.parametrize(("total", "band", "flags"), BANDS)
def test_band_boundaries_and_cutoff(total: int, band: str, flags: list[str]) -> None:
    res = score("csi", _with_total(total))
    assert res.total == total
    assert res.band == band
    assert res.flags == flags


@pytest.mark.parametrize("left_out", [["1"], ["13"], ["25"], ["2", "3"], IDS])
def test_any_missing_item_makes_it_not_scorable(left_out: list[str]) -> None:
    # no published missing-item rule: every item is needed (and no flag is raised)
    res = score("csi", {k: v for k, v in WORKED.items() if k not in left_out})
    assert res.complete is False and res.total is None and res.band is None
    assert res.flags == []


INVALID: list[Any] = [
    pytest.param({"26": 0}, "26", id="unknown-item-part-b"),
    pytest.param({"1": 5}, "1", id="above-4"),
    pytest.param({"1": -1}, "1", id="negative"),
    pytest.param({"1": 0.5}, "1", id="non-integer"),
    pytest.param({"1": True}, "1", id="boolean"),
    pytest.param({"1": "never"}, "1", id="label-not-code"),
]


@pytest.mark.parametrize(("change", "field"), INVALID)
def test_invalid_answers(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidAnswers) as err:
        score("csi", {**WORKED, **change})
    assert [p.field for p in err.value.problems] == [field]


def test_score_many_matches_score() -> None:
    cols = {k: np.array([v, 4, np.nan]) for k, v in WORKED.items()}
    out = score_many("csi", cols)
    np.testing.assert_allclose(out["total"], [50.0, 100.0, np.nan])


def test_definition_facts() -> None:
    inst = get_instrument("csi")
    assert len(inst.items) == 25 and inst.licence.ship_text is False
    assert inst.reliability is not None and inst.reliability.coefficient == 0.817
    assert inst.thresholds == ()  # no published MCID
