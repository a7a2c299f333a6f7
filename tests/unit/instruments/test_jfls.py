"""JFLS-8 and JFLS-20 scoring.

Source for every rule below: Ohrbach R, Knibbe W. DC/TMD Scoring Manual for Self-Report
Instruments (Version 29May2016, rev. 30 March 2021), section "JFLS" and Appendix 1:
mastication = mean of items 1-6 (max 2 missing), mobility = mean of 7-10 (max 1
missing), communication = mean of 13-20 (max 2 missing); JFLS-20 global = mean of the 3
subscales, all 3 required; JFLS-8 global (short form, or JFLS-20 items 1, 3, 6, 10, 11,
12, 13, 19) = mean of answered items, max 2 missing; divide by the number answered.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from atlaxis.errors import InvalidAnswers
from atlaxis.instruments import get_instrument, score, score_many
from atlaxis.instruments.definitions.jfls import JFLS8_FROM_JFLS20

# Worked JFLS-20 response (by hand):
#   mastication   items 1-6  : 2 + 4 + 3 + 1 + 0 + 2 = 12; 12 / 6 = 2.0
#   mobility      items 7-10 : 5 + 3 + 2 + 0         = 10; 10 / 4 = 2.5
#   items 11, 12 (no subscale): 1, 6
#   communication items 13-20: 1 + 0 + 2 + 0 + 1 + 3 + 4 + 1 = 12; 12 / 8 = 1.5
#   global = (2.0 + 2.5 + 1.5) / 3 = 6.0 / 3 = 2.0
#   JFLS-8 equivalent, items 1, 3, 6, 10, 11, 12, 13, 19:
#       2 + 3 + 2 + 0 + 1 + 6 + 1 + 4 = 19; 19 / 8 = 2.375
WORKED = dict(
    zip(
        [str(i) for i in range(1, 21)],
        [2, 4, 3, 1, 0, 2, 5, 3, 2, 0, 1, 6, 1, 0, 2, 0, 1, 3, 4, 1],
        strict=True,
    )
)


def _without(*ids: int) -> dict[str, Any]:
    return {k: v for k, v in WORKED.items() if int(k) not in ids}


def test_jfls20_worked_example() -> None:
    res = score("jfls20", WORKED)
    assert res.subscales["mastication"] == pytest.approx(2.0)
    assert res.subscales["mobility"] == pytest.approx(2.5)
    assert res.subscales["communication"] == pytest.approx(1.5)
    assert res.subscales["jfls8_global"] == pytest.approx(2.375)
    assert res.total == pytest.approx(2.0)
    assert res.complete and res.band is None


# (case id, missing JFLS-20 items, expected mastication, mobility, communication, global)
# arithmetic on WORKED; None = more items missing than the manual allows
MISSING_CASES = [
    # mastication: 2 missing allowed -> (3 + 1 + 0 + 2) / 4 = 1.5; global (1.5+2.5+1.5)/3
    ("mastication_2_missing", (1, 2), 1.5, 2.5, 1.5, 5.5 / 3),
    # 3 missing -> mastication not scored -> global not scored
    ("mastication_3_missing", (1, 2, 3), None, 2.5, 1.5, None),
    # mobility: 1 missing allowed -> (3 + 2 + 0) / 3 = 5/3; global (2 + 5/3 + 1.5) / 3
    ("mobility_1_missing", (7,), 2.0, 5 / 3, 1.5, (2.0 + 5 / 3 + 1.5) / 3),
    ("mobility_2_missing", (7, 8), 2.0, None, 1.5, None),
    # communication: 2 missing allowed -> (2+0+1+3+4+1) / 6 = 11/6
    ("communication_2_missing", (13, 14), 2.0, 2.5, 11 / 6, (2.0 + 2.5 + 11 / 6) / 3),
    ("communication_3_missing", (13, 14, 15), 2.0, 2.5, None, None),
    # items 11 and 12 are in no subscale: the global is unchanged
    ("items_11_12_missing", (11, 12), 2.0, 2.5, 1.5, 2.0),
]


@pytest.mark.parametrize(
    ("missing", "mast", "mob", "comm", "total"),
    [c[1:] for c in MISSING_CASES],
    ids=[c[0] for c in MISSING_CASES],
)
def test_jfls20_missing_items(
    missing: tuple[int, ...],
    mast: float | None,
    mob: float | None,
    comm: float | None,
    total: float | None,
) -> None:
    res = score("jfls20", _without(*missing))
    for name, want in (("mastication", mast), ("mobility", mob), ("communication", comm)):
        got = res.subscales[name]
        assert got == (None if want is None else pytest.approx(want)), name
    assert res.total == (None if total is None else pytest.approx(total))
    assert res.complete is (total is not None)


@pytest.mark.parametrize(
    ("missing", "expected", "total"),
    [
        # 2 of the 8 missing (11, 12): (2 + 3 + 2 + 0 + 1 + 4) / 6 = 12 / 6 = 2.0;
        # items 11 and 12 are in no subscale, so the global stays 2.0
        ((11, 12), 2.0, 2.0),
        # 3 missing (11, 12, 13): more than the manual's 2 -> not scored; item 13 also
        # leaves communication (0+2+0+1+3+4+1) / 7 = 11/7, global (2 + 2.5 + 11/7) / 3
        ((11, 12, 13), None, (2.0 + 2.5 + 11 / 7) / 3),
    ],
    ids=["2_missing", "3_missing"],
)
def test_jfls20_jfls8_equivalent_missing(
    missing: tuple[int, ...], expected: float | None, total: float
) -> None:
    res = score("jfls20", _without(*missing))
    got = res.subscales["jfls8_global"]
    assert got == (None if expected is None else pytest.approx(expected))
    # the JFLS-8 equivalent is reported beside the global, never averaged into it
    assert res.total == pytest.approx(total)


def test_jfls8_item_mapping_follows_the_manual() -> None:
    # DC/TMD manual: short-form items are long-form items 1, 3, 6, 10, 11, 12, 13, 19
    assert list(JFLS8_FROM_JFLS20.values()) == [1, 3, 6, 10, 11, 12, 13, 19]
    assert get_instrument("jfls8").item_ids == tuple(str(i) for i in range(1, 9))


def _as_jfls8(answers: dict[str, Any]) -> dict[str, Any]:
    return {str(k): answers[str(v)] for k, v in JFLS8_FROM_JFLS20.items() if str(v) in answers}


def test_jfls8_worked_example_matches_jfls20_equivalent() -> None:
    # JFLS-8 items 1..8 = JFLS-20 items 1,3,6,10,11,12,13,19 = 2,3,2,0,1,6,1,4
    # global = 19 / 8 = 2.375, the same number as the JFLS-20's JFLS-8 equivalent
    short = _as_jfls8(WORKED)
    assert short == {"1": 2, "2": 3, "3": 2, "4": 0, "5": 1, "6": 6, "7": 1, "8": 4}
    res = score("jfls8", short)
    assert res.total == pytest.approx(2.375)
    assert res.total == pytest.approx(score("jfls20", WORKED).subscales["jfls8_global"])


@pytest.mark.parametrize(
    ("dropped", "expected"),
    [
        ((), 2.375),
        # 1 missing (item 6 = 6): (19 - 6) / 7 = 13 / 7
        (("6",), 13 / 7),
        # 2 missing (items 6, 8 = 6, 4): (19 - 10) / 6 = 9 / 6 = 1.5
        (("6", "8"), 1.5),
        # 3 missing: more than 2 -> not scored
        (("6", "7", "8"), None),
    ],
    ids=["none", "1_missing", "2_missing", "3_missing"],
)
def test_jfls8_missing_items(dropped: tuple[str, ...], expected: float | None) -> None:
    answers = {k: v for k, v in _as_jfls8(WORKED).items() if k not in dropped}
    res = score("jfls8", answers)
    assert res.total == (None if expected is None else pytest.approx(expected))
    assert res.complete is (expected is not None)


@pytest.mark.parametrize("value", [0, 10])
def test_scale_ends(value: int) -> None:
    # each item 0-10, so every mean is 0-10 (manual: range 0-10)
    assert score("jfls20", {str(i): value for i in range(1, 21)}).total == value
    assert score("jfls8", {str(i): value for i in range(1, 9)}).total == value


def test_integral_float_codes_are_accepted() -> None:
    assert score("jfls8", {str(i): 4.0 for i in range(1, 9)}).total == 4.0


@pytest.mark.parametrize(
    ("instrument", "answers", "fields"),
    [
        ("jfls20", {"1": 11}, {"1"}),
        ("jfls20", {"1": -1, "2": 2.5, "3": "3", "4": True}, {"1", "2", "3", "4"}),
        ("jfls20", {"21": 0, "0": 1}, {"21", "0"}),
        ("jfls8", {"9": 0, "1": 12}, {"9", "1"}),
    ],
    ids=["above_10", "wrong_types", "unknown_items_20", "unknown_and_range_8"],
)
def test_invalid_answers_list_every_problem(
    instrument: str, answers: dict[str, Any], fields: set[str]
) -> None:
    with pytest.raises(InvalidAnswers) as err:
        score(instrument, answers)
    assert {p.field for p in err.value.problems} == fields


def test_score_many_equals_score() -> None:
    rows = [WORKED, _without(1, 2), _without(1, 2, 3), _without(7), _without(11, 12, 13), {}]
    ids = [str(i) for i in range(1, 21)]
    cols = {k: np.array([r.get(k, np.nan) for r in rows], dtype=float) for k in ids}
    out = score_many("jfls20", cols)
    for r, row in enumerate(rows):
        one = score("jfls20", row)
        assert out["complete"][r] == one.complete
        for name in ("mastication", "mobility", "communication", "jfls8_global"):
            want = one.subscales[name]
            got = out[name][r]
            assert (np.isnan(got) and want is None) or got == pytest.approx(want)
        got_total = out["total"][r]
        assert (np.isnan(got_total) and one.total is None) or got_total == pytest.approx(one.total)


def test_definition_metadata() -> None:
    for inst_id in ("jfls8", "jfls20"):
        inst = get_instrument(inst_id)
        assert inst.score_range == (0.0, 10.0) and inst.lower_is_better
        assert not inst.licence.ship_text
        assert all(i.text_is_label for i in inst.items)
        assert inst.scoring.source is not None and "Ohrbach" in inst.scoring.source.citation
        assert inst.interpretation is None  # norms not established (DC/TMD manual)
