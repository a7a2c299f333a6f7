"""DHI: Dizziness Handicap Inventory.

Jacobson GP, Newman CW. The development of the Dizziness Handicap Inventory. Arch
Otolaryngol Head Neck Surg 1990;116(4):424-427.

25 items answered yes (4), sometimes (2), no (0); total 0-100; subscales physical (7
items, 0-28), functional (9 items, 0-36), emotional (9 items, 0-36). No missing-item
rule is published, so every item is needed. Bands: Whitney et al. 2004 (0-30 mild,
31-60 moderate, 61-100 severe).
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
    Reliability,
    Scoring,
    Source,
    Subscale,
)

JACOBSON_1990 = Source(
    "Jacobson GP, Newman CW. The development of the Dizziness Handicap Inventory. Arch "
    "Otolaryngol Head Neck Surg 1990;116(4):424-427."
)
WHITNEY_2004 = Source(
    "Whitney SL, Wrisley DM, Brown KE, Furman JM. Is perception of handicap related to "
    "functional performance in persons with vestibular dysfunction? Otol Neurotol "
    "2004;25(2):139-143.",
    note="Bands 0-30 mild, 31-60 moderate, 61-100 severe, read in the PubMed abstract "
    "(Otol Neurotol 2004 Mar;25(2):139-43, doi:10.1097/00129492-200403000-00010).",
)
TRUE_CHANGE = Source(
    "Jacobson GP, Newman CW 1990 (as quoted by secondary sources): an 18-point change is "
    "needed for a true change (95% confidence).",
    evidence="secondary",
)
RETEST = Source(
    "Jacobson GP, Newman CW 1990: test-retest r = 0.97.",
    evidence="unverified",
    note="The paper's abstract (read) says only that test-retest reliability was high; the "
    "value 0.97 was not read in the paper. The Dutch DHI reports ICC 0.94-0.99 (Vereeck et "
    "al., B-ENT). No baseline SD was found, so no reliable-change threshold is derived.",
)

DHI_LICENCE = Licence(
    holder="G. P. Jacobson, C. W. Newman",
    ship_text=False,
    note="Listed as free to use by the RehabMeasures database; no statement covering software "
    "was found. Items ship as topic labels; load wording with `atlaxis instruments load-text`.",
)

YES_SOMETIMES_NO = (
    Option("yes", "Yes", 4.0),
    Option("sometimes", "Sometimes", 2.0),
    Option("no", "No", 0.0),
)

#: topic labels; items 1-14 read on the printed form, 15-25 paraphrased from memory
_TOPICS = (
    "looking up increases the problem",
    "feel frustrated because of the problem",
    "restrict travel for business or recreation",
    "walking down a supermarket aisle increases the problem",
    "difficulty getting into or out of bed",
    "restricts participation in social activities",
    "difficulty reading",
    "ambitious activities (sports, dancing, chores) increase the problem",
    "afraid to leave home without someone accompanying you",
    "embarrassed in front of others",
    "quick movements of the head increase the problem",
    "avoid heights",
    "turning over in bed increases the problem",
    "difficult to do strenuous housework or yard work",
    "afraid people may think you are intoxicated",
    "difficult to go for a walk by yourself",
    "walking down a sidewalk increases the problem",
    "difficult to concentrate",
    "difficult to walk around the house in the dark",
    "afraid to stay home alone",
    "feel handicapped",
    "problem placed stress on relationships",
    "feel depressed",
    "problem interferes with job or household responsibilities",
    "bending over increases the problem",
)

PHYSICAL = ("1", "4", "8", "11", "13", "17", "25")
FUNCTIONAL = ("3", "5", "6", "7", "12", "14", "16", "19", "24")
EMOTIONAL = ("2", "9", "10", "15", "18", "20", "21", "22", "23")


def _section(item_id: str) -> str:
    if item_id in PHYSICAL:
        return "physical"
    return "functional" if item_id in FUNCTIONAL else "emotional"


INSTRUMENT = Instrument(
    id="dhi",
    version="1990",
    title="Dizziness Handicap Inventory (DHI)",
    citation=JACOBSON_1990,
    licence=DHI_LICENCE,
    instructions="Answer each question as it applies to your dizziness or unsteadiness.",
    items=tuple(
        Item(
            id=str(k + 1),
            text=topic,
            type="choice",
            options=YES_SOMETIMES_NO,
            text_is_label=True,
            section=_section(str(k + 1)),
        )
        for k, topic in enumerate(_TOPICS)
    ),
    scoring=Scoring(
        total="sum_items",
        subscales=(
            Subscale("physical", PHYSICAL),
            Subscale("emotional", EMOTIONAL),
            Subscale("functional", FUNCTIONAL),
        ),
        missing_rule="every item is needed (no published missing-item rule)",
        source=JACOBSON_1990,
    ),
    score_range=(0.0, 100.0),
    interpretation=Interpretation(
        bands=(Band("mild", 0), Band("moderate", 31), Band("severe", 61)),
        source=WHITNEY_2004,
        note="Kinney et al. 1997 use other bands (0-14 none, 16-34 mild, 36-52 moderate, "
        ">= 54 severe); do not mix the two systems.",
    ),
    thresholds=(ChangeThreshold("true_change", 18.0, "points", TRUE_CHANGE),),
    reliability=Reliability(0.97, "pearson", RETEST),
)
