"""Clinically important change: a minimal clinically important difference (MCID) and the
IMMPACT percentage benchmarks for pain.

Sources (facts only; the code is our own):

* Dworkin RH, Turk DC, Wyrwich KW, et al. (2008). Interpreting the clinical importance of
  treatment outcomes in chronic pain clinical trials: IMMPACT recommendations. *J Pain*
  9(2):105–121, doi:10.1016/j.jpain.2007.09.005 — reductions in 0–10 pain of 10–20%
  minimally important, ≥ 30% moderately important, ≥ 50% substantial.
* Farrar JT et al. (2001). *Pain* 94:149–158 — about 30% (2 points) is clinically important.

Sign convention: ``change = post − pre``; on a lower-is-better scale an improvement is
negative. Percentages are relative to the baseline, which must not be 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from atlaxis.outcomes._checks import Checks
from atlaxis.outcomes.change import EPS, Direction, direction_of
from atlaxis.outcomes.reading import CHANGE_CAVEATS, caveats_for, check_wording, fmt, result_dict

if TYPE_CHECKING:
    from atlaxis.instruments.model import Instrument

ImmpactLabel = Literal["none", "minimal", "moderate", "substantial"]


# ------------------------------------------------------------------------------------ MCID


@dataclass(frozen=True)
class McidChange:
    """Change compared with a minimal clinically important difference (MCID).

    ``category`` is ``"improved"`` / ``"worsened"`` when the change in that direction is at
    least the MCID (the same size is used both ways), else ``"below mcid"``.
    ``percent_change`` is ``100·(post − pre)/pre`` (``None`` when ``pre`` is 0).
    """

    pre: float
    post: float
    change: float
    percent_change: float | None
    mcid: float
    unit: Literal["points", "percent"]
    direction: Direction
    category: Literal["improved", "worsened", "below mcid"]
    meets_mcid: bool
    lower_is_better: bool
    instrument: str | None
    threshold_source: str | None
    reading: str
    caveats: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return result_dict(self)


def mcid_change(
    pre: float,
    post: float,
    *,
    mcid: float | None = None,
    lower_is_better: bool | None = None,
    unit: Literal["points", "percent"] | None = None,
    instrument: str | Instrument | None = None,
) -> McidChange:
    """Classify ``post − pre`` against an MCID, in points or percent of ``pre``.

    With ``instrument`` (an id or an :class:`~atlaxis.instruments.model.Instrument`) the MCID
    (or, failing that, the MIC), its unit and the scale direction come from the definition;
    explicit ``mcid``/``unit``/``lower_is_better`` override them.
    """
    checks = Checks("mcid_change")
    x1 = checks.number("pre", pre)
    x2 = checks.number("post", post)
    threshold, source, evidence, inst_id = None, None, None, None
    if instrument is not None:
        inst = _instrument(instrument)
        inst_id = inst.id
        lower_is_better = inst.lower_is_better if lower_is_better is None else lower_is_better
        found = inst.threshold("mcid") or inst.threshold("mic")
        if found is not None:
            threshold, source, evidence = found, found.source.citation, found.source.evidence
        elif mcid is None:
            checks.add("instrument", f"{inst.id!r} defines no MCID or MIC", "pass mcid=...")
    value = mcid if mcid is not None else (threshold.value if threshold else None)
    unit = unit or (threshold.unit if threshold else "points")
    checks.choice("unit", unit, ("points", "percent"))
    size = checks.positive("mcid", value) if value is not None or instrument is None else math.nan
    if unit == "percent" and x1 == 0:
        checks.add("pre", "is 0, so a percentage change is undefined", "pre ≠ 0 for a % MCID")
    checks.raise_if_any()

    better = True if lower_is_better is None else lower_is_better
    change = x2 - x1
    pct = None if x1 == 0 else 100.0 * change / abs(x1)
    magnitude = abs(change) if unit == "points" else abs(pct or 0.0)
    direction = direction_of(change, better)
    meets = direction != "no change" and magnitude >= size - EPS
    category: Literal["improved", "worsened", "below mcid"] = "below mcid"
    if meets:
        category = "improved" if direction == "improvement" else "worsened"
    keys = [*CHANGE_CAVEATS] + (["unverified_threshold"] if evidence == "unverified" else [])
    return McidChange(
        pre=x1,
        post=x2,
        change=change,
        percent_change=pct,
        mcid=size,
        unit=unit,
        direction=direction,
        category=category,
        meets_mcid=meets,
        lower_is_better=better,
        instrument=inst_id,
        threshold_source=source if mcid is None else None,
        reading=check_wording(_mcid_reading(change, pct, size, unit, category)),
        caveats=caveats_for(*keys),
    )


def _instrument(instrument: str | Instrument) -> Instrument:
    if isinstance(instrument, str):
        from atlaxis.instruments.registry import get_instrument

        return get_instrument(instrument)
    return instrument


def _mcid_reading(change: float, pct: float | None, mcid: float, unit: str, category: str) -> str:
    shown = f"{fmt(abs(change))} points" if unit == "points" else f"{fmt(abs(pct or 0.0), 0)}%"
    limit = f"{fmt(mcid)} points" if unit == "points" else f"{fmt(mcid, 0)}%"
    moved = (
        "did not change"
        if abs(change) < EPS
        else (f"{'rose' if change > 0 else 'fell'} by {shown}")
    )
    if category == "below mcid":
        return f"The score {moved}, less than the {limit} judged minimally important."
    kind = "an improvement" if category == "improved" else "a worsening"
    return (
        f"The score {moved}, at least the {limit} judged minimally important: {kind} "
        "measured during care; this comparison cannot show the care caused it."
    )


# --------------------------------------------------------------------------------- IMMPACT


@dataclass(frozen=True)
class ImmpactChange:
    """Percentage change from baseline in IMMPACT categories, with its direction.

    ``percent_improvement`` is positive for change toward health (for pain,
    ``100·(baseline − followup)/baseline``). ``category`` grades the *size* of the change
    whichever way it went; ``improvement_category`` is ``category`` for an improvement and
    ``"none"`` otherwise (the value :func:`immpact_category` returns by default).
    """

    baseline: float
    followup: float
    percent_improvement: float
    direction: Direction
    category: ImmpactLabel
    improvement_category: ImmpactLabel
    lower_is_better: bool
    reading: str
    caveats: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return result_dict(self)


def immpact_label(percent: float) -> ImmpactLabel:
    """IMMPACT grade of a percentage change size: < 10 none, 10–<30 minimal, 30–<50
    moderate, ≥ 50 substantial (rounded to 9 decimals so 30% is not read as 29.999…%)."""
    size = round(abs(percent), 9)
    if size >= 50:
        return "substantial"
    if size >= 30:
        return "moderate"
    if size >= 10:
        return "minimal"
    return "none"


def immpact_change(
    baseline: float, followup: float, *, lower_is_better: bool = True, measure: str = "pain"
) -> ImmpactChange:
    """IMMPACT (Dworkin 2008) category of the change from ``baseline`` to ``followup``.

    ``baseline`` must be greater than 0: a percentage change from 0 is undefined, so such a
    patient is left out of percentage analyses (and counted; see
    :func:`atlaxis.outcomes.cohort.responder_rates`). Here it raises ``ValidationError``.
    """
    checks = Checks("immpact_change")
    b = checks.number("baseline", baseline)
    f = checks.number("followup", followup)
    if b == 0:
        checks.add(
            "baseline",
            "is 0, so a percentage change is undefined (leave the patient out and count them)",
            "a baseline > 0",
        )
    elif b < 0:
        checks.add("baseline", f"must be greater than 0, got {baseline!r}", "a baseline > 0")
    checks.raise_if_any()
    toward_health = -1.0 if lower_is_better else 1.0
    pct = 100.0 * toward_health * (f - b) / b
    direction = direction_of(f - b, lower_is_better)
    label = immpact_label(pct)
    return ImmpactChange(
        baseline=b,
        followup=f,
        percent_improvement=pct,
        direction=direction,
        category=label,
        improvement_category=label if direction == "improvement" else "none",
        lower_is_better=lower_is_better,
        reading=check_wording(_immpact_reading(measure, b, f, pct, label, direction)),
        caveats=caveats_for(*CHANGE_CAVEATS),
    )


def immpact_category(
    baseline: float,
    followup: float,
    *,
    direction: Literal["improvement", "worsening", "either"] = "improvement",
    lower_is_better: bool = True,
) -> ImmpactLabel:
    """``"none"``, ``"minimal"``, ``"moderate"`` or ``"substantial"`` (IMMPACT, Dworkin 2008).

    By default grades the *improvement* (a worsening grades ``"none"``); ask for
    ``direction="worsening"`` to grade a worsening, or ``"either"`` for the size whichever
    way it went. :func:`immpact_change` returns the size and the direction together.
    """
    checks = Checks("immpact_category")
    checks.choice("direction", direction, ("improvement", "worsening", "either"))
    checks.raise_if_any()
    result = immpact_change(baseline, followup, lower_is_better=lower_is_better)
    if direction == "either" or result.direction == direction:
        return result.category
    return "none"


def _immpact_reading(
    measure: str, b: float, f: float, pct: float, label: str, direction: Direction
) -> str:
    what = measure[:1].upper() + measure[1:]
    span = f"(from {fmt(b)} to {fmt(f)})"
    if direction == "no change":
        return f"{what} was the same at follow-up as at baseline {span}."
    higher_lower = "lower" if f < b else "higher"
    size = f"{what} was {fmt(abs(pct), 0)}% {higher_lower} at follow-up than at baseline {span}"
    if label == "none":
        return f"{size}, less than the 10% IMMPACT treats as minimally important."
    kind = "improvement" if direction == "improvement" else "worsening"
    return (
        f"{size}, a {label} {kind} by IMMPACT benchmarks, measured during care; this "
        "comparison cannot show the care caused it."
    )
