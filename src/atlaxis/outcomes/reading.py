"""Plain-language readings and caveats shared by every outcome result.

Each outcome result carries a one-sentence ``reading`` in clinician language and the
``caveats`` that apply to it. The texts live here so the questionnaire, cohort and
single-case statistics speak with one voice, and so a test can check every sentence for
words we never use: outcomes are change *measured during care*, with its uncertainty;
never "worked", "cured", "restored" or "caused" (except in "cannot show ... caused").

>>> caveats_for("ab_design")[0].startswith("Before-and-during")
True
>>> check_wording("Pain was lower during care; this design cannot show the care caused it.")
'Pain was lower during care; this design cannot show the care caused it.'
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

#: Caveat texts by key. Results list the texts (not the keys) in ``caveats``.
CAVEATS: Mapping[str, str] = MappingProxyType(
    {
        "ab_design": (
            "Before-and-during-care comparison without a control group: it shows what changed, "
            "and this design cannot show that the care caused the change."
        ),
        "regression_to_mean": (
            "People often start care during a flare; part of any improvement can be a return "
            "toward their usual level (regression to the mean)."
        ),
        "co_therapies": (
            "Other treatments, medicines or life events in the same period may account for part "
            "of the change."
        ),
        "missing_days": (
            "Days or visits without data are left out, not filled in; if data were skipped on bad "
            "days, the change can look better than it was."
        ),
        "small_n": (
            "Few patients or measurements: the estimate is imprecise and may shift with more data."
        ),
        "autocorrelation": (
            "Daily ratings are not independent of each other; intervals that assume independence "
            "are too narrow, so they are descriptive only."
        ),
        "measurement_error": (
            "Questionnaire scores vary between occasions even without real change; changes "
            "smaller than the reliable-change threshold may be measurement noise."
        ),
        "sample_sd": (
            "The spread (SD) came from this sample rather than a published study of the "
            "instrument, so the reliable-change threshold is itself uncertain."
        ),
        "unverified_threshold": (
            "The change threshold used here is not verified in a primary source for this "
            "instrument (it may be carried over from a related instrument)."
        ),
        "baseline_zero": (
            "Patients with a baseline of 0 have no percentage change; they are left out and "
            "counted separately."
        ),
        "uncontrolled_cohort": (
            "These patients were not compared with a similar group who did not receive the care."
        ),
        "multiplicity": (
            "This is one of several possible comparisons; a difference in one subgroup can arise "
            "by chance and needs confirming in new data."
        ),
        "separation": (
            "The characteristic separates responders from non-responders (perfectly or almost), "
            "so no finite odds ratio can be estimated; report the counts instead."
        ),
        "few_events": (
            "Fewer than 10 responders (or non-responders) per model parameter: the odds ratio "
            "and its interval are unstable."
        ),
        "zero_cells": (
            "A count of zero in the table: 0.5 was added to every cell to compute the ratio, so "
            "the estimate is rough."
        ),
        "heterogeneity": (
            "Patients' changes differ more than their measurement uncertainty explains; the "
            "pooled value is an average, not what each patient can expect."
        ),
        "non_convergence": (
            "The model fit did not converge, so no estimate is reported; simpler summaries "
            "should be used instead."
        ),
        "model_assumptions": (
            "The mixed model assumes independent day-to-day errors (no autocorrelation), which "
            "makes its interval somewhat too narrow for daily diaries."
        ),
    }
)

#: Caveats every before/during-care comparison carries.
CHANGE_CAVEATS: tuple[str, ...] = ("ab_design", "regression_to_mean", "co_therapies")

_FORBIDDEN = re.compile(
    r"\b(work(?:s|ed|ing)?|cur(?:e|es|ed|ing)|restor\w*|caus(?:e|es|ed|ing|al|ation))\b",
    re.IGNORECASE,
)
_CAUSAL_DISCLAIMER = re.compile(r"\b(cannot|can't|can not|does not|do not|not)\s+show\b", re.I)


def caveats_for(*keys: str) -> tuple[str, ...]:
    """The caveat texts for ``keys`` in order, without duplicates.

    Raises ``KeyError`` naming every unknown key and the allowed ones.
    """
    unknown = [k for k in keys if k not in CAVEATS]
    if unknown:
        raise KeyError(f"unknown caveat key(s) {unknown}; allowed: {sorted(CAVEATS)}")
    return tuple(CAVEATS[k] for k in dict.fromkeys(keys))


def wording_problems(text: str) -> list[str]:
    """Words in ``text`` that overclaim (``worked``, ``cured``, ``restored``, ``caused`` ...).

    A causal word is allowed only in a disclaimer such as "cannot show the care caused it".
    """
    found: list[str] = []
    for match in _FORBIDDEN.finditer(text):
        word = match.group(0)
        if word.lower().startswith("caus"):
            before = text[max(0, match.start() - 60) : match.start()]
            if _CAUSAL_DISCLAIMER.search(before):
                continue
        found.append(word)
    return found


def check_wording(text: str) -> str:
    """Return ``text`` unchanged, or raise ``ValueError`` if it overclaims (a programming error)."""
    problems = wording_problems(text)
    if problems:
        raise ValueError(f"overclaiming word(s) {problems} in reading: {text!r}")
    return text


def fmt(value: float, digits: int = 1) -> str:
    """A number for a sentence: fixed ``digits``, a real minus sign, no ``-0.0``."""
    text = f"{value:.{digits}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", "−")


def fmt_pct(proportion: float, digits: int = 0) -> str:
    """A proportion (0–1) as a percentage string, e.g. ``0.304 -> '30%'``."""
    return f"{fmt(100 * proportion, digits)}%"


def fmt_ci(
    ci: tuple[float, float], digits: int = 1, *, level: float = 0.95, pct: bool = False
) -> str:
    """``'95% CI 1.2 to 3.4'`` (or percentages with ``pct``)."""
    show = fmt_pct if pct else fmt
    return f"{fmt(100 * level, 0)}% CI {show(ci[0], digits)} to {show(ci[1], digits)}"


def plural(n: int, word: str, words: str | None = None) -> str:
    """``'1 patient'`` / ``'3 patients'``."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


def to_plain(value: Any) -> Any:
    """JSON-friendly values: numpy scalars to Python, NaN/inf to ``None``, tuples to lists."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return result_dict(value)
    if isinstance(value, list | tuple | np.ndarray):
        return [to_plain(v) for v in value]
    return value


def result_dict(result: Any) -> dict[str, Any]:
    """A frozen result dataclass as a JSON-friendly dict (field order kept)."""
    return {f.name: to_plain(getattr(result, f.name)) for f in dataclasses.fields(result)}
