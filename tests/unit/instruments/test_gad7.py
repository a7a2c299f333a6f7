"""GAD-7 scoring.

Rules: Spitzer RL et al. Arch Intern Med 2006;166(10):1092-1097: 7 items 0-3, total
0-21, cut-points 5, 10, 15 (minimal, mild, moderate, severe). Missing items: Ohrbach R,
Knibbe W. DC/TMD Scoring Manual for Self-Report Instruments (2016, rev. 2021): up to 2
items missing; score = answered sum / (7 - missing) x 7.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from atlaxis.errors import InvalidAnswers
from atlaxis.instruments import get_instrument, score, score_many

IDS = [str(i) for i in range(1, 8)]

# Worked response (by hand): 1 + 2 + 3 + 0 + 1 + 2 + 3 = 12 -> [10, 15) moderate
WORKED = dict(zip(IDS, [1, 2, 3, 0, 1, 2, 3], strict=True))


def test_worked_example() -> None:
    res = score("gad7", WORKED)
    assert res.total == 12.0
    assert res.band == "moderate"


def test_worked_example_two_missing() -> None:
    # items 6 and 7 missing: answered 1 + 2 + 3 + 0 + 1 = 7 over 5 items
    #   7 / 5 x 7 = 9.8 (unrounded) -> below 10 -> mild
    res = score("gad7", {k: v for k, v in WORKED.items() if k not in ("6", "7")})
    assert res.total == pytest.approx(9.8)
    assert res.band == "mild"
    assert res.missing == ["6", "7"]


def _with_total(total: int) -> dict[str, int]:
    answers = {}
    for item in IDS:
        answers[item] = min(3, total)
        total -= answers[item]
    return answers


BANDS = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "severe"),
    (21, "severe"),
]


@pytest.mark.parametrize(("total", "band"), BANDS)
def test_band_boundaries(total: int, band: str) -> None:
    res = score("gad7", _with_total(total))
    assert res.total == total
    assert res.band == band


MISSING = [
    # (left out, expected total or None); WORKED sum 12
    pytest.param([], 12.0, id="none"),
    # item 1 (1) missing: 11 / 6 x 7 = 12.833...
    pytest.param(["1"], 11 / 6 * 7, id="one"),
    # items 6, 7 (2 + 3) missing: 7 / 5 x 7 = 9.8
    pytest.param(["6", "7"], 9.8, id="two"),
    pytest.param(["1", "2", "3"], None, id="three-not-scorable"),
    pytest.param(IDS, None, id="all"),
]


@pytest.mark.parametrize(("left_out", "total"), MISSING)
def test_missing_items(left_out: list[str], total: float | None) -> None:
    res = score("gad7", {k: v for k, v in WORKED.items() if k not in left_out})
    if total is None:
        assert res.total is None and res.complete is False and res.band is None
    else:
        assert res.total == pytest.approx(total) and res.complete is True


INVALID: list[Any] = [
    pytest.param({"8": 0}, "8", id="unknown-item"),
    pytest.param({"1": 4}, "1", id="above-3"),
    pytest.param({"1": -1}, "1", id="negative"),
    pytest.param({"1": 1.5}, "1", id="non-integer"),
    pytest.param({"1": True}, "1", id="boolean"),
    pytest.param({"1": "1"}, "1", id="string"),
]


@pytest.mark.parametrize(("change", "field"), INVALID)
def test_invalid_answers(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidAnswers) as err:
        score("gad7", {**WORKED, **change})
    assert [p.field for p in err.value.problems] == [field]


def test_score_many_prorates_like_score() -> None:
    cols = {k: np.array([v, np.nan if k in ("6", "7") else v]) for k, v in WORKED.items()}
    np.testing.assert_allclose(score_many("gad7", cols)["total"], [12.0, 9.8])


def test_definition_facts() -> None:
    inst = get_instrument("gad7")
    assert inst.licence.ship_text is True
    assert not any(i.text_is_label for i in inst.items)
    assert (inst.loinc_panel, inst.loinc_total) == ("69737-5", "70274-6")
    assert inst.items[0].text == "Feeling nervous, anxious or on edge"
    assert [i.loinc for i in inst.items] == [
        "69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7",
    ]  # fmt: skip
