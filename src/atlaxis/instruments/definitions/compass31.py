"""COMPASS-31: Composite Autonomic Symptom Score, 31 items.

Sletten DM, Suarez GA, Low PA, Mandrekar J, Singer W. COMPASS 31: a refined and
abbreviated Composite Autonomic Symptom Score. Mayo Clin Proc 2012;87(12):1196-1201.
doi:10.1016/j.mayocp.2012.10.013.

Answers are the printed option codes (1, 2, ...); item 6 (check all that apply) is a
list of codes (1 = hands, 2 = feet). Each option's ``points`` hold the scoring table.
Six domains: raw points x weight (weight = maximum weighted / maximum raw); the total is
the sum of the six weighted domains, 0-100, reported unrounded.

Skip logic (the form's "if No, skip to ..." instructions, expressed as enableWhen):
2-4 only when 1 = yes; 6-7 only when 5 = yes; 17-19 only when 16 = yes; 21-23 only when
20 = yes; 28 only when 27 is not "never"; 30 only when 29 is not "never". A skipped item
scores 0. An answer to an item its gate disables is ignored (listed in
``details["ignored"]``). A follow-up item left blank although its gate is open also
scores 0 (as the public implementation does); every other item is needed for its
domain, and the total needs all six domains. No missing-data rule is published.

Item 22 (constipation severity): scored mild 1, moderate 2, severe 3 as in the
implementation's code and like the parallel severity items 18, 28 and 30; that
implementation's README shows mild = 2. Not checked against Sletten 2012: unverified.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from atlaxis.instruments.model import (
    EnableWhen,
    Instrument,
    Item,
    Licence,
    Option,
    Reliability,
    Scoring,
    Source,
    Subscale,
)
from atlaxis.instruments.result import ScoreResult

SLETTEN_2012 = Source(
    "Sletten DM, Suarez GA, Low PA, Mandrekar J, Singer W. COMPASS 31: a refined and "
    "abbreviated Composite Autonomic Symptom Score. Mayo Clin Proc 2012;87(12):1196-1201. "
    "doi:10.1016/j.mayocp.2012.10.013"
)
SCORING_TABLE = Source(
    SLETTEN_2012.citation,
    evidence="secondary",
    note=(
        "Answer-to-points table and domain weights read in a public implementation "
        "(awell-health/awell-score src/scores/compass_31), not in the paper's appendix. "
        "Item 22 (mild 1 / moderate 2 / severe 3) is unverified: the implementation's "
        "README shows mild = 2, its code mild = 1. Skip targets from the form's printed "
        "instructions. Missing-data handling is an atlaxis decision (none published)."
    ),
)
NINDS_CDE = Source(
    "NINDS Common Data Elements: Composite Autonomic Symptom Scale (COMPASS-31) instrument "
    "summary (crfID F1659), commondataelements.ninds.nih.gov.",
    note="Test-retest r_s 0.886; internal consistency alpha 0.919 (same page).",
)
MAYO = Licence(
    holder="Mayo Foundation for Medical Education and Research (believed; unconfirmed)",
    ship_text=False,
    note=(
        "Copyright holder and terms for software use not confirmed; atlaxis ships topic "
        "labels only. A licensed clinic may load the wording from a local file."
    ),
)


def _opts(labels: tuple[str, ...], points: Mapping[int, float]) -> tuple[Option, ...]:
    return tuple(
        Option(code=k, label=lab, points=float(points.get(k, 0)))
        for k, lab in enumerate(labels, start=1)
    )


YES_NO = ("yes", "no")
SEVERITY = ("mild", "moderate", "severe")
RISING = {1: 1, 2: 2, 3: 3}
COURSE = (
    "much worse",
    "somewhat worse",
    "about the same",
    "somewhat better",
    "much better",
    "completely gone",
)
COURSE_OR_NONE = ("have not had these symptoms", *COURSE)
NEVER_TO_CONSTANTLY = ("never", "occasionally", "frequently", "constantly")
UP_FROM_2 = {2: 1, 3: 2, 4: 3}
WORSENING = {1: 3, 2: 2, 3: 1}

# (id, topic label, option labels, points by code)
_TABLE: tuple[tuple[str, str, tuple[str, ...], Mapping[int, float]], ...] = (
    ("1", "Faint, dizzy or foggy soon after standing up", YES_NO, {1: 1}),
    (
        "2",
        "How often these feelings come on standing",
        ("rarely", "occasionally", "frequently", "almost always"),
        UP_FROM_2,
    ),
    ("3", "Severity of these feelings", SEVERITY, RISING),
    ("4", "Course of these feelings over the past year", COURSE, WORSENING),
    ("5", "Skin colour changes (red, white or purple)", YES_NO, {1: 1}),
    ("7", "Course of the skin colour changes", COURSE, WORSENING),
    (
        "8",
        "Change in general body sweating over the past 5 years",
        (
            "much more sweating",
            "somewhat more sweating",
            "no change",
            "somewhat less sweating",
            "much less sweating",
        ),
        {1: 1, 4: 1, 5: 2},
    ),
    ("9", "Eyes excessively dry", YES_NO, {1: 1}),
    ("10", "Mouth excessively dry", YES_NO, {1: 1}),
    (
        "11",
        "Course of the longest-standing dry eyes or dry mouth",
        COURSE_OR_NONE,
        {2: 3, 3: 2, 4: 1},
    ),
    (
        "12",
        "Change in how quickly you get full at a meal",
        (
            "full a lot more quickly",
            "full more quickly",
            "no change",
            "full less quickly",
            "full a lot less quickly",
        ),
        {1: 2, 2: 1},
    ),
    (
        "13",
        "Excessively or persistently full (bloated) after meals",
        ("never", "sometimes", "a lot of the time"),
        {2: 1, 3: 2},
    ),
    ("14", "Vomiting after meals", ("never", "sometimes", "a lot of the time"), {2: 1, 3: 2}),
    (
        "15",
        "Cramping or colicky abdominal pain",
        ("never", "sometimes", "a lot of the time"),
        {2: 1, 3: 2},
    ),
    ("16", "Bouts of diarrhoea", YES_NO, {1: 1}),
    (
        "17",
        "How often the diarrhoea occurs",
        ("rarely", "occasionally", "frequently", "constantly"),
        UP_FROM_2,
    ),
    ("18", "Severity of the diarrhoea", SEVERITY, RISING),
    ("19", "Course of the diarrhoea", COURSE, WORSENING),
    ("20", "Constipation", YES_NO, {1: 1}),
    (
        "21",
        "How often constipation occurs",
        ("rarely", "occasionally", "frequently", "constantly"),
        UP_FROM_2,
    ),
    ("22", "Severity of the constipation", SEVERITY, RISING),
    ("23", "Course of the constipation", COURSE, WORSENING),
    ("24", "Loss of bladder control", NEVER_TO_CONSTANTLY, UP_FROM_2),
    ("25", "Difficulty passing urine", NEVER_TO_CONSTANTLY, UP_FROM_2),
    ("26", "Trouble completely emptying the bladder", NEVER_TO_CONSTANTLY, UP_FROM_2),
    (
        "27",
        "Bright light bothering the eyes (without tinted glasses)",
        NEVER_TO_CONSTANTLY,
        UP_FROM_2,
    ),
    ("28", "Severity of the light sensitivity", SEVERITY, RISING),
    ("29", "Trouble focusing the eyes", NEVER_TO_CONSTANTLY, UP_FROM_2),
    ("30", "Severity of the focusing problem", SEVERITY, RISING),
    ("31", "Course of the most troublesome eye symptom", COURSE_OR_NONE, {2: 3, 3: 2, 4: 1}),
)

#: follow-up item -> the condition under which it is asked (the form's skip instructions)
GATES: dict[str, EnableWhen] = {
    **{k: EnableWhen("1", "=", 1) for k in ("2", "3", "4")},
    **{k: EnableWhen("5", "=", 1) for k in ("6", "7")},
    **{k: EnableWhen("16", "=", 1) for k in ("17", "18", "19")},
    **{k: EnableWhen("20", "=", 1) for k in ("21", "22", "23")},
    "28": EnableWhen("27", "!=", 1),
    "30": EnableWhen("29", "!=", 1),
}

#: (domain, items, maximum raw points, maximum weighted score)
DOMAINS: tuple[tuple[str, tuple[int, int], int, int], ...] = (
    ("orthostatic", (1, 4), 10, 40),
    ("vasomotor", (5, 7), 6, 5),
    ("secretomotor", (8, 11), 7, 15),
    ("gastrointestinal", (12, 23), 28, 25),
    ("bladder", (24, 26), 9, 10),
    ("pupillomotor", (27, 31), 15, 5),
)


def _items() -> tuple[Item, ...]:
    items = [
        Item(
            id=item_id,
            text=label,
            type="choice",
            options=_opts(labels, points),
            text_is_label=True,
            required=item_id not in GATES,
            enable_when=(GATES[item_id],) if item_id in GATES else (),
        )
        for item_id, label, labels, points in _TABLE
    ]
    items.insert(
        5,
        Item(
            id="6",
            text="Body parts with colour changes (check all that apply)",
            type="multi_choice",
            options=(Option(1, "hands", 1.0), Option(2, "feet", 1.0)),
            text_is_label=True,
            required=False,
            enable_when=(GATES["6"],),
        ),
    )
    return tuple(items)


def _subscales() -> tuple[Subscale, ...]:
    return tuple(
        Subscale(name, tuple(str(i) for i in range(lo, hi + 1)), weight=w_max / raw_max)
        for name, (lo, hi), raw_max, w_max in DOMAINS
    )


def _enabled(gate: EnableWhen, answers: Mapping[str, Any]) -> bool:
    value = answers.get(gate.question)
    return value == gate.answer if gate.operator == "=" else value != gate.answer


def _score(instrument: Instrument, answers: Mapping[str, Any]) -> ScoreResult:
    ignored = [k for k, g in GATES.items() if k in answers and not _enabled(g, answers)]
    raw: dict[str, float | None] = {}
    weighted: dict[str, float | None] = {}
    for sub in instrument.scoring.subscales:
        points = 0.0
        complete = True
        for item_id in sub.items:
            item = instrument.item(item_id)
            assert item is not None
            value = answers.get(item_id)
            if item_id in ignored or value is None:
                complete = complete and not item.required
                continue
            if item.type == "multi_choice":
                points += sum(o.points for o in item.options if o.code in value)
            else:
                opt = item.option(value)
                assert opt is not None  # validated
                points += opt.points
        raw[sub.name] = points if complete else None
        weighted[sub.name] = points * sub.weight if complete else None
    values = list(weighted.values())
    total = None if any(v is None for v in values) else sum(v for v in values if v is not None)
    return ScoreResult(
        instrument=instrument.id,
        version=instrument.version,
        total=total,
        subscales=weighted,
        complete=total is not None,
        missing=[i.id for i in instrument.items if i.required and i.id not in answers],
        details={"raw": raw, "ignored": ignored},
    )


INSTRUMENT = Instrument(
    id="compass31",
    version="2012",
    title="Composite Autonomic Symptom Score 31 (COMPASS-31)",
    citation=SLETTEN_2012,
    licence=MAYO,
    instructions=(
        "Questions about symptoms of the autonomic nervous system, mostly over the past year. "
        "Follow-up questions are asked only when the question before them applies."
    ),
    recall_period="past year (item 8: past 5 years)",
    items=_items(),
    scoring=Scoring(
        total="custom",
        subscales=_subscales(),
        missing_rule=(
            "none published. Skipped follow-up items (2-4, 6, 7, 17-19, 21-23, 28, 30) score "
            "0, also when left blank; answers to follow-ups their gate disables are ignored; "
            "every other item is needed for its domain; the total needs all six domains"
        ),
        rounding="domain scores and total are reported unrounded; round once for display",
        source=SCORING_TABLE,
    ),
    score_range=(0.0, 100.0),
    lower_is_better=True,
    reliability=Reliability(0.886, "spearman", NINDS_CDE, note="test-retest"),
    custom_scorer=_score,
)
