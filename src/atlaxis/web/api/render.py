"""Fast JSON responses for the hot and the large routes (timeline, outcomes, diary writes).

``json.dumps`` with a ``default`` hook converts dates, enums and dataclasses only where they
occur, instead of walking the whole body first. JSON has no NaN or infinity: a body holding
one (a statistic that could not be estimated) is re-rendered with those values as null.
"""

from __future__ import annotations

import json
import math
from dataclasses import fields, is_dataclass
from datetime import date, datetime, time
from enum import Enum
from typing import Any

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
    raise TypeError(f"cannot render {type(value).__name__} as JSON")


def finite(value: Any) -> Any:
    """The same value with every NaN or infinite float replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return finite(_default(value))
    return value


def dumps(value: Any) -> bytes:
    try:
        text = json.dumps(value, default=_default, allow_nan=False, separators=(",", ":"))
    except ValueError:  # NaN or infinity somewhere
        text = json.dumps(finite(value), default=_default, separators=(",", ":"))
    return text.encode("utf-8")


def json_response(
    value: Any, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        dumps(value), status_code=status_code, media_type="application/json", headers=headers
    )
