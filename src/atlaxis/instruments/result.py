"""The result of scoring one response."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


def _plain(value: Any) -> Any:
    """JSON-friendly: integral floats become ints, NaN becomes None."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return int(value)
        return value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class ScoreResult:
    """What ``score()`` returns.

    ``total`` is the headline score on the published scale (``None`` when the
    response is too incomplete under the instrument's missing-data rule);
    ``subscales`` may hold ``None`` for a subscale that cannot be scored;
    ``band`` is the interpretation label; ``flags`` are safety or criteria flags;
    ``missing`` lists unanswered items; ``details`` holds instrument-specific
    structured output (criteria, profile, follow-up instruments).
    """

    instrument: str
    version: str
    total: float | None
    subscales: dict[str, float | None] = field(default_factory=dict)
    band: str | None = None
    flags: list[str] = field(default_factory=list)
    complete: bool = False
    missing: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "version": self.version,
            "total": _plain(self.total),
            "subscales": _plain(self.subscales),
            "band": self.band,
            "flags": list(self.flags),
            "complete": self.complete,
            "missing": list(self.missing),
            "details": _plain(self.details),
        }
