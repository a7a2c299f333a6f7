"""Non-overlap effect sizes for AB diary series.

Published values: Parker, Vannest & Davis (2011), *Behav Modif* 35:303 (worked examples,
as encoded in SingleCaseES ``tests/testthat/test-parker-vannest-davis-2011.R``); Tarlow
(2017), *Behav Modif* 41:427 (SingleCaseES ``test-tarlow-2017.R``); Parker & Vannest
(2009), *Behav Ther* 40:357 (NAP = 0.96 for their worked example) with the Newcombe (2006)
score interval printed by Pustejovsky (2016), "Standard errors and confidence intervals
for NAP" (jepusto.com/posts/NAP-SEs-and-CIs). Other checks use independent computations:
scipy's Mann–Whitney U and Theil–Sen slope, numpy polynomial roots, brute force.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from atlaxis.errors import ValidationError
from atlaxis.outcomes import nonoverlap
from atlaxis.outcomes.reading import wording_problems

# Parker, Vannest & Davis (2011), example 1 (improvement = increase).
PVD_A = [20, 20, 26, 25, 22, 23]
PVD_B = [28, 25, 24, 27, 30, 30, 29]
# Parker & Vannest (2009) worked example.
PV_A = [4, 3, 4, 3, 4, 7, 5, 2, 3, 2]
PV_B = [5, 9, 7, 9, 7, 5, 9, 11, 11, 10, 9]


def test_parker_vannest_davis_2011_example_1() -> None:
    r = nonoverlap(PVD_A, PVD_B, improvement="increase")
    # PND: B above max(A) = 26 -> 28, 27, 30, 30, 29 = 5 of 7.
    assert r.pnd == pytest.approx(5 / 7, abs=1e-12)
    # PAND: drop A's 26 and 25 (or B's 25, 24): 11 of 13 points kept.
    assert r.pand == pytest.approx(1 - 2 / 13, abs=1e-12)
    # NAP: 42 pairs; 38 B > A, 1 tie (25 vs 25) -> 38.5 / 42.
    assert r.nap == pytest.approx(38.5 / 42, abs=1e-12)
    # Tau = (38 - 3) / 42: 3 pairs with B < A (24 < 26, 24 < 25, 25 < 26).
    assert r.tau == pytest.approx(35 / 42, abs=1e-12)


def test_parker_vannest_davis_2011_example_2_tau_u() -> None:
    r = nonoverlap([3, 3, 4, 5], [4, 5, 6, 7, 7], improvement="increase")
    assert r.tau == pytest.approx(16 / 20, abs=1e-12)
    # S_A over baseline pairs in order: (3,3)=0, (3,4)=+1, (3,5)=+1, (3,4)=+1, (3,5)=+1,
    # (4,5)=+1 -> 5; Tau-U = (S_AB - S_A)/mn = (16 - 5)/20.
    assert r.tau_u == pytest.approx(11 / 20, abs=1e-12)


def test_tarlow_2017_trend_only_series() -> None:
    r = nonoverlap([1, 2, 3, 4, 5], [6, 7, 8, 9, 10], improvement="increase")
    assert r.tau == pytest.approx(1.0)
    # S_AB = 25, S_A = 10 (all 10 baseline pairs increase): (25 - 10)/25.
    assert r.tau_u == pytest.approx(0.6, abs=1e-12)
    # Theil–Sen slope 1 removes the trend entirely: every residual equals 0.
    assert r.tau_bc == pytest.approx(0.0, abs=1e-12)


def test_parker_vannest_2009_nap_and_newcombe_interval() -> None:
    r = nonoverlap(PV_A, PV_B, improvement="increase")
    # 110 pairs; 106 B > A counting ties as 1/2 -> 0.9636 (published: 0.96).
    assert r.nap == pytest.approx(106 / 110, abs=1e-12)
    # Pustejovsky (2016) prints [0.7499741, 0.9950729] from R's uniroot (tol ~1.2e-4).
    assert r.nap_ci is not None
    assert r.nap_ci[0] == pytest.approx(0.7499741, abs=1.5e-4)
    assert r.nap_ci[1] == pytest.approx(0.9950729, abs=1.5e-4)


def _newcombe_roots(nap: float, m: int, n: int) -> tuple[float, float]:
    """Independent: real roots of the quartic in [0, 1] via numpy, split at NAP."""
    z2 = stats.norm.ppf(0.975) ** 2
    h = (m + n) / 2 - 1
    x = np.polynomial.Polynomial([0, 1])
    f = m * n * (nap - x) ** 2 * (2 - x) * (1 + x) - z2 * x * (1 - x) * (
        2 + h + (1 + 2 * h) * x * (1 - x)
    )
    roots = [r.real for r in f.roots() if abs(r.imag) < 1e-9 and -1e-12 <= r.real <= 1 + 1e-12]
    lower = [r for r in roots if r <= nap and not (nap in (0.0, 1.0) and abs(r - nap) < 1e-9)]
    upper = [r for r in roots if r >= nap and not (nap in (0.0, 1.0) and abs(r - nap) < 1e-9)]
    return (max(lower) if lower else 0.0), (min(upper) if upper else 1.0)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (PV_A, PV_B),
        (PVD_A, PVD_B),
        ([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]),  # NAP = 1: interval must not collapse to [1, 1]
        ([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]),  # NAP = 0
        ([2, 5, 3, 3, 4, 6], [3, 4, 2, 5]),
    ],
)
def test_newcombe_interval_matches_polynomial_roots(a: list[int], b: list[int]) -> None:
    r = nonoverlap(a, b, improvement="increase")
    assert r.nap is not None and r.nap_ci is not None
    lower, upper = _newcombe_roots(r.nap, len(a), len(b))
    assert r.nap_ci == pytest.approx((lower, upper), abs=1e-10)
    assert r.nap_ci[0] < r.nap_ci[1]


def test_interval_at_nap_one_is_informative() -> None:
    r = nonoverlap([1, 2, 3, 4, 5], [6, 7, 8, 9, 10], improvement="increase")
    assert r.nap == 1.0 and r.nap_ci is not None
    assert r.nap_ci[1] == 1.0
    assert 0.5 < r.nap_ci[0] < 0.9  # dividing out (1 - x) gives a real lower limit
    # SE with NAP truncated to 1 - 0.5/25 = 0.98: sqrt(0.98 * 0.02 / (4 * 4)) = 0.035.
    assert r.nap_se == pytest.approx(math.sqrt(0.98 * 0.02 / 16), abs=1e-12)


def _tau_unbiased_se(a: np.ndarray, b: np.ndarray) -> float:
    """Sen (1967)/Mee (1990) variance in Tau form, as in SingleCaseES's
    test-Tau-variance-estimator.R; SE(NAP) = SE(Tau)/2 away from the truncation."""
    u = np.sign(b[None, :] - a[:, None])
    m, n = u.shape
    tau = u.sum() / (m * n)
    q1 = (u.sum(axis=1) ** 2).sum() / (m * n**2)
    q2 = (u.sum(axis=0) ** 2).sum() / (m**2 * n)
    x = (u**2).sum() / (m * n)
    v = (1 + n * q1 + m * q2 - (m + n - 1) * tau**2 - 2 * x) / ((m - 1) * (n - 1))
    return float(np.sqrt(v))


@pytest.mark.parametrize("seed", range(5))
def test_unbiased_se_matches_tau_form(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = rng.poisson(10, size=10).astype(float)
    b = rng.poisson(12, size=12).astype(float)
    r = nonoverlap(a, b, improvement="increase")
    assert r.nap_se == pytest.approx(_tau_unbiased_se(a, b) / 2, rel=1e-10)


def test_nap_equals_mann_whitney_u() -> None:
    rng = np.random.default_rng(7)
    a, b = rng.integers(0, 10, 14).astype(float), rng.integers(0, 10, 20).astype(float)
    u = stats.mannwhitneyu(b, a, alternative="two-sided", method="asymptotic").statistic
    assert nonoverlap(a, b, improvement="increase").nap == pytest.approx(u / (14 * 20))


def test_tau_bc_matches_scipy_theil_sen() -> None:
    # Tarlow (2017) example series (SingleCaseES test-tarlow-2017.R), decrease = better.
    a = np.array([33, 25, 17, 25, 19, 21, 19, 14, 19, 17], dtype=float)
    b = np.array([14, 15, 15, 9, 12, 7, 10, 6, 5, 2, 2, 3, 5, 4], dtype=float)
    slope = stats.theilslopes(-a, np.arange(1, 11)).slope  # sessions 1..m
    ra = -a - slope * np.arange(1, 11)
    rb = -b - slope * np.arange(11, 25)
    expected = np.sign(rb[None, :] - ra[:, None]).sum() / (10 * 14)
    assert nonoverlap(a, b, improvement="decrease").tau_bc == pytest.approx(expected, abs=1e-12)


def _pand_brute_force(a: list[int], b: list[int]) -> float:
    best = 0
    points = [("A", v) for v in a] + [("B", v) for v in b]
    for k in range(len(points), 0, -1):
        for kept in itertools.combinations(points, k):
            ka = [v for p, v in kept if p == "A"]
            kb = [v for p, v in kept if p == "B"]
            if not ka or not kb or max(ka) < min(kb):
                best = k
                break
        if best:
            break
    return best / len(points)


small = st.lists(st.integers(0, 6), min_size=3, max_size=5)


@settings(max_examples=60, deadline=None)
@given(small, small)
def test_pand_matches_brute_force(a: list[int], b: list[int]) -> None:
    assert nonoverlap(a, b, improvement="increase").pand == pytest.approx(_pand_brute_force(a, b))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 10), min_size=3, max_size=9),
    st.lists(st.integers(0, 10), min_size=3, max_size=9),
)
def test_decrease_is_increase_of_negated_values(a: list[int], b: list[int]) -> None:
    down = nonoverlap(a, b, improvement="decrease").to_dict()
    up = nonoverlap([-v for v in a], [-v for v in b], improvement="increase").to_dict()
    for key in ("pnd", "pand", "nap", "nap_se", "nap_ci", "tau", "tau_u", "tau_bc"):
        assert down[key] == pytest.approx(up[key], abs=1e-12), key


def test_missing_days_are_dropped() -> None:
    with_gaps = nonoverlap([20, None, 20, 26, float("nan"), 25, 22, 23], [*PVD_B, None])
    plain = nonoverlap(PVD_A, PVD_B)
    assert with_gaps.to_dict() == plain.to_dict()
    assert with_gaps.n_baseline == 6 and with_gaps.n_treatment == 7


def test_too_few_days_is_insufficient_not_a_number() -> None:
    r = nonoverlap([5, 6], [3, 2, 4, 3, 2, 3])
    assert r.insufficient is not None and "baseline" in r.insufficient and "has 2" in r.insufficient
    assert r.nap is None and r.nap_ci is None and r.tau_bc is None
    d = r.to_dict()
    assert d["insufficient"] == r.insufficient and d["pnd"] is None
    assert "Not enough" in r.reading


def test_three_or_four_days_are_flagged_with_reservations() -> None:
    r = nonoverlap([5, 6, 7], [3, 2, 4, 3, 2])
    assert r.insufficient is None and r.with_reservations
    assert any("reservations" in c for c in r.caveats)
    assert not nonoverlap([5, 6, 7, 6, 5], [3, 2, 4, 3, 2]).with_reservations


def test_to_dict_has_the_stable_keys() -> None:
    keys = nonoverlap(PVD_A, PVD_B).to_dict().keys()
    for key in ("pnd", "pand", "nap", "nap_se", "nap_ci", "tau", "tau_u", "tau_bc"):
        assert key in keys
    assert {"insufficient", "reading", "caveats", "n_baseline", "n_treatment"} <= set(keys)


def test_reading_is_plain_and_honest() -> None:
    r = nonoverlap([7, 8, 7, 6, 8, 7], [5, 4, 5, 3, 4, 4, 3], improvement="decrease")
    assert "lower" in r.reading and "descriptive" in r.reading
    assert wording_problems(r.reading) == []
    assert all(wording_problems(c) == [] for c in r.caveats)
    assert any("caused" in c and "cannot show" in c for c in r.caveats)


def test_bad_input_lists_every_problem() -> None:
    with pytest.raises(ValidationError) as err:
        nonoverlap(["a", 2, 3], [1, float("inf"), 2], improvement="down")  # type: ignore[list-item, arg-type]
    fields = {p.field for p in err.value.problems}
    assert fields == {"baseline", "treatment", "improvement"}
