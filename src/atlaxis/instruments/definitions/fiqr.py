"""FIQR: Revised Fibromyalgia Impact Questionnaire.

Bennett RM, Friend R, Jones KD, Ward R, Han BK, Ross RL. The Revised Fibromyalgia
Impact Questionnaire (FIQR): validation and psychometric properties. Arthritis Res
Ther 2009;11(4):R120. doi:10.1186/ar2783.

21 items rated 0-10 in three domains. Function (items 1-9) sum / 3, overall impact
(items 10-11) sum / 1, symptoms (items 12-21) sum / 2; total = sum of the three,
0-100 (fiqr.info scoring page). Missing items (fiqr.info): a domain is pro-rated by
n_items / n_answered, but 2 or more missing function items, or any missing overall or
symptom item, makes the questionnaire invalid -- in effect only one missing function
item may be pro-rated.

The wording is not shipped (licence not cleared, see ``FIQR_LICENCE``): items carry
short topic labels and a clinic holding a licence loads the verbatim text.
"""

from __future__ import annotations

from atlaxis.instruments.model import (
    Band,
    ChangeThreshold,
    Instrument,
    Interpretation,
    Item,
    Licence,
    NormativeSD,
    Option,
    Reliability,
    Scoring,
    Source,
    Subscale,
    numeric_scale,
)

BENNETT_2009 = Source(
    "Bennett RM, Friend R, Jones KD, Ward R, Han BK, Ross RL. The Revised Fibromyalgia Impact "
    "Questionnaire (FIQR): validation and psychometric properties. Arthritis Res Ther "
    "2009;11(4):R120. doi:10.1186/ar2783."
)
FIQR_SCORING = Source(
    "Bennett RM. FIQR scoring instructions, http://www.fiqr.info/Scoring.htm and "
    "http://www.myalgia.com/FIQR/Scoring.htm.",
    note="The two pages differ on missing items; the stricter rule is implemented.",
)
SALAFFI_2020 = Source(
    "Salaffi F, et al. Rheumatology (Oxford) 2020: FIQR severity bands derived in 2339 "
    "Italian patients with fibromyalgia (title, volume and pages not verified).",
    note="Published bands 0-23, 24-40, 41-63, 64-82, >83 leave gaps for non-integer totals; "
    "atlaxis uses half-open intervals [0,24) [24,41) [41,64) [64,83) [83,100].",
)
SALAFFI_2018 = Source(
    "Salaffi F, et al. Clin Exp Rheumatol 2018;36(6):1074-1081 (n = 521 patients with "
    "fibromyalgia; mean FIQR 47.87, SD 20.69).",
    evidence="verified",
)
BENNETT_2009_MCID = Source(
    "Bennett RM, Bushmakin AG, Cappelleri JC, et al. Minimal clinically "
    "important difference in the Fibromyalgia Impact Questionnaire. J Rheumatol "
    "2009;36(6):1304-1311.",
    evidence="unverified",
    note="14% is the MCID of the original FIQ (pooled pregabalin trials, PGIC anchor); "
    "applying it to the FIQR is an extrapolation. No FIQR-specific MCID was found.",
)

FIQR_LICENCE = Licence(
    holder="R. M. Bennett / fiqr.info",
    ship_text=False,
    note="fiqr.info has a 'License to use FIQR' page whose terms were not read; treated as "
    "permission required. Items ship as topic labels; load licensed wording with "
    "`atlaxis instruments load-text`.",
)

