"""JFLS-8 and JFLS-20: Jaw Functional Limitation Scale.

Ohrbach R, Larsson P, List T. The Jaw Functional Limitation Scale: development,
reliability, and validity of 8-item and 20-item versions. J Orofac Pain
2008;22(3):219-230.
Scoring and missing items: Ohrbach R, Knibbe W. DC/TMD Scoring Manual for
Self-Report Instruments (Version 29May2016, rev. 30 March 2021), section "JFLS" and
Appendix 1.

Each item is rated 0 (no limitation) to 10 (severe limitation) for the past month.
An activity completely avoided because it is too difficult scores 10; one avoided for
other reasons is left blank (missing).

JFLS-8 numbering: the short form is its own instrument with items "1".."8". They are
the JFLS-20 items 1, 3, 6, 10, 11, 12, 13 and 19, in that order (DC/TMD manual:
"the long form (items 1, 3, 6, 10, 11, 12, 13, and 19)"); ``JFLS8_FROM_JFLS20``
records the mapping so a JFLS-8 can be compared with the JFLS-8-equivalent global
of a JFLS-20 (subscale ``jfls8_global``).
"""

from __future__ import annotations

from atlaxis.instruments.model import (
    Instrument,
    Item,
    Licence,
    Scoring,
    Source,
    Subscale,
    numeric_scale,
)

OHRBACH_2008 = Source(
    "Ohrbach R, Larsson P, List T. The Jaw Functional Limitation Scale: development, "
    "reliability, and validity of 8-item and 20-item versions. J Orofac Pain "
    "2008;22(3):219-230. doi:10.11607/jofph.22.3.06"
)
DCTMD_MANUAL = Source(
    "Ohrbach R, Knibbe W. Diagnostic Criteria for Temporomandibular Disorders: Scoring Manual "
    "for Self-Report Instruments. Version 29May2016 (rev. 30 March 2021), "
    "rdc-tmdinternational.org. Section JFLS and Appendix 1."
)
OHRBACH_LICENCE = Licence(
    holder="R. Ohrbach (DC/TMD instrument set, INfORM / rdc-tmdinternational.org)",
    ship_text=False,
    note=(
        "Distributed freely as part of the DC/TMD set; the terms for embedding the wording in "
        "software were not confirmed, so atlaxis ships short topic labels. A clinic may load "
        "the verbatim wording from a local file."
    ),
)

#: JFLS-20 topic labels (our own short paraphrases), by JFLS-20 item number
JFLS20_LABELS: dict[int, str] = {
    1: "Chewing tough food",
    2: "Chewing hard bread",
    3: "Chewing chicken",
    4: "Chewing crackers",
    5: "Chewing soft food",
    6: "Eating soft food that needs no chewing",
    7: "Opening wide enough to bite from a whole apple",
    8: "Opening wide enough to bite into a sandwich",
    9: "Opening wide enough to talk",
    10: "Opening wide enough to drink from a cup",
    11: "Swallowing",
    12: "Yawning",
    13: "Talking",
    14: "Singing",
    15: "Putting on a happy face",
    16: "Putting on an angry face",
    17: "Frowning",
    18: "Kissing",
    19: "Smiling",
    20: "Laughing",
}

#: JFLS-8 item number -> JFLS-20 item number (DC/TMD manual, section JFLS)
JFLS8_FROM_JFLS20: dict[int, int] = {1: 1, 2: 3, 3: 6, 4: 10, 5: 11, 6: 12, 7: 13, 8: 19}

_SCALE = numeric_scale(0, 10, "no limitation", "severe limitation")
_INSTRUCTIONS = (
    "For each activity, rate how much your jaw has limited it during the last month, from "
    "0 (no limitation) to 10 (severe limitation). If you completely avoided an activity "
    "because it was too difficult, choose 10. If you avoided it for another reason, leave "
    "it blank."
)
_HELP = "0 = no limitation, 10 = severe limitation; blank if avoided for other reasons"


def _section(n: int) -> str | None:
    if 1 <= n <= 6:
        return "mastication"
    if 7 <= n <= 10:
        return "mobility"
    if 13 <= n <= 20:
        return "communication"
    return None


def _item(item_id: str, label: str, section: str | None) -> Item:
    return Item(
        id=item_id,
        text=label,
        type="choice",
        options=_SCALE,
        text_is_label=True,
        section=section,
        help=_HELP,
    )


def _ids(numbers: range | tuple[int, ...]) -> tuple[str, ...]:
    return tuple(str(n) for n in numbers)


JFLS20 = Instrument(
    id="jfls20",
    version="2008",
    title="Jaw Functional Limitation Scale-20 (JFLS-20)",
    citation=OHRBACH_2008,
    licence=OHRBACH_LICENCE,
    instructions=_INSTRUCTIONS,
    recall_period="last month",
    items=tuple(_item(str(n), JFLS20_LABELS[n], _section(n)) for n in range(1, 21)),
    scoring=Scoring(
        total="mean_subscales",
        subscales=(
            Subscale("mastication", _ids(range(1, 7)), statistic="mean", max_missing=2),
            Subscale("mobility", _ids(range(7, 11)), statistic="mean", max_missing=1),
            Subscale("communication", _ids(range(13, 21)), statistic="mean", max_missing=2),
            Subscale(
                "jfls8_global",
                _ids(tuple(JFLS8_FROM_JFLS20.values())),
                statistic="mean",
                max_missing=2,
                in_total=False,
            ),
        ),
        missing_rule=(
            "each subscale is the mean of its answered items: mastication (items 1-6) with at "
            "most 2 missing, mobility (7-10) with at most 1, communication (13-20) with at most "
            "2; the global is the mean of the three subscales and needs all three. Items 11 "
            "and 12 belong to no subscale. jfls8_global (JFLS-8 equivalent: items 1, 3, 6, 10, "
            "11, 12, 13, 19) is the mean of its answered items with at most 2 missing and is "
            "reported beside, not inside, the global"
        ),
        rounding="means are reported unrounded; round only for display",
        source=DCTMD_MANUAL,
    ),
    score_range=(0.0, 10.0),
    lower_is_better=True,
    extra={
        "norms": (
            "No norms established (DC/TMD manual). OPPERA means, no lifetime TMD vs chronic "
            "TMD: mastication 0.28 vs 2.22, mobility 0.18 vs 2.22, communication 0.14 vs 0.72, "
            "global 0.16 vs 1.74."
        ),
    },
)

JFLS8 = Instrument(
    id="jfls8",
    version="2008",
    title="Jaw Functional Limitation Scale-8 (JFLS-8)",
    citation=OHRBACH_2008,
    licence=OHRBACH_LICENCE,
    instructions=_INSTRUCTIONS,
    recall_period="last month",
    items=tuple(_item(str(k), JFLS20_LABELS[n], None) for k, n in JFLS8_FROM_JFLS20.items()),
    scoring=Scoring(
        total="mean_items",
        max_missing=2,
        missing_rule=(
            "global = mean of the answered items; at most 2 of the 8 items may be missing"
        ),
        rounding="means are reported unrounded; round only for display",
        source=DCTMD_MANUAL,
    ),
    score_range=(0.0, 10.0),
    lower_is_better=True,
    extra={
        "jfls20_items": {str(k): str(v) for k, v in JFLS8_FROM_JFLS20.items()},
        "norms": "No norms established (DC/TMD manual). OPPERA global means 0.16 vs 1.74.",
    },
)

INSTRUMENTS: dict[str, Instrument] = {"jfls8": JFLS8, "jfls20": JFLS20}
