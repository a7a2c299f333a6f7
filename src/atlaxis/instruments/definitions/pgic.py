"""PGIC: Patient Global Impression of Change (7-point).

One item, 1 = very much improved … 7 = very much worse (NINDS Common Data Elements;
derived from the CGI-Improvement scale, Guy 1976). ``total`` is the answer code and
``band`` its label in lower case. Responder in pain trials: much or very much improved
(code <= 2; Farrar et al. 2001, IMMPACT 2008). A single item has no missing-data rule.

Versions differ in direction (some run 1 = very much worse); atlaxis stores the code of
this version and its label, never a bare number from another version.
"""

from __future__ import annotations

from atlaxis.instruments.model import (
    Band,
    Instrument,
    Interpretation,
    Item,
    Licence,
    Scoring,
    Source,
    choice_options,
)

NINDS_PGIC = Source(
    "NINDS Common Data Elements: Patient Global Impression of Change (PGIC), report 25166; "
    "adapted from Guy W. ECDEU Assessment Manual for Psychopharmacology (CGI-Improvement), "
    "1976.",
    note="Scale direction (1 = very much improved) read at NINDS; the seven labels are the "
    "IMMPACT / Farrar wording, not read in full on the NINDS page.",
)
FARRAR_2001 = Source(
    "Farrar JT, Young JP Jr, LaMoreaux L, Werth JL, Poole RM. Clinical importance of changes in "
    "chronic pain intensity measured on an 11-point numerical pain rating scale. Pain "
    "2001;94:149-158.",
    note="'much' or 'very much improved' on the 7-point PGIC used as the responder anchor.",
)

PUBLIC_DOMAIN = Licence(
    holder="public domain",
    ship_text=True,
    note="NINDS Common Data Elements list the PGIC as available in the public domain.",
)

LABELS = (
    "Very much improved",
    "Much improved",
    "Minimally improved",
    "No change",
    "Minimally worse",
    "Much worse",
    "Very much worse",
)
RESPONDER_AT_MOST = 2

INSTRUMENT = Instrument(
    id="pgic",
    version="7-point, 1 = very much improved",
    title="Patient Global Impression of Change (PGIC)",
    citation=NINDS_PGIC,
    licence=PUBLIC_DOMAIN,
    items=(
        Item(
            id="1",
            text="Since the start of your care, how would you describe the change (if any) in "
            "your overall status?",
            type="choice",
            options=choice_options(LABELS, start=1),
        ),
    ),
    scoring=Scoring(
        total="sum_items",
        missing_rule="single item: a missing answer cannot be scored",
        rounding="none: the total is the answer code",
        source=NINDS_PGIC,
    ),
    score_range=(1.0, 7.0),
    lower_is_better=True,
    interpretation=Interpretation(
        bands=tuple(Band(label.lower(), float(k + 1)) for k, label in enumerate(LABELS)),
        source=NINDS_PGIC,
        note="Responder: 'much improved' or 'very much improved' (code <= 2), Farrar 2001.",
    ),
    extra={"responder_at_most": RESPONDER_AT_MOST, "responder_source": FARRAR_2001},
)
