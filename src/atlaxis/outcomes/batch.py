"""The per-patient diary analysis for a whole cohort in one vectorised pass.

``analyze_cohort`` takes a padded patients x days array (NaN = day not recorded) and
runs segmented regression (:mod:`atlaxis.outcomes.segmented`) and the non-overlap
indices (:mod:`atlaxis.outcomes.singlecase`) for every patient at once: the AR(1)
profile likelihood is searched over a rho grid plus golden-section refinement for all
patients together, GLS solves are batched 4x4 solves, and non-overlap pairs are
compared in chunks of patients. The per-patient functions run the same code on a batch
of one, so both paths give the same estimates (tests check agreement to 1e-8).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from atlaxis.outcomes import ar1
from atlaxis.outcomes._checks import Checks
from atlaxis.outcomes.diary_input import days as check_days
from atlaxis.outcomes.diary_input import grid_values
from atlaxis.outcomes.segmented import (
    Improvement,
    SegmentedArrays,
    SegmentedResult,
    check_options,
    segmented_arrays,
    segmented_result,
)
from atlaxis.outcomes.singlecase import (
    NonOverlapArrays,
    NonOverlapResult,
    nonoverlap_arrays,
    nonoverlap_result,
)

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class CohortAnalysis:
    """Diary analyses for every patient of a cohort.

    ``segmented`` and ``nonoverlap`` hold one array per statistic (NaN where a patient
    has too little data); :meth:`patient` builds the same result objects as the
    per-patient functions, and :meth:`to_dicts` gives one JSON-friendly dict per patient.
    """

    patient_ids: tuple[str, ...]
    segmented: SegmentedArrays
    nonoverlap: NonOverlapArrays
    label: str

    def __len__(self) -> int:
        return len(self.patient_ids)

    def segmented_result(self, i: int) -> SegmentedResult:
        return segmented_result(self.segmented, i, self.label)

    def nonoverlap_result(self, i: int) -> NonOverlapResult:
        return nonoverlap_result(self.nonoverlap, i, self.segmented.improvement)

    def patient(self, i: int) -> dict[str, Any]:
        return {
            "patient": self.patient_ids[i],
            "segmented_regression": self.segmented_result(i).to_dict(),
            "nonoverlap": self.nonoverlap_result(i).to_dict(),
        }

    def to_dicts(self) -> list[dict[str, Any]]:
        return [self.patient(i) for i in range(len(self))]

    @property
    def n_insufficient(self) -> int:
        """Patients without a segmented-regression estimate."""
        return sum(reason is not None for reason in self.segmented.reasons)


def _inputs(
    values: Any, first_treatment_day: Any, days: Any, patient_ids: Any, options: dict[str, Any]
) -> tuple[FloatArray, npt.NDArray[np.int64], npt.NDArray[np.int64], tuple[str, ...], Any]:
    checks = Checks("analyze_cohort")
    grid = grid_values(checks, "values", values)
    n_patients, n_days = grid.shape
    col_days = (
        np.arange(n_days, dtype=np.int64) if days is None else check_days(checks, "days", days)
    )
    if col_days.size and np.any(np.diff(col_days) <= 0):
        checks.add("days", "must be strictly increasing", "increasing whole day numbers")
    if col_days.size != n_days:
        checks.add("days", f"has {col_days.size} entries for {n_days} columns", "one per column")
    t0 = check_days(Checks("first_treatment_day"), "first_treatment_day", first_treatment_day)
    raw_t0 = np.asarray(first_treatment_day, dtype=object).reshape(-1)
    if t0.size != raw_t0.size or t0.size != n_patients:
        checks.add(
            "first_treatment_day",
            f"needs one whole day number per patient ({n_patients}), got {raw_t0.size}",
            "integers",
        )
    ids = (
        tuple(str(i) for i in range(n_patients))
        if patient_ids is None
        else tuple(str(p) for p in patient_ids)
    )
    if len(ids) != n_patients:
        checks.add("patient_ids", f"has {len(ids)} ids for {n_patients} patients", "one per row")
    mcid = check_options(checks, options["method"], options["mcid"], options["improvement"])
    checks.raise_if_any()
    return grid, col_days, t0, ids, mcid


def analyze_cohort(
    values: Sequence[Sequence[float]] | FloatArray,
    first_treatment_day: Sequence[int] | npt.NDArray[np.int64],
    *,
    days: Sequence[int] | npt.NDArray[np.int64] | None = None,
    patient_ids: Sequence[str] | None = None,
    method: ar1.Method = "reml",
    mcid: float | None = None,
    improvement: Improvement = "decrease",
    label: str = "the diary score",
) -> CohortAnalysis:
    """Segmented regression and non-overlap for every patient (row) of ``values``.

    ``values`` is patients x days with NaN for days without an entry; ``days`` gives the
    calendar day number of each column (default 0, 1, 2, ...), ``first_treatment_day``
    one day number per patient on the same scale. Options mean what they mean in
    :func:`~atlaxis.outcomes.segmented_regression` and :func:`~atlaxis.outcomes.nonoverlap`.
    """
    options = {"method": method, "mcid": mcid, "improvement": improvement}
    grid, col_days, t0, ids, mcid_value = _inputs(
        values, first_treatment_day, days, patient_ids, options
    )
    batch = ar1.batch_from_grid(col_days, grid, t0)
    seg = segmented_arrays(batch, method, mcid_value, improvement)
    before = col_days[None, :] < t0[:, None]
    baseline = np.where(before, grid, np.nan)
    treatment = np.where(before, np.nan, grid)
    non = nonoverlap_arrays(baseline, treatment, improvement)
    return CohortAnalysis(patient_ids=ids, segmented=seg, nonoverlap=non, label=label)
