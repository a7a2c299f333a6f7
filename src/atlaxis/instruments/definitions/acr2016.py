"""ACR 2016 fibromyalgia criteria, with the polysymptomatic distress (PSD) scale.

Wolfe F, Clauw DJ, Fitzcharles MA, et al. 2016 revisions to the 2010/2011 fibromyalgia
diagnostic criteria. Semin Arthritis Rheum 2016;46(3):319-329.

* WPI (0-19): count of the 19 sites painful in the past week (a site left out of the
  answers is not painful).
* SSS (0-12): fatigue, waking unrefreshed and cognitive symptoms (each 0-3) plus
  headaches, pain or cramps in the lower abdomen and depression in the previous 6 months
  (each 0/1). Every SSS item is needed; without them the response is not scorable.
* PSD = WPI + SSS (0-31), banded by Wolfe et al. 2015.
* Generalized pain: pain in at least 4 of 5 regions; jaw, chest and abdomen do not count.
* 2016 criteria: (WPI >= 7 and SSS >= 5) or (WPI 4-6 and SSS >= 9), and generalized
  pain, and symptoms present for at least 3 months.
* 2010/2011 rule for comparison: (WPI >= 7 and SSS >= 5) or (WPI 3-6 and SSS >= 9).

Criteria use three-valued logic: ``acr2016_met``, ``acr2010_met`` and
``generalized_pain`` are True or False whenever the answers given already decide them
(e.g. fewer than 4 painful regions means the 2016 criteria are not met, whether or not
``symptoms_3_months`` was answered) and None only when an unanswered item could still
change the result. A flag is listed exactly when its detail is True.

These are classification aids for a clinician, not a diagnosis.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

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
from atlaxis.instruments.result import ScoreResult

if TYPE_CHECKING:
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
    BoolArray = npt.NDArray[np.bool_]

WOLFE_2016 = Source(
    "Wolfe F, Clauw DJ, Fitzcharles MA, Goldenberg DL, Häuser W, Katz RL, Mease PJ, Russell AS, "
    "Russell IJ, Walitt B. 2016 revisions to the 2010/2011 fibromyalgia diagnostic criteria. "
    "Semin Arthritis Rheum 2016;46:319-329."
)
WOLFE_2010 = Source(
    "Wolfe F, Clauw DJ, Fitzcharles MA, et al. The American College of Rheumatology "
    "preliminary diagnostic criteria for fibromyalgia and measurement of symptom severity. "
    "Arthritis Care Res 2010;62(5):600-610. doi:10.1002/acr.20140."
)
WOLFE_2015 = Source(
    "Wolfe F, Walitt BT, Rasker JJ, Katz RS, Häuser W. The use of polysymptomatic distress "
    "categories in the evaluation of fibromyalgia (FM) and FM severity. J Rheumatol "
    "2015;42(8):1494-1501. doi:10.3899/jrheum.141519.",
    note="PSD 0-3 none, 4-7 mild, 8-11 moderate, 12-19 severe, 20-31 very severe.",
)

ACR_LICENCE = Licence(
    holder="criteria published in journal articles (Elsevier, Wiley)",
    ship_text=True,
    note="Body-site and symptom labels are restated in the literature and ship as labels; "
    "the copyright of the verbatim self-report form was not checked, so atlaxis uses its "
    "own short labels.",
)

#: region -> WPI sites that count for generalized pain (jaw, chest, abdomen excluded)
REGIONS: dict[str, tuple[str, ...]] = {
    "left_upper": ("shoulder_girdle_left", "upper_arm_left", "lower_arm_left"),
    "right_upper": ("shoulder_girdle_right", "upper_arm_right", "lower_arm_right"),
    "left_lower": ("hip_left", "upper_leg_left", "lower_leg_left"),
    "right_lower": ("hip_right", "upper_leg_right", "lower_leg_right"),
    "axial": ("neck", "upper_back", "lower_back"),
}
WPI_SITES = (
    "jaw_left", "jaw_right", "shoulder_girdle_left", "shoulder_girdle_right",
    "upper_arm_left", "upper_arm_right", "lower_arm_left", "lower_arm_right",
    "hip_left", "hip_right", "upper_leg_left", "upper_leg_right",
    "lower_leg_left", "lower_leg_right", "neck", "upper_back", "lower_back", "chest", "abdomen",
)  # fmt: skip
SEVERITY_ITEMS = ("fatigue", "waking_unrefreshed", "cognitive_symptoms")
SOMATIC_ITEMS = ("headaches", "lower_abdominal_pain", "depression")
SSS_ITEMS = SEVERITY_ITEMS + SOMATIC_ITEMS
DURATION_ITEM = "symptoms_3_months"

_SITE_LABELS = {
    "hip_left": "hip (buttock, trochanter), left",
    "hip_right": "hip (buttock, trochanter), right",
}
_SEVERITY_LABELS = (
    "0 no problem",
    "1 slight or mild problems; generally mild or intermittent",
    "2 moderate; considerable problems; often present and/or at a moderate level",
    "3 severe; pervasive, continuous, life-disturbing problems",
)
_SYMPTOM_TEXT = {
    "fatigue": "Fatigue during the past week",
    "waking_unrefreshed": "Waking unrefreshed during the past week",
    "cognitive_symptoms": "Cognitive symptoms (trouble thinking or remembering) during the "
    "past week",
    "headaches": "Headaches during the previous 6 months",
    "lower_abdominal_pain": "Pain or cramps in the lower abdomen during the previous 6 months",
    "depression": "Depression during the previous 6 months",
    DURATION_ITEM: "Symptoms generally present for at least 3 months",
}


def _site_label(site: str) -> str:
    return _SITE_LABELS.get(
        site, site.replace("_", " ").replace(" left", ", left").replace(" right", ", right")
    )


def _items() -> tuple[Item, ...]:
    sites = tuple(
        Item(
            id=s,
            text=f"Pain in the past week: {_site_label(s)}",
            type="boolean",
            required=False,
            section="wpi",
        )
        for s in WPI_SITES
    )
    severity = tuple(
        Item(
            id=i,
            text=_SYMPTOM_TEXT[i],
            type="choice",
            options=choice_options(_SEVERITY_LABELS),
            section="sss",
        )
        for i in SEVERITY_ITEMS
    )
    somatic = tuple(
        Item(id=i, text=_SYMPTOM_TEXT[i], type="boolean", section="sss") for i in SOMATIC_ITEMS
    )
    duration = Item(id=DURATION_ITEM, text=_SYMPTOM_TEXT[DURATION_ITEM], type="boolean")
    return (*sites, *severity, *somatic, duration)


Ternary = bool | None


def meets_wpi_sss(wpi: float, sss: float, lowest_wpi: int) -> bool:
    """(WPI >= 7 and SSS >= 5) or (WPI lowest_wpi..6 and SSS >= 9)."""
    return (wpi >= 7 and sss >= 5) or (lowest_wpi <= wpi <= 6 and sss >= 9)


def _between(low: bool, high: bool) -> Ternary:
    """A monotone rule known at both ends of a range: True/False when they agree."""
    if low:
        return True
    return None if high else False


def kleene_and(*values: Ternary) -> Ternary:
    """Three-valued AND: False if any is False, True if all are True, otherwise None."""
    if any(v is False for v in values):
        return False
    return True if all(v is True for v in values) else None


def _bounds(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Lower and upper bounds of WPI, SSS and regions over every way to fill the gaps.

    The WPI/SSS rule is monotone (more sites or more severity never un-meets it), so the
    criteria are decided when they agree at both bounds. With every SSS item answered the
    form counts as complete and an unanswered site is not painful; on a partial form an
    unanswered site may still be painful.
    """
    sss_known = [i for i in SSS_ITEMS if i in answers]
    sss_lo = sum(int(answers[i]) for i in sss_known)
    sss_hi = sss_lo + sum(3 if i in SEVERITY_ITEMS else 1 for i in SSS_ITEMS if i not in answers)
    complete = len(sss_known) == len(SSS_ITEMS)

    def possible(site: str) -> bool:
        value = answers.get(site)
        return value is True or (value is None and not complete)

    painful = [s for s in WPI_SITES if answers.get(s) is True]
    regions = [r for r, sites in REGIONS.items() if any(answers.get(s) is True for s in sites)]
    return {
        "complete": complete,
        "painful": painful,
        "regions": regions,
        "wpi": (len(painful), sum(possible(s) for s in WPI_SITES)),
        "sss": (sss_lo, sss_hi),
        "regions_hi": sum(any(possible(s) for s in sites) for sites in REGIONS.values()),
    }


