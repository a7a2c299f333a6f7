"""atlaxis' own daily check-in (diary): twelve 0-10 ratings and a body map.

Our own wording, built to take under 30 seconds on a phone. Every rating is an
11-point numeric rating scale, 0 = none and 10 = worst, except ``sleep_quality`` and
``mood``, where 0 = very poor / very low and 10 = very good
(``extra["higher_is_better"]``). The body map lists the 19 ACR widespread-pain-index
sites painful today, with the ACR 2016 ids.

Result: ``total`` is the pain rating (the headline); ``subscales`` hold every rating
given, plus ``body_map_sites`` (count of painful sites, 0-19) and ``wpi_regions`` (how
many of the 5 generalized-pain regions of the 2016 criteria hold a painful site other
than jaw, chest or abdomen) when a body map was given. An entry is complete when pain,
fatigue and sleep quality are rated (the minimum a tired patient is asked for); an
incomplete entry keeps its ratings in ``subscales`` but has ``total = None``.
A day's body map is not a WPI: the WPI asks about the past week.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from atlaxis.instruments.model import (
    ChangeThreshold,
    Instrument,
    Item,
    Licence,
    Option,
    Scoring,
    Source,
)
from atlaxis.instruments.result import ScoreResult

ATLAXIS = Source(
    "atlaxis daily check-in (own wording; 0-10 numeric rating scales).",
    evidence="unverified",
    note="atlaxis' own form, not a validated instrument; use it to follow one person over time.",
)
WOLFE_2016 = Source(
    "Wolfe F, Clauw DJ, Fitzcharles MA, et al. 2016 revisions to the 2010/2011 fibromyalgia "
    "diagnostic criteria. Semin Arthritis Rheum 2016;46:319-329 (generalized pain: 4 of 5 "
    "regions; jaw, chest and abdomen excluded)."
)
DWORKIN_2008 = Source(
    "Dworkin RH, Turk DC, Wyrwich KW, et al. Interpreting the clinical importance of treatment "
    "outcomes in chronic pain clinical trials: IMMPACT recommendations. J Pain "
    "2008;9(2):105-121.",
    evidence="secondary",
    note="read in a summary table: 10-20% minimal, >= 30% moderate, >= 50% substantial.",
)
OWN_WORDING = Licence(holder="atlaxis contributors", ship_text=True, note="Our own wording.")

#: the 19 WPI sites (ACR 2016 ids) with labels, in body-map order
WPI_SITES: tuple[tuple[str, str], ...] = (
    ("jaw_left", "Jaw, left"),
    ("jaw_right", "Jaw, right"),
    ("shoulder_girdle_left", "Shoulder, left"),
    ("shoulder_girdle_right", "Shoulder, right"),
    ("upper_arm_left", "Upper arm, left"),
    ("upper_arm_right", "Upper arm, right"),
    ("lower_arm_left", "Lower arm, left"),
    ("lower_arm_right", "Lower arm, right"),
    ("hip_left", "Hip or buttock, left"),
    ("hip_right", "Hip or buttock, right"),
    ("upper_leg_left", "Upper leg, left"),
    ("upper_leg_right", "Upper leg, right"),
    ("lower_leg_left", "Lower leg, left"),
    ("lower_leg_right", "Lower leg, right"),
    ("neck", "Neck"),
    ("upper_back", "Upper back"),
    ("lower_back", "Lower back"),
    ("chest", "Chest"),
    ("abdomen", "Abdomen"),
)

#: the 5 regions of the 2016 generalized-pain rule, counting only these sites
#: (jaw, chest and abdomen are WPI sites but count toward no region)
GENERALIZED_PAIN_REGIONS: dict[str, frozenset[str]] = {
    "left_upper": frozenset({"shoulder_girdle_left", "upper_arm_left", "lower_arm_left"}),
    "right_upper": frozenset({"shoulder_girdle_right", "upper_arm_right", "lower_arm_right"}),
    "left_lower": frozenset({"hip_left", "upper_leg_left", "lower_leg_left"}),
    "right_lower": frozenset({"hip_right", "upper_leg_right", "lower_leg_right"}),
    "axial": frozenset({"neck", "upper_back", "lower_back"}),
}

#: ratings where 10 is the good end
HIGHER_IS_BETTER = frozenset({"sleep_quality", "mood"})
#: the low-energy minimum for a complete entry
MINIMUM = ("pain", "fatigue", "sleep_quality")

_SYMPTOM = "0 = none, 10 = worst imaginable"
_RATINGS: tuple[tuple[str, str, str], ...] = (
    ("pain", "Pain overall today", _SYMPTOM),
    ("fatigue", "Tiredness or lack of energy today", _SYMPTOM),
    ("sleep_quality", "How well you slept last night", "0 = very poor, 10 = very good"),
    ("cognitive_fog", "Brain fog: trouble thinking, focusing or remembering", _SYMPTOM),
    ("stiffness", "Stiffness", _SYMPTOM),
    ("neck_pain", "Neck pain", _SYMPTOM),
    ("headache", "Headache", _SYMPTOM),
    ("dizziness", "Dizziness or unsteadiness", _SYMPTOM),
    ("light_sensitivity", "Bothered by light", _SYMPTOM),
    ("sound_sensitivity", "Bothered by sound", _SYMPTOM),
    ("jaw_pain", "Jaw pain", _SYMPTOM),
    ("mood", "Mood today", "0 = very low, 10 = very good"),
)


def _items() -> tuple[Item, ...]:
    ratings = tuple(
        Item(id=k, text=text, type="integer", minimum=0, maximum=10, required=False, help=hint)
        for k, text, hint in _RATINGS
    )
    body_map = Item(
        id="body_map",
        text="Where does it hurt today? Tap every area that is painful.",
        type="multi_choice",
        options=tuple(Option(code, label, 1.0) for code, label in WPI_SITES),
        required=False,
        help="leave empty if nothing hurts",
    )
    return (*ratings, body_map)


def painful_regions(sites: list[str]) -> list[str]:
    """Generalized-pain regions (ACR 2016) holding at least one painful counted site."""
    painful = set(sites)
    return [name for name, region in GENERALIZED_PAIN_REGIONS.items() if painful & region]


def _score(instrument: Instrument, answers: Mapping[str, Any]) -> ScoreResult:
    subscales: dict[str, float | None] = {
        k: float(answers[k]) for k, _, _ in _RATINGS if answers.get(k) is not None
    }
    details: dict[str, Any] = {}
    sites = answers.get("body_map")
    if sites is not None:
        regions = painful_regions(sites)
        subscales["body_map_sites"] = float(len(sites))
        subscales["wpi_regions"] = float(len(regions))
        details["regions"] = regions
    complete = all(answers.get(k) is not None for k in MINIMUM)
    return ScoreResult(
        instrument=instrument.id,
        version=instrument.version,
        total=float(answers["pain"]) if complete else None,
        subscales=subscales,
        complete=complete,
        missing=[k for k in MINIMUM if answers.get(k) is None],
        details=details,
    )


INSTRUMENT = Instrument(
    id="diary",
    version="1",
    title="Daily check-in",
    citation=ATLAXIS,
    licence=OWN_WORDING,
    kind="diary",
    instructions=(
        "How are you today? Rate what you can: pain, tiredness and last night's sleep are "
        "enough; the rest is optional. Most scales run from 0 (none) to 10 (worst); for "
        "sleep and mood, 10 is the best."
    ),
    recall_period="today (sleep: last night)",
    items=_items(),
    scoring=Scoring(
        total="custom",
        missing_rule=(
            "complete when pain, fatigue and sleep_quality are rated; total = the pain "
            "rating; other ratings and the body map are optional and reported when given"
        ),
        rounding="ratings are whole numbers; nothing is rounded",
        source=ATLAXIS,
    ),
    score_range=(0.0, 10.0),
    lower_is_better=True,
    thresholds=(
        ChangeThreshold(
            "responder",
            30.0,
            "percent",
            DWORKIN_2008,
            note="pain 0-10 NRS: a >= 30% decrease is moderately important (IMMPACT)",
        ),
    ),
    custom_scorer=_score,
    extra={
        "higher_is_better": HIGHER_IS_BETTER,
        "regions_source": WOLFE_2016,
        "generalized_pain_regions": GENERALIZED_PAIN_REGIONS,
    },
)
