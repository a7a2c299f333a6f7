"""atlaxis' own neck-involvement screen (``neck_screen``).

Our own form, no published source: the ids, the six signs and the follow-up
instruments are a fixed contract with ``atlaxis.screening`` (Foundation issue). The
follow-up choices: neck injury or chronic neck pain -> NDI, headaches -> HIT-6,
dizziness -> DHI, light or sound sensitivity -> CSI, jaw trouble -> JFLS-8.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from atlaxis.errors import InvalidAnswers
from atlaxis.instruments import get_instrument, score, score_many

SIGN_ITEMS = (
    "neck_trauma", "chronic_neck_pain", "headaches", "dizziness", "light_sensitivity",
    "sound_sensitivity", "jaw_trouble",
)  # fmt: skip
SIGNS = (
    "neck_trauma", "chronic_neck_pain", "headaches", "dizziness",
    "light_or_sound_sensitivity", "jaw_trouble",
)  # fmt: skip
ALL_NO: dict[str, Any] = dict.fromkeys(SIGN_ITEMS, False)
ALL_YES: dict[str, Any] = dict.fromkeys(SIGN_ITEMS, True)


def test_item_ids_are_the_contract() -> None:
    inst = get_instrument("neck_screen")
    assert inst.kind == "screen"
    assert set(inst.item_ids) == {*SIGN_ITEMS, "neck_trauma_kind", "neck_trauma_date"}
    kind = inst.item("neck_trauma_kind")
    date = inst.item("neck_trauma_date")
    assert kind is not None and date is not None
    assert [o.code for o in kind.options] == ["whiplash", "fall", "sports", "head_injury", "other"]
    for item in (kind, date):
        assert not item.required
        assert [(e.question, e.operator, e.answer) for e in item.enable_when] == [
            ("neck_trauma", "=", True)
        ]
    assert date.type == "date"
    assert {i.id for i in inst.items if i.type == "boolean"} == set(SIGN_ITEMS)


def test_no_signs() -> None:
    res = score("neck_screen", ALL_NO)
    assert res.total == 0 and res.complete and res.band is None
    assert res.subscales == dict.fromkeys(SIGNS, 0)
    assert res.details == {"signs_present": [], "signs_unknown": [], "count": 0, "follow_up": []}


def test_all_signs() -> None:
    # 6 signs; NDI suggested once although two signs point to it
    res = score("neck_screen", ALL_YES)
    assert res.total == 6 and res.subscales == dict.fromkeys(SIGNS, 1)
    assert res.details["signs_present"] == list(SIGNS)
    assert res.details["follow_up"] == ["ndi", "hit6", "dhi", "csi", "jfls8"]


@pytest.mark.parametrize(
    ("item", "sign", "follow_up"),
    [
        ("neck_trauma", "neck_trauma", ["ndi"]),
        ("chronic_neck_pain", "chronic_neck_pain", ["ndi"]),
        ("headaches", "headaches", ["hit6"]),
        ("dizziness", "dizziness", ["dhi"]),
        ("light_sensitivity", "light_or_sound_sensitivity", ["csi"]),
        ("sound_sensitivity", "light_or_sound_sensitivity", ["csi"]),
        ("jaw_trouble", "jaw_trouble", ["jfls8"]),
    ],
)
def test_each_sign_and_its_follow_up(item: str, sign: str, follow_up: list[str]) -> None:
    res = score("neck_screen", {**ALL_NO, item: True})
    assert res.total == 1 and res.complete
    assert res.subscales[sign] == 1
    assert res.details["signs_present"] == [sign]
    assert res.details["follow_up"] == follow_up


@pytest.mark.parametrize(
    ("light", "sound", "status"),
    [
        (True, True, 1.0),
        (True, False, 1.0),
        (False, True, 1.0),
        (True, None, 1.0),  # one yes decides it, the other may stay blank
        (None, True, 1.0),
        (False, False, 0.0),  # absent only when both are no
        (False, None, None),
        (None, False, None),
        (None, None, None),
    ],
)
def test_light_or_sound_either(
    light: bool | None, sound: bool | None, status: float | None
) -> None:
    answers = {**ALL_NO, "light_sensitivity": light, "sound_sensitivity": sound}
    res = score("neck_screen", answers)
    assert res.subscales["light_or_sound_sensitivity"] == status
    assert res.complete is (status is not None)
    assert res.total == (None if status is None else status)


def test_incomplete_screen_still_reports_what_is_known() -> None:
    answers = {**ALL_NO, "neck_trauma": True, "jaw_trouble": True}
    del answers["headaches"]
    del answers["dizziness"]
    res = score("neck_screen", answers)
    assert res.total is None and not res.complete
    assert res.subscales["headaches"] is None and res.subscales["dizziness"] is None
    assert res.details == {
        "signs_present": ["neck_trauma", "jaw_trouble"],
        "signs_unknown": ["headaches", "dizziness"],
        "count": 2,
        "follow_up": ["ndi", "jfls8"],
    }
    assert res.missing == ["headaches", "dizziness"]


def test_injury_details_do_not_change_the_count() -> None:
    plain = score("neck_screen", {**ALL_NO, "neck_trauma": True})
    detailed = score(
        "neck_screen",
        {
            **ALL_NO,
            "neck_trauma": True,
            "neck_trauma_kind": "whiplash",
            "neck_trauma_date": "2019-06-30",
        },
    )
    assert plain.to_dict() == detailed.to_dict()


@pytest.mark.parametrize(
    ("answers", "fields"),
    [
        ({"neck_trauma": "yes", "headaches": 1}, {"neck_trauma", "headaches"}),
        ({"neck_trauma_kind": "car"}, {"neck_trauma_kind"}),
        ({"neck_trauma_date": "2024-13-01"}, {"neck_trauma_date"}),
        ({"neck_trauma_date": "01/02/2024", "jaw": True}, {"neck_trauma_date", "jaw"}),
    ],
    ids=["not_boolean", "unknown_kind", "bad_date", "date_format_and_unknown_item"],
)
def test_invalid_answers_list_every_problem(answers: dict[str, Any], fields: set[str]) -> None:
    with pytest.raises(InvalidAnswers) as err:
        score("neck_screen", {**ALL_NO, **answers})
    assert {p.field for p in err.value.problems} == fields


def test_score_many_equals_score() -> None:
    rows: list[dict[str, Any]] = [
        ALL_NO,
        ALL_YES,
        {**ALL_NO, "headaches": True, "sound_sensitivity": None},
        {"neck_trauma": True, "neck_trauma_kind": "fall"},
    ]
    keys = [*SIGN_ITEMS, "neck_trauma_kind"]
    out = score_many("neck_screen", {k: [r.get(k) for r in rows] for k in keys})
    for r, row in enumerate(rows):
        one = score("neck_screen", row)
        assert bool(out["complete"][r]) == one.complete
        for name, want in [("total", one.total), *one.subscales.items()]:
            got = out[name][r]
            assert (np.isnan(got) and want is None) or got == want


def test_definition_says_it_does_not_diagnose() -> None:
    inst = get_instrument("neck_screen")
    assert inst.instructions is not None and "does not diagnose" in inst.instructions
    assert inst.interpretation is None
    assert inst.score_range == (0.0, 6.0)
    assert inst.licence.ship_text
