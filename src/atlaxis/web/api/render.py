"""Fast JSON responses for the hot and the large routes (timeline, outcomes, diary writes).

orjson with a ``default`` hook converts dates, enums and dataclasses only where they occur,
instead of walking the whole body first. JSON has no NaN or infinity: orjson writes those
values (a statistic that could not be estimated) as null.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date, datetime, time
from enum import Enum
from typing import Any

import orjson
from fastapi.responses import Response


def _default(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if isinstance(value, float):  # a float subclass (numpy.float64): NaN still becomes null
        return float(value)
    if isinstance(value, int):
        return int(value)
    if type(value).__module__ == "numpy" and hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"cannot render {type(value).__name__} as JSON")


#: dates and times through ``_default`` (same text as before); int keys allowed like json
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


def dumps(value: Any) -> bytes:
    """Compact JSON (orjson; NaN and infinity come out as null)."""
    return orjson.dumps(value, default=_default, option=_OPTIONS)


def json_response(
    value: Any, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        dumps(value), status_code=status_code, media_type="application/json", headers=headers
    )
