"""Pooling per-patient effects across a cohort: random-effects meta-analysis (two-stage) and
a mixed model with a random intercept and a random treatment slope (one-stage).

Sources (facts only; the code is our own):

* DerSimonian R, Laird N (1986). Meta-analysis in clinical trials. *Control Clin Trials*
  7:177–188 — the moment estimator of τ².
* Viechtbauer W (2005). Bias and efficiency of meta-analytic variance estimators in the
  random-effects model. *J Educ Behav Stat* 30:261–293 — the REML estimating equation.
* Higgins JPT, Thompson SG (2002). Quantifying heterogeneity in a meta-analysis. *Stat Med*
  21:1539–1558 — I² = τ²/(τ² + s²) with the typical within-patient variance s².
* Zucker DR et al. (1997). Combining single patient (N-of-1) trials. *J Clin Epidemiol*
  50:401–410 — pooling N-of-1 results, shrinking each toward the average.
* Laird NM, Ware JH (1982). Random-effects models for longitudinal data. *Biometrics*
  38:963–974 — the mixed model (fitted with ``statsmodels`` ``MixedLM``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy import optimize, stats

from atlaxis.outcomes._checks import Checks, FloatArray
from atlaxis.outcomes.reading import (
    CHANGE_CAVEATS,
    caveats_for,
    check_wording,
    fmt,
    fmt_ci,
    plural,
    result_dict,
)

PoolMethod = Literal["reml", "dl"]


@dataclass(frozen=True)
class PooledEffect:
    """Random-effects pooled estimate of per-patient effects.

    ``q`` is Cochran's Q (fixed-effect weights), ``i2`` a percentage, ``shrunken`` the
    empirical-Bayes estimate of each patient's effect (``B·estimate + (1 − B)·own``,
    ``B = se²/(se² + τ²)``) in input order.
    """

    estimate: float
    se: float
    ci: tuple[float, float]
    p: float
    tau2: float
    q: float
    df: int
    p_q: float | None
    i2: float
    k: int
    shrunken: tuple[float, ...]
    method: str
    reading: str
    caveats: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return result_dict(self)


def pool_effects(
    estimates: Sequence[float],
    ses: Sequence[float],
    method: PoolMethod = "reml",
    *,
    alpha: float = 0.05,
) -> PooledEffect:
    """Pool per-patient ``estimates`` with standard errors ``ses`` (normal–normal model).

    ``"dl"``: DerSimonian–Laird ``τ² = max(0, (Q − (k − 1)) / (Σw − Σw²/Σw))``.
    ``"reml"``: the root of the restricted-likelihood score
    ``Σw² (y − μ̂)² − Σw + Σw²/Σw = 0`` with ``w = 1/(se² + τ²)``, or 0 when the score is
    negative at 0. The pooled estimate has a normal (z) interval.
    """
    checks = Checks("pool_effects")
    y = checks.series("estimates", estimates)
    se = checks.series("ses", ses)
    checks.same_length(("estimates", "ses"), (y, se))
    checks.choice("method", method, ("reml", "dl"))
    checks.raise_if_any()
    if np.isnan(y).any() or np.isnan(se).any():
        checks.add("estimates, ses", "missing values", "a number for every patient")
    elif (se <= 0).any():
        checks.add("ses", "every standard error must be greater than 0", "se > 0")
    if len(y) == 0:
        checks.add("estimates", "no effects to pool", "at least 1 effect")
    checks.raise_if_any()

    v = se**2
    w = 1.0 / v
    mu_fe = float((w * y).sum() / w.sum())
    q = float((w * (y - mu_fe) ** 2).sum())
    k = len(y)
    tau2 = _tau2_dl(w, q, k) if method == "dl" else _tau2_reml(y, v)
    w_re = 1.0 / (v + tau2)
    mu = float((w_re * y).sum() / w_re.sum())
    se_mu = math.sqrt(1.0 / float(w_re.sum()))
    z = float(stats.norm.ppf(1 - alpha / 2))
    ci = (mu - z * se_mu, mu + z * se_mu)
    typical = (k - 1) * w.sum() / (w.sum() ** 2 - (w**2).sum()) if k > 1 else math.inf
    i2 = 100.0 * tau2 / (tau2 + typical) if k > 1 else 0.0
    b = v / (v + tau2)
    keys = [*CHANGE_CAVEATS, "uncontrolled_cohort"]
    if i2 >= 50:
        keys.append("heterogeneity")
    if k < 10:
        keys.append("small_n")
    return PooledEffect(
        estimate=mu,
        se=se_mu,
        ci=ci,
        p=float(2 * stats.norm.sf(abs(mu) / se_mu)),
        tau2=tau2,
        q=q,
        df=k - 1,
        p_q=float(stats.chi2.sf(q, k - 1)) if k > 1 else None,
        i2=float(i2),
        k=k,
        shrunken=tuple(float(t) for t in b * mu + (1 - b) * y),
        method="REML" if method == "reml" else "DerSimonian-Laird",
        reading=check_wording(_pool_reading(k, mu, ci, alpha, float(i2))),
        caveats=caveats_for(*keys),
    )


def _tau2_dl(w: FloatArray, q: float, k: int) -> float:
    if k < 2:
        return 0.0
    c = float(w.sum() - (w**2).sum() / w.sum())
    return max(0.0, (q - (k - 1)) / c)


def _reml_score(tau2: float, y: FloatArray, v: FloatArray) -> float:
    w = 1.0 / (v + tau2)
    mu = (w * y).sum() / w.sum()
    return float((w**2 * (y - mu) ** 2).sum() - w.sum() + (w**2).sum() / w.sum())


def _tau2_reml(y: FloatArray, v: FloatArray) -> float:
    if len(y) < 2 or _reml_score(0.0, y, v) <= 0:
        return 0.0
    upper = 10.0 * (float(np.var(y)) + float(v.max())) + 1.0
    while _reml_score(upper, y, v) > 0:
        upper *= 10.0
    return float(optimize.brentq(_reml_score, 0.0, upper, args=(y, v), xtol=1e-14, rtol=1e-14))


def _pool_reading(k: int, mu: float, ci: tuple[float, float], alpha: float, i2: float) -> str:
    spread = (
        "patients differed more than their measurement uncertainty explains"
        if i2 >= 50
        else "patients' changes were fairly consistent"
    )
    return (
        f"Pooled over {plural(k, 'patient')}, the average change was {fmt(mu, 2)} "
        f"({fmt_ci(ci, 2, level=1 - alpha)}); {spread} (I² {fmt(i2, 0)}%); "
        "this design cannot show the care caused the change."
    )


@dataclass(frozen=True)
class MixedModelResult:
    """Fixed treatment effect from a mixed model with a random intercept and a random
    treatment slope per patient. On failure ``converged`` is false, ``failure`` says why and
    the estimates are ``None``."""

    effect: float | None
    se: float | None
    ci: tuple[float, float] | None
    p: float | None
    intercept: float | None
    var_intercept: float | None
    var_treatment: float | None
    cov_intercept_treatment: float | None
    var_residual: float | None
    n_obs: int
    n_groups: int
    converged: bool
    failure: str | None
    notes: tuple[str, ...]
    method: str
    reading: str
    caveats: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return result_dict(self)


def mixed_model(
    data: Mapping[str, Sequence[Any]] | Any,
    *,
    outcome: str,
    treatment: str,
    group: str,
    covariates: Sequence[str] = (),
    reml: bool = True,
    alpha: float = 0.05,
) -> MixedModelResult:
    """``outcome ~ 1 + treatment + covariates`` with a random intercept and random
    ``treatment`` slope per ``group`` (``statsmodels`` ``MixedLM``, REML by default).

    ``data`` is anything indexable by column name (a dict of lists, a pandas DataFrame).
    Rows with a missing outcome, treatment, covariate or group are left out. Residuals are
    assumed independent (no autocorrelation).
    """
    checks = Checks("mixed_model")
    missing = [c for c in (outcome, treatment, group, *covariates) if not _has(data, c)]
    for col in missing:
        checks.add(col, "no such column in data", "a column name present in data")
    checks.raise_if_any()
    y = checks.series(outcome, list(data[outcome]))
    d = checks.series(treatment, list(data[treatment]))
    xs = [checks.series(c, list(data[c])) for c in covariates]
    groups = np.asarray(list(data[group]), dtype=object)
    checks.same_length((outcome, treatment, group), (y, d, np.zeros(len(groups))))
    checks.raise_if_any()
    no_group = np.array([g is None or (isinstance(g, float) and math.isnan(g)) for g in groups])
    keep = ~(np.isnan(y) | np.isnan(d) | no_group.astype(bool))
    for x in xs:
        keep &= ~np.isnan(x)
    n_groups = len({str(g) for g in groups[keep]})
    if n_groups < 3:
        checks.add(group, f"{n_groups} patient(s) with data", "at least 3 patients")
    checks.raise_if_any()
    exog = np.column_stack([np.ones(keep.sum()), d[keep], *(x[keep] for x in xs)])
    return _fit_mixed(y[keep], exog, groups[keep].astype(str), n_groups, reml, alpha)


def _has(data: Any, column: str) -> bool:
    try:
        data[column]
    except (KeyError, IndexError, TypeError, ValueError):
        return False
    return True


def _fit_mixed(
    y: FloatArray, exog: FloatArray, groups: Any, n_groups: int, reml: bool, alpha: float
) -> MixedModelResult:
    from statsmodels.regression.mixed_linear_model import MixedLM

    method = f"linear mixed model ({'REML' if reml else 'ML'}), random intercept and slope"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = MixedLM(y, exog, groups=groups, exog_re=exog[:, :2]).fit(reml=reml)
            failure = None if res.converged else "the optimiser did not converge"
        except (np.linalg.LinAlgError, ValueError) as exc:
            res, failure = None, f"the fit failed ({exc})"
    notes = tuple(dict.fromkeys(str(w.message) for w in caught))
    if res is not None and failure is None and not np.isfinite(np.asarray(res.bse_fe)).all():
        failure = "the standard errors could not be computed (singular information matrix)"
    keys = [*CHANGE_CAVEATS, "uncontrolled_cohort", "model_assumptions"]
    if res is None or failure is not None:
        return MixedModelResult(
            effect=None,
            se=None,
            ci=None,
            p=None,
            intercept=None,
            var_intercept=None,
            var_treatment=None,
            cov_intercept_treatment=None,
            var_residual=None,
            n_obs=len(y),
            n_groups=n_groups,
            converged=False,
            failure=failure or "the fit failed",
            notes=notes,
            method=method,
            reading="The mixed model could not be fitted reliably, so no pooled effect is given.",
            caveats=caveats_for("non_convergence", *keys),
        )
    effect, se = float(res.fe_params[1]), float(res.bse_fe[1])
    z = float(stats.norm.ppf(1 - alpha / 2))
    ci = (effect - z * se, effect + z * se)
    cov_re = np.asarray(res.cov_re, dtype=float)
    if n_groups < 10:
        keys.append("small_n")
    return MixedModelResult(
        effect=effect,
        se=se,
        ci=ci,
        p=float(2 * stats.norm.sf(abs(effect) / se)),
        intercept=float(res.fe_params[0]),
        var_intercept=float(cov_re[0, 0]),
        var_treatment=float(cov_re[1, 1]),
        cov_intercept_treatment=float(cov_re[0, 1]),
        var_residual=float(res.scale),
        n_obs=len(y),
        n_groups=n_groups,
        converged=True,
        failure=None,
        notes=notes,
        method=method,
        reading=check_wording(_mixed_reading(n_groups, len(y), effect, ci, alpha)),
        caveats=caveats_for(*keys),
    )


def _mixed_reading(
    n_groups: int, n_obs: int, effect: float, ci: tuple[float, float], alpha: float
) -> str:
    side = "lower" if effect < 0 else "higher"
    return (
        f"Across {n_groups} patients ({n_obs} observations), scores during care were on "
        f"average {fmt(abs(effect), 2)} points {side} than before "
        f"({fmt_ci(ci, 2, level=1 - alpha)}), allowing each patient their own level and own "
        "change; this design cannot show the care caused it."
    )
