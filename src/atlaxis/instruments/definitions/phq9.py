"""PHQ-9: Patient Health Questionnaire depression module.

Kroenke K, Spitzer RL, Williams JB. The PHQ-9: validity of a brief depression
severity measure. J Gen Intern Med 2001;16(9):606-613.
Missing items: Ohrbach R, Knibbe W. DC/TMD Scoring Manual for Self-Report
Instruments (2016/2021): up to 3 items may be missing; score = sum of answered
items / (9 - missing) x 9.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from atlaxis.instruments.model import (
    Band,
    ChangeThreshold,
    Instrument,
    Interpretation,
    Item,
    Licence,
    Reliability,
    Scoring,
    Source,
    choice_options,
)

KROENKE_2001 = Source(
    "Kroenke K, Spitzer RL, Williams JB. The PHQ-9: validity of a brief depression severity "
    "measure. J Gen Intern Med 2001;16(9):606-613."
)
DCTMD_MANUAL = Source(
    "Ohrbach R, Knibbe W. Diagnostic Criteria for Temporomandibular Disorders: Scoring Manual "
    "for Self-Report Instruments. Version 29May2016 (rev. 30 March 2021), rdc-tmdinternational.org."
)
PFIZER = Licence(
    holder="Pfizer Inc.",
    ship_text=True,
    note="Copyright Pfizer Inc. No permission required to reproduce, translate, display or "
    "distribute.",
)

FREQUENCY = ("Not at all", "Several days", "More than half the days", "Nearly every day")

_STEM = "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
_TEXTS = (
    ("Little interest or pleasure in doing things", "44250-9"),
    ("Feeling down, depressed, or hopeless", "44255-8"),
    ("Trouble falling or staying asleep, or sleeping too much", "44259-0"),
    ("Feeling tired or having little energy", "44254-1"),
    ("Poor appetite or overeating", "44251-7"),
    (
        "Feeling bad about yourself - or that you are a failure or have let yourself or your "
        "family down",
        "44258-2",
    ),
    (
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "44252-5",
    ),
    (
        "Moving or speaking so slowly that other people could have noticed? Or the opposite - "
        "being so fidgety or restless that you have been moving around a lot more than usual",
        "44253-3",
    ),
    ("Thoughts that you would be better off dead or of hurting yourself in some way", "44260-8"),
)


def _flags(answers: Mapping[str, Any], total: float | None) -> list[str]:
    """Item 9 > 0 needs a clinician's suicide-risk assessment whatever the total.

    Item 9 is never imputed: a missing item 9 is flagged for follow-up.
    """
    item9 = answers.get("9")
    if item9 is None:
        return ["item9_missing"]
    return ["self_harm_risk"] if item9 > 0 else []


INSTRUMENT = Instrument(
    id="phq9",
    version="2001",
    title="Patient Health Questionnaire-9 (PHQ-9)",
    citation=KROENKE_2001,
    licence=PFIZER,
    instructions=_STEM,
    recall_period="last 2 weeks",
    items=tuple(
        Item(
            id=str(k + 1), text=text, type="choice", options=choice_options(FREQUENCY), loinc=loinc
        )
        for k, (text, loinc) in enumerate(_TEXTS)
    ),
    scoring=Scoring(
        total="sum_items",
        max_missing=3,
        prorate=True,
        missing_rule="up to 3 of 9 items may be missing; total = answered sum / (9 - missing) x 9",
        rounding="prorated totals are reported unrounded; bands use half-open intervals",
        source=DCTMD_MANUAL,
    ),
    score_range=(0.0, 27.0),
    interpretation=Interpretation(
        bands=(
            Band("minimal", 0),
            Band("mild", 5),
            Band("moderate", 10),
            Band("moderately severe", 15),
            Band("severe", 20),
        ),
        source=KROENKE_2001,
    ),
    thresholds=(
        ChangeThreshold(
            "mcid",
            5.0,
            "points",
            Source(
                "Commonly cited 5-point change for PHQ-9 (Kroenke 2001 follow-up literature).",
                "unverified",
            ),
        ),
    ),
    loinc_panel="44249-1",
    reliability=Reliability(
        0.84,
        "pearson",
        Source(
            "Kroenke K, Spitzer RL, Williams JB. J Gen Intern Med 2001;16(9):606-613: PHQ-9 "
            "repeated within 48 hours by telephone, r = 0.84.",
            "unverified",
            note="value recalled from the paper's results; confirm before clinical use",
        ),
        note="test-retest",
    ),
    loinc_total="44261-6",
    extra={"flagger": _flags},
)
