"""A weekly WPI and symptom-severity estimate from the daily diary (the patient's own view).

The ACR 2016 criteria (Wolfe F, et al. Semin Arthritis Rheum 2016;46:319-329) ask about the
past week. From one calendar week (Monday to Sunday) of diary entries we build ACR 2016
answers and let the science core score them (:mod:`atlaxis.instruments.definitions.acr2016`):

* a WPI site is painful in the week when the body map marked it on any entry of that week;
* the three 0-3 severity items come from the week's mean daily 0-10 rating — ``fatigue``
  (tiredness), ``waking_unrefreshed`` (10 minus sleep quality) and ``cognitive_symptoms``
  (brain fog) — banded 0 → 0, 1-4 → 1, 5-6 → 2, 7-10 → 3, the cut points of Serlin RC,
  et al. Pain 1995;61:277-284 for mild / moderate / severe pain on a 0-10 scale. That this
  banding also fits tiredness and fog is our assumption, not a validated mapping;
* the three yes/no somatic items ask about the previous 6 months, which a diary does not
  cover: they stay unanswered, so the symptom severity scale (SSS) is a range (known part
  0-9 plus 0-3 unknown) and the score is marked incomplete.

This is an estimate to follow over time, not the questionnaire and not a diagnosis.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

from atlaxis.instruments.definitions.acr2016 import criteria
from atlaxis.instruments.definitions.diary import WPI_SITES
from atlaxis.instruments.engine import score

SITE_IDS: tuple[str, ...] = tuple(site for site, _ in WPI_SITES)

#: (ACR 2016 severity item, diary item, True when the diary's 10 is the good end)
SEVERITY_SOURCES: tuple[tuple[str, str, bool], ...] = (
    ("fatigue", "fatigue", False),
    ("waking_unrefreshed", "sleep_quality", True),
    ("cognitive_symptoms", "cognitive_fog", False),
)


def band_0_3(mean_rating: float) -> int:
    """0-10 → 0-3 with the Serlin 1995 cut points (0 none, 1-4 mild, 5-6 moderate, 7-10 severe).

    The mean is rounded half up first (a week averaging 4.5 counts as 5)."""
    value = int(mean_rating + 0.5)
    if value <= 0:
        return 0
    if value <= 4:
        return 1
    return 2 if value <= 6 else 3


class DiaryDay(Protocol):
    """What the estimate reads from a diary entry (:class:`atlaxis.domain.DiaryEntry` fits)."""

    @property
    def local_date(self) -> date: ...
    @property
    def items(self) -> Mapping[str, Any]: ...
    @property
    def body_map(self) -> Sequence[str]: ...


@dataclass(frozen=True, slots=True)
class WeekEstimate:
    monday: date
    days: int  # calendar days with at least one entry
    wpi: int | None  # None when no body map was marked that week
    regions: int | None
    severity: dict[str, int]  # the 0-3 items that could be estimated
    sss_low: int | None  # known part (all three severity items needed), somatic items as 0
    sss_high: int | None  # known part + 3 (the somatic items as 1)
    generalized_pain: bool | None


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def acr_answers(entries: Iterable[DiaryDay]) -> tuple[dict[str, Any], bool, dict[str, int]]:
    """ACR 2016 answers from one week of entries: (answers, body map used, severity items)."""
    entries = list(entries)
    painful = {site for e in entries for site in e.body_map}
    mapped = any(e.body_map for e in entries)  # a week without any map has no WPI estimate
    # the body map lists every site, so an unmarked site was not painful (when a map was used)
    answers: dict[str, Any] = {site: site in painful for site in SITE_IDS} if mapped else {}
    severity: dict[str, int] = {}
    for acr_item, diary_item, good_high in SEVERITY_SOURCES:
        values = [float(e.items[diary_item]) for e in entries if diary_item in e.items]
        if values:
            mean = sum(values) / len(values)
            severity[acr_item] = band_0_3(10 - mean if good_high else mean)
    answers.update(severity)
    return answers, mapped, severity


def estimate_week(monday: date, entries: list[DiaryDay]) -> WeekEstimate:
    answers, mapped, severity = acr_answers(entries)
    decided = criteria(answers)
    result = score("acr2016", answers)
    known = sum(severity.values()) if len(severity) == len(SEVERITY_SOURCES) else None
    return WeekEstimate(
        monday=monday,
        days=len({e.local_date for e in entries}),
        wpi=int(result.subscales["wpi"] or 0) if mapped else None,
        regions=int(result.subscales["regions"] or 0) if mapped else None,
        severity=severity,
        sss_low=known,
        sss_high=None if known is None else known + 3,
        generalized_pain=decided["generalized_pain"] if mapped else None,
    )


def weekly(entries: Iterable[DiaryDay], *, weeks: int, today: date) -> list[WeekEstimate]:
    """One estimate per calendar week with entries, newest first, at most ``weeks`` weeks."""
    first = monday_of(today) - timedelta(weeks=weeks - 1)
    by_week: dict[date, list[DiaryDay]] = defaultdict(list)
    for entry in entries:
        if first <= entry.local_date <= today:
            by_week[monday_of(entry.local_date)].append(entry)
    return [estimate_week(m, by_week[m]) for m in sorted(by_week, reverse=True)]
