"""Does a baseline characteristic (e.g. a positive neck-involvement profile) go with response?

Risk ratio with the Katz log interval, and logistic regression (statsmodels ``Logit``) with
an odds ratio, warning on separation and on few events per parameter.

Sources (facts only; the code is our own):

* Katz D, Baptista J, Azen SP, Pike MC (1978). Obtaining confidence intervals for the risk
  ratio in cohort studies. *Biometrics* 34:469–474 — ``ln RR ± z·√(1/a − 1/(a+b) + 1/c −
  1/(c+d))``.
* Haldane JBS (1956), *Ann Hum Genet* 20:309–311; Anscombe FJ (1956), *Biometrika*
  43:461–464 — adding 0.5 to every cell of a table that has a zero cell.
* Peduzzi P et al. (1996). A simulation study of the number of events per variable in
  logistic regression analysis. *J Clin Epidemiol* 49:1373–1379 — about 10 events per
  parameter.
* Albert A, Anderson JA (1984). *Biometrika* 71:1–10 — separation: no finite maximum
  likelihood estimate exists.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from atlaxis.outcomes._checks import Checks, FloatArray
from atlaxis.outcomes.reading import caveats_for, check_wording, fmt, fmt_ci, result_dict

#: Events per model parameter below which an odds ratio is flagged as unstable.
MIN_EVENTS_PER_PARAMETER = 10


@dataclass(frozen=True)
class RiskRatio:
    """Risk of response with the characteristic (``a/(a+b)``) over without (``c/(c+d)``).

    ``ci`` is the Katz log interval. When any cell is 0, 0.5 is added to all four cells
    (``corrected``) before computing ``rr``, ``ci`` and the risks.
    """

    rr: float
    ci: tuple[float, float]
    log_rr: float
    se_log_rr: float
    p: float
    risk_with: float
    risk_without: float
    table: tuple[int, int, int, int]
    corrected: bool
    method: str
    reading: str
    caveats: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return result_dict(self)


def risk_ratio(
    a: int, b: int, c: int, d: int, *, alpha: float = 0.05, correction: float = 0.5
) -> RiskRatio:
    """Risk ratio from a 2×2 table with the Katz log interval.

    ``a``: responders with the characteristic, ``b``: non-responders with it, ``c``:
    responders without it, ``d``: non-responders without it. If any cell is 0, ``correction``
    (0.5) is added to every cell; each row must hold at least one patient.
    """
    checks = Checks("risk_ratio")
    for name, value in (("a", a), ("b", b), ("c", c), ("d", d)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
            checks.add(name, f"expected a count ≥ 0, got {value!r}", "a whole number ≥ 0")
    if not 0 < alpha < 1:
        checks.add("alpha", f"must be in (0, 1), got {alpha!r}", "0 < alpha < 1")
    checks.raise_if_any()
    if a + b == 0:
        checks.add("a, b", "no patient with the characteristic", "a + b ≥ 1")
    if c + d == 0:
        checks.add("c, d", "no patient without the characteristic", "c + d ≥ 1")
    checks.raise_if_any()

    corrected = min(a, b, c, d) == 0
    add = correction if corrected else 0.0
    fa, fb, fc, fd = (float(v) + add for v in (a, b, c, d))
    risk1, risk0 = fa / (fa + fb), fc / (fc + fd)
    log_rr = math.log(risk1 / risk0)
    se = math.sqrt(1 / fa - 1 / (fa + fb) + 1 / fc - 1 / (fc + fd))
    z = float(stats.norm.ppf(1 - alpha / 2))
    ci = (math.exp(log_rr - z * se), math.exp(log_rr + z * se))
    p = float(2 * stats.norm.sf(abs(log_rr) / se)) if se > 0 else 1.0
    keys = ["uncontrolled_cohort", "multiplicity"] + (["zero_cells"] if corrected else [])
    if a + b + c + d < 40:
        keys.append("small_n")
    reading = (
        f"Response was {fmt(risk1 / risk0, 2)} times as common with the characteristic "
        f"({a} of {a + b}) as without it ({c} of {c + d}), {fmt_ci(ci, 2, level=1 - alpha)}; "
        "this is an association in these patients and cannot show that the characteristic "
        "caused the difference."
    )
    return RiskRatio(
        rr=risk1 / risk0,
        ci=ci,
        log_rr=log_rr,
        se_log_rr=se,
        p=p,
        risk_with=risk1,
        risk_without=risk0,
        table=(int(a), int(b), int(c), int(d)),
        corrected=corrected,
        method="Katz log interval" + (f", {correction} added to every cell" if corrected else ""),
        reading=check_wording(reading),
        caveats=caveats_for(*keys),
    )


@dataclass(frozen=True)
class LogisticResult:
    """Odds ratio of response per unit of ``predictor`` (adjusted for ``covariates``).

    ``odds_ratio``/``ci``/``p`` are ``None`` when no finite estimate exists (separation) or
    the fit failed; ``warnings`` then says why (``"separation"``, ``"non_convergence"``);
    ``"few_events"`` warns of fewer than 10 events per parameter.
    """

    odds_ratio: float | None
    ci: tuple[float, float] | None
    p: float | None
    coef: float | None
    se: float | None
    n: int
    n_excluded: int
    events: int
    predictor: str
    covariates: tuple[str, ...]
    warnings: tuple[str, ...]
    method: str
    reading: str
    caveats: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return result_dict(self)


def logistic_predictor(
    response: Sequence[Any],
    predictor: Sequence[Any],
    *,
    covariates: Mapping[str, Sequence[Any]] | None = None,
    name: str = "the characteristic",
    alpha: float = 0.05,
) -> LogisticResult:
    """Logistic regression of ``response`` (1/0 or True/False) on ``predictor``.

    Fitted with ``statsmodels.api.Logit`` (intercept added); the odds ratio is
    ``exp(coef)`` with a Wald interval, which for one binary predictor equals the 2×2 odds
    ratio with Woolf's interval. Rows with any missing value are left out.
    """
    checks = Checks("logistic_predictor")
    y = checks.series("response", response)
    x = checks.series("predictor", predictor)
    covs = {k: checks.series(f"covariates[{k!r}]", v) for k, v in (covariates or {}).items()}
    checks.same_length(("response", "predictor", *covs), (y, x, *covs.values()))
    checks.raise_if_any()
    columns = np.column_stack([x, *covs.values()])
    keep = ~(np.isnan(y) | np.isnan(columns).any(axis=1))
    y, columns = y[keep], columns[keep]
    if not np.isin(y, (0.0, 1.0)).all():
        checks.add("response", "values other than 0/1 (or True/False)", "0, 1, True, False")
    events = int(y.sum())
    if len(y) < 3 or events == 0 or events == len(y):
        checks.add("response", f"{events} responders of {len(y)}", "both responders and not")
    checks.raise_if_any()

    fit = _fit_logit(y, columns, alpha)
    status: list[str] = []
    if fit is None or _binary_separated(y, columns[:, 0]):
        status.append("separation")
    elif not fit[5]:
        status.append("non_convergence")
    few = min(events, len(y) - events) < MIN_EVENTS_PER_PARAMETER * columns.shape[1]
    warn = status + (["few_events"] if few else [])
    failed = fit is None or bool(status)
    result_or = ci = coef = se = p = None
    if fit is not None and not failed:
        coef, se, p = fit[0], fit[1], fit[4]
        result_or, ci = math.exp(coef), (math.exp(fit[2]), math.exp(fit[3]))
    keys = ["uncontrolled_cohort", "multiplicity", *warn]
    return LogisticResult(
        odds_ratio=result_or,
        ci=ci,
        p=p,
        coef=coef,
        se=se,
        n=len(y),
        n_excluded=int((~keep).sum()),
        events=events,
        predictor=name,
        covariates=tuple(covs),
        warnings=tuple(warn),
        method="logistic regression (statsmodels Logit, maximum likelihood, Wald interval)",
        reading=check_wording(_logit_reading(name, result_or, ci, alpha, columns[:, 0], warn)),
        caveats=caveats_for(*keys),
    )


def _fit_logit(
    y: FloatArray, columns: FloatArray, alpha: float
) -> tuple[float, float, float, float, float, bool] | None:
    """(coef, se, lower, upper, p, converged) for the first column; ``None`` on separation."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import PerfectSeparationError, PerfectSeparationWarning

    design = sm.add_constant(columns, has_constant="add")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = sm.Logit(y, design).fit(disp=0, maxiter=200)
        except (PerfectSeparationError, np.linalg.LinAlgError):
            return None
    if any(issubclass(w.category, PerfectSeparationWarning) for w in caught):
        return None
    bse = float(res.bse[1])
    if not math.isfinite(bse):
        return None
    lo, hi = (float(v) for v in res.conf_int(alpha)[1])
    converged = bool(res.mle_retvals.get("converged", True))
    return float(res.params[1]), bse, lo, hi, float(res.pvalues[1]), converged


def _binary_separated(y: FloatArray, x: FloatArray) -> bool:
    """A two-valued predictor with an empty cell in its 2×2 table with ``y`` (quasi-separation)."""
    levels = np.unique(x)
    if len(levels) != 2:
        return False
    return any(((x == lv) & (y == out)).sum() == 0 for lv in levels for out in (0.0, 1.0))


def _logit_reading(
    name: str,
    odds_ratio: float | None,
    ci: tuple[float, float] | None,
    alpha: float,
    x: FloatArray,
    warn: list[str],
) -> str:
    if odds_ratio is None or ci is None:
        if "non_convergence" in warn:
            return f"The model for {name} did not converge, so no odds ratio is reported."
        return (
            f"{name[:1].upper() + name[1:]} separates responders from non-responders in these "
            "data, so no finite odds ratio can be estimated; report the counts instead."
        )
    binary = len(np.unique(x)) == 2
    unit = f"with {name} than without" if binary else f"per one-unit increase in {name}"
    return (
        f"The odds of response were {fmt(odds_ratio, 2)} times as high {unit} "
        f"({fmt_ci(ci, 2, level=1 - alpha)}); this is an association in these patients and "
        f"cannot show that {name} caused the difference."
    )
