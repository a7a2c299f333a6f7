"""Opaque cursors for keyset pagination (newest first) and checked page sizes."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, Literal, TypeVar

from atlaxis.domain import Page
from atlaxis.errors import Problem, ValidationError

T = TypeVar("T")
KeyKind = Literal["date", "datetime", "id"]
MAX_LIMIT = 200


def check_limit(limit: int) -> int:
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(
            "invalid page size", problems=[Problem("limit", f"got {limit!r}", f"1..{MAX_LIMIT}")]
        )
    return limit


def encode(value: date | datetime | int, item_id: int) -> str:
    raw = value.isoformat() if isinstance(value, date | datetime) else value
    text = json.dumps([raw, item_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(cursor: str | None, kind: KeyKind) -> tuple[Any, int] | None:
    if cursor is None or cursor == "":
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw, item_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(item_id, int):
            raise ValueError
        if kind == "date":
            return date.fromisoformat(raw), item_id
        if kind == "datetime":
            return datetime.fromisoformat(raw), item_id
        return int(raw), item_id
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        raise ValidationError(
            "invalid cursor",
            problems=[Problem("cursor", "not a cursor this list returned", "next_cursor")],
        ) from None


def page_of(
    items: Sequence[T], limit: int, key: Callable[[T], tuple[date | datetime | int, int]]
) -> Page[T]:
    """``items`` were fetched with ``limit + 1``: keep ``limit`` and make the next cursor."""
    if len(items) <= limit:
        return Page(list(items), None)
    kept = list(items[:limit])
    return Page(kept, encode(*key(kept[-1])))
