"""Canonical JSON: the one text of a value that is hashed (audit chain, idempotency keys).

The definition is ``json.dumps(value, sort_keys=True, separators=(",", ":"),
ensure_ascii=True)``, the hashed form since the first release: stored hashes are recomputed
and compared, so the text must never change. orjson writes the same text, several times
faster, when every string is printable ASCII and every number an integer of at most 64 bits
(then there is nothing to escape but quote and backslash, which both escape alike, and no
float to format); anything else is written by :func:`json.dumps` itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson


def canonical_json(value: dict[str, Any], default: Callable[[Any], Any] | None = None) -> str:
    """The canonical text of ``value``; ``default`` as for :func:`json.dumps` (values JSON
    has no type for; they always take the :func:`json.dumps` path)."""
    if _plain(value):
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("ascii")
        except orjson.JSONEncodeError:  # an integer beyond 64 bits
            pass
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=default)


def _plain(body: dict[str, Any]) -> bool:
    """Only dicts with printable-ASCII keys, lists, printable-ASCII text, ints, bools, None."""
    for key, value in body.items():
        if type(key) is not str or not (key.isascii() and key.isprintable()):
            return False
        if not _plain_value(value):
            return False
    return True


def _plain_value(value: Any) -> bool:
    kind = type(value)
    if kind is str:
        return value.isascii() and value.isprintable()  # type: ignore[no-any-return]
    if value is None or kind is int or kind is bool:
        return True
    if kind is dict:
        return _plain(value)
    if kind is list:
        return all(_plain_value(v) for v in value)
    return False


__all__ = ["canonical_json"]
