"""Segmented regression (interrupted time series) for one patient's daily diary.

``y(t) = b0 + b1 t + b2 D(t) + b3 (t - t0) D(t) + e(t)`` on real calendar days with
gaps, AR(1) errors with ``corr = rho**|dt|`` (REML by default, ML, or OLS with Newey–West
errors); see :mod:`atlaxis.outcomes.ar1` for the estimator. ``level_change`` is b2, the
change on the first care day relative to the baseline trend extended forward;
``slope_change`` is b3 per day. CIs use the t distribution with n - 4 df.

``p_improved`` is ``P(T < 0)`` (``P(T > 0)`` for improvement = increase) where
``T = level_change + level_se * t(n - 4)``: the level change's approximate sampling
distribution, centred on the estimate. Read as a Bayesian statement it is the posterior
probability under a flat prior on the coefficients *with rho and sigma fixed at their
estimates* (their uncertainty is ignored), so it is an approximation, not a full
posterior; it also equals 1 minus the one-sided p-value for "no improvement".
``p_improved_mcid`` is the same probability for a change beyond ``mcid`` points.

Minimum data (What Works Clearinghouse single-case standards, Kratochwill et al. 2010;
Turner et al. 2021, *BMC Med Res Methodol*, for series length): at least 7 recorded days
in each phase, and at least half of the days of each phase recorded; otherwise the
result is "insufficient" with the reason and no numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import stats

from atlaxis.outcomes import ar1, diary_input
from atlaxis.outcomes._checks import Checks
from atlaxis.outcomes.diary_input import IMPROVEMENTS
from atlaxis.outcomes.reading import caveats_for, check_wording, fmt, result_dict

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Improvement = Literal["decrease", "increase"]
METHODS = ("reml", "ml", "ols")

MIN_DAYS_PER_PHASE = 7
PREFERRED_BASELINE, PREFERRED_TREATMENT = 14, 28
MIN_COMPLETENESS, FLAG_COMPLETENESS = 0.5, 0.7
CONFIDENCE = 0.95
PROBABILITY_BASIS = (
    "t(n-4) distribution centred on the level change with its standard error (flat prior, "
    "rho and sigma fixed at their estimates); an approximation, not a full posterior"
)
_METHOD_TEXT = {
    "reml": "segmented regression, AR(1) errors on calendar days, REML",
    "ml": "segmented regression, AR(1) errors on calendar days, maximum likelihood",
    "ols": "segmented regression, OLS with Newey-West (HAC) standard errors",
}


@dataclass(frozen=True)
class SegmentedResult:
    """Level and slope change for one series; numbers are ``None`` when ``insufficient``."""

    level_change: float | None
    level_se: float | None
    level_ci: tuple[float, float] | None
    slope_change: float | None
    slope_se: float | None
    slope_ci: tuple[float, float] | None
    rho: float | None
    p_improved: float | None
    p_improved_mcid: float | None
    n_baseline: int
    n_treatment: int
    insufficient: str | None
    mcid: float | None
    improvement: str
    method: str
    df: int | None
    reading: str
    caveats: tuple[str, ...]
    probability_basis: str = PROBABILITY_BASIS

    def to_dict(self) -> dict[str, Any]:
        return result_dict(self)


@dataclass(frozen=True, eq=False)
class SegmentedArrays:
    """Estimates for a batch of series (NaN where ``reasons[i]`` is not ``None``)."""

    estimates: dict[str, FloatArray]
    n_baseline: IntArray
    n_treatment: IntArray
    completeness: FloatArray
    reasons: list[str | None]
    method: str
    mcid: float | None
    improvement: str


def _phase_counts(batch: ar1.SeriesBatch) -> tuple[IntArray, IntArray, FloatArray]:
    """Recorded days per phase and the lower of the two phases' recorded fractions."""
    before = batch.mask & (batch.t < batch.t0[:, None])
    n_base = before.sum(axis=1).astype(np.int64)
    n_treat = batch.n - n_base
    last = np.take_along_axis(batch.t, np.maximum(batch.n - 1, 0)[:, None], axis=1)[:, 0]
    span_base = np.maximum(batch.t0, 1.0)
    span_treat = np.maximum(last - batch.t0 + 1.0, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.minimum(n_base / span_base, n_treat / span_treat)
    return n_base, n_treat, frac


def _reason(n_base: int, n_treat: int, completeness: float, flat: bool) -> str | None:
    missing = [
        f"at least {MIN_DAYS_PER_PHASE} recorded {label} days (has {count})"
        for label, count in (("baseline", n_base), ("care", n_treat))
        if count < MIN_DAYS_PER_PHASE
    ]
    if missing:
        return "needs " + " and ".join(missing)
    if completeness < MIN_COMPLETENESS:
        return (
            f"needs at least {MIN_COMPLETENESS:.0%} of the days of each phase recorded "
            f"(lowest phase has {completeness:.0%})"
        )
    if flat:
        return "needs day-to-day variation: the values lie exactly on two straight lines"
    return None


def _probabilities(
    level: FloatArray, se: FloatArray, df: FloatArray, mcid: float | None, improvement: str
) -> tuple[FloatArray, FloatArray]:
    sign = -1.0 if improvement == "decrease" else 1.0
    p_any = stats.t.cdf(sign * level / se, df)
    if mcid is None:
        return p_any, np.full_like(level, np.nan)
    return p_any, stats.t.cdf((sign * level - mcid) / se, df)


def segmented_arrays(
    batch: ar1.SeriesBatch, method: ar1.Method, mcid: float | None, improvement: str
) -> SegmentedArrays:
    """Fit every series with enough data; the shared engine of both public paths."""
    n_base, n_treat, completeness = _phase_counts(batch)
    enough = (n_base >= MIN_DAYS_PER_PHASE) & (n_treat >= MIN_DAYS_PER_PHASE)
    flat = np.zeros(batch.size, dtype=bool)
    if enough.any():
        flat[enough] = ar1.noise_free(batch.take(np.flatnonzero(enough)))
    reasons = [
        _reason(int(b), int(t), float(c), bool(f))
        for b, t, c, f in zip(n_base, n_treat, completeness, flat, strict=True)
    ]
    rows = np.array([i for i, r in enumerate(reasons) if r is None], dtype=np.int64)
    keys = ("level", "level_se", "slope", "slope_se", "rho", "df", "p_any", "p_mcid")
    est = {k: np.full(batch.size, np.nan) for k in keys}
    if rows.size:
        fitted = ar1.fit(batch.take(rows), method)
        se = np.sqrt(np.diagonal(fitted.cov, axis1=1, axis2=2))
        df = fitted.df.astype(np.float64)
        p_any, p_mcid = _probabilities(fitted.beta[:, 2], se[:, 2], df, mcid, improvement)
        values = (fitted.beta[:, 2], se[:, 2], fitted.beta[:, 3], se[:, 3], fitted.rho, df)
        for key, value in zip(keys, (*values, p_any, p_mcid), strict=True):
            est[key][rows] = value
    return SegmentedArrays(
        estimates=est,
        n_baseline=n_base,
        n_treatment=n_treat,
        completeness=completeness,
        reasons=reasons,
        method=method,
        mcid=mcid,
        improvement=improvement,
    )


def _ci(est: float, se: float, df: float) -> tuple[float, float]:
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, df)) * se
    return est - half, est + half


