"""Input checks shared by the outcome statistics: collect every problem, raise once."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from atlaxis.errors import Problem, ValidationError

FloatArray = npt.NDArray[np.float64]


class Checks:
    """Collects :class:`Problem` entries; :meth:`raise_if_any` raises one ``ValidationError``."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.problems: list[Problem] = []

    def add(self, field: str, message: str, allowed: str | None = None) -> None:
        self.problems.append(Problem(field, message, allowed))

    def number(self, field: str, value: Any, *, allowed: str = "a finite number") -> float:
        """``value`` as a finite float; records a problem (and returns NaN) otherwise."""
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            self.add(field, f"expected a number, got {value!r}", allowed)
            return math.nan
        number = float(value)
        if not math.isfinite(number):
            self.add(field, f"must be finite, got {value!r}", allowed)
            return math.nan
        return number

    def positive(self, field: str, value: Any) -> float:
        number = self.number(field, value, allowed="a number > 0")
        if number <= 0:
            self.add(field, f"must be greater than 0, got {value!r}", "a number > 0")
        return number

    def choice(self, field: str, value: Any, allowed: Sequence[str]) -> None:
        if value not in allowed:
            self.add(field, f"unknown value {value!r}", ", ".join(repr(a) for a in allowed))

    def series(self, field: str, values: Any) -> FloatArray:
        """A 1-D float array; ``None`` and NaN become NaN (missing), anything else is a problem."""
        if isinstance(values, str | bytes) or not hasattr(values, "__len__"):
            self.add(field, "expected a sequence of numbers", "a list of numbers or null")
            return np.empty(0)
        out = np.full(len(values), np.nan)
        bad: list[str] = []
        for i, v in enumerate(values):
            if v is None:
                continue
            numeric = isinstance(v, int | float | np.integer | np.floating)
            if isinstance(v, bool) or not numeric or math.isinf(float(v)):
                bad.append(f"[{i}]={v!r}")
            else:
                out[i] = float(v)
        if bad:
            shown = ", ".join(bad[:5]) + (" …" if len(bad) > 5 else "")
            self.add(field, f"not a finite number at {shown}", "numbers, or null for missing")
        return out

    def same_length(self, fields: Sequence[str], arrays: Sequence[FloatArray]) -> None:
        lengths = {len(a) for a in arrays}
        if len(lengths) > 1:
            shown = ", ".join(f"{f}={len(a)}" for f, a in zip(fields, arrays, strict=True))
            self.add(", ".join(fields), f"lengths differ ({shown})", "sequences of equal length")

    def raise_if_any(self) -> None:
        if self.problems:
            raise ValidationError(f"invalid input to {self.what}", problems=self.problems)
