"""analyze_cohort: the batched engine gives the per-patient results (to 1e-8)."""

from __future__ import annotations

import numpy as np
import pytest

from atlaxis.errors import ValidationError
from atlaxis.outcomes import analyze_cohort, nonoverlap, segmented_regression

SEGMENTED_KEYS = (
    "level_change", "level_se", "slope_change", "slope_se", "rho", "p_improved",
    "p_improved_mcid", "df", "n_baseline", "n_treatment",
)  # fmt: skip
NON_OVERLAP_KEYS = ("pnd", "pand", "nap", "nap_se", "tau", "tau_u", "tau_bc")


def _cohort(seed: int, patients: int = 40, days: int = 70) -> tuple[np.ndarray, np.ndarray]:
    """0-10 diary values with AR-like drift, 25% missing days, varied start of care."""
    rng = np.random.default_rng(seed)
    drift = rng.normal(size=(patients, days)).cumsum(axis=1) * 0.2
    values = np.round(np.clip(5 + drift + rng.normal(size=(patients, days)), 0, 10))
    values[rng.random((patients, days)) < 0.25] = np.nan
    t0 = rng.integers(4, days - 4, size=patients)
    values[0, :] = np.nan  # nobody recorded anything
    values[1, : t0[1] - 3] = np.nan  # too short a baseline
    return values, t0


def _close(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is b
    return bool(np.allclose(a, b, rtol=1e-8, atol=1e-8))  # type: ignore[call-overload]


@pytest.mark.parametrize(
    ("method", "improvement", "mcid"),
    [("reml", "decrease", 1.0), ("ml", "increase", None), ("ols", "decrease", 0.5)],
)
def test_batch_equals_per_patient_path(method: str, improvement: str, mcid: float | None) -> None:
    values, t0 = _cohort(1)
    col_days = np.arange(values.shape[1]) + 19_000  # real calendar day numbers
    cohort = analyze_cohort(
        values, t0 + 19_000, days=col_days, method=method, mcid=mcid, improvement=improvement
    )  # type: ignore[arg-type]
    fitted = 0
    for i in range(values.shape[0]):
        row = values[i]
        kept = ~np.isnan(row)
        one = segmented_regression(
            col_days[kept], row[kept], int(t0[i]) + 19_000,
            method=method, mcid=mcid, improvement=improvement,  # type: ignore[arg-type]
        )  # fmt: skip
        many = cohort.segmented_result(i)
        assert one.insufficient == many.insufficient
        assert one.reading == many.reading and one.caveats == many.caveats
        for key in SEGMENTED_KEYS:
            assert _close(getattr(one, key), getattr(many, key)), (i, key)
        fitted += one.insufficient is None
        before = col_days < t0[i] + 19_000
        single = nonoverlap(row[before], row[~before], improvement=improvement)  # type: ignore[arg-type]
        batched = cohort.nonoverlap_result(i)
        assert single.insufficient == batched.insufficient
        for key in (*NON_OVERLAP_KEYS, "nap_ci"):
            assert _close(getattr(single, key), getattr(batched, key)), (i, key)
    assert fitted >= 30  # the comparison covers real fits, not only empty results
    assert cohort.n_insufficient == values.shape[0] - fitted


def test_to_dicts_per_patient() -> None:
    values, t0 = _cohort(2, patients=5)
    cohort = analyze_cohort(values, t0, patient_ids=["a", "b", "c", "d", "e"])
    rows = cohort.to_dicts()
    assert [r["patient"] for r in rows] == ["a", "b", "c", "d", "e"]
    assert rows[0]["segmented_regression"]["insufficient"] is not None
    assert rows[0]["nonoverlap"]["nap"] is None
    assert len(cohort) == 5


def test_bad_input_lists_every_problem() -> None:
    values = np.ones((3, 10))
    values[2, 4] = np.inf
    with pytest.raises(ValidationError) as err:
        analyze_cohort(
            values,
            [3, 4],
            days=[0, 1, 2, 3, 5, 4, 6, 7, 8, 9],
            patient_ids=["x"],
            method="gee",  # type: ignore[arg-type]
        )
    fields = {p.field for p in err.value.problems}
    assert fields == {"values", "days", "first_treatment_day", "patient_ids", "method"}
