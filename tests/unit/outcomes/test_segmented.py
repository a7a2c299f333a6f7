"""Segmented regression with AR(1) errors on calendar days.

References: statsmodels 0.14+/0.15 SARIMAX(1,0,0) with exog [t, D, (t - t0)D] and
trend "c" (Kalman-filter exact likelihood; NaN = missing day), statsmodels GLS with
``sigma = rho**|t_i - t_j|``, statsmodels OLS with ``cov_type="HAC"`` (Newey–West), and a
dense-matrix REML written here from Harville (1977, *JASA* 72:320):
``(n-p) log(q/(n-p)) + log|R| + log|X'R^-1X|``. Coding: Huitema & McKean (2000).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import optimize, stats
from statsmodels.tsa.statespace.sarimax import SARIMAX

from atlaxis.errors import ValidationError
from atlaxis.outcomes import ar1, segmented_regression
from atlaxis.outcomes.reading import wording_problems

T0 = 30


def _series(seed: int, n: int = 80, rho: float = 0.5, missing: float = 0.0) -> np.ndarray:
    """y = 5 + 0.02t - 1.5D - 0.03(t - t0)D + AR(1) noise; NaN on missing days."""
    rng = np.random.default_rng(seed)
    e = np.zeros(n)
    e[0] = rng.normal() / math.sqrt(1 - rho**2)
    for i in range(1, n):
        e[i] = rho * e[i - 1] + rng.normal()
    t = np.arange(n)
    after = (t >= T0).astype(float)
    y = 5 + 0.02 * t - 1.5 * after - 0.03 * (t - T0) * after + e
    if missing:
        drop = rng.random(n) < missing
        drop[[0, T0, n - 1]] = False
        y[drop] = np.nan
    return y


def _exog(n: int) -> np.ndarray:
    t = np.arange(n, dtype=float)
    after = (t >= T0).astype(float)
    return np.column_stack([t, after, (t - T0) * after])


def _sarimax(y: np.ndarray) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = SARIMAX(y, exog=_exog(y.size), order=(1, 0, 0), trend="c")
        # The default L-BFGS stops early (level change off by ~5e-3); BFGS run to a
        # gradient of 1e-10 reaches the optimum.
        return model.fit(disp=False, method="bfgs", maxiter=2000, gtol=1e-10)


@pytest.mark.parametrize(("seed", "missing"), [(1, 0.0), (2, 0.0), (3, 0.2), (4, 0.3)])
def test_ml_matches_sarimax(seed: int, missing: float) -> None:
    y = _series(seed, missing=missing)
    days = np.flatnonzero(~np.isnan(y))
    r = segmented_regression(days, y[days], T0, method="ml")
    ref = _sarimax(y)  # params: c, t, D, (t-t0)D, ar.L1, sigma2
    assert r.level_change == pytest.approx(ref.params[2], rel=1e-5)
    assert r.slope_change == pytest.approx(ref.params[3], rel=1e-5)
    assert r.rho == pytest.approx(ref.params[4], abs=1e-5)


@pytest.mark.parametrize(("seed", "missing"), [(1, 0.0), (3, 0.2)])
def test_ml_is_the_sarimax_likelihood_maximum(seed: int, missing: float) -> None:
    """Our ML estimate, plugged into statsmodels' own likelihood, is at least as good
    as statsmodels' optimum, and our log-likelihood is that same number."""
    y = _series(seed, missing=missing)
    days = np.flatnonzero(~np.isnan(y))
    batch = ar1.batch_from_grid(days, y[days][None, :], np.array([T0]))
    fit = ar1.fit(batch, "ml")
    rho, beta = float(fit.rho[0]), fit.beta[0]
    innovation_var = float(fit.sigma2[0]) * (1 - rho**2)
    # SARIMAX puts trend "c" in the error equation: intercept b0 = c / (1 - rho).
    ours = np.array([beta[0] * (1 - rho), beta[1], beta[2], beta[3], rho, innovation_var])
    ref = _sarimax(y)
    llf_at_ours = ref.model.loglike(ours)
    assert llf_at_ours >= ref.llf - 1e-7
    assert float(ar1.ml_loglik(batch, fit.rho)[0]) == pytest.approx(llf_at_ours, abs=1e-7)


