"""Checks for diary series given to the single-case analyses (on top of ``_checks.Checks``).

Missing diary days are NaN (or ``None``) values: allowed, dropped by the analyses, never
imputed. Day numbers are whole calendar-day indices (e.g. days since an epoch); gaps are
kept as they are.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from atlaxis.outcomes._checks import Checks

IMPROVEMENTS = ("decrease", "increase")
IntArray = npt.NDArray[np.int64]


def days(checks: Checks, field: str, raw: Any) -> IntArray:
    """A 1-D array of distinct whole day numbers."""
    try:
        arr = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        checks.add(field, "expected a sequence of whole day numbers", "integers")
        return np.empty(0, dtype=np.int64)
    if arr.ndim != 1:
        checks.add(field, f"expected one dimension, got {arr.ndim}", "a list of integers")
        return np.empty(0, dtype=np.int64)
    if not (np.isfinite(arr).all() and np.equal(np.round(arr), arr).all()):
        checks.add(field, "must hold whole day numbers only", "integers")
        return np.empty(0, dtype=np.int64)
    out = arr.astype(np.int64)
    if np.unique(out).size != out.size:
        checks.add(field, "lists the same day more than once", "one value per day")
    return out


def day(checks: Checks, field: str, raw: Any) -> int:
    """One whole day number."""
    number = checks.number(field, raw, allowed="a whole day number")
    if np.isfinite(number) and number != round(number):
        checks.add(field, f"must be a whole day number, got {raw!r}", "an integer")
    return int(number) if np.isfinite(number) else 0


def grid_values(checks: Checks, field: str, raw: Any) -> npt.NDArray[np.float64]:
    """A 2-D float array (patients x days); NaN = missing day; infinities refused."""
    try:
        arr = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        checks.add(field, "expected a patients x days array of numbers", "numbers or NaN")
        return np.empty((0, 0))
    if arr.ndim != 2:
        checks.add(field, f"expected two dimensions, got {arr.ndim}", "patients x days")
        return np.empty((0, 0))
    if np.isinf(arr).any():
        rows = np.unique(np.nonzero(np.isinf(arr))[0])[:5].tolist()
        checks.add(field, f"infinite values in rows {rows}", "finite numbers or NaN")
    return arr
