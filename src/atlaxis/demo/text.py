"""Database-ready text for the bulk load: days, moments and small JSON tokens."""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from atlaxis.storage.repositories.bulk import moment_text

__all__ = ["Days", "json_token", "moment_text"]


class Days:
    """ISO text of days given as offsets from ``as_of`` (cached: a batch reuses few days)."""

    def __init__(self, as_of: date) -> None:
        self.as_of = as_of
        self._cache: dict[int, str] = {}

    def __call__(self, offset: int) -> str:
        text = self._cache.get(offset)
        if text is None:
            text = (self.as_of + timedelta(days=offset)).isoformat()
            self._cache[offset] = text
        return text

    def date(self, offset: int) -> date:
        return self.as_of + timedelta(days=offset)


@lru_cache(maxsize=4096, typed=True)
def _token(value: Any) -> str:
    return json.dumps(value)


def json_token(value: Any) -> str:
    """The JSON text of a scalar (``json.dumps``; cached for the few distinct values)."""
    if isinstance(value, float):
        return repr(value) if value == value else "NaN"
    return _token(value)