def _reml_reference(t: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    after = (t >= T0).astype(float)
    x = np.column_stack([np.ones_like(t), t, after, (t - T0) * after])
    n, p = x.shape
    lags = np.abs(t[:, None] - t[None, :]).astype(int)

    def parts(rho: float) -> tuple[float, np.ndarray, np.ndarray]:
        r_inv = np.linalg.inv(np.power(rho, lags))
        a = x.T @ r_inv @ x
        beta = np.linalg.solve(a, x.T @ r_inv @ y)
        resid = y - x @ beta
        q = float(resid @ r_inv @ resid)
        crit = (n - p) * math.log(q / (n - p))
        crit += np.linalg.slogdet(np.power(rho, lags))[1] + np.linalg.slogdet(a)[1]
        return 0.5 * crit, beta, q / (n - p) * np.linalg.inv(a)

    best = optimize.minimize_scalar(
        lambda r: parts(r)[0], bounds=(-0.99, 0.99), method="bounded", options={"xatol": 1e-12}
    )
    _, beta, cov = parts(best.x)
    return float(best.x), beta, np.sqrt(np.diag(cov))


@pytest.mark.parametrize(
    ("seed", "missing", "rho"), [(5, 0.0, 0.5), (6, 0.25, 0.5), (21, 0.25, -0.6)]
)
def test_reml_matches_dense_reference(seed: int, missing: float, rho: float) -> None:
    """Includes negative rho with gaps: rho**gap alternates in sign and must stay exact."""
    y = _series(seed, n=60, rho=rho, missing=missing)
    days = np.flatnonzero(~np.isnan(y))
    r = segmented_regression(days, y[days], T0)
    rho_ref, beta, se = _reml_reference(days.astype(float), y[days])
    assert r.rho == pytest.approx(rho_ref, abs=1e-6)
    assert r.level_change == pytest.approx(beta[2], rel=1e-6)
    assert r.slope_change == pytest.approx(beta[3], rel=1e-6)
    assert r.level_se == pytest.approx(se[2], rel=1e-6)
    assert r.slope_se == pytest.approx(se[3], rel=1e-6)


@pytest.mark.parametrize("method", ["reml", "ml"])
def test_standard_errors_are_statsmodels_gls_at_the_estimated_rho(method: str) -> None:
    y = _series(8, missing=0.2)
    days = np.flatnonzero(~np.isnan(y))
    r = segmented_regression(days, y[days], T0, method=method)  # type: ignore[arg-type]
    assert r.rho is not None and r.level_ci is not None
    x = sm.add_constant(_exog(y.size)[days])
    sigma = np.power(r.rho, np.abs(days[:, None] - days[None, :]))
    gls = sm.GLS(y[days], x, sigma=sigma).fit()
    n, p = days.size, 4
    factor = 1.0 if method == "reml" else math.sqrt((n - p) / n)  # ML: sigma^2 = q/n
    assert r.level_change == pytest.approx(gls.params[2], rel=1e-9)
    assert r.level_se == pytest.approx(gls.bse[2] * factor, rel=1e-9)
    assert r.slope_se == pytest.approx(gls.bse[3] * factor, rel=1e-9)
    half = stats.t.ppf(0.975, n - p) * r.level_se
    assert r.level_ci == pytest.approx((r.level_change - half, r.level_change + half))


@pytest.mark.parametrize("missing", [0.0, 0.2])
def test_ols_hac_matches_statsmodels(missing: float) -> None:
    y = _series(9, missing=missing)
    days = np.flatnonzero(~np.isnan(y))
    r = segmented_regression(days, y[days], T0, method="ols")
    lags = math.floor(4 * (days.size / 100) ** (2 / 9))
    ref = sm.OLS(y[days], sm.add_constant(_exog(y.size)[days])).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True
    )
    assert r.level_change == pytest.approx(ref.params[2], rel=1e-10)
    assert r.level_se == pytest.approx(ref.bse[2], rel=1e-10)
    assert r.slope_se == pytest.approx(ref.bse[3], rel=1e-10)
    assert r.level_ci == pytest.approx(tuple(ref.conf_int()[2]), rel=1e-10)
    assert r.rho is None


def test_probabilities_come_from_the_t_distribution_of_the_level_change() -> None:
    y = _series(10, missing=0.1)
    days = np.flatnonzero(~np.isnan(y))
    r = segmented_regression(days, y[days], T0, mcid=1.0)
    assert r.level_change is not None and r.level_se is not None and r.df is not None
    assert r.df == days.size - 4
    assert r.p_improved == pytest.approx(stats.t.cdf(-r.level_change / r.level_se, r.df))
    assert r.p_improved_mcid == pytest.approx(
        stats.t.cdf((-1.0 - r.level_change) / r.level_se, r.df)
    )
    up = segmented_regression(days, y[days], T0, mcid=1.0, improvement="increase")
    assert up.p_improved == pytest.approx(1 - r.p_improved)
    assert up.p_improved_mcid == pytest.approx(
        stats.t.cdf((up.level_change - 1.0) / r.level_se, r.df)
    )
    assert segmented_regression(days, y[days], T0).p_improved_mcid is None


