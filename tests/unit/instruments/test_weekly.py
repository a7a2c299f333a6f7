"""Weekly ACR 2016 estimate from the diary: hand-worked examples.

Source of the rules: Wolfe F, et al. 2016 revisions to the 2010/2011 fibromyalgia diagnostic
criteria. Semin Arthritis Rheum 2016;46:319-329 (WPI = painful sites of the past week; SSS =
3 severity items 0-3 + 3 somatic yes/no; generalized pain = 4 of 5 regions, jaw/chest/abdomen
excluded). Severity banding of 0-10 ratings: Serlin RC, et al. Pain 1995;61:277-284
(1-4 mild, 5-6 moderate, 7-10 severe).
"""

from __future__ import annotations

from datetime import date

import pytest

from atlaxis.domain import DiaryEntry
from atlaxis.instruments import weekly


def entry(day: date, items: dict[str, float], sites: list[str] | None = None) -> DiaryEntry:
    return DiaryEntry(None, 1, day, items, body_map=sites or [])


@pytest.mark.parametrize(
    ("mean", "band"),
    [(0, 0), (0.4, 0), (0.5, 1), (4, 1), (4.49, 1), (4.5, 2), (6, 2), (6.5, 3), (10, 3)],
)
def test_band_uses_serlin_cut_points_after_rounding(mean: float, band: int) -> None:
    assert weekly.band_0_3(mean) == band


def test_hand_worked_week() -> None:
    # Mon 4 and Tue 5 March 2024 (one calendar week).
    entries = [
        entry(
            date(2024, 3, 4),
            {"pain": 6, "fatigue": 7, "sleep_quality": 2, "cognitive_fog": 5},
            ["neck", "upper_arm_left", "hip_right", "lower_back", "jaw_left"],
        ),
        entry(
            date(2024, 3, 5),
            {"pain": 5, "fatigue": 8, "sleep_quality": 3, "cognitive_fog": 6},
            ["upper_leg_left", "shoulder_girdle_right", "neck"],
        ),
    ]
    (week,) = weekly.weekly(entries, weeks=4, today=date(2024, 3, 10))
    assert week.monday == date(2024, 3, 4) and week.days == 2
    # sites: neck, upper_arm_left, hip_right, lower_back, jaw_left, upper_leg_left,
    # shoulder_girdle_right → 7 distinct (neck counted once)
    assert week.wpi == 7
    # regions: left upper (upper arm L), right upper (shoulder R), left lower (upper leg L),
    # right lower (hip R), axial (neck, lower back) → 5; jaw counts toward none
    assert week.regions == 5 and week.generalized_pain is True
    # fatigue mean 7.5 → 8 → 3; unrefreshed 10 - 2.5 = 7.5 → 8 → 3; fog 5.5 → 6 → 2
    assert week.severity == {"fatigue": 3, "waking_unrefreshed": 3, "cognitive_symptoms": 2}
    assert (week.sss_low, week.sss_high) == (8, 11)


def test_week_without_map_or_fog_gives_no_wpi_and_no_sss() -> None:
    entries = [entry(date(2024, 3, 6), {"pain": 3, "fatigue": 4, "sleep_quality": 6})]
    (week,) = weekly.weekly(entries, weeks=1, today=date(2024, 3, 6))
    assert week.wpi is None and week.regions is None and week.generalized_pain is None
    assert week.severity == {"fatigue": 1, "waking_unrefreshed": 1}
    assert week.sss_low is None and week.sss_high is None


def test_three_regions_is_not_generalized_pain() -> None:
    sites = ["jaw_left", "jaw_right", "chest", "abdomen", "neck", "hip_left", "hip_right"]
    (week,) = weekly.weekly(
        [entry(date(2024, 3, 6), {"pain": 5}, sites)], weeks=1, today=date(2024, 3, 6)
    )
    assert week.wpi == 7 and week.regions == 3 and week.generalized_pain is False


def test_weeks_are_calendar_weeks_newest_first_and_bounded() -> None:
    days = [date(2024, 2, 20), date(2024, 3, 3), date(2024, 3, 4), date(2024, 3, 11)]
    entries = [entry(d, {"pain": 1}, ["neck"]) for d in days]
    weeks = weekly.weekly(entries, weeks=2, today=date(2024, 3, 12))
    assert [w.monday for w in weeks] == [date(2024, 3, 11), date(2024, 3, 4)]
