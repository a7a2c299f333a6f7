"""COMPASS-31 scoring.

Source: Sletten DM et al. COMPASS 31: a refined and abbreviated Composite Autonomic
Symptom Score. Mayo Clin Proc 2012;87(12):1196-1201. Six domains, raw points x weight,
weighted total 0-100: orthostatic (items 1-4, raw max 10, x 4.0 -> 40), vasomotor
(5-7, 6, x 5/6 -> 5), secretomotor (8-11, 7, x 15/7 -> 15), gastrointestinal (12-23, 28,
x 25/28 -> 25), bladder (24-26, 9, x 10/9 -> 10), pupillomotor (27-31, 15, x 1/3 -> 5).
The answer-to-points table below is the published scoring table as implemented publicly
(secondary); item 22 (mild 1, moderate 2, severe 3) is unverified against the paper.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from atlaxis.errors import InvalidAnswers
from atlaxis.instruments import get_instrument, score, score_many

# answer code -> points; unlisted codes score 0 (item 6 is check-all: 1 point per box)
POINTS: dict[str, dict[int, int]] = {
    "1": {1: 1}, "2": {2: 1, 3: 2, 4: 3}, "3": {1: 1, 2: 2, 3: 3}, "4": {1: 3, 2: 2, 3: 1},
    "5": {1: 1}, "7": {1: 3, 2: 2, 3: 1},
    "8": {1: 1, 4: 1, 5: 2}, "9": {1: 1}, "10": {1: 1}, "11": {2: 3, 3: 2, 4: 1},
    "12": {1: 2, 2: 1}, "13": {2: 1, 3: 2}, "14": {2: 1, 3: 2}, "15": {2: 1, 3: 2},
    "16": {1: 1}, "17": {2: 1, 3: 2, 4: 3}, "18": {1: 1, 2: 2, 3: 3}, "19": {1: 3, 2: 2, 3: 1},
    "20": {1: 1}, "21": {2: 1, 3: 2, 4: 3}, "22": {1: 1, 2: 2, 3: 3}, "23": {1: 3, 2: 2, 3: 1},
    "24": {2: 1, 3: 2, 4: 3}, "25": {2: 1, 3: 2, 4: 3}, "26": {2: 1, 3: 2, 4: 3},
    "27": {2: 1, 3: 2, 4: 3}, "28": {1: 1, 2: 2, 3: 3}, "29": {2: 1, 3: 2, 4: 3},
    "30": {1: 1, 2: 2, 3: 3}, "31": {2: 3, 3: 2, 4: 1},
}  # fmt: skip
CODES: dict[str, int] = {  # number of printed options per single-choice item
    "1": 2, "2": 4, "3": 3, "4": 6, "5": 2, "7": 6, "8": 5, "9": 2, "10": 2, "11": 7,
    "12": 5, "13": 3, "14": 3, "15": 3, "16": 2, "17": 4, "18": 3, "19": 6, "20": 2,
    "21": 4, "22": 3, "23": 6, "24": 4, "25": 4, "26": 4, "27": 4, "28": 3, "29": 4,
    "30": 3, "31": 7,
}  # fmt: skip

# Worked response (by hand), item=code -> points:
#   orthostatic  1=1->1, 2=3->2, 3=2->2, 4=2->2                 raw 7  x 4     = 28
#   vasomotor    5=1->1, 6=[hands,feet]->2, 7=3->1              raw 4  x 5/6   = 10/3
#   secretomotor 8=5->2, 9=1->1, 10=2->0, 11=4->1               raw 4  x 15/7  = 60/7
#   gastro       12=2->1, 13=2->1, 14=1->0, 15=3->2, 16=1->1, 17=2->1, 18=1->1,
#                19=3->1, 20=1->1, 21=4->3, 22=2->2, 23=2->2    raw 16 x 25/28 = 100/7
#   bladder      24=1->0, 25=2->1, 26=3->2                      raw 3  x 10/9  = 10/3
#   pupillomotor 27=3->2, 28=2->2, 29=1->0 (30 skipped), 31=3->2 raw 6 x 1/3   = 2
#   total = 28 + 10/3 + 60/7 + 100/7 + 10/3 + 2 = 30 + 20/3 + 160/7 = 1250/21 = 59.52
WORKED: dict[str, Any] = {
    "1": 1, "2": 3, "3": 2, "4": 2, "5": 1, "6": [1, 2], "7": 3,
    "8": 5, "9": 1, "10": 2, "11": 4,
    "12": 2, "13": 2, "14": 1, "15": 3, "16": 1, "17": 2, "18": 1, "19": 3,
    "20": 1, "21": 4, "22": 2, "23": 2, "24": 1, "25": 2, "26": 3,
    "27": 3, "28": 2, "29": 1, "31": 3,
}  # fmt: skip

# No symptoms: every gate answered no / never, follow-ups skipped.
NONE: dict[str, Any] = {
    "1": 2, "5": 2, "8": 3, "9": 2, "10": 2, "11": 1, "12": 3, "13": 1, "14": 1, "15": 1,
    "16": 2, "20": 2, "24": 1, "25": 1, "26": 1, "27": 1, "29": 1, "31": 1,
}  # fmt: skip

# Every item at its highest-scoring answer.
WORST: dict[str, Any] = {
    **{k: max(v, key=lambda c, v=v: v[c]) for k, v in POINTS.items()},
    "6": [1, 2],
}


def test_worked_example() -> None:
    res = score("compass31", WORKED)
    assert res.details["raw"] == {
        "orthostatic": 7, "vasomotor": 4, "secretomotor": 4, "gastrointestinal": 16,
        "bladder": 3, "pupillomotor": 6,
    }  # fmt: skip
    assert res.subscales == {
        "orthostatic": pytest.approx(28.0),
        "vasomotor": pytest.approx(10 / 3),
        "secretomotor": pytest.approx(60 / 7),
        "gastrointestinal": pytest.approx(100 / 7),
        "bladder": pytest.approx(10 / 3),
        "pupillomotor": pytest.approx(2.0),
    }
    # unrounded: rounding each domain first (28+3+9+14+3+2) would give 59, not 59.52
    assert res.total == pytest.approx(1250 / 21)
    assert res.complete and res.band is None


def test_range_ends() -> None:
    low = score("compass31", NONE)
    assert low.total == 0 and low.complete
    high = score("compass31", WORST)
    # each domain at its maximum weighted score: 40 + 5 + 15 + 25 + 10 + 5 = 100
    assert high.subscales == {
        "orthostatic": pytest.approx(40),
        "vasomotor": pytest.approx(5),
        "secretomotor": pytest.approx(15),
        "gastrointestinal": pytest.approx(25),
        "bladder": pytest.approx(10),
        "pupillomotor": pytest.approx(5),
    }
    assert high.total == pytest.approx(100)


@pytest.mark.parametrize(
    ("item_id", "code", "points"),
    [(k, c, POINTS[k].get(c, 0)) for k in POINTS for c in range(1, CODES[k] + 1)],
)
def test_answer_to_points_table(item_id: str, code: int, points: int) -> None:
    option = get_instrument("compass31").item(item_id)
    assert option is not None
    opt = option.option(code)
    assert opt is not None and opt.points == points


@pytest.mark.parametrize(
    ("ticked", "raw"), [([], 1 + 0 + 1), ([1], 1 + 1 + 1), ([2], 1 + 1 + 1), ([1, 2], 1 + 2 + 1)]
)
def test_item6_check_all_one_point_per_box(ticked: list[int], raw: int) -> None:
    # vasomotor raw = item 5 (yes: 1) + item 6 boxes + item 7 (code 3: 1)
    res = score("compass31", {**WORKED, "6": ticked})
    assert res.details["raw"]["vasomotor"] == raw


def test_item22_scored_as_the_implementation_table_unverified() -> None:
    # item 22 constipation severity mild/moderate/severe -> 1/2/3 (unverified vs Sletten)
    raws = [score("compass31", {**WORKED, "22": c}).details["raw"]["gastrointestinal"]
            for c in (1, 2, 3)]  # fmt: skip
    assert raws == [15, 16, 17]


EXPECTED_GATES = {
    "2": ("1", "=", 1), "3": ("1", "=", 1), "4": ("1", "=", 1),
    "6": ("5", "=", 1), "7": ("5", "=", 1),
    "17": ("16", "=", 1), "18": ("16", "=", 1), "19": ("16", "=", 1),
    "21": ("20", "=", 1), "22": ("20", "=", 1), "23": ("20", "=", 1),
    "28": ("27", "!=", 1), "30": ("29", "!=", 1),
}  # fmt: skip


def test_skip_logic_enable_when() -> None:
    # the form: "if No, skip to question 5 / 8 / 20 / 24"; "if Never, skip to 29 / 31"
    inst = get_instrument("compass31")
    gates = {
        i.id: (i.enable_when[0].question, i.enable_when[0].operator, i.enable_when[0].answer)
        for i in inst.items
        if i.enable_when
    }
    assert gates == EXPECTED_GATES
    assert {i.id for i in inst.items if not i.required} == set(EXPECTED_GATES)


@pytest.mark.parametrize(
    ("changes", "domain", "raw", "ignored"),
    [
        # gate no: answers to 2-4 are ignored -> orthostatic raw 0
        ({"1": 2}, "orthostatic", 0, ["2", "3", "4"]),
        # gate yes, follow-ups blank -> blank follow-ups score 0: raw = item 1 = 1
        ({"2": None, "3": None, "4": None}, "orthostatic", 1, []),
        # item 27 never: item 28 ignored -> 0 + 0 + 0 + 2 = 2
        ({"27": 1}, "pupillomotor", 2, ["28"]),
        # item 29 occasionally, 30 blank -> 30 scores 0: 2 + 2 + 1 + 0 + 2 = 7
        ({"29": 2}, "pupillomotor", 7, []),
        # diarrhoea no: 17-19 ignored -> 16 - 1 (item 16) - 3 (items 17-19) = 12
        ({"16": 2}, "gastrointestinal", 12, ["17", "18", "19"]),
    ],
    ids=["q1_no", "q1_yes_blank", "q27_never", "q29_blank_30", "q16_no"],
)
def test_skip_logic_scoring(
    changes: dict[str, Any], domain: str, raw: int, ignored: list[str]
) -> None:
    answers = {k: v for k, v in {**WORKED, **changes}.items() if v is not None}
    res = score("compass31", answers)
    assert res.details["raw"][domain] == raw
    assert res.details["ignored"] == ignored
    assert res.complete


@pytest.mark.parametrize(
    ("dropped", "domain"),
    [("1", "orthostatic"), ("5", "vasomotor"), ("9", "secretomotor"),
     ("12", "gastrointestinal"), ("20", "gastrointestinal"), ("25", "bladder"),
     ("31", "pupillomotor")],
)  # fmt: skip
def test_missing_non_skip_item_leaves_domain_and_total_unscored(dropped: str, domain: str) -> None:
    res = score("compass31", {k: v for k, v in WORKED.items() if k != dropped})
    assert res.subscales[domain] is None
    assert res.total is None and not res.complete
    assert dropped in res.missing
    others = [v for k, v in res.subscales.items() if k != domain]
    assert all(v is not None for v in others)


@pytest.mark.parametrize(
    ("answers", "fields"),
    [
        ({"1": 3, "4": 7, "11": 0}, {"1", "4", "11"}),
        ({"6": [3]}, {"6"}),
        ({"6": [1, 1]}, {"6"}),
        ({"6": 1, "9": True, "32": 1}, {"6", "9", "32"}),
        ({"12": "1"}, {"12"}),
    ],
    ids=["out_of_range", "item6_unknown_box", "item6_twice", "types_and_unknown", "string"],
)
def test_invalid_answers_list_every_problem(answers: dict[str, Any], fields: set[str]) -> None:
    with pytest.raises(InvalidAnswers) as err:
        score("compass31", {**WORKED, **answers})
    assert {p.field for p in err.value.problems} == fields


def test_score_many_equals_score() -> None:
    rows = [WORKED, NONE, WORST, {**WORKED, "1": 2}, {k: v for k, v in WORKED.items() if k != "9"}]
    keys = sorted({k for r in rows for k in r}, key=int)
    cols = {k: [r.get(k) for r in rows] for k in keys}
    out = score_many("compass31", cols)
    for r, row in enumerate(rows):
        one = score("compass31", row)
        assert bool(out["complete"][r]) == one.complete
        for name, want in [("total", one.total), *one.subscales.items()]:
            got = out[name][r]
            assert (np.isnan(got) and want is None) or got == pytest.approx(want)


def test_definition_metadata() -> None:
    inst = get_instrument("compass31")
    assert inst.item_ids == tuple(str(i) for i in range(1, 32))
    assert inst.score_range == (0.0, 100.0) and inst.lower_is_better
    assert not inst.licence.ship_text and all(i.text_is_label for i in inst.items)
    assert inst.reliability is not None and inst.reliability.coefficient == 0.886
    assert inst.interpretation is None  # no bands established
    weights = {s.name: s.weight for s in inst.scoring.subscales}
    assert weights == pytest.approx(
        {"orthostatic": 4.0, "vasomotor": 5 / 6, "secretomotor": 15 / 7,
         "gastrointestinal": 25 / 28, "bladder": 10 / 9, "pupillomotor": 1 / 3}
    )  # fmt: skip
    source = inst.scoring.source
    assert source is not None and "unverified" in (source.note or "")
