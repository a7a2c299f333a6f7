"""NDI: Neck Disability Index.

Vernon H, Mior S. The Neck Disability Index: a study of reliability and validity.
J Manipulative Physiol Ther 1991;14(7):409-415.

10 sections scored 0-5; raw total 0-50, percentage = raw x 2. Vernon's rule for a
missing section: add the mean of the answered sections to their sum, i.e. total =
sum x 10 / answered (= sum / (5 x answered) x 50). The number of sections that may be
missing is not published; atlaxis scores at most one missing section (see
``MISSING_LIMIT``). Bands on the raw score (Vernon & Mior 1991, as restated by Vernon):
0-4 none, 5-14 mild, 15-24 moderate, 25-34 severe, above 34 complete; atlaxis uses
half-open intervals because pro-rated totals are not integers.
"""

from __future__ import annotations

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
    Subscale,
    numeric_scale,
)

VERNON_MIOR_1991 = Source(
    "Vernon H, Mior S. The Neck Disability Index: a study of reliability and validity. "
    "J Manipulative Physiol Ther 1991;14(7):409-415."
)
VERNON_NOTE = Source(
    "Vernon H. The Neck Disability Index: an informal note from the author on scoring and "
    "interpretation, chiro.org/forms/NDI_Explain.shtml.",
    note="Missing section: 'the average of all other items is then added to the completed "
    "items'. Scoring intervals 0-4, 5-14, 15-24, 25-34, above 34 (raw). MDC = MCID = 5 points.",
)
MISSING_LIMIT = Source(
    "atlaxis decision: at most 1 of 10 sections may be missing.",
    evidence="unverified",
    note="No published limit was found. Vernon's note describes a respondent leaving 'one "
    "question or another' blank; scoring guides reprinting the NDI show the one-missing case "
    "(total / 45); awell-score accepts at most one missing item. Confirm before clinical use.",
)
YOUNG_2009 = Source(
    "Young BA, et al. Responsiveness of the "
    "Neck Disability Index in patients with mechanical neck disorders. Spine J 2009.",
    evidence="secondary",
    note="n = 91 physical-therapy patients; MCID 7.5 and MDC 10.2 points; ICC 0.64. Author "
    "list and volume not verified.",
)
MCCARTHY_2007 = Source(
    "McCarthy MJH, Grevitt MP, Silcocks P, Hobbs G. The reliability of the Vernon and Mior "
    "neck disability index, and its validity compared with the short form-36 health survey "
    "questionnaire. Eur Spine J 2007;16(12):2111-2117."
)

NDI_LICENCE = Licence(
    holder="H. Vernon",
    ship_text=False,
    note="Vernon (1996) encouraged duplication and use; terms for commercial electronic use "
    "were not confirmed. Items ship as topic labels; load licensed wording with "
    "`atlaxis instruments load-text`.",
)

_SECTIONS = (
    "pain intensity",
    "personal care (washing, dressing)",
    "lifting",
    "reading",
    "headaches",
    "concentration",
    "work",
    "driving",
    "sleeping",
    "recreation",
)
_ALL = tuple(str(i) for i in range(1, 11))

INSTRUMENT = Instrument(
    id="ndi",
    version="1991",
    title="Neck Disability Index (NDI)",
    citation=VERNON_MIOR_1991,
    licence=NDI_LICENCE,
    items=tuple(
        Item(
            id=str(k + 1),
            text=label,
            type="choice",
            options=numeric_scale(0, 5, "no disability", "greatest disability"),
            text_is_label=True,
            help="Choose the one statement that best describes you.",
        )
        for k, label in enumerate(_SECTIONS)
    ),
    scoring=Scoring(
        total="sum_items",
        subscales=(Subscale("percent", _ALL, weight=2.0, max_missing=1, prorate=True),),
        max_missing=1,
        prorate=True,
        missing_rule="one missing section: the mean of the answered sections is added to their "
        "sum (total = sum x 10 / 9); two or more missing sections: not scorable (limit "
        "unverified, see source note)",
        rounding="none: pro-rated totals are reported unrounded; bands use half-open intervals",
        source=Source(
            VERNON_NOTE.citation + " Limit: " + MISSING_LIMIT.citation,
            evidence="unverified",
            note=MISSING_LIMIT.note,
        ),
    ),
    score_range=(0.0, 50.0),
    interpretation=Interpretation(
        bands=(
            Band("no disability", 0),
            Band("mild", 5),
            Band("moderate", 15),
            Band("severe", 25),
            Band("complete", 35),
        ),
        source=VERNON_NOTE,
        note="Raw 0-50 scale. Vernon & Mior did not describe how the intervals were derived.",
    ),
    thresholds=(
        ChangeThreshold("mcid", 5.0, "points", VERNON_NOTE),
        ChangeThreshold("mdc", 5.0, "points", VERNON_NOTE),
        ChangeThreshold("mcid", 7.5, "points", YOUNG_2009, note="mechanical neck pain cohort"),
        ChangeThreshold("mdc", 10.2, "points", YOUNG_2009, note="mechanical neck pain cohort"),
    ),
    reliability=Reliability(
        0.93,
        "icc",
        MCCARTHY_2007,
        note="test-retest at 1-2 weeks, n = 34 (95% CI 0.86-0.97); Young 2009 found 0.64",
    ),
)