def criteria(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Generalized pain and the 2016 and 2010/2011 criteria, each True, False or None.

    None only when an unanswered item could still change the result.
    """
    b = _bounds(answers)
    (wpi_lo, wpi_hi), (sss_lo, sss_hi) = b["wpi"], b["sss"]
    generalized = _between(len(b["regions"]) >= 4, b["regions_hi"] >= 4)
    rule_2016 = _between(meets_wpi_sss(wpi_lo, sss_lo, 4), meets_wpi_sss(wpi_hi, sss_hi, 4))
    rule_2010 = _between(meets_wpi_sss(wpi_lo, sss_lo, 3), meets_wpi_sss(wpi_hi, sss_hi, 3))
    duration: Ternary = answers.get(DURATION_ITEM)
    return {
        **b,
        "generalized_pain": generalized,
        "acr2016_met": kleene_and(rule_2016, generalized, duration),
        "acr2010_met": rule_2010,
    }


def score_acr2016(instrument: Instrument, answers: Mapping[str, Any]) -> ScoreResult:
    """Score one validated ACR 2016 response."""
    c = criteria(answers)
    wpi = float(len(c["painful"]))
    sss = float(c["sss"][0]) if c["complete"] else None
    total = None if sss is None else wpi + sss
    flags = [name for name in ("generalized_pain", "acr2016_met", "acr2010_met") if c[name]]
    assert instrument.interpretation is not None
    return ScoreResult(
        instrument=instrument.id,
        version=instrument.version,
        total=total,
        subscales={"wpi": wpi, "sss": sss, "regions": float(len(c["regions"]))},
        band=None if total is None else instrument.interpretation.band_for(total),
        flags=flags,
        complete=total is not None,
        missing=[i.id for i in instrument.items if i.required and i.id not in answers],
        details={
            "generalized_pain": c["generalized_pain"],
            "acr2016_met": c["acr2016_met"],
            "acr2010_met": c["acr2010_met"],
            "symptoms_3_months": answers.get(DURATION_ITEM),
            "painful_sites": c["painful"],
            "painful_regions": c["regions"],
        },
    )


def _wpi_sss_rule(wpi: FloatArray, sss: FloatArray, lowest_wpi: int) -> BoolArray:
    rule: BoolArray = ((wpi >= 7) & (sss >= 5)) | ((wpi >= lowest_wpi) & (wpi <= 6) & (sss >= 9))
    return rule


def _ternary(low: BoolArray, high: BoolArray) -> FloatArray:
    """Columns of ``_between``: 1.0 met at the low bound, 0.0 unmet at the high, else NaN."""
    return np.where(low, 1.0, np.where(high, np.nan, 0.0))


def _and3(*cols: FloatArray) -> FloatArray:
    """Columns of ``kleene_and`` (1.0, 0.0, NaN)."""
    stacked = np.vstack(cols)
    out = np.where(np.isnan(stacked).any(axis=0), np.nan, 1.0)
    return np.where((stacked == 0.0).any(axis=0), 0.0, out)


def batch_acr2016(instrument: Instrument, points: Mapping[str, FloatArray]) -> dict[str, Any]:
    """Vectorised ``score_acr2016`` over columns of points (NaN = missing).

    Criteria columns are floats: 1.0 met, 0.0 not met, NaN unknown.
    """
    n = next(iter(points.values())).shape[0] if points else 0
    nan = np.full(n, np.nan)
    sss_lo, sss_hi, n_sss = np.zeros(n), np.zeros(n), np.zeros(n)
    for item in SSS_ITEMS:
        col = points.get(item, nan)
        gap = np.isnan(col)
        sss_lo += np.where(gap, 0.0, col)
        sss_hi += np.where(gap, 3.0 if item in SEVERITY_ITEMS else 1.0, col)
        n_sss += ~gap
    complete = n_sss == len(SSS_ITEMS)

    def painful(site: str) -> BoolArray:
        marked: BoolArray = np.equal(points.get(site, nan), 1.0)
        return marked

    def possible(site: str) -> BoolArray:
        maybe: BoolArray = painful(site) | (np.isnan(points.get(site, nan)) & ~complete)
        return maybe

    wpi = np.zeros(n)
    wpi_hi = np.zeros(n)
    for site in WPI_SITES:
        wpi += painful(site)
        wpi_hi += possible(site)
    regions, regions_hi = np.zeros(n), np.zeros(n)
    for sites in REGIONS.values():
        regions += painful(sites[0]) | painful(sites[1]) | painful(sites[2])
        regions_hi += possible(sites[0]) | possible(sites[1]) | possible(sites[2])
    generalized = _ternary(regions >= 4, regions_hi >= 4)
    met_2016 = _and3(
        _ternary(_wpi_sss_rule(wpi, sss_lo, 4), _wpi_sss_rule(wpi_hi, sss_hi, 4)),
        generalized,
        points.get(DURATION_ITEM, nan),
    )
    sss = np.where(complete, sss_lo, np.nan)
    return {
        "total": wpi + sss,
        "complete": complete,
        "wpi": wpi,
        "sss": sss,
        "regions": regions,
        "generalized_pain": generalized,
        "acr2016_met": met_2016,
        "acr2010_met": _ternary(_wpi_sss_rule(wpi, sss_lo, 3), _wpi_sss_rule(wpi_hi, sss_hi, 3)),
    }


INSTRUMENT = Instrument(
    id="acr2016",
    version="2016",
    title="ACR 2016 fibromyalgia criteria and polysymptomatic distress scale",
    citation=WOLFE_2016,
    licence=ACR_LICENCE,
    recall_period="pain and symptom severity: past week; somatic symptoms: previous 6 months",
    items=_items(),
    scoring=Scoring(
        total="custom",
        missing_rule="a WPI site left unanswered counts as not painful; every symptom severity "
        "item (fatigue, waking unrefreshed, cognitive symptoms, headaches, lower abdominal "
        "pain, depression) is needed, otherwise the response is not scorable",
        rounding="none: WPI, SSS and PSD are integers",
        source=WOLFE_2016,
    ),
    score_range=(0.0, 31.0),
    interpretation=Interpretation(
        bands=(
            Band("none", 0),
            Band("mild", 4),
            Band("moderate", 8),
            Band("severe", 12),
            Band("very severe", 20),
        ),
        source=WOLFE_2015,
        note="Salaffi 2020 proposes different PSD bands; they are not mixed in here.",
    ),
    custom_scorer=score_acr2016,
    batch_scorer=batch_acr2016,
    extra={"criteria_sources": (WOLFE_2010, WOLFE_2016)},
)
