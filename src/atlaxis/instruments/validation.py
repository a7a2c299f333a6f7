"""Validate a response against an instrument's items: every problem reported at once."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

from atlaxis.errors import InvalidAnswers, ProblemCollector
from atlaxis.instruments.model import Instrument, Item

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
MAX_TEXT = 4000


def _allowed(item: Item) -> str:
    if item.options:
        codes = [repr(o.code) if isinstance(o.code, str) else str(o.code) for o in item.options]
        if len(codes) > 12:
            return f"{codes[0]}…{codes[-1]}"
        return ", ".join(codes)
    if item.type == "boolean":
        return "true or false"
    if item.type == "time":
        return "a time HH:MM (24-hour)"
    if item.type == "date":
        return "a date YYYY-MM-DD"
    if item.type in ("integer", "decimal"):
        kind = "a whole number" if item.type == "integer" else "a number"
        return (
            f"{kind} from {item.minimum:g} to {item.maximum:g}"
            if item.minimum is not None and item.maximum is not None
            else kind
        )
    return "text"


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return None


def _check_value(item: Item, value: Any) -> tuple[Any, str | None]:
    """Return (normalised value, problem or None)."""
    kind = item.type
    if kind == "choice":
        code: Any = value
        if isinstance(value, bool):
            return None, f"expected one of the option codes, got {value!r}"
        if isinstance(value, float):
            code = _as_int(value)
        if code is None or item.option(code) is None:
            return None, f"{value!r} is not an option of this item"
        return code, None
    if kind == "multi_choice":
        if not isinstance(value, list | tuple):
            return None, f"expected a list of option codes, got {type(value).__name__}"
        out = []
        for v in value:
            c = _as_int(v) if isinstance(v, float) else v
            if isinstance(v, bool) or c is None or item.option(c) is None:
                return None, f"{v!r} is not an option of this item"
            if c in out:
                return None, f"{v!r} is given twice"
            out.append(c)
        return out, None
    if kind == "boolean":
        if not isinstance(value, bool):
            return None, f"expected true or false, got {value!r}"
        return value, None
    if kind in ("integer", "decimal"):
        num: float | int | None
        if kind == "integer":
            num = _as_int(value)
            if num is None:
                return None, f"expected a whole number, got {value!r}"
        else:
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
            ):
                return None, f"expected a number, got {value!r}"
            num = value
        if (item.minimum is not None and num < item.minimum) or (
            item.maximum is not None and num > item.maximum
        ):
            return None, f"{value!r} is out of range"
        return num, None
    if kind == "time":
        if not isinstance(value, str) or not _TIME.match(value):
            return None, f"expected a time HH:MM, got {value!r}"
        return value, None
    if kind == "date":
        if not isinstance(value, str):
            return None, f"expected a date YYYY-MM-DD, got {value!r}"
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return None, f"{value!r} is not a valid date"
        if len(value) != 10:
            return None, f"{value!r} is not a date in the form YYYY-MM-DD"
        return value, None
    if not isinstance(value, str):
        return None, f"expected text, got {type(value).__name__}"
    if len(value) > MAX_TEXT:
        return None, f"text longer than {MAX_TEXT} characters"
    return value, None


def check_value(item: Item, value: Any) -> tuple[Any, str | None]:
    """Check one non-missing answer: (normalised value, problem or None)."""
    return _check_value(item, value)


def validate_answers(instrument: Instrument, answers: Any) -> dict[str, Any]:
    """Check every answer; return the normalised answers (missing ones omitted).

    Raises :class:`InvalidAnswers` listing every unknown item, wrong type and
    out-of-range value. Missing answers are not errors: the instrument's
    missing-data rule decides what they mean.
    """
    problems = ProblemCollector()
    if not isinstance(answers, Mapping):
        problems.add(
            "answers",
            f"expected an object mapping item ids to answers, got {type(answers).__name__}",
        )
        problems.raise_if_any(f"{instrument.id}: invalid answers", InvalidAnswers)
    clean: dict[str, Any] = {}
    for key, value in answers.items():
        if not isinstance(key, str):
            problems.add(str(key), "item ids are strings")
            continue
        item = instrument.item(key)
        if item is None:
            ids = instrument.item_ids
            shown = ", ".join(ids) if len(ids) <= 30 else ", ".join(ids[:30]) + ", …"
            problems.add(key, "unknown item", shown)
            continue
        if value is None:
            continue
        normal, problem = _check_value(item, value)
        if problem is not None:
            problems.add(key, problem, _allowed(item))
        else:
            clean[key] = normal
    problems.raise_if_any(f"{instrument.id}: invalid answers", InvalidAnswers)
    return clean
