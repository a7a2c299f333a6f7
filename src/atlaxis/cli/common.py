"""Helpers shared by CLI commands: reading JSON input, printing JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from atlaxis.errors import Problem, ValidationError


def read_json(source: str, what: str = "answers") -> Any:
    """Read JSON from a file path or ``-`` (stdin); a clear error if it is not JSON."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise ValidationError(
            f"cannot read {what}", problems=[Problem(source, exc.strerror or str(exc))]
        ) from None
    except UnicodeDecodeError:
        raise ValidationError(
            f"cannot read {what}", problems=[Problem(source, "not UTF-8 text")]
        ) from None
    try:
        return json.loads(
            text, object_pairs_hook=_no_duplicates(source), parse_constant=_no_constant
        )
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"{what} are not valid JSON",
            problems=[Problem(source, f"{exc.msg} at line {exc.lineno} column {exc.colno}")],
        ) from None
    except RecursionError:
        raise ValidationError(
            f"{what} are not readable JSON",
            problems=[Problem(source, "nested too deeply", "an object a few levels deep")],
        ) from None


def _no_duplicates(source: str) -> Any:
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in pairs:
            if key in seen:
                raise ValidationError(
                    "duplicate key in JSON",
                    problems=[Problem(key, f"given more than once in {source}")],
                )
            seen[key] = value
        return seen

    return hook


def _no_constant(name: str) -> Any:
    raise ValidationError(
        "invalid number in JSON", problems=[Problem(name, "NaN and Infinity are not allowed")]
    )


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
