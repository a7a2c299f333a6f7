"""CSI: Central Sensitization Inventory (Part A).

Mayer TG, Neblett R, Cohen H, et al. The development and psychometric validation of the
Central Sensitization Inventory. Pain Pract 2012;12(4):276-285.

Part A: 25 symptom items, never 0 … always 4; total 0-100. Part B (previous
diagnoses) is not scored and not included here. No missing-item rule is published, so
every item is needed. Severity levels (Neblett 2017): 0-29 subclinical, 30-39 mild,
40-49 moderate, 50-59 severe, 60-100 extreme; >= 40 suggests a central sensitivity
syndrome (Neblett 2013), reported as the ``csi_positive`` flag.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from atlaxis.instruments.model import (
    Band,
    Instrument,
    Interpretation,
    Item,
    Licence,
    Reliability,
    Scoring,
    Source,
    choice_options,
)

MAYER_2012 = Source(
    "Mayer TG, Neblett R, Cohen H, Howard KJ, Choi YH, Williams MJ, Perez Y, Gatchel RJ. The "
    "development and psychometric validation of the Central Sensitization Inventory. Pain "
    "Pract 2012;12(4):276-285. doi:10.1111/j.1533-2500.2011.00493.x."
)
NEBLETT_2013 = Source(
    "Neblett R, Cohen H, Choi Y, et al. The Central Sensitization Inventory (CSI): establishing "
    "clinically significant values for identifying central sensitivity syndromes in an "
    "outpatient chronic pain sample. J Pain 2013;14(5):438-445.",
    evidence="secondary",
    note="Cut-off >= 40 read in a README citing the paper.",
)
NEBLETT_2017 = Source(
    "Neblett R, Hartzell MM, Mayer TG, Cohen H, Gatchel RJ. Establishing clinically relevant "
    "severity levels for the Central Sensitization Inventory. Pain Pract 2017;17(2):166-175."
)

CSI_LICENCE = Licence(
    holder="T. G. Mayer, R. Neblett and co-authors",
    ship_text=False,
    note="No licence statement found. Items ship as topic labels; load wording with "
    "`atlaxis instruments load-text`.",
)

FREQUENCY = ("Never", "Rarely", "Sometimes", "Often", "Always")

#: short topic labels (paraphrased; the published wording was not read)
_TOPICS = (
    "unrefreshed on waking",
    "muscles stiff and achy",
    "anxiety attacks",
    "grinding or clenching teeth",
    "diarrhoea and/or constipation",
    "need help with daily activities",
    "sensitive to bright lights",
    "tire easily when physically active",
    "pain all over the body",
    "headaches",
    "bladder discomfort or burning on urination",
    "do not sleep well",
    "difficulty concentrating",
    "skin problems (dryness, itchiness, rashes)",
    "stress makes physical symptoms worse",
    "sad or depressed",
    "low energy",
    "muscle tension in neck and shoulders",
    "pain in the jaw",
    "certain smells cause dizziness or nausea",
    "urinate frequently",
    "legs uncomfortable and restless at night",
    "difficulty remembering things",
    "trauma as a child",
    "pain in the pelvic area",
)

POSITIVE_AT = 40.0


def _flags(answers: Mapping[str, Any], total: float | None) -> list[str]:
    """``csi_positive`` when the total reaches the Neblett 2013 cut-off of 40."""
    return ["csi_positive"] if total is not None and total >= POSITIVE_AT else []


INSTRUMENT = Instrument(
    id="csi",
    version="2012 Part A",
    title="Central Sensitization Inventory (CSI), Part A",
    citation=MAYER_2012,
    licence=CSI_LICENCE,
    items=tuple(
        Item(
            id=str(k + 1),
            text=topic,
            type="choice",
            options=choice_options(FREQUENCY),
            text_is_label=True,
        )
        for k, topic in enumerate(_TOPICS)
    ),
    scoring=Scoring(
        total="sum_items",
        missing_rule="every item is needed (no published missing-item rule)",
        source=MAYER_2012,
    ),
    score_range=(0.0, 100.0),
    interpretation=Interpretation(
        bands=(
            Band("subclinical", 0),
            Band("mild", 30),
            Band("moderate", 40),
            Band("severe", 50),
            Band("extreme", 60),
        ),
        source=NEBLETT_2017,
        note="csi_positive flag at >= 40 (Neblett 2013).",
    ),
    reliability=Reliability(
        0.817,
        "pearson",
        MAYER_2012,
        note="test-retest in the normative cohort; the coefficient type is not stated in the "
        "abstract (recorded as Pearson). Cronbach alpha 0.879.",
    ),
    extra={"flagger": _flags, "positive_at": POSITIVE_AT},
)
