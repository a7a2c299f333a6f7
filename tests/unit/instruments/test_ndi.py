"""NDI scoring.

Rules: Vernon H, Mior S. J Manipulative Physiol Ther 1991;14:409-415 and Vernon's own
scoring note (chiro.org/forms/NDI_Explain.shtml): 10 sections 0-5, raw total 0-50,
percentage = raw x 2; a missing section is replaced by the mean of the answered ones
(total = sum x 10 / answered). Bands on the raw score: 0-4 no disability, 5-14 mild,
15-24 moderate, 25-34 severe, above 34 complete (half-open for pro-rated totals).
Limit of one missing section: atlaxis decision (no published limit found).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from atlaxis.errors import InvalidAnswers
from atlaxis.instruments import get_instrument, score, score_many

IDS = [str(i) for i in range(1, 11)]

# Worked response (by hand):
#   sections 1-10 = 3, 2, 1, 0, 4, 2, 3, 5, 2, 1   sum = 23 of 50
#   percent = 23 x 2 = 46 -> raw 23 in [15, 25) -> moderate
WORKED = dict(zip(IDS, [3, 2, 1, 0, 4, 2, 3, 5, 2, 1], strict=True))


def test_worked_example() -> None:
    res = score("ndi", WORKED)
    assert res.total == 23.0
    assert res.subscales == {"percent": 46.0}
    assert res.band == "moderate"
    assert res.complete is True


def test_worked_example_driving_skipped() -> None:
    # section 8 (driving, 5) skipped: answered sum 18 over 9 sections
    #   Vernon: add the mean of the answered sections: 18 + 18 / 9 = 20
    #   = 18 / (5 x 9) x 50 = 20; percent = 40 -> [15, 25) moderate
    answers = {k: v for k, v in WORKED.items() if k != "8"}
    res = score("ndi", answers)
    assert res.total == pytest.approx(20.0)
    assert res.subscales["percent"] == pytest.approx(40.0)
    assert res.missing == ["8"]
    assert res.band == "moderate"


def _with_sum(total: int) -> dict[str, int]:
    answers = {}
    for item in IDS:
        answers[item] = min(5, total)
        total -= answers[item]
    return answers


BANDS = [
    (0, "no disability"),
    (4, "no disability"),
    (5, "mild"),
    (14, "mild"),
    (15, "moderate"),
    (24, "moderate"),
    (25, "severe"),
    (34, "severe"),
    (35, "complete"),
    (50, "complete"),
]


@pytest.mark.parametrize(("raw", "band"), BANDS)
def test_band_boundaries_raw(raw: int, band: str) -> None:
    res = score("ndi", _with_sum(raw))
    assert res.total == raw
    assert res.subscales["percent"] == 2 * raw
    assert res.band == band


@pytest.mark.parametrize(
    ("answered", "total", "band"),
    [
        # 9 answered sections summing to 4: 4 x 10 / 9 = 4.44 -> below 5 -> no disability
        pytest.param([4, 0, 0, 0, 0, 0, 0, 0, 0], 40 / 9, "no disability", id="4.44"),
        # 9 sections summing to 13: 13 x 10 / 9 = 14.44 -> below 15 -> mild
        pytest.param([5, 5, 3, 0, 0, 0, 0, 0, 0], 130 / 9, "mild", id="14.44"),
        # sum 14: 15.56 -> moderate
        pytest.param([5, 5, 4, 0, 0, 0, 0, 0, 0], 140 / 9, "moderate", id="15.56"),
        # sum 31: 34.44 -> severe (gap 34-35)
        pytest.param([5, 5, 5, 5, 5, 5, 1, 0, 0], 310 / 9, "severe", id="34.44"),
    ],
)
def test_prorated_totals_use_half_open_bands(answered: list[int], total: float, band: str) -> None:
    answers = dict(zip(IDS[:9], answered, strict=True))
    res = score("ndi", answers)
    assert res.total == pytest.approx(total)
    assert res.band == band


MISSING = [
    pytest.param([], True, id="none-missing"),
    pytest.param(["1"], True, id="one-missing"),
    pytest.param(["10"], True, id="last-missing"),
    pytest.param(["8", "10"], False, id="two-missing"),
    pytest.param(IDS, False, id="all-missing"),
]


@pytest.mark.parametrize(("left_out", "complete"), MISSING)
def test_missing_sections(left_out: list[str], complete: bool) -> None:
    res = score("ndi", {k: v for k, v in WORKED.items() if k not in left_out})
    assert res.complete is complete
    assert (res.total is None) is (not complete)
    assert (res.subscales["percent"] is None) is (not complete)


INVALID: list[Any] = [
    pytest.param({"11": 0}, "11", id="unknown-item"),
    pytest.param({"1": 6}, "1", id="above-5"),
    pytest.param({"1": -1}, "1", id="negative"),
    pytest.param({"2": 1.5}, "2", id="non-integer"),
    pytest.param({"3": False}, "3", id="boolean"),
    pytest.param({"4": "2"}, "4", id="string"),
]


@pytest.mark.parametrize(("change", "field"), INVALID)
def test_invalid_answers(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidAnswers) as err:
        score("ndi", {**WORKED, **change})
    assert [p.field for p in err.value.problems] == [field]


def test_score_many_matches_score() -> None:
    cols = {k: np.array([WORKED[k], np.nan if k == "8" else WORKED[k]]) for k in IDS}
    out = score_many("ndi", cols)
    np.testing.assert_allclose(out["total"], [23.0, 20.0])
    np.testing.assert_allclose(out["percent"], [46.0, 40.0])


def test_definition_facts() -> None:
    inst = get_instrument("ndi")
    assert len(inst.items) == 10 and inst.licence.ship_text is False
    assert inst.reliability is not None and inst.reliability.coefficient == 0.93
    mcid = inst.threshold("mcid")
    assert mcid is not None and mcid.value == 5.0
    assert inst.scoring.source is not None and inst.scoring.source.evidence == "unverified"
