"""PSQI: Pittsburgh Sleep Quality Index.

Buysse DJ, Reynolds CF 3rd, Monk TH, Berman SR, Kupfer DJ. The Pittsburgh Sleep Quality
Index: a new instrument for psychiatric practice and research. Psychiatry Res
1989;28(2):193-213.

Nineteen self-rated items (bed-partner items are not scored) form seven components,
each 0-3; the global score is their sum, 0-21. Item ids follow the form: "1" bedtime
(HH:MM), "2" minutes to fall asleep, "3" getting-up time (HH:MM), "4" hours of actual
sleep, "5a".."5j" reasons for trouble sleeping, "6" overall quality, "7" sleep
medication, "8" trouble staying awake, "9" keeping up enthusiasm.

Component rules (Buysse 1989, read as implemented in two public scorers; see
``COMPONENT_RULES``). Interval choices made here: every cut-point is half-open and
compared exactly (decimal hours are taken as typed, times as whole minutes), so a
sleep efficiency of 84.9% scores 1 (not 3) and exactly 7 h of sleep scores C3 = 1
(only more than 7 h scores 0).

Missing data: a component is scored only when every item it uses is answered, except
5j ("other reason"), which many respondents leave blank when there is no other
reason: a missing 5j counts 0. The global score needs all seven components.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from atlaxis.instruments.model import (
    Band,
    Instrument,
    Interpretation,
    Item,
    Licence,
    Option,
    Scoring,
    Source,
)
from atlaxis.instruments.result import ScoreResult

BUYSSE_1989 = Source(
    "Buysse DJ, Reynolds CF 3rd, Monk TH, Berman SR, Kupfer DJ. The Pittsburgh Sleep Quality "
    "Index: a new instrument for psychiatric practice and research. Psychiatry Res "
    "1989;28(2):193-213."
)
COMPONENT_RULES = Source(
    BUYSSE_1989.citation,
    evidence="secondary",
    note=(
        "Component cut-points read in two public implementations that follow Buysse 1989 "
        "(awell-health/awell-score src/scores/psqi; LCBC-UiO/questionnaires), not in the "
        "paper's appendix. Half-open intervals are an atlaxis decision. 5j: the Pittsburgh "
        "scoring instructions (as reprinted) say that since 20 May 2005, on Dr Buysse's "
        "instruction, 5j scores 0 when its value or its description is missing; atlaxis has "
        "no description field, so a missing 5j value scores 0."
    ),
)
CUTOFF = Source(
    BUYSSE_1989.citation,
    evidence="secondary",
    note="Global > 5 = poor sleeper (Buysse 1989); some secondary pages say >= 5.",
)
PITTSBURGH = Licence(
    holder="University of Pittsburgh (D.J. Buysse)",
    ship_text=False,
    note=(
        "Permission is granted to clinicians in their practice and to researchers in "
        "non-industry studies; other uses need the copyright holder's permission. atlaxis "
        "ships topic labels only; a licensed clinic may load the wording from a local file."
    ),
)

FREQUENCY = (
    Option(0, "not during the past month", 0.0),
    Option(1, "less than once a week", 1.0),
    Option(2, "once or twice a week", 2.0),
    Option(3, "three or more times a week", 3.0),
)
QUALITY = (
    Option(0, "very good", 0.0),
    Option(1, "fairly good", 1.0),
    Option(2, "fairly bad", 2.0),
    Option(3, "very bad", 3.0),
)
PROBLEM = (
    Option(0, "no problem", 0.0),
    Option(1, "only a very slight problem", 1.0),
    Option(2, "somewhat of a problem", 2.0),
    Option(3, "a very big problem", 3.0),
)

_REASONS = {
    "5a": "Cannot fall asleep within 30 minutes",
    "5b": "Wake up in the night or early morning",
    "5c": "Get up to use the bathroom",
    "5d": "Cannot breathe comfortably",
    "5e": "Cough or snore loudly",
    "5f": "Feel too cold",
    "5g": "Feel too hot",
    "5h": "Bad dreams",
    "5i": "Pain",
    "5j": "Other reason",
}
DISTURBANCE_ITEMS = ("5b", "5c", "5d", "5e", "5f", "5g", "5h", "5i")


def _items() -> tuple[Item, ...]:
    def lab(item_id: str, text: str, kind: Any, **kw: Any) -> Item:
        return Item(id=item_id, text=text, type=kind, text_is_label=True, **kw)

    head = (
        lab("1", "Usual bedtime", "time", help="24-hour clock, HH:MM"),
        lab(
            "2",
            "Minutes usually taken to fall asleep",
            "integer",
            minimum=0,
            maximum=1440,
            unit="min",
        ),
        lab("3", "Usual getting-up time", "time", help="24-hour clock, HH:MM"),
        lab(
            "4",
            "Hours of actual sleep per night",
            "decimal",
            minimum=0,
            maximum=24,
            unit="h",
            help="may differ from the hours spent in bed",
        ),
    )
    reasons = tuple(
        lab(
            k,
            f"Trouble sleeping because: {v.lower()}",
            "choice",
            options=FREQUENCY,
            section="reasons",
            required=(k != "5j"),
            help="leave blank if there is no other reason" if k == "5j" else None,
        )
        for k, v in _REASONS.items()
    )
    tail = (
        lab("6", "Overall sleep quality", "choice", options=QUALITY),
        lab("7", "Medicine taken to help sleep", "choice", options=FREQUENCY),
        lab("8", "Trouble staying awake during daytime activities", "choice", options=FREQUENCY),
        lab("9", "Problem keeping up enthusiasm to get things done", "choice", options=PROBLEM),
    )
    return head + reasons + tail


# --------------------------------------------------------------------------- components


def _band_0_to_3(total: int) -> int:
    """0 -> 0, 1-2 -> 1, 3-4 -> 2, 5-6 -> 3 (used by C2 and C7)."""
    return (total + 1) // 2


def latency_component(minutes: int | None, item_5a: int | None) -> int | None:
    """C2: minutes to sleep -> 0 (<= 15), 1 (16-30), 2 (31-60), 3 (> 60); + 5a; rebanded."""
    if minutes is None or item_5a is None:
        return None
    if minutes <= 15:
        points = 0
    elif minutes <= 30:
        points = 1
    elif minutes <= 60:
        points = 2
    else:
        points = 3
    return _band_0_to_3(points + item_5a)


def _exact(hours: float) -> Fraction:
    """Decimal hours as typed (6.8 is 68/10, not the binary float nearest it)."""
    return Fraction(repr(float(hours)))


def duration_component(hours: float | None) -> int | None:
    """C3: > 7 h -> 0; 6 to 7 h inclusive -> 1; >= 5 and < 6 -> 2; < 5 -> 3."""
    if hours is None:
        return None
    h = _exact(hours)
    if h > 7:
        return 0
    if h >= 6:
        return 1
    if h >= 5:
        return 2
    return 3


def hours_in_bed(bedtime: str | None, rise_time: str | None) -> Fraction | None:
    """Getting-up time minus bedtime, adding 24 h across midnight; None when they are equal."""
    if bedtime is None or rise_time is None:
        return None
    minutes = (_minutes(rise_time) - _minutes(bedtime)) % (24 * 60)
    return Fraction(minutes, 60) if minutes else None


def _minutes(hhmm: str) -> int:
    hh, mm = hhmm.split(":")
    return int(hh) * 60 + int(mm)


def efficiency_component(efficiency: Fraction | None) -> int | None:
    """C4: efficiency (%) >= 85 -> 0; >= 75 -> 1; >= 65 -> 2; < 65 -> 3 (half-open)."""
    if efficiency is None:
        return None
    if efficiency >= 85:
        return 0
    if efficiency >= 75:
        return 1
    if efficiency >= 65:
        return 2
    return 3


def disturbance_component(answers: Mapping[str, Any]) -> int | None:
    """C5: sum of 5b-5j (0-27; missing 5j counts 0): 0 -> 0, 1-9 -> 1, 10-18 -> 2, 19-27 -> 3."""
    if any(answers.get(k) is None for k in DISTURBANCE_ITEMS):
        return None
    total = sum(int(answers[k]) for k in DISTURBANCE_ITEMS) + int(answers.get("5j") or 0)
    if total == 0:
        return 0
    return 1 + (total - 1) // 9


def daytime_component(item_8: int | None, item_9: int | None) -> int | None:
    """C7: items 8 + 9 (0-6): 0 -> 0, 1-2 -> 1, 3-4 -> 2, 5-6 -> 3."""
    if item_8 is None or item_9 is None:
        return None
    return _band_0_to_3(item_8 + item_9)


def _score(instrument: Instrument, answers: Mapping[str, Any]) -> ScoreResult:
    in_bed = hours_in_bed(answers.get("1"), answers.get("3"))
    slept = answers.get("4")
    efficiency = None if in_bed is None or slept is None else _exact(slept) / in_bed * 100
    components: dict[str, int | None] = {
        "c1": answers.get("6"),
        "c2": latency_component(answers.get("2"), answers.get("5a")),
        "c3": duration_component(slept),
        "c4": efficiency_component(efficiency),
        "c5": disturbance_component(answers),
        "c6": answers.get("7"),
        "c7": daytime_component(answers.get("8"), answers.get("9")),
    }
    known = [c for c in components.values() if c is not None]
    total = float(sum(known)) if len(known) == len(components) else None
    subscales: dict[str, float | None] = {
        k: None if v is None else float(v) for k, v in components.items()
    }
    subscales["sleep_efficiency"] = None if efficiency is None else float(efficiency)
    details: dict[str, Any] = {"hours_in_bed": None if in_bed is None else float(in_bed)}
    if efficiency is not None and efficiency > 100:
        details["note"] = "hours asleep exceed hours in bed; check items 1, 3 and 4"
    interp = instrument.interpretation
    return ScoreResult(
        instrument=instrument.id,
        version=instrument.version,
        total=total,
        subscales=subscales,
        band=interp.band_for(total) if (interp is not None and total is not None) else None,
        complete=total is not None,
        missing=[i.id for i in instrument.items if i.required and i.id not in answers],
        details=details,
    )


INSTRUMENT = Instrument(
    id="psqi",
    version="1989",
    title="Pittsburgh Sleep Quality Index (PSQI)",
    citation=BUYSSE_1989,
    licence=PITTSBURGH,
    instructions=(
        "These questions are about your usual sleep habits during the past month only. "
        "Answer for the majority of days and nights in the past month."
    ),
    recall_period="past month",
    items=_items(),
    scoring=Scoring(
        total="custom",
        missing_rule=(
            "each component needs every item it uses; a missing 5j (other reason) counts 0; "
            "the global score needs all 7 components (no proration)"
        ),
        rounding="components are integers; sleep_efficiency (percent) is reported unrounded",
        source=COMPONENT_RULES,
    ),
    score_range=(0.0, 21.0),
    lower_is_better=True,
    interpretation=Interpretation(
        bands=(Band("good", 0), Band("poor", 6)),
        source=CUTOFF,
        note="global > 5 = poor sleeper; the global is an integer, so 'poor' starts at 6",
    ),
    custom_scorer=_score,
)
