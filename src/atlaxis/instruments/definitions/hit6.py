"""HIT-6: Headache Impact Test.

Kosinski M, Bayliss MS, Bjorner JB, et al. A six-item short-form survey for measuring
headache impact: the HIT-6. Qual Life Res 2003;12(8):963-974.

6 items, recall 4 weeks, answered never (6), rarely (8), sometimes (10), very often
(11), always (13); total = sum, 36-78. Bands: <= 49 little or no impact, 50-55 some,
56-59 substantial, >= 60 severe. No missing-item rule is published, so every item is
needed. The wording is copyright QualityMetric and GSK and is not shipped.
"""

from __future__ import annotations

from atlaxis.instruments.model import (
    Band,
    ChangeThreshold,
    Instrument,
    Interpretation,
    Item,
    Licence,
    Option,
    Scoring,
    Source,
)

KOSINSKI_2003 = Source(
    "Kosinski M, Bayliss MS, Bjorner JB, et al. A six-item short-form survey for measuring "
    "headache impact: the HIT-6. Qual Life Res 2003;12(8):963-974.",
    evidence="unverified",
    note="Development paper named from memory; the scoring (6/8/10/11/13, range 36-78) was "
    "read in the NINDS CDE report and HIT-6 score sheets.",
)
HIT6_SCORING = Source(
    "NINDS Common Data Elements, HIT-6 instrument report (range 36-78, response labels); "
    "HIT-6 scoring sheet (6, 8, 10, 11, 13 points per answer).",
    evidence="secondary",
)
HIT6_BANDS = Source(
    "HIT-6 Scoring Interpretation (QualityMetric): 36-49 little or no impact, 50-55 some "
    "impact, 56-59 substantial impact, 60-78 severe impact.",
    evidence="secondary",
    note="Read on physiotutors.com and unittables.com, which restate the user guide.",
)
SMELT_2014 = Source(
    "Smelt AF, et al. What is a clinically relevant change on the HIT-6 questionnaire? An "
    "estimation in a primary-care population of migraine patients. Cephalalgia. "
    "doi:10.1177/0333102413497599.",
    note="n = 490; within-person MIC -2.5 (mean change) to -6 (ROC); between-group MID -1.5.",
)
HOUTS_2020 = Source(
    "Houts CR, et al. Headache 2020 (HIT-6 in chronic migraine). PMID 32862469.",
    evidence="secondary",
    note="Table of prior responder definitions: 5 points from the HIT-6 user guide.",
)
CASTIEN_2012 = Source(
    "Castien RF, et al. Minimal clinically important "
    "change on the Headache Impact Test-6 questionnaire in patients with chronic tension-type "
    "headache. Cephalalgia 2012;32(9):710-714."
)

HIT6_LICENCE = Licence(
    holder="QualityMetric Inc. and the GlaxoSmithKline group of companies",
    ship_text=False,
    note="(c) 2001, 2015 QualityMetric and GSK, all rights reserved; a licence is needed for "
    "the wording. Items ship as topic labels; load licensed wording with "
    "`atlaxis instruments load-text`.",
)

HIT6_OPTIONS = (
    Option("never", "Never", 6.0),
    Option("rarely", "Rarely", 8.0),
    Option("sometimes", "Sometimes", 10.0),
    Option("very_often", "Very often", 11.0),
    Option("always", "Always", 13.0),
)

_TOPICS = (
    "severe headache pain",
    "headaches limit usual daily activities",
    "wish you could lie down when you have a headache",
    "too tired to work or do daily activities because of headaches",
    "fed up or irritated because of headaches",
    "headaches limit concentration on work or daily activities",
)

INSTRUMENT = Instrument(
    id="hit6",
    version="1.1",
    title="Headache Impact Test (HIT-6)",
    citation=KOSINSKI_2003,
    licence=HIT6_LICENCE,
    recall_period="past 4 weeks",
    items=tuple(
        Item(id=str(k + 1), text=topic, type="choice", options=HIT6_OPTIONS, text_is_label=True)
        for k, topic in enumerate(_TOPICS)
    ),
    scoring=Scoring(
        total="sum_items",
        missing_rule="every item is needed (no published missing-item rule)",
        source=HIT6_SCORING,
    ),
    score_range=(36.0, 78.0),
    interpretation=Interpretation(
        bands=(
            Band("little or no impact", 36),
            Band("some impact", 50),
            Band("substantial impact", 56),
            Band("severe impact", 60),
        ),
        source=HIT6_BANDS,
    ),
    thresholds=(
        ChangeThreshold(
            "mcid",
            6.0,
            "points",
            SMELT_2014,
            note="within-person, ROC method, migraine in primary care (decrease = better)",
        ),
        ChangeThreshold(
            "mic",
            2.5,
            "points",
            SMELT_2014,
            note="within-person, mean-change method, migraine in primary care",
        ),
        ChangeThreshold("responder", 5.0, "points", HOUTS_2020, note="HIT-6 user guide value"),
        ChangeThreshold(
            "mcid", 8.0, "points", CASTIEN_2012, note="chronic tension-type headache, n = 186"
        ),
    ),
)
