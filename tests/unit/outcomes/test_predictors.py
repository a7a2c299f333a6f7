"""Predictors of response: risk ratio (Katz log interval) and logistic regression."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm
from statsmodels.stats.contingency_tables import Table2x2

from atlaxis.errors import ValidationError
from atlaxis.outcomes import logistic_predictor, risk_ratio
from atlaxis.outcomes.reading import wording_problems


def test_risk_ratio_hand_worked_and_statsmodels() -> None:
    # 12 of 20 responders with a positive neck profile, 6 of 18 without.
    # RR = (12/20)/(6/18) = 0.6/0.333333 = 1.8; ln RR = 0.587787;
    # SE = √(1/12 − 1/20 + 1/6 − 1/18) = √(0.083333 − 0.05 + 0.166667 − 0.055556) = √0.144444
    #    = 0.380058; CI = exp(0.587787 ± 1.959964·0.380058) = (0.854606, 3.791219).
    res = risk_ratio(12, 8, 6, 12)
    assert res.rr == pytest.approx(1.8, abs=1e-12)
    assert res.se_log_rr == pytest.approx(0.380058, abs=1e-6)
    assert res.ci == pytest.approx((0.854606, 3.791219), abs=1e-6)
    table = Table2x2(np.array([[12, 8], [6, 12]]))
    assert res.rr == pytest.approx(table.riskratio, rel=1e-12)
    assert res.ci == pytest.approx(table.riskratio_confint(), rel=1e-12)
    assert res.p == pytest.approx(table.riskratio_pvalue(), rel=1e-9)
    assert not res.corrected
    d = res.to_dict()
    assert d["rr"] == pytest.approx(1.8) and d["ci"] == pytest.approx(list(res.ci))
    assert wording_problems(res.reading) == []


def test_risk_ratio_zero_cell_adds_half_to_every_cell() -> None:
    # 0 of 10 with vs 5 of 10 without → cells + 0.5: (0.5/11)/(5.5/11) = 0.090909;
    # SE = √(1/0.5 − 1/11 + 1/5.5 − 1/11) = √2.0 = 1.414214.
    res = risk_ratio(0, 10, 5, 5)
    assert res.corrected
    assert res.rr == pytest.approx(0.090909, abs=1e-6)
    assert res.se_log_rr == pytest.approx(math.sqrt(2.0), abs=1e-12)
    # statsmodels' own shift_zeros replaces only the zero cells, so compare on the shifted table.
    shifted = Table2x2(np.array([[0.5, 10.5], [5.5, 5.5]]), shift_zeros=False)
    assert res.ci == pytest.approx(shifted.riskratio_confint(), rel=1e-12)
    assert any("0.5 was added" in c for c in res.caveats)


def test_risk_ratio_rejects_bad_tables() -> None:
    with pytest.raises(ValidationError) as info:
        risk_ratio(-1, 2.5, 3, 4)  # type: ignore[arg-type]
    assert {p.field for p in info.value.problems} == {"a", "b"}
    with pytest.raises(ValidationError):
        risk_ratio(0, 0, 3, 4)  # nobody with the characteristic


def _table_rows(a: int, b: int, c: int, d: int) -> tuple[list[int], list[int]]:
    response = [1] * a + [0] * b + [1] * c + [0] * d
    predictor = [1] * (a + b) + [0] * (c + d)
    return response, predictor


def test_logistic_binary_predictor_equals_the_2x2_odds_ratio_with_woolf_interval() -> None:
    # OR = (12·12)/(8·6) = 3.0; Woolf SE = √(1/12 + 1/8 + 1/6 + 1/12) = √0.458333 = 0.677003.
    y, x = _table_rows(12, 8, 6, 12)
    res = logistic_predictor(y, x, name="a positive neck profile")
    table = Table2x2(np.array([[12, 8], [6, 12]]))
    assert res.odds_ratio == pytest.approx(3.0, rel=1e-6)
    assert res.se == pytest.approx(0.677003, abs=1e-5)
    assert res.ci == pytest.approx(table.oddsratio_confint(), rel=1e-5)
    assert (res.n, res.events) == (38, 18)
    assert res.warnings == ()  # 18 responders, 20 not: ≥ 10 events per parameter
    assert wording_problems(res.reading) == []


def test_logistic_matches_statsmodels_with_covariates() -> None:
    rng = np.random.default_rng(3)
    n = 300
    neck = rng.integers(0, 2, n).astype(float)
    age = rng.normal(50, 10, n)
    logit = -1 + 0.8 * neck + 0.03 * (age - 50)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(float)
    res = logistic_predictor(y.tolist(), neck.tolist(), covariates={"age": age.tolist()})
    ref = sm.Logit(y, sm.add_constant(np.column_stack([neck, age]))).fit(disp=0)
    assert res.coef == pytest.approx(ref.params[1], rel=1e-6)
    assert res.se == pytest.approx(ref.bse[1], rel=1e-6)
    assert res.odds_ratio == pytest.approx(math.exp(ref.params[1]), rel=1e-6)
    assert res.ci == pytest.approx(tuple(np.exp(ref.conf_int()[1])), rel=1e-6)
    assert res.p == pytest.approx(ref.pvalues[1], rel=1e-6)
    assert res.warnings == ()
    assert res.covariates == ("age",)


def test_logistic_separation_gives_no_estimate_and_says_so() -> None:
    # Complete separation: every patient with the characteristic responded, none without.
    res = logistic_predictor([1, 1, 1, 0, 0, 0], [1, 1, 1, 0, 0, 0])
    assert res.odds_ratio is None and res.ci is None and res.p is None
    assert res.warnings[0] == "separation"
    assert "no finite odds ratio" in res.reading
    # Quasi-separation: a zero cell in the 2×2 table (no non-responder with it).
    y, x = _table_rows(8, 0, 5, 9)
    quasi = logistic_predictor(y, x)
    assert quasi.odds_ratio is None and "separation" in quasi.warnings
    # A continuous predictor that separates perfectly.
    cont = logistic_predictor([0, 0, 0, 1, 1, 1], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    assert cont.odds_ratio is None and "separation" in cont.warnings


def test_logistic_small_samples_warn_and_missing_rows_drop() -> None:
    res = logistic_predictor([1, 0, 1, 0, 1, 0, None, 1], [1, 1, 0, 0, 1, 0, 1, None])
    assert (res.n, res.n_excluded) == (6, 2)
    assert "few_events" in res.warnings
    assert any("Fewer than 10" in c for c in res.caveats)
    with pytest.raises(ValidationError):
        logistic_predictor([1, 1, 1], [0, 1, 2])  # nobody without response
    with pytest.raises(ValidationError):
        logistic_predictor([2, 0, 1], [0, 1, 2])  # not 0/1