def _reading(level: float, ci: tuple[float, float], improvement: str, label: str) -> str:
    lower_is_better = improvement == "decrease"
    if ci[0] > 0 or ci[1] < 0:
        direction = "lower" if level < 0 else "higher"
        better = (level < 0) == lower_is_better
        tail = (
            "this before/during design cannot show the care caused it"
            if better
            else "this before/during design cannot show why"
        )
        text = (
            f"At the start of care, {label} was {fmt(abs(level))} points {direction} than the "
            f"baseline trend predicted (95% CI {fmt(ci[0])} to {fmt(ci[1])}), beyond "
            f"day-to-day noise; {tail}."
        )
    else:
        text = (
            f"At the start of care, {label} was not clearly different from the baseline "
            f"trend (change {fmt(level)} points, 95% CI {fmt(ci[0])} to {fmt(ci[1])}); the "
            "difference is within day-to-day noise."
        )
    return check_wording(text)


def _caveats(arrays: SegmentedArrays, i: int) -> tuple[str, ...]:
    base = caveats_for("ab_design", "regression_to_mean", "co_therapies", "missing_days")
    extra: list[str] = []
    rho = arrays.estimates["rho"][i]
    if arrays.method == "ols":
        extra.append(
            "Ordinary least squares with Newey-West errors: in short series these intervals "
            "are often too narrow; the AR(1) model (REML) is preferred (Turner et al. 2021)."
        )
    elif np.isfinite(rho):
        extra.append(
            f"Day-to-day correlation is modelled as AR(1) (rho = {fmt(float(rho), 2)}); short "
            "series tend to underestimate it, which makes intervals somewhat too narrow."
        )
    extra.append(
        "The level change compares the first care day with the baseline trend extended "
        "forward; a short or irregular baseline makes that projection uncertain."
    )
    n_b, n_t = int(arrays.n_baseline[i]), int(arrays.n_treatment[i])
    if n_b < PREFERRED_BASELINE or n_t < PREFERRED_TREATMENT:
        extra.append(
            f"{n_b} baseline and {n_t} care days recorded, fewer than the preferred "
            f"{PREFERRED_BASELINE} and {PREFERRED_TREATMENT}: the estimates are imprecise."
        )
    if arrays.completeness[i] < FLAG_COMPLETENESS:
        extra.append(
            f"Only {fmt(100 * float(arrays.completeness[i]), 0)}% of the days of one phase "
            "were recorded."
        )
    return base + tuple(extra)


