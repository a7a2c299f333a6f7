"""Pooling per-patient effects (DerSimonian–Laird, REML) and the random-slope mixed model.

Meta-analysis oracle: the BCG vaccine trials (Colditz GA et al. 1994, JAMA 271:698–702; 13
trials), log risk ratios computed here from the 2×2 tables. metafor's documented output
(Viechtbauer 2010, J Stat Softw 36(3); `rma(yi, vi, data = dat.bcg)`):
REML: estimate −0.7145, se 0.1798, 95% CI −1.0669 to −0.3622, τ² 0.3132, I² 92.22%,
Q(df = 12) = 152.2330; DL: estimate −0.7141, se 0.1787, CI −1.0644 to −0.3638, τ² 0.3088,
I² 92.12%.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from statsmodels.stats.meta_analysis import combine_effects

from atlaxis.errors import ValidationError
from atlaxis.outcomes import mixed_model, pool_effects
from atlaxis.outcomes.reading import wording_problems

DATA = Path(__file__).resolve().parents[2] / "data" / "outcomes"

# (vaccinated TB+, vaccinated TB−, control TB+, control TB−) per trial, Colditz et al. 1994.
BCG = [
    (4, 119, 11, 128),
    (6, 300, 29, 274),
    (3, 228, 11, 209),
    (62, 13536, 248, 12619),
    (33, 5036, 47, 5761),
    (180, 1361, 372, 1079),
    (8, 2537, 10, 619),
    (505, 87886, 499, 87892),
    (29, 7470, 45, 7232),
    (17, 1699, 65, 1600),
    (186, 50448, 141, 27197),
    (5, 2493, 3, 2338),
    (27, 16886, 29, 17825),
]


def _bcg_log_rr() -> tuple[np.ndarray, np.ndarray]:
    t = np.array(BCG, dtype=float)
    a, b, c, d = t.T
    yi = np.log(a / (a + b)) - np.log(c / (c + d))
    vi = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)
    return yi, vi


def test_bcg_log_risk_ratios_match_metafor_escalc() -> None:
    yi, vi = _bcg_log_rr()
    # metafor escalc(measure = "RR"), trial 1: yi −0.8893, vi 0.3256; trial 4: −1.4416, 0.0200
    assert (yi[0], vi[0]) == pytest.approx((-0.8893, 0.3256), abs=5e-5)
    assert (yi[3], vi[3]) == pytest.approx((-1.4416, 0.0200), abs=5e-5)


def test_pool_effects_reml_reproduces_metafor_bcg() -> None:
    yi, vi = _bcg_log_rr()
    res = pool_effects(yi.tolist(), np.sqrt(vi).tolist(), method="reml")
    assert res.estimate == pytest.approx(-0.7145, abs=5e-5)
    assert res.se == pytest.approx(0.1798, abs=5e-5)
    assert res.ci == pytest.approx((-1.0669, -0.3622), abs=5e-5)
    assert res.tau2 == pytest.approx(0.3132, abs=5e-5)
    assert res.q == pytest.approx(152.2330, abs=5e-5)
    assert res.df == 12
    assert res.i2 == pytest.approx(92.22, abs=5e-3)
    d = res.to_dict()
    assert {"estimate", "se", "tau2", "q"} <= d.keys()
    assert wording_problems(res.reading) == []


def test_pool_effects_dl_reproduces_metafor_and_statsmodels() -> None:
    yi, vi = _bcg_log_rr()
    res = pool_effects(yi.tolist(), np.sqrt(vi).tolist(), method="dl")
    assert res.estimate == pytest.approx(-0.7141, abs=5e-5)
    assert res.se == pytest.approx(0.1787, abs=5e-5)
    assert res.ci == pytest.approx((-1.0644, -0.3638), abs=5e-5)
    assert res.tau2 == pytest.approx(0.3088, abs=5e-5)
    assert res.i2 == pytest.approx(92.12, abs=5e-3)
    sm = combine_effects(yi, vi, method_re="dl")
    assert res.estimate == pytest.approx(sm.mean_effect_re, rel=1e-10)
    assert res.se == pytest.approx(sm.sd_eff_w_re, rel=1e-10)
    assert res.tau2 == pytest.approx(sm.tau2, rel=1e-10)
    assert res.q == pytest.approx(sm.q, rel=1e-10)


def test_reml_tau2_solves_the_score_equation_and_maximises_the_likelihood() -> None:
    # Independent check: REML log-likelihood on a fine grid peaks at our τ².
    yi, vi = _bcg_log_rr()
    tau2 = pool_effects(yi.tolist(), np.sqrt(vi).tolist()).tau2

    def restricted_loglik(t2: float) -> float:
        w = 1 / (vi + t2)
        mu = (w * yi).sum() / w.sum()
        return float(
            -0.5 * (np.log(vi + t2).sum() + math.log(w.sum()) + (w * (yi - mu) ** 2).sum())
        )

    grid = np.linspace(0.2, 0.45, 2501)
    best = grid[np.argmax([restricted_loglik(g) for g in grid])]
    assert tau2 == pytest.approx(best, abs=1e-4)


def test_homogeneous_effects_give_tau2_zero_and_fixed_effect_pooling() -> None:
    # Identical estimates: Q = 0, τ² = 0; pooled = inverse-variance mean with se √(1/Σw).
    # ses 1, 2: w = 1, 0.25; Σw = 1.25; se = √0.8 = 0.894427.
    for method in ("reml", "dl"):
        res = pool_effects([-1.0, -1.0], [1.0, 2.0], method=method)  # type: ignore[arg-type]
        assert res.tau2 == 0.0 and res.q == pytest.approx(0.0)
        assert res.estimate == pytest.approx(-1.0)
        assert res.se == pytest.approx(0.894427, abs=1e-6)
        assert res.shrunken == pytest.approx((-1.0, -1.0))


def test_shrinkage_pulls_each_patient_toward_the_average() -> None:
    yi, vi = _bcg_log_rr()
    res = pool_effects(yi.tolist(), np.sqrt(vi).tolist())
    b = vi / (vi + res.tau2)
    assert res.shrunken == pytest.approx(tuple(b * res.estimate + (1 - b) * yi), rel=1e-12)
    assert all(
        abs(s - res.estimate) <= abs(y - res.estimate) + 1e-12
        for s, y in zip(res.shrunken, yi, strict=True)
    )


def test_single_patient_and_bad_input() -> None:
    one = pool_effects([-1.2], [0.4])
    assert (one.estimate, one.se, one.tau2, one.k, one.p_q) == (-1.2, 0.4, 0.0, 1, None)
    with pytest.raises(ValidationError) as info:
        pool_effects([1.0, None], [0.5, 0.0], method="pm")  # type: ignore[arg-type, list-item]
    assert {p.field for p in info.value.problems} == {"method"}
    with pytest.raises(ValidationError):
        pool_effects([1.0, 2.0], [0.5, 0.0])
    with pytest.raises(ValidationError):
        pool_effects([], [])


# ------------------------------------------------------------------------------ mixed model


def _sleepstudy() -> dict[str, list[object]]:
    with (DATA / "sleepstudy.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {
        "reaction": [float(r["reaction"]) for r in rows],
        "days": [float(r["days"]) for r in rows],
        "subject": [r["subject"] for r in rows],
    }


def test_mixed_model_reproduces_lme4_sleepstudy() -> None:
    # Belenky et al. (2003) sleep-deprivation data as shipped with lme4 (Bates et al. 2015,
    # J Stat Softw 67(1)); `lmer(Reaction ~ Days + (Days | Subject))` (REML) prints fixed
    # effects 251.405 (SE 6.825) and 10.467 (SE 1.546); variances Subject 612.10 and Days
    # 35.07 (correlation 0.07), residual 654.94. Here "Days" stands in the treatment slot.
    res = mixed_model(_sleepstudy(), outcome="reaction", treatment="days", group="subject")
    assert res.converged and res.failure is None
    assert res.intercept == pytest.approx(251.405, abs=5e-4)
    assert res.effect == pytest.approx(10.467, abs=5e-4)
    assert res.se == pytest.approx(1.546, abs=5e-4)
    assert res.var_intercept == pytest.approx(612.10, rel=1e-3)
    assert res.var_treatment == pytest.approx(35.07, rel=1e-3)
    assert res.var_residual == pytest.approx(654.94, rel=1e-3)
    corr = res.cov_intercept_treatment / math.sqrt(res.var_intercept * res.var_treatment)  # type: ignore[operator]
    assert corr == pytest.approx(0.07, abs=0.005)
    assert (res.n_obs, res.n_groups) == (180, 18)


def _diary_cohort(seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for p in range(12):
        level, effect = rng.normal(6, 1), rng.normal(-1, 0.5)
        for day in range(40):
            d = int(day >= 14)
            rows.append((f"p{p}", d, level + effect * d + rng.normal(0, 1), rng.normal()))
    return pd.DataFrame(rows, columns=["patient", "care", "pain", "sleep"])


def test_mixed_model_matches_statsmodels_formula_fit() -> None:
    df = _diary_cohort()
    res = mixed_model(df, outcome="pain", treatment="care", group="patient", covariates=["sleep"])
    ref = smf.mixedlm("pain ~ care + sleep", df, groups=df["patient"], re_formula="~care").fit(
        reml=True
    )
    assert res.effect == pytest.approx(ref.fe_params["care"], rel=1e-6)
    assert res.se == pytest.approx(ref.bse_fe["care"], rel=1e-6)
    assert res.var_treatment == pytest.approx(ref.cov_re.iloc[1, 1], rel=1e-5)
    assert res.var_residual == pytest.approx(ref.scale, rel=1e-6)
    lo, hi = ref.conf_int().loc["care"]
    assert res.ci == pytest.approx((lo, hi), rel=1e-6)
    assert res.to_dict()["effect"] == pytest.approx(res.effect)
    assert wording_problems(res.reading) == []


def test_mixed_model_failure_is_a_clear_result() -> None:
    df = _diary_cohort()
    df["care"] = 0  # no patient ever has care: the random slope is not identifiable
    res = mixed_model(df, outcome="pain", treatment="care", group="patient")
    assert not res.converged
    assert res.failure
    assert res.effect is None and res.se is None and res.ci is None
    assert "could not be fitted" in res.reading
    assert any("did not converge" in c for c in res.caveats)


def test_mixed_model_input_errors() -> None:
    with pytest.raises(ValidationError) as info:
        mixed_model({"y": [1.0]}, outcome="y", treatment="d", group="g")
    assert {p.field for p in info.value.problems} == {"d", "g"}
    two = {"y": [1.0, 2.0, 3.0, 4.0], "d": [0, 1, 0, 1], "g": ["a", "a", "b", "b"]}
    with pytest.raises(ValidationError):
        mixed_model(two, outcome="y", treatment="d", group="g")  # only 2 patients