def test_huitema_mckean_coding_recovers_known_changes() -> None:
    # Nearly noiseless: level change -2 on the first care day, slope change -0.05/day.
    t = np.arange(70)
    after = (t >= T0).astype(float)
    noise = 0.01 * np.sin(1.7 * t)
    y = 5 + 0.1 * t - 2.0 * after - 0.05 * (t - T0) * after + noise
    r = segmented_regression(t, y, T0)
    assert r.level_change == pytest.approx(-2.0, abs=0.02)
    assert r.slope_change == pytest.approx(-0.05, abs=1e-3)


def test_shifting_calendar_days_changes_nothing() -> None:
    y = _series(11, missing=0.2)
    days = np.flatnonzero(~np.isnan(y))
    a = segmented_regression(days, y[days], T0).to_dict()
    b = segmented_regression(days + 20_000, y[days], T0 + 20_000).to_dict()
    for key in ("level_change", "level_se", "slope_change", "slope_se", "rho", "p_improved"):
        assert a[key] == pytest.approx(b[key], rel=1e-8), key


def test_days_in_any_order_and_missing_values_are_handled() -> None:
    y = _series(12)
    y_gap = y.copy()
    y_gap[[5, 40, 41]] = np.nan
    days = np.arange(y.size)
    reverse = segmented_regression(days[::-1], y_gap[::-1], T0)
    kept = ~np.isnan(y_gap)
    forward = segmented_regression(days[kept], y_gap[kept], T0)
    assert reverse.to_dict() == forward.to_dict()
    assert forward.n_baseline == T0 - 1 and forward.n_treatment == y.size - T0 - 2


@pytest.mark.parametrize(
    ("days", "t0", "words"),
    [
        (list(range(6)) + list(range(10, 30)), 10, "baseline days (has 6)"),
        (list(range(20)), 15, "care days (has 5)"),
        (list(range(0, 40, 3)) + list(range(40, 60)), 40, "50%"),
        (list(range(30)), 50, "care days (has 0)"),
    ],
)
def test_too_little_data_is_insufficient(days: list[int], t0: int, words: str) -> None:
    rng = np.random.default_rng(0)
    r = segmented_regression(days, rng.normal(size=len(days)), t0, mcid=1.0)
    assert r.insufficient is not None and words in r.insufficient
    d = r.to_dict()
    assert d["level_change"] is None and d["p_improved"] is None and d["rho"] is None
    assert d["insufficient"] == r.insufficient
    assert "Not enough" in r.reading


def test_values_without_noise_are_insufficient() -> None:
    t = np.arange(40)
    r = segmented_regression(t, np.where(t < 20, 6.0, 4.0), 20)
    assert r.insufficient is not None and "variation" in r.insufficient


def test_to_dict_has_the_stable_keys() -> None:
    y = _series(13)
    d = segmented_regression(np.arange(y.size), y, T0).to_dict()
    required = {
        "level_change", "level_se", "level_ci", "slope_change", "slope_se", "rho",
        "p_improved", "p_improved_mcid", "n_baseline", "n_treatment", "insufficient",
    }  # fmt: skip
    assert required <= d.keys()
    assert isinstance(d["level_ci"], list) and len(d["level_ci"]) == 2


def test_reading_says_beyond_noise_and_cannot_show_cause() -> None:
    y = _series(14, n=100, rho=0.3)
    y[T0:] -= 2.0
    r = segmented_regression(np.arange(100), y, T0, label="pain")
    assert r.level_ci is not None and r.level_ci[1] < 0
    assert "pain was" in r.reading and "lower" in r.reading
    assert "beyond day-to-day noise" in r.reading and "cannot show" in r.reading
    assert wording_problems(r.reading) == []
    assert all(wording_problems(c) == [] for c in r.caveats)


def test_bad_input_lists_every_problem() -> None:
    with pytest.raises(ValidationError) as err:
        segmented_regression(
            [1, 1.5, 2],
            [1, 2],
            "day 3",  # type: ignore[arg-type]
            method="bayes",  # type: ignore[arg-type]
            mcid=-1,
            improvement="up",  # type: ignore[arg-type]
        )
    fields = {p.field for p in err.value.problems}
    assert fields == {"days", "first_treatment_day", "method", "mcid", "improvement"}
    with pytest.raises(ValidationError) as err:
        segmented_regression([1, 1, 2], [1, 2, 3], 2)
    assert "more than once" in str(err.value)