def segmented_result(arrays: SegmentedArrays, i: int, label: str) -> SegmentedResult:
    """The result for series ``i`` of a batch."""
    reason = arrays.reasons[i]
    common: dict[str, Any] = {
        "n_baseline": int(arrays.n_baseline[i]),
        "n_treatment": int(arrays.n_treatment[i]),
        "mcid": arrays.mcid,
        "improvement": arrays.improvement,
        "method": _METHOD_TEXT[arrays.method],
    }
    if reason is not None:
        keys = ("level_change", "level_se", "level_ci", "slope_change", "slope_se", "slope_ci")
        empty: dict[str, Any] = dict.fromkeys((*keys, "rho", "p_improved", "p_improved_mcid", "df"))
        return SegmentedResult(
            **empty,
            **common,
            insufficient=reason,
            reading=check_wording(f"Not enough diary data to estimate change: {reason}."),
            caveats=caveats_for("ab_design", "missing_days"),
        )
    e = {k: float(v[i]) for k, v in arrays.estimates.items()}
    level_ci = _ci(e["level"], e["level_se"], e["df"])
    return SegmentedResult(
        level_change=e["level"],
        level_se=e["level_se"],
        level_ci=level_ci,
        slope_change=e["slope"],
        slope_se=e["slope_se"],
        slope_ci=_ci(e["slope"], e["slope_se"], e["df"]),
        rho=e["rho"] if np.isfinite(e["rho"]) else None,
        p_improved=e["p_any"],
        p_improved_mcid=e["p_mcid"] if arrays.mcid is not None else None,
        **common,
        insufficient=None,
        df=int(e["df"]),
        reading=_reading(e["level"], level_ci, arrays.improvement, label),
        caveats=_caveats(arrays, i),
    )


def check_options(checks: Checks, method: Any, mcid: Any, improvement: Any) -> float | None:
    """Validate the options shared by the per-patient and cohort paths."""
    checks.choice("method", method, METHODS)
    checks.choice("improvement", improvement, IMPROVEMENTS)
    if mcid is None:
        return None
    value = checks.number("mcid", mcid, allowed="a number >= 0 (points on the diary scale)")
    if np.isfinite(value) and value < 0:
        checks.add("mcid", f"must be 0 or more, got {mcid!r}", "a magnitude >= 0")
    return value


def segmented_regression(
    days: Sequence[int] | IntArray,
    values: Sequence[float | None] | FloatArray,
    first_treatment_day: int,
    *,
    method: ar1.Method = "reml",
    mcid: float | None = None,
    improvement: Improvement = "decrease",
    label: str = "the diary score",
) -> SegmentedResult:
    """Level and slope change of one diary series at the first care day.

    ``days`` are whole calendar-day numbers (gaps allowed, any order), ``values`` the
    diary values on those days (``None``/NaN = not recorded). ``mcid`` is a magnitude in
    points; ``label`` names the outcome in the reading ("pain", "fatigue").
    """
    checks = Checks("segmented_regression")
    d = diary_input.days(checks, "days", days)
    y = checks.series("values", values)
    if d.size == np.size(days):
        checks.same_length(("days", "values"), (d.astype(np.float64), y))
    t0 = diary_input.day(checks, "first_treatment_day", first_treatment_day)
    mcid_value = check_options(checks, method, mcid, improvement)
    checks.raise_if_any()
    order = np.argsort(d, kind="stable")
    batch = ar1.batch_from_grid(d[order], y[order][None, :], np.array([t0]))
    arrays = segmented_arrays(batch, method, mcid_value, improvement)
    return segmented_result(arrays, 0, label)
