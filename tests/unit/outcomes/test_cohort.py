"""Cohort statistics: proportion intervals, responder rates, paired change, regression to the
mean. Checked against statsmodels/scipy, published values and hand-worked arithmetic."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from atlaxis.errors import ValidationError
from atlaxis.outcomes import paired_change, proportion_ci, regression_to_mean, responder_rates
from atlaxis.outcomes.reading import wording_problems

# ------------------------------------------------------------------------------ proportions


@pytest.mark.parametrize(
    ("k", "n", "wilson", "exact"),
    [
        # Newcombe RG (1998), Stat Med 17:857–872, Table I: method 3 (Wilson score, no
        # continuity correction) and method 5 (Clopper–Pearson "exact"), 4 decimals.
        (81, 263, (0.2553, 0.3662), (0.2527, 0.3676)),
        (15, 148, (0.0624, 0.1605), (0.0578, 0.1617)),
        (0, 20, (0.0, 0.1611), (0.0, 0.1684)),
        (1, 29, (0.0061, 0.1718), (0.0009, 0.1776)),
    ],
)
def test_proportion_ci_reproduces_newcombe_1998(
    k: int, n: int, wilson: tuple[float, float], exact: tuple[float, float]
) -> None:
    assert proportion_ci(k, n) == pytest.approx(wilson, abs=5e-5)
    assert proportion_ci(k, n, "exact") == pytest.approx(exact, abs=5e-5)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_proportion_ci_matches_statsmodels(kn: tuple[int, int]) -> None:
    k, n = kn
    for ours, theirs in (("wilson", "wilson"), ("exact", "beta")):
        lo, hi = proportion_confint(k, n, alpha=0.05, method=theirs)
        got = proportion_ci(k, n, ours)  # type: ignore[arg-type]
        assert got == pytest.approx((float(lo), float(hi)), abs=1e-9)
        assert 0.0 <= got[0] <= k / n <= got[1] <= 1.0


def test_exact_interval_ends_at_zero_and_n() -> None:
    # Clopper–Pearson at k = 0: upper = 1 − (α/2)^(1/n); at k = n: lower = (α/2)^(1/n).
    # n = 20: 0.025^(1/20) = exp(ln 0.025 / 20) = exp(−0.184444) = 0.831566.
    assert proportion_ci(0, 20, "exact") == pytest.approx((0.0, 1 - 0.831566), abs=1e-6)
    assert proportion_ci(20, 20, "exact") == pytest.approx((0.831566, 1.0), abs=1e-6)
    assert proportion_ci(0, 20)[0] == 0.0 and proportion_ci(20, 20)[1] == 1.0


def test_proportion_ci_rejects_impossible_counts() -> None:
    for args in ((5, 3), (-1, 3), (0, 0)):
        with pytest.raises(ValidationError):
            proportion_ci(*args)
    with pytest.raises(ValidationError) as info:
        proportion_ci(1.5, 3, "score")  # type: ignore[arg-type]
    assert {p.field for p in info.value.problems} == {"k", "method"}


# ---------------------------------------------------------------------------- responders


def test_responder_rates_hand_worked() -> None:
    baseline = [8, 6, 5, 7, 4, 0, None, 6]
    followup = [3, 4, 4.5, 7, 1, 2, 3, None]
    # complete pairs: 8→3 (62.5%), 6→4 (33.3%), 5→4.5 (10%), 7→7 (0%), 4→1 (75%), 0→2 (no %)
    # ≥30%: 3 of 5 (baseline 0 left out); ≥50%: 2 of 5; MCID 2 points: 8→3, 6→4, 4→1 = 3 of 6.
    res = responder_rates(baseline, followup, mcid=2)
    r30, r50, mcid = res.rates["reduction_30"], res.rates["reduction_50"], res.rates["mcid"]
    assert (r30.responders, r30.n) == (3, 5)
    assert (r50.responders, r50.n) == (2, 5)
    assert (mcid.responders, mcid.n) == (3, 6)
    assert (res.n_total, res.n_missing, res.n_baseline_zero) == (8, 2, 1)
    lo, hi = proportion_confint(3, 5, method="wilson")
    assert r30.ci == pytest.approx((lo, hi), abs=1e-12)
    assert res.rates["reduction_30"].proportion == pytest.approx(0.6)
    d = res.to_dict()
    assert d["rates"]["reduction_50"]["responders"] == 2
    assert any("baseline of 0" in c for c in res.caveats)
    assert wording_problems(res.reading) == []


def test_responder_rates_exact_method_and_thresholds() -> None:
    res = responder_rates([10] * 4, [7, 7, 8, 2], thresholds=(30,), method="exact")
    # 30% exactly counts (10 → 7); 3 of 4.
    assert (res.rates["reduction_30"].responders, res.rates["reduction_30"].n) == (3, 4)
    lo, hi = proportion_confint(3, 4, method="beta")
    assert res.rates["reduction_30"].ci == pytest.approx((lo, hi), abs=1e-12)
    assert set(res.rates) == {"reduction_30"}


def test_responder_rates_with_no_usable_pairs() -> None:
    res = responder_rates([0, None], [3, 2])
    assert res.rates["reduction_30"].n == 0 and res.rates["reduction_30"].ci is None
    assert "no rate" in res.reading


# ------------------------------------------------------------------------- paired change

# R's `sleep` data (Cushny & Peebles 1905, via Student 1908): extra sleep with two drugs in
# the same 10 patients. R documentation example `t.test(extra ~ group, data = sleep,
# paired = TRUE)` prints t = −4.0621, df = 9, p-value = 0.002833, 95% CI −2.4598858 to
# −0.7001142, mean difference −1.58; `wilcox.test(..., paired = TRUE)` prints V = 0,
# p-value = 0.009091 (normal approximation with continuity correction: ties and a zero).
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def test_paired_change_reproduces_r_sleep_example() -> None:
    # change = post − pre, so post = group 1 and pre = group 2 gives R's group1 − group2.
    res = paired_change(SLEEP_2, SLEEP_1)
    assert res.mean_change == pytest.approx(-1.58, abs=1e-12)
    assert res.t == pytest.approx(-4.0621, abs=5e-5)
    assert res.df == 9
    assert res.p_t == pytest.approx(0.002833, abs=5e-7)
    assert res.ci == pytest.approx((-2.4598858, -0.7001142), abs=5e-8)
    assert res.wilcoxon_v == 0
    assert res.p_wilcoxon == pytest.approx(0.009091, abs=5e-7)
    assert res.wilcoxon_method.startswith("normal approximation")
    assert wording_problems(res.reading) == []


def test_paired_change_matches_scipy() -> None:
    rng = np.random.default_rng(7)
    pre = rng.normal(6, 1.5, 30)
    post = pre - rng.normal(1, 1.2, 30)
    res = paired_change(pre.tolist(), post.tolist())
    tt = stats.ttest_rel(post, pre)
    ci = tt.confidence_interval()
    assert (res.t, res.p_t) == pytest.approx((tt.statistic, tt.pvalue), rel=1e-12)
    assert res.ci == pytest.approx((ci.low, ci.high), rel=1e-12)
    # continuous data: no ties or zeros, n < 50 → R (and we) use the exact distribution
    assert res.wilcoxon_method == "exact"
    w = stats.wilcoxon(post - pre, method="exact")
    assert res.p_wilcoxon == pytest.approx(w.pvalue, rel=1e-12)
    approx = paired_change(pre.tolist(), post.tolist(), wilcoxon="approx")
    w2 = stats.wilcoxon(post - pre, zero_method="wilcox", correction=True, method="approx")
    assert approx.p_wilcoxon == pytest.approx(w2.pvalue, rel=1e-12)
    # R's V: sum of the ranks of the positive changes
    d = post - pre
    assert res.wilcoxon_v == pytest.approx(stats.rankdata(np.abs(d))[d > 0].sum())


def test_paired_change_drops_incomplete_pairs_and_rejects_too_few() -> None:
    res = paired_change([5, 6, None, 7], [4, 4, 3, 6])
    assert (res.n, res.n_excluded) == (3, 1)
    with pytest.raises(ValidationError):
        paired_change([5, None], [4, 3])
    zero = paired_change([5, 6, 7], [5, 6, 7])
    assert zero.p_wilcoxon is None and zero.wilcoxon_v is None


# ------------------------------------------------------------------- regression to the mean


def test_regression_to_the_mean_hand_worked() -> None:
    # Barnett, van der Pols & Dobson (2005), IJE 34:215, eq. (1); the MRC CBU statswiki
    # (FAQ/RTM2) example: μ = 60, σ = 15, patients selected with baseline ≤ 40; ρ = 0.5.
    # m = 1: σ_w² = 0.5·225 = 112.5; s = 15; z = (60 − 40)/15 = 1.333333;
    #   φ(z) = 0.164010, 1 − Φ(z) = 0.091211, C = 1.798135; RTM = 112.5/15·C = 13.486.
    # m = 7: σ_w²/7 = 16.071429; s = √(112.5 + 16.071429) = 11.338934; z = 20/s = 1.763834;
    #   C = φ/(1 − Φ) = 0.084206/0.038880 = 2.165784 → RTM = 16.071429/11.338934·C = 3.0697.
    # m = 14: σ_w²/14 = 8.035714; s = 10.978876; z = 1.821680; C = 2.216256 → RTM = 1.6221.
    assert regression_to_mean(60, 15, 40, 0.5, 1) == pytest.approx(13.486, abs=1e-3)
    assert regression_to_mean(60, 15, 40, 0.5, 7) == pytest.approx(3.0697, abs=1e-4)
    assert regression_to_mean(60, 15, 40, 0.5, 14) == pytest.approx(1.6221, abs=1e-4)
    # Step by step for m = 7 with scipy's normal density and survival function:
    s = math.sqrt(112.5 + 112.5 / 7)
    z = (60 - 40) / s
    expected = (112.5 / 7) / s * stats.norm.pdf(z) / stats.norm.sf(z)
    assert regression_to_mean(60, 15, 40, 0.5, 7) == pytest.approx(expected, rel=1e-12)


def test_regression_to_the_mean_by_simulation() -> None:
    # Patients with pain mean 5, SD 2, ICC 0.4, selected when the mean of 3 baseline days
    # is above 7; the expected drop at follow-up (with no care effect) is the RTM.
    rng = np.random.default_rng(11)
    n, m, icc, sd = 400_000, 3, 0.4, 2.0
    true = rng.normal(5, sd * math.sqrt(icc), n)
    noise_sd = sd * math.sqrt(1 - icc)
    baseline = true + rng.normal(0, noise_sd, (m, n)).mean(axis=0)
    followup = true + rng.normal(0, noise_sd, n)
    chosen = baseline > 7
    simulated = float((baseline[chosen] - followup[chosen]).mean())
    assert regression_to_mean(5, sd, 7, icc, m) == pytest.approx(simulated, abs=0.02)


def test_regression_to_the_mean_selection_side_and_edges() -> None:
    # Symmetry: selecting above μ + 20 equals selecting below μ − 20.
    assert regression_to_mean(60, 15, 80, 0.5) == pytest.approx(regression_to_mean(60, 15, 40, 0.5))
    # Explicit side: selecting *above* 40 (most patients) gives a small shift.
    small = regression_to_mean(60, 15, 40, 0.5, select="above")
    assert 0 < small < 2
    assert regression_to_mean(60, 15, 40, 1.0) == 0.0  # no within-patient noise, no RTM
    with pytest.raises(ValidationError) as info:
        regression_to_mean(60, -1, 40, 1.5, 0)
    assert {p.field for p in info.value.problems} == {"sigma", "icc", "m"}
