"""Short-term change around care visits ("visit windows").

For each visit on day v, the *before* level is the mean of the recorded values on days
v-window .. v-1 (at least half of those days recorded), and the change at lag L is
``y(v + L) - before`` (day v + L recorded). For each lag the per-visit changes are
averaged over the visits that have them.

Uncertainty: the per-visit changes, taken in visit order, form a short series; the SE
of their mean is Newey–West HAC (Newey & West 1987, *Econometrica* 55:703; Bartlett
kernel, lag ``floor(4 (k/100)^(2/9))`` for k visits, small-sample factor k/(k-1)), with
a t(k-1) interval. Day-to-day autocorrelation inside a window is carried by the spread
of the per-visit changes themselves; HAC adds the correlation between neighbouring
visits (close visits share days). This equals statsmodels
``OLS(changes, ones).fit(cov_type="HAC", cov_kwds={"maxlags": L, "use_correction": True},
use_t=True)``. At least 3 visits are needed for a lag.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import stats

from atlaxis.outcomes import diary_input
from atlaxis.outcomes._checks import Checks
from atlaxis.outcomes.diary_input import IMPROVEMENTS
from atlaxis.outcomes.reading import caveats_for, check_wording, fmt, result_dict

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

MIN_VISITS = 3
CONFIDENCE = 0.95
METHOD = (
    "mean change from the window before each visit to the day at each lag; Newey-West "
    "(HAC) standard error over visits in order, t interval"
)
_VISIT_CAVEATS = (
    "Visits are often booked on bad days; part of the change after a visit can be a return "
    "toward the usual level (regression to the mean).",
    "Short-term change around visits is not a comparison with similar days without a visit.",
)


@dataclass(frozen=True)
class VisitLag:
    """Mean change at one lag after visits (``None`` numbers when ``insufficient``)."""

    lag: int
    estimate: float | None
    se: float | None
    ci: tuple[float, float] | None
    n_visits: int
    insufficient: str | None
    reading: str


@dataclass(frozen=True)
class VisitWindowsResult:
    """Change after visits for every requested lag."""

    lags: tuple[VisitLag, ...]
    window: int
    n_visits: int
    improvement: str
    insufficient: str | None
    reading: str
    caveats: tuple[str, ...]
    method: str = METHOD

    def to_dict(self) -> dict[str, Any]:
        return result_dict(self)


def hac_mean(changes: FloatArray) -> tuple[float, float]:
    """Mean and its Newey–West SE (Bartlett, rule-of-thumb lag, k/(k-1) factor)."""
    k = changes.size
    mean = float(changes.mean())
    dev = changes - mean
    maxlag = math.floor(4 * (k / 100) ** (2 / 9))
    meat = float(dev @ dev)
    for lag in range(1, maxlag + 1):
        meat += 2 * (1 - lag / (maxlag + 1)) * float(dev[lag:] @ dev[:-lag])
    var = max(meat, 0.0) / k**2 * k / (k - 1)
    return mean, math.sqrt(var)


def _changes(d: IntArray, y: FloatArray, visits: IntArray, window: int, lag: int) -> FloatArray:
    """Per-visit change at ``lag`` for visits with enough recorded days (visit order)."""
    recorded = dict(zip(d.tolist(), y.tolist(), strict=True))
    need = max(1, math.ceil(window / 2))
    out: list[float] = []
    for v in visits.tolist():
        before = [recorded[u] for u in range(v - window, v) if u in recorded]
        after = recorded.get(v + lag)
        if len(before) >= need and after is not None:
            out.append(after - sum(before) / len(before))
    return np.asarray(out, dtype=np.float64)


def _lag_name(lag: int) -> str:
    return "On visit days" if lag == 0 else f"{lag} day{'s' if lag > 1 else ''} after visits"


def _lag_result(
    changes: FloatArray, lag: int, window: int, improvement: str, label: str
) -> VisitLag:
    k = int(changes.size)
    if k < MIN_VISITS:
        reason = f"needs at least {MIN_VISITS} visits with recorded days around them (has {k})"
        text = f"{_lag_name(lag)}: not enough recorded days around visits ({reason})."
        return VisitLag(lag, None, None, None, k, reason, check_wording(text))
    mean, se = hac_mean(changes)
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, k - 1)) * se
    ci = (mean - half, mean + half)
    span = f"95% CI {fmt(ci[0])} to {fmt(ci[1])}, {k} visits"
    if ci[0] > 0 or ci[1] < 0:
        direction = "lower" if mean < 0 else "higher"
        better = (mean < 0) == (improvement == "decrease")
        tail = "this cannot show the visits caused it" if better else "this cannot show why"
        text = (
            f"{_lag_name(lag)}, {label} was {fmt(abs(mean))} points {direction} than in the "
            f"{window} days before ({span}), beyond day-to-day noise; {tail}."
        )
    else:
        text = (
            f"{_lag_name(lag)}, {label} was not clearly different from the {window} days "
            f"before (change {fmt(mean)} points, {span})."
        )
    return VisitLag(lag, mean, se, ci, k, None, check_wording(text))


def _summary(lags: tuple[VisitLag, ...], label: str, improvement: str) -> tuple[str, str | None]:
    usable = [x for x in lags if x.insufficient is None]
    if not usable:
        reason = "needs at least 3 visits with recorded days before and after them"
        return check_wording(f"Not enough diary data around visits: {reason}."), reason
    beyond = [x for x in usable if x.ci is not None and (x.ci[0] > 0 or x.ci[1] < 0)]
    if not beyond:
        return check_wording(
            f"In the days after visits, {label} was not clearly different from the days "
            "before visits (within day-to-day noise)."
        ), None
    strongest = max(beyond, key=lambda x: abs((x.estimate or 0.0) / (x.se or 1.0)))
    return strongest.reading, None


def _inputs(
    days: Any, values: Any, visit_days: Any, window: Any, lags: Any, improvement: Any
) -> tuple[IntArray, FloatArray, IntArray, list[int]]:
    checks = Checks("visit_windows")
    d = diary_input.days(checks, "days", days)
    y = checks.series("values", values)
    if d.size == np.size(days):
        checks.same_length(("days", "values"), (d.astype(np.float64), y))
    visit_arr = diary_input.days(Checks("visit_days"), "visit_days", np.unique(visit_days))
    if visit_arr.size != np.unique(visit_days).size:
        checks.add("visit_days", "must hold whole day numbers only", "integers")
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        checks.add("window", f"must be a whole number of days >= 1, got {window!r}", ">= 1")
    lag_list = list(lags) if isinstance(lags, Sequence) else []
    if not lag_list or any(
        isinstance(x, bool) or not isinstance(x, int) or x < 0 for x in lag_list
    ):
        checks.add("lags", f"must be whole numbers >= 0, got {lags!r}", "e.g. (0, 1, 2, 3)")
    checks.choice("improvement", improvement, IMPROVEMENTS)
    checks.raise_if_any()
    keep = ~np.isnan(y)
    return d[keep], y[keep], visit_arr, lag_list


def visit_windows(
    days: Sequence[int] | IntArray,
    values: Sequence[float | None] | FloatArray,
    visit_days: Sequence[int] | IntArray,
    *,
    window: int = 3,
    lags: Sequence[int] = (0, 1, 2, 3),
    improvement: Literal["decrease", "increase"] = "decrease",
    label: str = "the diary score",
) -> VisitWindowsResult:
    """Mean change from the ``window`` days before each visit to each lag after it."""
    d, y, visits, lag_list = _inputs(days, values, visit_days, window, lags, improvement)
    results = tuple(
        _lag_result(_changes(d, y, visits, window, lag), lag, window, improvement, label)
        for lag in lag_list
    )
    reading, reason = _summary(results, label, improvement)
    caveats = caveats_for("co_therapies", "missing_days") + _VISIT_CAVEATS
    close = bool(visits.size > 1 and np.min(np.diff(visits)) <= window + max(lag_list))
    if close:
        caveats += (
            "Some visits are so close together that their windows share days; the interval "
            "allows for this but is less certain with few visits.",
        )
    return VisitWindowsResult(
        lags=results,
        window=window,
        n_visits=int(visits.size),
        improvement=improvement,
        insufficient=reason,
        reading=reading,
        caveats=caveats,
    )
