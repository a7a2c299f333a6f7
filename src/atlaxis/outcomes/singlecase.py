"""Non-overlap effect sizes for one before/during-care diary series (descriptive).

Definitions (improvement = increase; for a decrease every value is multiplied by -1):

* PND (Scruggs, Mastropieri & Casto 1987): share of care days beyond the best baseline day.
* PAND (Parker, Hagan-Burke & Vannest 2007): largest share of all days that can be kept
  when removing days until every kept baseline day is below every kept care day.
* NAP (Parker & Vannest 2009, *Behav Ther* 40:357): share of (baseline day, care day)
  pairs where the care day is better, ties counting 1/2. Its SE is the exactly unbiased
  estimator (Sen 1967; Mee 1990) with NAP truncated to [0.5/mn, 1 - 0.5/mn] in the
  leading term, and its CI Newcombe's (2006, *Stat Med* 25:559) score method 5: the roots
  of ``mn (NAP-x)^2 (2-x)(1+x) = z^2 x(1-x) (2 + h + (1+2h) x(1-x))``, ``h = (m+n)/2 - 1``,
  found by bisection on [0, NAP] and [NAP, 1]. Bisection only looks at interior points,
  so the trivial root x = NAP at NAP = 0 or 1 never ends the search: the interval stays
  informative there.
* Tau = 2 NAP - 1 (Parker, Vannest, Davis & Sauber 2011, *Behav Ther* 42:284).
* Tau-U, "A vs B minus trend A" (Parker et al. 2011): ``(S_AB - S_A) / mn`` with
  ``S_A = sum_{i<j} sign(a_j - a_i)``; it can exceed 1 in absolute value.
* Tau-BC (Tarlow 2017, *Behav Modif* 41:427): Tau after removing the Theil–Sen baseline
  trend (median pairwise slope over sessions 1..m) from every day; sessions are the
  recorded days in order (m+1..m+n for care days), the baseline trend is always removed.

All standard errors assume independent days; diary days are correlated, so they are
descriptive only. Fewer than 3 recorded days in a phase gives an "insufficient data"
result; 3-4 days are flagged "with reservations" (Kratochwill et al. 2010, What Works
Clearinghouse single-case design standards: at least 5 points per phase).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import stats

from atlaxis.outcomes._checks import Checks
from atlaxis.outcomes.diary_input import IMPROVEMENTS
from atlaxis.outcomes.reading import caveats_for, check_wording, fmt, result_dict

FloatArray = npt.NDArray[np.float64]
Improvement = Literal["decrease", "increase"]

MIN_DAYS = 3
FULL_DAYS = 5
CONFIDENCE = 0.95
_BISECTION_STEPS = 64
_CHUNK_CELLS = 4_000_000
_METHOD = (
    "PND, PAND, NAP (unbiased SE, Newcombe score CI), Tau, Tau-U (A vs B - trend A), "
    "Tau-BC (Theil-Sen baseline correction); recorded days only"
)
_INDEX_FIELDS = ("pnd", "pand", "nap", "nap_se", "nap_ci", "tau", "tau_u", "tau_bc")
_NON_OVERLAP_CAVEATS = (
    "NAP's standard error and interval assume independent days; diary days are correlated, "
    "so they are too narrow and only descriptive.",
    "Non-overlap ignores time trends except Tau-BC, which removes the baseline trend; Tau-U "
    "can exceed 1 and PND rests on one extreme baseline day (shown for comparison only).",
)


@dataclass(frozen=True)
class NonOverlapResult:
    """Non-overlap indices for one series; numbers are ``None`` when ``insufficient``."""

    pnd: float | None
    pand: float | None
    nap: float | None
    nap_se: float | None
    nap_ci: tuple[float, float] | None
    tau: float | None
    tau_u: float | None
    tau_bc: float | None
    n_baseline: int
    n_treatment: int
    improvement: str
    insufficient: str | None
    with_reservations: bool
    reading: str
    caveats: tuple[str, ...]
    method: str = _METHOD

    def to_dict(self) -> dict[str, Any]:
        return result_dict(self)


@dataclass(frozen=True, eq=False)
class NonOverlapArrays:
    """Non-overlap indices for a batch of series (NaN where a phase has < 3 days)."""

    pnd: FloatArray
    pand: FloatArray
    nap: FloatArray
    nap_se: FloatArray
    nap_lower: FloatArray
    nap_upper: FloatArray
    tau: FloatArray
    tau_u: FloatArray
    tau_bc: FloatArray
    m: npt.NDArray[np.int64]
    n: npt.NDArray[np.int64]


def _left_align(values: FloatArray) -> FloatArray:
    """Move the recorded (non-NaN) values of each row to the front, keeping their order."""
    order = np.argsort(np.isnan(values), axis=1, kind="stable")
    out: FloatArray = np.take_along_axis(values, order, axis=1)
    return out


def _sign_sum(diff: FloatArray, valid: npt.NDArray[np.bool_]) -> FloatArray:
    out: FloatArray = np.where(valid, np.sign(diff), 0.0).sum(axis=(1, 2))
    return out


def _nap_parts(a: FloatArray, b: FloatArray) -> dict[str, FloatArray]:
    """NAP, its unbiased variance, PND, PAND and S_AB for left-aligned, NaN-padded rows."""
    va, vb = ~np.isnan(a), ~np.isnan(b)
    m, n = va.sum(axis=1).astype(np.float64), vb.sum(axis=1).astype(np.float64)
    valid = va[:, :, None] & vb[:, None, :]
    diff = b[:, None, :] - a[:, :, None]
    q = np.where(valid, (diff > 0) + 0.5 * (diff == 0), 0.0)
    nap = q.sum(axis=(1, 2)) / (m * n)
    dev = np.where(valid, q - nap[:, None, None], 0.0)
    q1 = (dev.sum(axis=2) ** 2).sum(axis=1) / (m * n * n)
    q2 = (dev.sum(axis=1) ** 2).sum(axis=1) / (m * m * n)
    x = (dev**2).sum(axis=(1, 2)) / (m * n)
    trunc = 0.5 / (m * n)
    clipped = np.clip(nap, trunc, 1.0 - trunc)
    var = (clipped * (1 - clipped) + n * q1 + m * q2 - 2 * x) / ((m - 1) * (n - 1))
    best_a = np.where(va, a, -np.inf).max(axis=1)
    pnd = (np.where(vb, b, -np.inf) > best_a[:, None]).sum(axis=1) / n
    below_a = (a[:, None, :] <= a[:, :, None]) & va[:, None, :]
    kept = below_a.sum(axis=2) + np.where(valid, diff > 0, False).sum(axis=2)
    kept_best = np.maximum(np.where(va, kept, 0).max(axis=1), n)
    return {
        "nap": nap,
        "var": var,
        "pnd": pnd,
        "pand": kept_best / (m + n),
        "s_ab": _sign_sum(diff, valid),
    }


def _trend_a(a: FloatArray) -> FloatArray:
    """S_A = sum_{i<j} sign(a_j - a_i) over recorded baseline days in order."""
    va = ~np.isnan(a)
    later = np.triu(np.ones((a.shape[1], a.shape[1]), dtype=bool), k=1)
    valid = va[:, :, None] & va[:, None, :] & later
    return _sign_sum(a[:, None, :] - a[:, :, None], valid)


def _theil_sen_slope(a: FloatArray) -> FloatArray:
    """Median of (a_j - a_i)/(j - i) over session pairs i < j (Sen 1968)."""
    width = a.shape[1]
    idx = np.arange(width, dtype=np.float64)
    later = np.triu(np.ones((width, width), dtype=bool), k=1)
    va = ~np.isnan(a)
    valid = va[:, :, None] & va[:, None, :] & later
    span = np.where(later, idx[None, :] - idx[:, None], 1.0)
    slopes = np.where(valid, (a[:, None, :] - a[:, :, None]) / span, np.nan)
    out: FloatArray = np.nanmedian(slopes.reshape(a.shape[0], -1), axis=1)
    return out


def _tau_bc(a: FloatArray, b: FloatArray) -> FloatArray:
    """Tau between phases after removing the Theil–Sen baseline trend from every day."""
    slope = _theil_sen_slope(a)
    m = (~np.isnan(a)).sum(axis=1)
    sess_a = np.arange(a.shape[1], dtype=np.float64)[None, :]
    sess_b = m[:, None] + np.arange(b.shape[1], dtype=np.float64)[None, :]
    ra = a - slope[:, None] * sess_a
    rb = b - slope[:, None] * sess_b
    valid = ~np.isnan(ra)[:, :, None] & ~np.isnan(rb)[:, None, :]
    s = _sign_sum(rb[:, None, :] - ra[:, :, None], valid)
    out: FloatArray = s / (m * (~np.isnan(b)).sum(axis=1))
    return out


def newcombe_ci(
    nap: FloatArray, m: FloatArray, n: FloatArray, confidence: float = CONFIDENCE
) -> tuple[FloatArray, FloatArray]:
    """Newcombe (2006) method-5 score interval for NAP, vectorised bisection."""
    z2 = stats.norm.ppf(0.5 + confidence / 2) ** 2
    h = (m + n) / 2 - 1

    def f(x: FloatArray) -> FloatArray:
        lhs = m * n * (nap - x) ** 2 * (2 - x) * (1 + x)
        out: FloatArray = lhs - z2 * x * (1 - x) * (2 + h + (1 + 2 * h) * x * (1 - x))
        return out

    lo, hi = np.zeros_like(nap), nap.copy()
    up_lo, up_hi = nap.copy(), np.ones_like(nap)
    for _ in range(_BISECTION_STEPS):
        mid = (lo + hi) / 2
        above = f(mid) > 0
        lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
        mid_u = (up_lo + up_hi) / 2
        below = f(mid_u) < 0
        up_lo, up_hi = np.where(below, mid_u, up_lo), np.where(below, up_hi, mid_u)
    return (lo + hi) / 2, (up_lo + up_hi) / 2


def nonoverlap_arrays(a: FloatArray, b: FloatArray, improvement: Improvement) -> NonOverlapArrays:
    """All indices for B series: ``a`` (B, M) baseline and ``b`` (B, N) care, NaN-padded."""
    sign = -1.0 if improvement == "decrease" else 1.0
    a, b = _left_align(sign * a), _left_align(sign * b)
    m = (~np.isnan(a)).sum(axis=1)
    n = (~np.isnan(b)).sum(axis=1)
    out = {k: np.full(a.shape[0], np.nan) for k in NonOverlapArrays.__dataclass_fields__}
    out["m"], out["n"] = m, n
    ok = np.flatnonzero((m >= MIN_DAYS) & (n >= MIN_DAYS))
    width = max(a.shape[1], b.shape[1], 1)
    step = max(1, _CHUNK_CELLS // (max(a.shape[1], 1) * width))
    for start in range(0, ok.size, step):
        rows = ok[start : start + step]
        ca = a[rows, : int(m[rows].max())]
        cb = b[rows, : int(n[rows].max())]
        parts = _nap_parts(ca, cb)
        mn = (m[rows] * n[rows]).astype(np.float64)
        out["nap"][rows] = parts["nap"]
        out["nap_se"][rows] = np.sqrt(np.maximum(parts["var"], 0.0))
        out["pnd"][rows] = parts["pnd"]
        out["pand"][rows] = parts["pand"]
        out["tau"][rows] = 2 * parts["nap"] - 1
        out["tau_u"][rows] = (parts["s_ab"] - _trend_a(ca)) / mn
        out["tau_bc"][rows] = _tau_bc(ca, cb)
        lower, upper = newcombe_ci(parts["nap"], m[rows].astype(float), n[rows].astype(float))
        out["nap_lower"][rows], out["nap_upper"][rows] = lower, upper
    return NonOverlapArrays(**out)


def _too_few(m: int, n: int) -> str | None:
    missing = [
        f"at least {MIN_DAYS} recorded {label} days (has {count})"
        for label, count in (("baseline", m), ("care", n))
        if count < MIN_DAYS
    ]
    return "needs " + " and ".join(missing) if missing else None


def _reading(nap: float, ci: tuple[float, float], improvement: str) -> str:
    better = "lower" if improvement == "decrease" else "higher"
    return check_wording(
        f"In {fmt(100 * nap, 0)}% of comparisons between a baseline day and a care day, the "
        f"care day scored {better} (NAP {fmt(nap, 2)}, 95% CI {fmt(ci[0], 2)} to "
        f"{fmt(ci[1], 2)}; descriptive, as correlated diary days make the interval too narrow)."
    )


def nonoverlap_result(arrays: NonOverlapArrays, i: int, improvement: str) -> NonOverlapResult:
    """The result for series ``i`` of a batch."""
    m, n = int(arrays.m[i]), int(arrays.n[i])
    reason = _too_few(m, n)
    base = caveats_for("ab_design", "regression_to_mean", "co_therapies", "missing_days")
    if reason is not None:
        empty: dict[str, Any] = dict.fromkeys(_INDEX_FIELDS)
        return NonOverlapResult(
            **empty,
            n_baseline=m,
            n_treatment=n,
            improvement=improvement,
            insufficient=reason,
            with_reservations=False,
            reading=check_wording(f"Not enough recorded days to compare the phases: {reason}."),
            caveats=base,
        )
    reserved = m < FULL_DAYS or n < FULL_DAYS
    extra = (
        (
            f"Only {m} baseline and {n} care days recorded: under {FULL_DAYS} per phase, so "
            "the comparison meets single-case standards only with reservations.",
        )
        if reserved
        else ()
    )
    ci = (float(arrays.nap_lower[i]), float(arrays.nap_upper[i]))
    nap = float(arrays.nap[i])
    return NonOverlapResult(
        pnd=float(arrays.pnd[i]),
        pand=float(arrays.pand[i]),
        nap=nap,
        nap_se=float(arrays.nap_se[i]),
        nap_ci=ci,
        tau=float(arrays.tau[i]),
        tau_u=float(arrays.tau_u[i]),
        tau_bc=float(arrays.tau_bc[i]),
        n_baseline=m,
        n_treatment=n,
        improvement=improvement,
        insufficient=None,
        with_reservations=reserved,
        reading=_reading(nap, ci, improvement),
        caveats=base + _NON_OVERLAP_CAVEATS + extra,
    )


def nonoverlap(
    baseline: Sequence[float | None] | FloatArray,
    treatment: Sequence[float | None] | FloatArray,
    *,
    improvement: Improvement = "decrease",
) -> NonOverlapResult:
    """Non-overlap between baseline and care-phase diary values (each in time order).

    Missing days (``None``/NaN) are dropped. Every index is oriented so that larger means
    more improvement in the ``improvement`` direction ("decrease" for pain).
    """
    checks = Checks("nonoverlap")
    a = checks.series("baseline", baseline)
    b = checks.series("treatment", treatment)
    checks.choice("improvement", improvement, IMPROVEMENTS)
    checks.raise_if_any()
    arrays = nonoverlap_arrays(a[None, :], b[None, :], improvement)
    return nonoverlap_result(arrays, 0, improvement)
