"""PSQI scoring.

Rules: Buysse DJ et al. The Pittsburgh Sleep Quality Index. Psychiatry Res
1989;28(2):193-213 (seven components 0-3, global 0-21, global > 5 = poor sleeper):
C1 = item 6; C2 = item 2 banded (<= 15 min 0, 16-30 1, 31-60 2, > 60 3) + item 5a,
rebanded 0 / 1-2 / 3-4 / 5-6 -> 0-3; C3 = item 4 (> 7 h 0, 6-7 h 1, 5-6 h 2, < 5 h 3);
C4 = item 4 / (item 3 - item 1) x 100 (>= 85 % 0, 75-84 1, 65-74 2, < 65 3);
C5 = sum 5b-5j banded 0 / 1-9 / 10-18 / 19-27; C6 = item 7; C7 = items 8 + 9 rebanded
like C2. Cut-points are taken as half-open intervals (so exactly 7 h -> C3 = 1 and an
efficiency of 84.85 % -> C4 = 1).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from atlaxis.errors import InvalidAnswers
from atlaxis.instruments import get_instrument, score, score_many
from atlaxis.instruments.definitions.psqi import (
    daytime_component,
    duration_component,
    latency_component,
)

# Worked response (by hand):
#   C1 = item 6                                   = 2
#   C2: item 2 = 40 min -> 2 (31-60); + 5a (2) = 4 -> 3-4 -> 2
#   C3: item 4 = 5.5 h -> >= 5 and < 6 -> 2
#   C4: in bed 23:30 -> 06:30 = 7 h; 5.5 / 7 x 100 = 78.57 % -> [75, 85) -> 1
#   C5: 5b..5j = 3+2+0+1+0+1+1+3+0 = 11 -> 10-18 -> 2
#   C6 = item 7                                   = 1
#   C7: item 8 + item 9 = 1 + 2 = 3 -> 3-4 -> 2
#   global = 2 + 2 + 2 + 1 + 2 + 1 + 2 = 12 -> > 5 -> poor
WORKED: dict[str, Any] = {
    "1": "23:30", "2": 40, "3": "06:30", "4": 5.5,
    "5a": 2, "5b": 3, "5c": 2, "5d": 0, "5e": 1, "5f": 0, "5g": 1, "5h": 1, "5i": 3, "5j": 0,
    "6": 2, "7": 1, "8": 1, "9": 2,
}  # fmt: skip

# Every component 0: 10 min to sleep, 8 h asleep of 8 h in bed, no disturbances.
BASE: dict[str, Any] = {
    "1": "23:00", "2": 10, "3": "07:00", "4": 8,
    **{f"5{c}": 0 for c in "abcdefghij"},
    "6": 0, "7": 0, "8": 0, "9": 0,
}  # fmt: skip


def _with(**changes: Any) -> dict[str, Any]:
    return {**BASE, **{k.replace("q", ""): v for k, v in changes.items()}}


def test_worked_example() -> None:
    res = score("psqi", WORKED)
    assert res.subscales == {
        "c1": 2.0, "c2": 2.0, "c3": 2.0, "c4": 1.0, "c5": 2.0, "c6": 1.0, "c7": 2.0,
        "sleep_efficiency": pytest.approx(5.5 / 7 * 100),
    }  # fmt: skip
    assert res.total == 12
    assert res.band == "poor" and res.complete
    assert res.details["hours_in_bed"] == 7


def test_extremes() -> None:
    assert score("psqi", BASE).total == 0
    # worst: 90 min (3) + 5a 3 = 6 -> 3; 4 h -> 3; 4/8 = 50 % -> 3; 5b-5j 27 -> 3;
    # items 6, 7 = 3; 8 + 9 = 6 -> 3: global 21
    worst = {**BASE, "2": 90, "4": 4, **{f"5{c}": 3 for c in "abcdefghij"}}
    worst.update({"6": 3, "7": 3, "8": 3, "9": 3})
    res = score("psqi", worst)
    assert res.total == 21 and all(res.subscales[f"c{i}"] == 3 for i in range(1, 8))


@pytest.mark.parametrize(
    ("minutes", "item_5a", "expected"),
    [
        (15, 0, 0),  # <= 15 min -> 0; 0 -> 0
        (16, 0, 1),  # 16-30 -> 1; 1 -> 1
        (30, 1, 1),  # 1 + 1 = 2 -> 1
        (31, 0, 1),  # 31-60 -> 2 -> 1
        (31, 1, 2),  # 2 + 1 = 3 -> 2
        (60, 2, 2),  # 2 + 2 = 4 -> 2
        (61, 1, 2),  # > 60 -> 3; + 1 = 4 -> 2
        (61, 2, 3),  # 3 + 2 = 5 -> 3
        (0, 3, 2),  # 0 + 3 = 3 -> 2
        (120, 3, 3),  # 3 + 3 = 6 -> 3
    ],
)
def test_c2_latency_boundaries(minutes: int, item_5a: int, expected: int) -> None:
    assert latency_component(minutes, item_5a) == expected
    assert score("psqi", _with(q2=minutes, q5a=item_5a)).subscales["c2"] == expected


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (24, 0),
        (7.01, 0),  # > 7 -> 0
        (7, 1),  # exactly 7 -> 1 (only more than 7 scores 0)
        (6, 1),  # 6-7 inclusive -> 1
        (5.99, 2),  # >= 5 and < 6 -> 2
        (5, 2),
        (4.99, 3),  # < 5 -> 3
        (0, 3),
    ],
)
def test_c3_duration_boundaries(hours: float, expected: int) -> None:
    assert duration_component(hours) == expected


@pytest.mark.parametrize(
    ("bed", "rise", "asleep", "efficiency", "expected"),
    [
        ("23:00", "07:00", 8, 100.0, 0),
        ("23:00", "07:00", 6.8, 85.0, 0),  # 6.8 / 8 = 85 % exactly -> 0
        ("23:00", "07:00", 6.79, 84.875, 1),  # just below 85 -> 1
        # 8.4 / 9.9 = 84.85 %: half-open -> 1 (a closed-integer-range scorer gives 3)
        ("22:00", "07:54", 8.4, 8.4 / 9.9 * 100, 1),
        ("23:00", "07:00", 6.0, 75.0, 1),  # 75 % exactly -> 1
        ("23:00", "07:00", 5.99, 74.875, 2),
        ("23:00", "07:00", 5.2, 65.0, 2),  # 65 % exactly -> 2
        ("23:00", "07:00", 5.19, 64.875, 3),
        ("01:00", "09:00", 4, 50.0, 3),  # same day: 8 h in bed
        ("22:00", "06:00", 7, 87.5, 0),  # across midnight: 06:00 - 22:00 + 24 h = 8 h
    ],
)
def test_c4_efficiency_boundaries(
    bed: str, rise: str, asleep: float, efficiency: float, expected: int
) -> None:
    res = score("psqi", _with(q1=bed, q3=rise, q4=asleep))
    assert res.subscales["sleep_efficiency"] == pytest.approx(efficiency)
    assert res.subscales["c4"] == expected


def _disturbances(total: int, with_5j: bool = True) -> dict[str, int]:
    """Spread ``total`` points over 5b..5j (each 0-3)."""
    keys = [f"5{c}" for c in "bcdefghij"] if with_5j else [f"5{c}" for c in "bcdefghi"]
    out = {}
    for k in keys:
        out[k] = min(3, total)
        total -= out[k]
    assert total == 0
    return out


@pytest.mark.parametrize(
    ("total", "expected"),
    [(0, 0), (1, 1), (9, 1), (10, 2), (18, 2), (19, 3), (27, 3)],
)
def test_c5_disturbance_boundaries(total: int, expected: int) -> None:
    assert score("psqi", {**BASE, **_disturbances(total)}).subscales["c5"] == expected


def test_c5_missing_5j_counts_zero() -> None:
    # 5b-5i sum 9 with 5j blank: 9 -> 1 (5j is the optional "other reason")
    answers = {k: v for k, v in {**BASE, **_disturbances(9, with_5j=False)}.items() if k != "5j"}
    res = score("psqi", answers)
    assert res.subscales["c5"] == 1 and res.complete


@pytest.mark.parametrize(
    ("item_8", "item_9", "expected"),
    [(0, 0, 0), (1, 0, 1), (1, 1, 1), (2, 1, 2), (2, 2, 2), (3, 2, 3), (3, 3, 3)],
)
def test_c7_daytime_boundaries(item_8: int, item_9: int, expected: int) -> None:
    assert daytime_component(item_8, item_9) == expected
    assert score("psqi", _with(q8=item_8, q9=item_9)).subscales["c7"] == expected


@pytest.mark.parametrize(
    ("item_6", "item_7", "total", "band"),
    [(3, 2, 5, "good"), (3, 3, 6, "poor")],
    ids=["global_5_good", "global_6_poor"],
)
def test_band_cutoff(item_6: int, item_7: int, total: int, band: str) -> None:
    # Buysse 1989: global > 5 = poor sleeper; BASE has every other component 0
    res = score("psqi", _with(q6=item_6, q7=item_7))
    assert res.total == total and res.band == band


@pytest.mark.parametrize(
    ("dropped", "unscored"),
    [
        ("6", {"c1"}),
        ("2", {"c2"}),
        ("5a", {"c2"}),
        ("4", {"c3", "c4", "sleep_efficiency"}),
        ("1", {"c4", "sleep_efficiency"}),
        ("3", {"c4", "sleep_efficiency"}),
        ("5c", {"c5"}),
        ("7", {"c6"}),
        ("9", {"c7"}),
    ],
)
def test_missing_item_leaves_component_and_global_unscored(
    dropped: str, unscored: set[str]
) -> None:
    res = score("psqi", {k: v for k, v in WORKED.items() if k != dropped})
    assert {k for k, v in res.subscales.items() if v is None} == unscored
    assert res.total is None and res.band is None and not res.complete
    assert dropped in res.missing


def test_equal_bed_and_rise_times_leave_efficiency_unscored() -> None:
    res = score("psqi", _with(q1="23:00", q3="23:00"))
    assert res.subscales["c4"] is None and res.total is None


def test_sleep_longer_than_time_in_bed_is_noted() -> None:
    res = score("psqi", _with(q4=9))  # 9 h asleep, 8 h in bed: 112.5 %
    assert res.subscales["sleep_efficiency"] == pytest.approx(112.5)
    assert res.subscales["c4"] == 0 and "note" in res.details


@pytest.mark.parametrize(
    ("answers", "fields"),
    [
        ({"1": "7:00", "3": "24:00"}, {"1", "3"}),
        ({"2": -1, "4": 25}, {"2", "4"}),
        ({"2": 12.5, "4": "7"}, {"2", "4"}),
        ({"5a": 4, "6": "2", "9": True}, {"5a", "6", "9"}),
        ({"5k": 0, "10": 1}, {"5k", "10"}),
    ],
    ids=["times", "ranges", "types", "choices", "unknown"],
)
def test_invalid_answers_list_every_problem(answers: dict[str, Any], fields: set[str]) -> None:
    with pytest.raises(InvalidAnswers) as err:
        score("psqi", {**BASE, **answers})
    assert {p.field for p in err.value.problems} == fields


def test_score_many_equals_score() -> None:
    rows = [WORKED, BASE, _with(q4=6.79), {k: v for k, v in WORKED.items() if k != "4"}]
    keys = list(WORKED)
    cols = {k: [r.get(k) for r in rows] for k in keys}
    out = score_many("psqi", cols)
    for r, row in enumerate(rows):
        one = score("psqi", row)
        assert bool(out["complete"][r]) == one.complete
        for name, want in [("total", one.total), *one.subscales.items()]:
            got = out[name][r]
            assert (np.isnan(got) and want is None) or got == pytest.approx(want)


def test_definition_metadata() -> None:
    inst = get_instrument("psqi")
    ids = inst.item_ids
    assert ids == ("1", "2", "3", "4", *(f"5{c}" for c in "abcdefghij"), "6", "7", "8", "9")
    assert [i.id for i in inst.items if not i.required] == ["5j"]
    assert not inst.licence.ship_text and all(i.text_is_label for i in inst.items)
    assert inst.score_range == (0.0, 21.0) and inst.lower_is_better
    assert inst.interpretation is not None
    assert [(b.label, b.lower) for b in inst.interpretation.bands] == [("good", 0), ("poor", 6)]
