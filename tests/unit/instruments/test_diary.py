"""atlaxis' own daily check-in (``diary``).

Our own form: the rules tested here are atlaxis decisions (DESIGN.md "Conventions"),
except the region count, which follows the generalized-pain definition of Wolfe F et al.
2016 revisions to the 2010/2011 fibromyalgia diagnostic criteria. Semin Arthritis Rheum
2016;46:319-329: five regions (left upper, right upper, left lower, right lower, axial);
jaw, chest and abdomen pain are excluded from the region count.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from atlaxis.errors import InvalidAnswers
from atlaxis.instruments import get_instrument, score, score_many
from atlaxis.instruments.definitions.diary import GENERALIZED_PAIN_REGIONS, WPI_SITES

RATINGS = (
    "pain", "fatigue", "sleep_quality", "cognitive_fog", "stiffness", "neck_pain", "headache",
    "dizziness", "light_sensitivity", "sound_sensitivity", "jaw_pain", "mood",
)  # fmt: skip
ACR_SITES = {
    "jaw_left", "jaw_right", "shoulder_girdle_left", "shoulder_girdle_right", "upper_arm_left",
    "upper_arm_right", "lower_arm_left", "lower_arm_right", "hip_left", "hip_right",
    "upper_leg_left", "upper_leg_right", "lower_leg_left", "lower_leg_right", "neck",
    "upper_back", "lower_back", "chest", "abdomen",
}  # fmt: skip

# Worked entry (by hand):
#   total = pain = 6; subscales: the four ratings given, as given
#   body map 6 sites: neck, jaw_left, chest, hip_right, upper_arm_left, lower_back
#   regions: axial (neck, lower_back), right lower (hip_right), left upper (upper_arm_left)
#            = 3; jaw_left and chest count toward no region
WORKED: dict[str, Any] = {
    "pain": 6, "fatigue": 7, "sleep_quality": 3, "mood": 4,
    "body_map": ["neck", "jaw_left", "chest", "hip_right", "upper_arm_left", "lower_back"],
}  # fmt: skip


def test_worked_example() -> None:
    res = score("diary", WORKED)
    assert res.total == 6 and res.complete
    assert res.subscales == {
        "pain": 6, "fatigue": 7, "sleep_quality": 3, "mood": 4,
        "body_map_sites": 6, "wpi_regions": 3,
    }  # fmt: skip
    assert sorted(res.details["regions"]) == ["axial", "left_upper", "right_lower"]


def test_item_ids_are_the_design_contract() -> None:
    inst = get_instrument("diary")
    assert inst.item_ids == (*RATINGS, "body_map")
    assert inst.kind == "diary"
    body_map = inst.item("body_map")
    assert body_map is not None and body_map.type == "multi_choice"
    assert {o.code for o in body_map.options} == ACR_SITES
    assert all(not i.required for i in inst.items)


def test_regions_partition_the_counted_sites() -> None:
    # Wolfe 2016: every WPI site is in one region; jaw, chest, abdomen are not counted
    counted = [s for region in GENERALIZED_PAIN_REGIONS.values() for s in region]
    assert len(counted) == len(set(counted)) == 15
    assert set(counted) | {"jaw_left", "jaw_right", "chest", "abdomen"} == ACR_SITES
    assert {code for code, _ in WPI_SITES} == ACR_SITES


@pytest.mark.parametrize(
    ("sites", "n_sites", "regions"),
    [
        ([], 0, 0),
        (["jaw_left", "jaw_right", "chest", "abdomen"], 4, 0),  # all excluded
        (["shoulder_girdle_left"], 1, 1),
        (["neck", "upper_back", "lower_back"], 3, 1),  # one region, three sites
        (["lower_arm_right", "jaw_right"], 2, 1),  # jaw adds a site, not a region
        (["upper_arm_left", "upper_arm_right", "upper_leg_left", "lower_leg_right"], 4, 4),
        (["lower_arm_left", "shoulder_girdle_right", "hip_left", "hip_right", "neck"], 5, 5),
        (sorted(ACR_SITES), 19, 5),
    ],
    ids=["empty", "excluded_only", "one", "axial_three", "jaw_extra", "four", "five", "all"],
)
def test_body_map_counts(sites: list[str], n_sites: int, regions: int) -> None:
    res = score("diary", {"pain": 1, "fatigue": 1, "sleep_quality": 5, "body_map": sites})
    assert res.subscales["body_map_sites"] == n_sites
    assert res.subscales["wpi_regions"] == regions


@pytest.mark.parametrize(
    ("dropped", "complete"),
    [(None, True), ("pain", False), ("fatigue", False), ("sleep_quality", False)],
)
def test_complete_needs_pain_fatigue_and_sleep(dropped: str | None, complete: bool) -> None:
    answers = {k: v for k, v in WORKED.items() if k != dropped}
    res = score("diary", answers)
    assert res.complete is complete
    assert res.total == (6 if complete else None)
    # ratings that were given are kept even when the entry is incomplete
    assert {k for k in res.subscales if k in RATINGS} == {k for k in answers if k in RATINGS}
    assert res.missing == ([] if dropped is None else [dropped])


def test_minimum_entry_and_no_body_map() -> None:
    res = score("diary", {"pain": 0, "fatigue": 0, "sleep_quality": 10})
    assert res.complete and res.total == 0
    assert "body_map_sites" not in res.subscales and "wpi_regions" not in res.subscales


def test_every_rating_at_both_ends() -> None:
    for value in (0, 10):
        res = score("diary", dict.fromkeys(RATINGS, value))
        assert res.subscales == dict.fromkeys(RATINGS, value) and res.total == value


def test_orientation_is_recorded() -> None:
    inst = get_instrument("diary")
    assert inst.extra["higher_is_better"] == frozenset({"sleep_quality", "mood"})
    for item in inst.items:
        if item.id in ("sleep_quality", "mood"):
            assert item.help is not None and "10 = very good" in item.help
        elif item.id != "body_map":
            assert item.help is not None and "0 = none" in item.help


@pytest.mark.parametrize(
    ("answers", "fields"),
    [
        ({"pain": 11, "fatigue": -1}, {"pain", "fatigue"}),
        ({"pain": 5.5, "mood": "5", "stiffness": True}, {"pain", "mood", "stiffness"}),
        ({"body_map": ["knee"]}, {"body_map"}),
        ({"body_map": "neck"}, {"body_map"}),
        ({"body_map": ["neck", "neck"]}, {"body_map"}),
        ({"energy": 3, "pain": 2}, {"energy"}),
    ],
    ids=["range", "types", "unknown_site", "not_a_list", "duplicate_site", "unknown_item"],
)
def test_invalid_answers_list_every_problem(answers: dict[str, Any], fields: set[str]) -> None:
    with pytest.raises(InvalidAnswers) as err:
        score("diary", answers)
    assert {p.field for p in err.value.problems} == fields


def test_score_many_equals_score() -> None:
    rows: list[dict[str, Any]] = [
        WORKED,
        {"pain": 2, "fatigue": 3},
        {"pain": 0, "fatigue": 0, "sleep_quality": 9, "body_map": []},
        {"pain": 9, "fatigue": 8, "sleep_quality": 1, "body_map": ["neck"], "mood": 2},
    ]
    keys = [*RATINGS, "body_map"]
    out = score_many("diary", {k: [r.get(k) for r in rows] for k in keys})
    for r, row in enumerate(rows):
        one = score("diary", row)
        assert bool(out["complete"][r]) == one.complete
        for name, want in [("total", one.total), *one.subscales.items()]:
            got = out[name][r]
            assert (np.isnan(got) and want is None) or got == want