_FUNCTION = (
    "brush or comb your hair",
    "walk continuously for 20 minutes",
    "prepare a homemade meal",
    "vacuum, scrub or sweep floors",
    "lift and carry a bag full of groceries",
    "climb one flight of stairs",
    "change bed sheets",
    "sit in a chair for 45 minutes",
    "go shopping for groceries",
)
_OVERALL = (
    "fibromyalgia prevented me from accomplishing goals for the week",
    "I was completely overwhelmed by my fibromyalgia symptoms",
)
#: (topic label, anchor at 0, anchor at 10); anchors are paraphrased labels
_SYMPTOMS = (
    ("pain", "no pain", "unbearable pain"),
    ("energy", "lots of energy", "no energy"),
    ("stiffness", "no stiffness", "severe stiffness"),
    ("sleep quality", "awoke well rested", "awoke very tired"),
    ("depression", "no depression", "very depressed"),
    ("memory problems", "good memory", "very poor memory"),
    ("anxiety", "not anxious", "very anxious"),
    ("tenderness to touch", "no tenderness", "very tender"),
    ("balance problems", "no imbalance", "severe imbalance"),
    (
        "sensitivity to loud noises, bright lights, odours and cold",
        "no sensitivity",
        "extreme sensitivity",
    ),
)


def _item(number: int, label: str, options: tuple[Option, ...], section: str) -> Item:
    return Item(
        id=str(number),
        text=label,
        type="choice",
        options=options,
        text_is_label=True,
        section=section,
    )


def _items() -> tuple[Item, ...]:
    items = [
        _item(
            k + 1,
            f"Difficulty: {label}",
            numeric_scale(0, 10, "no difficulty", "very difficult"),
            "function",
        )
        for k, label in enumerate(_FUNCTION)
    ]
    items += [
        _item(10 + k, label, numeric_scale(0, 10, "never", "always"), "overall")
        for k, label in enumerate(_OVERALL)
    ]
    items += [
        _item(12 + k, label, numeric_scale(0, 10, low, high), "symptoms")
        for k, (label, low, high) in enumerate(_SYMPTOMS)
    ]
    return tuple(items)


INSTRUMENT = Instrument(
    id="fiqr",
    version="2009",
    title="Revised Fibromyalgia Impact Questionnaire (FIQR)",
    citation=BENNETT_2009,
    licence=FIQR_LICENCE,
    recall_period="past 7 days",
    instructions="Rate each item from 0 to 10 for the past 7 days. For an activity not done "
    "in the past 7 days, rate the last time you did it; if you cannot do it, choose 10.",
    items=_items(),
    scoring=Scoring(
        total="sum_subscales",
        subscales=(
            Subscale(
                "function",
                tuple(str(i) for i in range(1, 10)),
                divisor=3.0,
                max_missing=1,
                prorate=True,
            ),
            Subscale("overall", ("10", "11"), divisor=1.0),
            Subscale("symptoms", tuple(str(i) for i in range(12, 22)), divisor=2.0),
        ),
        missing_rule="one missing function item is pro-rated (function sum x 9 / 8); two or "
        "more missing function items, or any missing overall-impact or symptom item, make the "
        "questionnaire not scorable",
        rounding="none: totals are reported unrounded; bands use half-open intervals",
        source=FIQR_SCORING,
    ),
    score_range=(0.0, 100.0),
    interpretation=Interpretation(
        bands=(
            Band("remission", 0),
            Band("mild", 24),
            Band("moderate", 41),
            Band("severe", 64),
            Band("very severe", 83),
        ),
        source=SALAFFI_2020,
        note="Bands are not part of the original FIQR paper.",
    ),
    thresholds=(ChangeThreshold("mcid", 14.0, "percent", BENNETT_2009_MCID),),
    normative_sd=NormativeSD(20.69, SALAFFI_2018, note="FM patients, n = 521"),
    reliability=Reliability(
        0.95,
        "alpha",
        Source(
            "Bennett RM, Friend R, Jones KD, et al. Arthritis Res Ther 2009;11(4):R120: "
            "FIQR internal consistency, Cronbach's alpha 0.95.",
            "unverified",
            note="no FIQR test-retest value was found; internal consistency stands in for the "
            "reliable-change index (Jacobson & Truax allow either); confirm before clinical use",
        ),
        note="internal consistency",
    ),
)
