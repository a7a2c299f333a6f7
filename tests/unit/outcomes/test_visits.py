"""Visit windows: short-term change after care visits.

The pooled SE is Newey–West HAC over visits (Newey & West 1987, *Econometrica* 55:703),
checked against statsmodels ``OLS(changes, 1).fit(cov_type="HAC", use_correction=True,
use_t=True)`` and, for coverage under autocorrelated diaries, against a simulation.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm

from atlaxis.errors import ValidationError
from atlaxis.outcomes import visit_windows
from atlaxis.outcomes.reading import wording_problems
from atlaxis.outcomes.visits import hac_mean


def test_hand_worked_changes() -> None:
    # Days 0..20; visits on days 5, 10, 15. Values are 6 except: day 5 = 3, day 11 = 4,
    # day 16 = 5, and day 3 missing.
    days = [d for d in range(21) if d != 3]
    values = {d: 6.0 for d in days} | {5: 3.0, 11: 4.0, 16: 5.0}
    r = visit_windows(days, [values[d] for d in days], [5, 10, 15], lags=(0, 1))
    lag0, lag1 = r.lags
    # Lag 0: visit 5 -> 3 - mean(day 2, day 4) = 3 - 6 = -3 (day 3 missing, 2 of 3 days
    # suffice); visit 10 -> 6 - mean(days 7-9) = 0; visit 15 -> 6 - mean(days 12-14) = 0.
    assert lag0.estimate == pytest.approx((-3 + 0 + 0) / 3)
    # Lag 1: visit 5 -> 6 - 6 = 0; visit 10 -> 4 - 6 = -2; visit 15 -> 5 - 6 = -1.
    assert lag1.estimate == pytest.approx((0 - 2 - 1) / 3)
    assert lag1.n_visits == 3 and r.n_visits == 3


@pytest.mark.parametrize("k", [3, 5, 9, 40])
def test_se_is_statsmodels_hac_on_the_visit_series(k: int) -> None:
    changes = np.random.default_rng(k).normal(size=k)
    mean, se = hac_mean(changes)
    lags = math.floor(4 * (k / 100) ** (2 / 9))
    ref = sm.OLS(changes, np.ones(k)).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True
    )
    assert mean == pytest.approx(ref.params[0])
    assert se == pytest.approx(ref.bse[0], rel=1e-12)


def test_interval_matches_statsmodels_t_interval() -> None:
    rng = np.random.default_rng(3)
    y = 5 + rng.normal(size=120)
    visits = np.arange(10, 115, 7)
    r = visit_windows(np.arange(120), y, visits, lags=(1,))
    changes = np.array([y[v + 1] - y[v - 3 : v].mean() for v in visits])
    lags = math.floor(4 * (changes.size / 100) ** (2 / 9))
    ref = sm.OLS(changes, np.ones(changes.size)).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True
    )
    assert r.lags[0].ci == pytest.approx(tuple(ref.conf_int()[0]), rel=1e-10)


def test_coverage_under_autocorrelated_diaries() -> None:
    """No true change, AR(1) rho = 0.6 daily noise, 20 weekly visits, 300 simulated
    patients: the 95% intervals should cover 0 close to 95% of the time."""
    rng = np.random.default_rng(20240)
    n, rho = 160, 0.6
    visits = np.arange(10, 150, 7)
    covered = np.zeros(4)
    reps = 300
    for _ in range(reps):
        u = rng.normal(size=n)
        e = np.empty(n)
        e[0] = u[0] / math.sqrt(1 - rho**2)
        for i in range(1, n):
            e[i] = rho * e[i - 1] + u[i]
        r = visit_windows(np.arange(n), e, visits)
        covered += [lag.ci is not None and lag.ci[0] < 0 < lag.ci[1] for lag in r.lags]
    coverage = covered / reps
    assert np.all(coverage > 0.88) and np.all(coverage < 0.99), coverage


def test_too_few_visits_is_insufficient() -> None:
    r = visit_windows(list(range(30)), [5.0] * 30, [10, 20])
    assert r.insufficient is not None
    assert all(lag.insufficient is not None and lag.estimate is None for lag in r.lags)
    assert "Not enough" in r.reading


def test_before_window_needs_half_its_days() -> None:
    # Visit on day 10 with only day 9 recorded of days 7-9: not usable (needs 2 of 3).
    days = [d for d in range(40) if d not in (7, 8)]
    r = visit_windows(days, [5.0 + (d % 2) for d in days], [10, 20, 30], lags=(0,))
    assert r.lags[0].n_visits == 2 and r.lags[0].insufficient is not None


def test_reading_names_the_lag_and_cannot_show_cause() -> None:
    rng = np.random.default_rng(4)
    y = 6 + 0.3 * rng.normal(size=200)
    visits = np.arange(10, 190, 7)
    for v in visits:
        y[v + 1 : v + 3] -= 2.0
    r = visit_windows(np.arange(200), y, visits, label="pain")
    assert "after visits, pain was" in r.reading and "lower" in r.reading
    assert "cannot show" in r.reading
    for text in (r.reading, *r.caveats, *(lag.reading for lag in r.lags)):
        assert wording_problems(text) == []
    d = r.to_dict()
    assert [lag["lag"] for lag in d["lags"]] == [0, 1, 2, 3]
    assert {"estimate", "se", "ci", "n_visits", "reading"} <= d["lags"][0].keys()


def test_bad_input_lists_every_problem() -> None:
    with pytest.raises(ValidationError) as err:
        visit_windows(
            [0, 1, 2],
            [1.0, 2.0],
            [1.5],
            window=0,
            lags=(0, -1),
            improvement="less",  # type: ignore[arg-type]
        )
    fields = {p.field for p in err.value.problems}
    assert fields == {"days, values", "visit_days", "window", "lags", "improvement"}
