"""Cohort statistics: proportions with intervals, responder rates, paired pre/post change and
the expected regression to the mean.

Sources (facts only; the code is our own):

* Wilson EB (1927). *J Am Stat Assoc* 22:209–212, and Newcombe RG (1998). Two-sided
  confidence intervals for the single proportion. *Stat Med* 17:857–872 — the score
  interval. Clopper CJ, Pearson ES (1934). *Biometrika* 26:404–413 — the exact interval.
* Dworkin RH et al. (2008). IMMPACT recommendations. *J Pain* 9(2):105–121 — responders at
  ≥ 30% and ≥ 50% pain reduction.
* Barnett AG, van der Pols JC, Dobson AJ (2005). Regression to the mean: what it is and how
  to deal with it. *Int J Epidemiol* 34:215–220, doi:10.1093/ije/dyh299 — equation (1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from scipy import stats

from atlaxis.outcomes._checks import Checks, FloatArray
from atlaxis.outcomes.change import EPS
from atlaxis.outcomes.importance import _instrument
from atlaxis.outcomes.reading import (
    CHANGE_CAVEATS,
    caveats_for,
    check_wording,
    fmt,
    fmt_ci,
    fmt_pct,
    result_dict,
)

if TYPE_CHECKING:
    from atlaxis.instruments.model import Instrument

CiMethod = Literal["wilson", "exact"]
WilcoxonMethod = Literal["r", "exact", "approx"]


# ---------------------------------------------------------------------------- proportions


def proportion_ci(
    k: int, n: int, method: CiMethod = "wilson", *, alpha: float = 0.05
) -> tuple[float, float]:
    """Two-sided ``1 − alpha`` interval for ``k`` successes out of ``n``: ``(lower, upper)``.

    ``"wilson"``: the score interval ``(p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)``.
    ``"exact"``: Clopper–Pearson from beta quantiles, with lower 0 at ``k = 0`` and upper 1
    at ``k = n``.
    """
    checks = Checks("proportion_ci")
    for name, value in (("k", k), ("n", n)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            checks.add(name, f"expected a whole number, got {value!r}", "an integer")
    checks.choice("method", method, ("wilson", "exact"))
    if not (isinstance(alpha, float | int) and 0 < alpha < 1):
        checks.add("alpha", f"must be in (0, 1), got {alpha!r}", "0 < alpha < 1")
    checks.raise_if_any()
    if n < 1 or not 0 <= k <= n:
        checks.add("k, n", f"need 0 ≤ k ≤ n and n ≥ 1, got k={k}, n={n}", "0 ≤ k ≤ n, n ≥ 1")
    checks.raise_if_any()
    if method == "exact":
        lower = 0.0 if k == 0 else float(stats.beta.ppf(alpha / 2, k, n - k + 1))
        upper = 1.0 if k == n else float(stats.beta.ppf(1 - alpha / 2, k + 1, n - k))
        return lower, upper
    z = float(stats.norm.ppf(1 - alpha / 2))
    p = k / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    denom = 1 + z * z / n
    lower = 0.0 if k == 0 else max(0.0, (centre - half) / denom)
    upper = 1.0 if k == n else min(1.0, (centre + half) / denom)
    return lower, upper


@dataclass(frozen=True)
class ResponderRate:
    """Responders at one threshold: ``responders`` of ``n`` with the interval ``ci``."""

    threshold: float
    unit: Literal["percent", "points"]
    responders: int
    n: int
    proportion: float | None
    ci: tuple[float, float] | None


@dataclass(frozen=True)
class ResponderRates:
    """Responder rates keyed ``"reduction_30"``, ``"reduction_50"`` (and ``"mcid"``)."""

    rates: dict[str, ResponderRate]
    n_total: int
    n_missing: int
    n_baseline_zero: int
    method: str
    lower_is_better: bool
    reading: str
    caveats: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return result_dict(self)


def responder_rates(
    baseline: Sequence[float | None],
    followup: Sequence[float | None],
    *,
    thresholds: Sequence[float] = (30.0, 50.0),
    mcid: float | None = None,
    instrument: str | Instrument | None = None,
    lower_is_better: bool = True,
    method: CiMethod = "wilson",
    alpha: float = 0.05,
) -> ResponderRates:
    """Share of patients whose score improved by at least each percentage in ``thresholds``
    (IMMPACT: 30% moderate, 50% substantial) and, with ``mcid`` (points) or an
    ``instrument`` defining an MCID, by at least the MCID; each with a ``method`` interval.

    Pairs with a missing value are left out (``n_missing``). A baseline of 0 has no
    percentage change: such patients are left out of the percentage rates and counted in
    ``n_baseline_zero`` (they stay in the MCID-in-points rate).
    """
    checks = Checks("responder_rates")
    b = checks.series("baseline", baseline)
    f = checks.series("followup", followup)
    checks.same_length(("baseline", "followup"), (b, f))
    checks.choice("method", method, ("wilson", "exact"))
    for i, t in enumerate(thresholds):
        checks.positive(f"thresholds[{i}]", t)
    checks.raise_if_any()
    size, unit, unverified = _mcid_for(checks, mcid, instrument)
    lower_is_better = _direction_for(instrument, lower_is_better)
    checks.raise_if_any()

    complete = ~(np.isnan(b) | np.isnan(f))
    b, f = b[complete], f[complete]
    toward_health = -1.0 if lower_is_better else 1.0
    gain = toward_health * (f - b)  # improvement in points, positive = better
    nonzero = b != 0
    pct = np.round(100.0 * gain[nonzero] / np.abs(b[nonzero]), 9)
    rates: dict[str, ResponderRate] = {}
    for t in thresholds:
        rates[f"reduction_{float(t):g}"] = _rate(
            int((pct >= t).sum()), len(pct), t, "percent", method, alpha
        )
    if size is not None:
        if unit == "percent":
            hits, n = int((pct >= size).sum()), len(pct)
        else:
            hits, n = int((gain >= size - EPS).sum()), len(gain)
        rates["mcid"] = _rate(hits, n, size, unit, method, alpha)
    keys = [*CHANGE_CAVEATS, "uncontrolled_cohort"]
    n_zero = int((~nonzero).sum())
    if n_zero:
        keys.append("baseline_zero")
    if not complete.all():
        keys.append("missing_days")
    if len(b) < 20:
        keys.append("small_n")
    if unverified:
        keys.append("unverified_threshold")
    return ResponderRates(
        rates=rates,
        n_total=len(complete),
        n_missing=int((~complete).sum()),
        n_baseline_zero=n_zero,
        method=method,
        lower_is_better=lower_is_better,
        reading=check_wording(_responder_reading(rates, method, alpha)),
        caveats=caveats_for(*keys),
    )


def _mcid_for(
    checks: Checks, mcid: float | None, instrument: str | Instrument | None
) -> tuple[float | None, Literal["percent", "points"], bool]:
    if mcid is not None:
        return checks.positive("mcid", mcid), "points", False
    if instrument is None:
        return None, "points", False
    inst = _instrument(instrument)
    found = inst.threshold("mcid") or inst.threshold("mic")
    if found is None:
        checks.add("instrument", f"{inst.id!r} defines no MCID or MIC", "pass mcid=...")
        return None, "points", False
    return found.value, found.unit, found.source.evidence == "unverified"


def _direction_for(instrument: str | Instrument | None, lower_is_better: bool) -> bool:
    return lower_is_better if instrument is None else _instrument(instrument).lower_is_better


def _rate(
    hits: int,
    n: int,
    threshold: float,
    unit: Literal["percent", "points"],
    method: CiMethod,
    alpha: float,
) -> ResponderRate:
    if n == 0:
        return ResponderRate(threshold, unit, 0, 0, None, None)
    ci = proportion_ci(hits, n, method, alpha=alpha)
    return ResponderRate(threshold, unit, hits, n, hits / n, ci)


def _responder_reading(rates: dict[str, ResponderRate], method: str, alpha: float) -> str:
    parts = []
    for key, rate in rates.items():
        if rate.n == 0 or rate.proportion is None or rate.ci is None:
            continue
        size = (
            f"{fmt(rate.threshold, 0)}%"
            if rate.unit == "percent"
            else (f"{fmt(rate.threshold)} points")
        )
        label = "the MCID, " if key == "mcid" else ""
        parts.append(
            f"{rate.responders} of {rate.n} patients ({fmt_pct(rate.proportion)}, "
            f"{fmt_ci(rate.ci, 0, level=1 - alpha, pct=True)}) improved by at least {label}{size}"
        )
    if not parts:
        return "No patient has both a usable baseline and a follow-up, so no rate is given."
    return (
        "; ".join(parts)
        + "; without a comparison group this cannot show the care caused the improvements."
    )


# --------------------------------------------------------------------------- paired change


@dataclass(frozen=True)
class PairedChange:
    """Paired pre/post change (``post − pre``): paired t-test and Wilcoxon signed-rank.

    ``wilcoxon_v`` is R's ``V``: the sum of the ranks of the positive changes.
    ``wilcoxon_method`` says which null distribution gave ``p_wilcoxon``.
    """

    n: int
    n_excluded: int
    mean_change: float
    sd_change: float
    ci: tuple[float, float]
    t: float
    df: int
    p_t: float
    median_change: float
    wilcoxon_v: float | None
    p_wilcoxon: float | None
    wilcoxon_method: str
    reading: str
    caveats: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return result_dict(self)


def paired_change(
    pre: Sequence[float | None],
    post: Sequence[float | None],
    *,
    wilcoxon: WilcoxonMethod = "r",
    alpha: float = 0.05,
    lower_is_better: bool = True,
) -> PairedChange:
    """Mean change with a t interval (``scipy.stats.ttest_rel``) and a Wilcoxon signed-rank
    test on the complete pairs.

    ``wilcoxon``: ``"r"`` follows R's ``wilcox.test(paired = TRUE)`` defaults — the exact
    null distribution when there are fewer than 50 pairs and no ties or zero changes,
    otherwise the normal approximation with continuity correction (zeros dropped, ties
    corrected); ``"approx"`` always uses that approximation (R's ``exact = FALSE,
    correct = TRUE``); ``"exact"`` always the exact distribution (zeros dropped).
    """
    checks = Checks("paired_change")
    x1 = checks.series("pre", pre)
    x2 = checks.series("post", post)
    checks.same_length(("pre", "post"), (x1, x2))
    checks.choice("wilcoxon", wilcoxon, ("r", "exact", "approx"))
    checks.raise_if_any()
    complete = ~(np.isnan(x1) | np.isnan(x2))
    d = x2[complete] - x1[complete]
    if len(d) < 2:
        checks.add("pre, post", f"{len(d)} complete pair(s)", "at least 2 complete pairs")
    checks.raise_if_any()

    tt = stats.ttest_rel(x2[complete], x1[complete])
    ci = tt.confidence_interval(confidence_level=1 - alpha)
    v, p_w, used = _wilcoxon(d, wilcoxon)
    keys = [*CHANGE_CAVEATS, "uncontrolled_cohort"]
    if not complete.all():
        keys.append("missing_days")
    if len(d) < 20:
        keys.append("small_n")
    mean = float(d.mean())
    ci_t = (float(ci.low), float(ci.high))
    return PairedChange(
        n=len(d),
        n_excluded=int((~complete).sum()),
        mean_change=mean,
        sd_change=float(d.std(ddof=1)),
        ci=ci_t,
        t=float(tt.statistic),
        df=int(tt.df),
        p_t=float(tt.pvalue),
        median_change=float(np.median(d)),
        wilcoxon_v=v,
        p_wilcoxon=p_w,
        wilcoxon_method=used,
        reading=check_wording(_paired_reading(len(d), mean, ci_t, alpha, lower_is_better)),
        caveats=caveats_for(*keys),
    )


def _wilcoxon(d: FloatArray, method: WilcoxonMethod) -> tuple[float | None, float | None, str]:
    nz = d[d != 0]
    if len(nz) == 0:
        return None, None, "not computed: every change is 0"
    ranks = stats.rankdata(np.abs(nz))
    v = float(ranks[nz > 0].sum())
    ties = len(np.unique(np.abs(nz))) < len(nz)
    exact = method == "exact" or (method == "r" and len(nz) < 50 and not ties and len(nz) == len(d))
    if exact:
        res = stats.wilcoxon(nz, zero_method="wilcox", method="exact")
        return v, float(res.pvalue), "exact"
    res = stats.wilcoxon(d, zero_method="wilcox", correction=True, method="approx")
    return v, float(res.pvalue), "normal approximation with continuity correction"


def _paired_reading(
    n: int, mean: float, ci: tuple[float, float], alpha: float, lower_is_better: bool
) -> str:
    side = "lower" if mean < 0 else "higher"
    better = (mean < 0) == lower_is_better
    clear = ci[1] < 0 or ci[0] > 0
    noise = "beyond" if clear else "not clearly beyond"
    kind = "better" if better else "worse"
    return (
        f"Across {n} patients, scores after care were on average {fmt(abs(mean))} points "
        f"{side} ({kind}) than before ({fmt_ci(ci, 1, level=1 - alpha)}), {noise} chance "
        "variation; without a comparison group this cannot show the care caused it."
    )


# ------------------------------------------------------------------- regression to the mean


def regression_to_mean(
    mu: float,
    sigma: float,
    cutoff: float,
    icc: float,
    m: int = 1,
    *,
    select: Literal["above", "below"] | None = None,
) -> float:
    """Expected regression-to-the-mean shift (a positive size, toward ``mu``) for patients
    selected because the mean of ``m`` baseline measures lies beyond ``cutoff``.

    Barnett, van der Pols & Dobson (2005), equation (1), with the baseline averaged over
    ``m`` measures: between-patient variance ``σ_b² = icc·σ²``, within-patient variance
    ``σ_w² = (1 − icc)·σ²``; the baseline mean has SD ``s = √(σ_b² + σ_w²/m)``;
    ``z = (cutoff − μ)/s`` (selection above) or ``(μ − cutoff)/s`` (below);
    ``RTM = (σ_w²/m)/s · φ(z)/(1 − Φ(z))``. It follows from ``E[x̄ − T | x̄ beyond c] =
    Cov(ē, x̄)/Var(x̄) · E[x̄ − μ | x̄ beyond c]`` with ``Cov(ē, x̄) = σ_w²/m``; at ``m = 1`` it
    is Barnett's ``σ_w²/σ · C(z)``.

    ``select`` defaults to the tail beyond ``cutoff``: ``"above"`` when ``cutoff ≥ mu``,
    ``"below"`` otherwise (Barnett's worked example selects below).
    """
    checks = Checks("regression_to_mean")
    mean = checks.number("mu", mu)
    sd = checks.positive("sigma", sigma)
    c = checks.number("cutoff", cutoff)
    rho = checks.number("icc", icc, allowed="a number in [0, 1]")
    if not 0 <= rho <= 1:
        checks.add("icc", f"must be in [0, 1], got {icc!r}", "0 ≤ icc ≤ 1")
    if isinstance(m, bool) or not isinstance(m, int | np.integer) or m < 1:
        checks.add("m", f"must be a whole number ≥ 1, got {m!r}", "an integer ≥ 1")
    if select is not None:
        checks.choice("select", select, ("above", "below"))
    checks.raise_if_any()

    var_b = rho * sd**2
    var_w_m = (1 - rho) * sd**2 / int(m)
    s = math.sqrt(var_b + var_w_m)
    side = select or ("above" if c >= mean else "below")
    z = (c - mean) / s if side == "above" else (mean - c) / s
    hazard = math.exp(float(stats.norm.logpdf(z)) - float(stats.norm.logsf(z)))
    return var_w_m / s * hazard
