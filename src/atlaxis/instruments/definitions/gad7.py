"""GAD-7: Generalized Anxiety Disorder 7-item scale.

Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized
anxiety disorder: the GAD-7. Arch Intern Med 2006;166(10):1092-1097.
Missing items: Ohrbach R, Knibbe W. DC/TMD Scoring Manual for Self-Report Instruments
(2016/2021): up to 2 items may be missing; score = answered sum / (7 - missing) x 7.
"""

from __future__ import annotations

from atlaxis.instruments.definitions.phq9 import DCTMD_MANUAL, FREQUENCY, PFIZER
from atlaxis.instruments.model import (
    Band,
    ChangeThreshold,
    Instrument,
    Interpretation,
    Item,
    Reliability,
    Scoring,
    Source,
    choice_options,
)

SPITZER_2006 = Source(
    "Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized "
    "anxiety disorder: the GAD-7. Arch Intern Med 2006;166(10):1092-1097."
)

_STEM = "Over the last 2 weeks, how often have you been bothered by the following problems?"
#: (wording, LOINC item code)
_TEXTS = (
    ("Feeling nervous, anxious or on edge", "69725-0"),
    ("Not being able to stop or control worrying", "68509-9"),
    ("Worrying too much about different things", "69733-4"),
    ("Trouble relaxing", "69734-2"),
    ("Being so restless that it is hard to sit still", "69735-9"),
    ("Becoming easily annoyed or irritable", "69689-8"),
    ("Feeling afraid as if something awful might happen", "69736-7"),
)

INSTRUMENT = Instrument(
    id="gad7",
    version="2006",
    title="Generalized Anxiety Disorder 7-item scale (GAD-7)",
    citation=SPITZER_2006,
    reliability=Reliability(
        0.83,
        "icc",
        Source(
            "Spitzer RL, Kroenke K, Williams JB, Lowe B. Arch Intern Med 2006;166(10):1092-1097: "
            "test-retest intraclass correlation 0.83.",
            "unverified",
            note="value recalled from the paper's results; confirm before clinical use",
        ),
        note="test-retest",
    ),
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
        max_missing=2,
        prorate=True,
        missing_rule="up to 2 of 7 items may be missing; total = answered sum / (7 - missing) x 7",
        rounding="prorated totals are reported unrounded; bands use half-open intervals",
        source=DCTMD_MANUAL,
    ),
    score_range=(0.0, 21.0),
    interpretation=Interpretation(
        bands=(Band("minimal", 0), Band("mild", 5), Band("moderate", 10), Band("severe", 15)),
        source=SPITZER_2006,
        note="Cut-points 5, 10 and 15 (also in the DC/TMD scoring manual).",
    ),
    thresholds=(
        ChangeThreshold(
            "mcid",
            4.0,
            "points",
            Source("Commonly cited change of about 4 points on the GAD-7.", "unverified"),
        ),
    ),
    loinc_panel="69737-5",
    loinc_total="70274-6",
)
