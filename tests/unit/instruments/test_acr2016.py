"""ACR 2016 fibromyalgia criteria and PSD.

Rules: Wolfe F et al. 2016 revisions to the 2010/2011 fibromyalgia diagnostic
criteria. Semin Arthritis Rheum 2016;46:319-329:
  WPI = count of 19 painful sites (0-19); SSS = fatigue + waking unrefreshed +
  cognitive symptoms (0-3 each) + headaches + lower abdominal pain/cramps + depression
  (0/1 each), 0-12; generalized pain = pain in >= 4 of 5 regions, jaw, chest and
  abdomen excluded; criteria: (WPI >= 7 and SSS >= 5) or (WPI 4-6 and SSS >= 9), plus
  generalized pain, plus symptoms for >= 3 months.
2010/2011 rule (Wolfe F et al. Arthritis Care Res 2010;62:600-610): (WPI >= 7 and
  SSS >= 5) or (WPI 3-6 and SSS >= 9).
PSD = WPI + SSS (0-31); categories: Wolfe F et al. J Rheumatol 2015;42:1494-1501:
  0-3 none, 4-7 mild, 8-11 moderate, 12-19 severe, 20-31 very severe.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from atlaxis.errors import InvalidAnswers
from atlaxis.instruments import score, score_many
from atlaxis.instruments.definitions.acr2016 import SSS_ITEMS, WPI_SITES

UPPER_LEFT = ["shoulder_girdle_left", "upper_arm_left", "lower_arm_left"]
UPPER_RIGHT = ["shoulder_girdle_right", "upper_arm_right", "lower_arm_right"]
LOWER_LEFT = ["hip_left", "upper_leg_left", "lower_leg_left"]
LOWER_RIGHT = ["hip_right", "upper_leg_right", "lower_leg_right"]
AXIAL = ["neck", "upper_back", "lower_back"]
EXCLUDED = ["jaw_left", "jaw_right", "chest", "abdomen"]


def response(sites: list[str], sss: int, duration: bool | None = True) -> dict[str, Any]:
    """Painful ``sites`` and an SSS of ``sss``: severity items first (up to 9), then somatic."""
    severity = [min(3, max(0, sss - 3 * k)) for k in range(3)]
    somatic = max(0, sss - 9)
    answers: dict[str, Any] = dict.fromkeys(sites, True)
    answers.update(zip(("fatigue", "waking_unrefreshed", "cognitive_symptoms"), severity,
                       strict=True))  # fmt: skip
    for k, item in enumerate(("headaches", "lower_abdominal_pain", "depression")):
        answers[item] = k < somatic
    if duration is not None:
        answers["symptoms_3_months"] = duration
    return answers


# Worked response (by hand):
#   painful: neck, lower_back, shoulder_girdle_left, upper_arm_right, hip_left,
#            lower_leg_right, jaw_left, chest              -> WPI = 8
#   regions: axial (neck), left upper (shoulder), right upper (upper arm),
#            left lower (hip), right lower (lower leg)     -> 5 (jaw, chest not counted)
#   SSS: fatigue 3 + waking 2 + cognitive 1 + headaches 1 + abdomen 0 + depression 1 = 8
#   PSD = 8 + 8 = 16 -> 12-19 -> severe
#   2016: WPI 8 >= 7 and SSS 8 >= 5; regions 5 >= 4; 3 months true -> met
#   2010: WPI >= 7 and SSS >= 5 -> met
WORKED: dict[str, Any] = {
    "neck": True, "lower_back": True, "shoulder_girdle_left": True, "upper_arm_right": True,
    "hip_left": True, "lower_leg_right": True, "jaw_left": True, "chest": True,
    "upper_back": False,
    "fatigue": 3, "waking_unrefreshed": 2, "cognitive_symptoms": 1,
    "headaches": True, "lower_abdominal_pain": False, "depression": True,
    "symptoms_3_months": True,
}  # fmt: skip


def test_worked_example() -> None:
    res = score("acr2016", WORKED)
    assert res.subscales == {"wpi": 8.0, "sss": 8.0, "regions": 5.0}
    assert res.total == 16.0
    assert res.band == "severe"
    assert res.flags == ["generalized_pain", "acr2016_met", "acr2010_met"]
    assert res.details["acr2016_met"] is True and res.details["acr2010_met"] is True
    assert res.complete is True and res.missing == []


def test_response_helper() -> None:
    a = response(["neck"], 11)
    assert [a[i] for i in SSS_ITEMS] == [3, 3, 3, True, True, False]


BANDS = [(0, "none"), (3, "none"), (4, "mild"), (7, "mild"), (8, "moderate"),
         (11, "moderate"), (12, "severe"), (19, "severe"), (20, "very severe"),
         (31, "very severe")]  # fmt: skip


@pytest.mark.parametrize(("psd", "band"), BANDS)
def test_psd_band_boundaries(psd: int, band: str) -> None:
    # PSD = WPI + SSS with SSS = min(psd, 12) and the rest as WPI sites
    sss = min(psd, 12)
    res = score("acr2016", response(list(WPI_SITES[: psd - sss]), sss))
    assert res.total == psd
    assert res.band == band


FOUR_REGIONS = [UPPER_LEFT[0], UPPER_RIGHT[0], LOWER_LEFT[0], LOWER_RIGHT[0]]
THREE_REGIONS = UPPER_LEFT + UPPER_RIGHT + AXIAL[:1]  # 7 sites, 3 regions

# (sites, SSS, 3 months, acr2016_met, acr2010_met) -- rules as in the module docstring
CRITERIA = [
    pytest.param(FOUR_REGIONS + AXIAL, 5, True, True, True, id="wpi7-sss5"),
    pytest.param(FOUR_REGIONS + AXIAL, 4, True, False, False, id="wpi7-sss4"),
    pytest.param(FOUR_REGIONS + AXIAL[:2], 9, True, True, True, id="wpi6-sss9"),
    pytest.param(FOUR_REGIONS + AXIAL[:2], 8, True, False, False, id="wpi6-sss8"),
    pytest.param(FOUR_REGIONS, 9, True, True, True, id="wpi4-sss9"),
    pytest.param(FOUR_REGIONS[:3], 9, True, False, True, id="wpi3-sss9-2010-only"),
    pytest.param(FOUR_REGIONS[:3], 12, True, False, True, id="wpi3-sss12-2010-only"),
    pytest.param(FOUR_REGIONS[:2], 12, True, False, False, id="wpi2-sss12"),
    pytest.param(THREE_REGIONS, 12, True, False, True, id="not-generalized"),
    pytest.param(FOUR_REGIONS + AXIAL, 12, False, False, True, id="under-3-months"),
    pytest.param(FOUR_REGIONS + AXIAL, 12, None, None, True, id="duration-unanswered"),
    # WPI 3 and SSS 4 fail the WPI/SSS rule and only 3 regions are painful: the 2016
    # criteria cannot be met whatever the 3-month answer, so False (not None)
    pytest.param(FOUR_REGIONS[:3], 4, None, False, False, id="duration-unanswered-not-met"),
    # generalized pain fails (3 regions) though WPI 7 / SSS 12 passes: False
    pytest.param(THREE_REGIONS, 12, None, False, True, id="duration-unanswered-not-generalized"),
    # WPI 4 / SSS 8 fails the rule (needs SSS >= 9 for WPI 4-6) with 4 regions: False
    pytest.param(FOUR_REGIONS, 8, None, False, False, id="duration-unanswered-rule-fails"),
]


@pytest.mark.parametrize(("sites", "sss", "duration", "met2016", "met2010"), CRITERIA)
def test_criteria(
    sites: list[str], sss: int, duration: bool | None, met2016: bool | None, met2010: bool
) -> None:
    res = score("acr2016", response(sites, sss, duration))
    assert res.subscales["wpi"] == len(sites)
    assert res.details["acr2016_met"] is met2016
    assert res.details["acr2010_met"] is met2010
    assert ("acr2016_met" in res.flags) is bool(met2016)
    assert ("acr2010_met" in res.flags) is met2010
    assert res.complete is True  # the duration item does not enter the PSD


REGIONS = [
    pytest.param(EXCLUDED, 0, id="jaw-chest-abdomen-excluded"),
    pytest.param(UPPER_LEFT, 1, id="three-sites-one-region"),
    pytest.param(["jaw_left", "jaw_right", "neck"], 1, id="jaw-not-upper-region"),
    pytest.param(["chest", "abdomen", "upper_back"], 1, id="axial-only-via-back"),
    pytest.param(FOUR_REGIONS[:3], 3, id="three-regions"),
    pytest.param(FOUR_REGIONS, 4, id="four-regions-generalized"),
    pytest.param([*FOUR_REGIONS, "lower_back"], 5, id="five-regions"),
    pytest.param(list(WPI_SITES), 5, id="all-sites"),
]


@pytest.mark.parametrize(("sites", "regions"), REGIONS)
def test_regions_and_generalized_pain(sites: list[str], regions: int) -> None:
    res = score("acr2016", response(sites, 0))
    assert res.subscales["wpi"] == len(sites)
    assert res.subscales["regions"] == regions
    assert res.details["generalized_pain"] is (regions >= 4)
    assert ("generalized_pain" in res.flags) is (regions >= 4)


def test_unanswered_site_counts_as_not_painful() -> None:
    with_false = score("acr2016", {**WORKED, **dict.fromkeys(EXCLUDED, False)})
    without = score("acr2016", {k: v for k, v in WORKED.items() if k not in EXCLUDED})
    assert with_false.subscales["wpi"] == without.subscales["wpi"] == 6.0
    assert without.complete is True and without.missing == []


@pytest.mark.parametrize("item", SSS_ITEMS)
def test_missing_sss_item_is_not_scorable(item: str) -> None:
    # WORKED less one SSS item: the PSD is not scorable, but the criteria are already
    # decided. WPI >= 8 (painful sites) and the answered SSS items alone sum to >= 5
    # (8 - 3 at most), so (WPI >= 7 and SSS >= 5) holds whatever the missing answer;
    # 5 regions, 3 months true -> both criteria met (three-valued logic).
    res = score("acr2016", {k: v for k, v in WORKED.items() if k != item})
    assert res.complete is False and res.total is None and res.band is None
    assert res.subscales == {"wpi": 8.0, "sss": None, "regions": 5.0}
    assert res.details["acr2016_met"] is True and res.details["acr2010_met"] is True
    assert res.flags == ["generalized_pain", "acr2016_met", "acr2010_met"]
    assert res.missing == [item]


# Partial forms (an SSS item unanswered): an unanswered site may still be painful.
# (answers, generalized_pain, acr2016_met, acr2010_met) worked by hand:
PARTIAL = [
    # nothing answered: WPI 0..19, SSS 0..12 -> every rule still open
    pytest.param({}, None, None, None, id="empty"),
    # 3 months false decides 2016 (False); 2010 ignores duration and stays open
    pytest.param({"symptoms_3_months": False}, None, False, None, id="under-3-months"),
    # every site answered not painful: WPI 0 < 3 -> both False; regions 0 -> not generalized
    pytest.param(dict.fromkeys(WPI_SITES, False), False, False, False, id="no-pain-anywhere"),
    # WPI 7 in 5 regions, SSS answered so far fatigue 3 + waking 2 = 5 -> met already
    pytest.param(
        {
            **dict.fromkeys(FOUR_REGIONS + AXIAL, True),
            "fatigue": 3,
            "waking_unrefreshed": 2,
            "symptoms_3_months": True,
        },
        True,
        True,
        True,
        id="met-before-finishing",
    ),
    # WPI 7, SSS so far 4, two severity items + 3 somatic unanswered (hi 4 + 3 + 3 = 10)
    pytest.param(
        {
            **dict.fromkeys(FOUR_REGIONS + AXIAL, True),
            "fatigue": 1,
            "waking_unrefreshed": 3,
            "symptoms_3_months": True,
        },
        True,
        None,
        None,
        id="could-go-either-way",
    ),
]


@pytest.mark.parametrize(("answers", "generalized", "met2016", "met2010"), PARTIAL)
def test_partial_forms_three_valued(
    answers: dict[str, Any], generalized: bool | None, met2016: bool | None, met2010: bool | None
) -> None:
    res = score("acr2016", answers)
    assert res.total is None and res.complete is False
    assert res.details["generalized_pain"] is generalized
    assert res.details["acr2016_met"] is met2016
    assert res.details["acr2010_met"] is met2010
    for name, value in (("generalized_pain", generalized), ("acr2016_met", met2016),
                        ("acr2010_met", met2010)):  # fmt: skip
        assert (name in res.flags) is (value is True)


INVALID: list[Any] = [
    pytest.param({"wrist_left": True}, "wrist_left", id="not-a-wpi-site"),
    pytest.param({"neck": 1}, "neck", id="site-integer"),
    pytest.param({"neck": "yes"}, "neck", id="site-string"),
    pytest.param({"fatigue": 4}, "fatigue", id="severity-above-3"),
    pytest.param({"fatigue": True}, "fatigue", id="severity-boolean"),
    pytest.param({"fatigue": "2"}, "fatigue", id="severity-string"),
    pytest.param({"headaches": 1}, "headaches", id="somatic-integer"),
    pytest.param({"symptoms_3_months": "true"}, "symptoms_3_months", id="duration-string"),
]


@pytest.mark.parametrize(("change", "field"), INVALID)
def test_invalid_answers(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidAnswers) as err:
        score("acr2016", {**WORKED, **change})
    assert [p.field for p in err.value.problems] == [field]


def test_batch_scorer_matches_score() -> None:
    rows = [WORKED, response(FOUR_REGIONS[:3], 9, None), response(THREE_REGIONS, 12, False),
            {k: v for k, v in WORKED.items() if k != "fatigue"}, {},
            response(FOUR_REGIONS[:3], 4, None), response(THREE_REGIONS, 12, None),
            {"symptoms_3_months": False}, dict.fromkeys(WPI_SITES, False),
            {**dict.fromkeys(FOUR_REGIONS + AXIAL, True), "fatigue": 1,
             "waking_unrefreshed": 3, "symptoms_3_months": True}]  # fmt: skip
    keys = list(WPI_SITES) + list(SSS_ITEMS) + ["symptoms_3_months"]
    cols = {k: np.array([np.nan if r.get(k) is None else float(r[k]) for r in rows]) for k in keys}
    out = score_many("acr2016", cols)
    for name in ("wpi", "sss", "regions", "total"):
        expected = [score("acr2016", r).to_dict()["subscales" if name != "total" else "total"]
                    for r in rows]  # fmt: skip
        if name != "total":
            expected = [e[name] for e in expected]
        np.testing.assert_allclose(out[name], np.array(expected, dtype=float))
    for crit in ("acr2016_met", "acr2010_met", "generalized_pain"):
        expected = [score("acr2016", r).details[crit] for r in rows]
        np.testing.assert_array_equal(out[crit], np.array(expected, dtype=float))
