"""Reading a request payload (a plain dict) into typed values, collecting every problem.

Edges validate with their own schemas too; services validate again so that the CLI, the
importers and the demo generator get the same rules and the same error listing every field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from atlaxis.errors import ProblemCollector

E = TypeVar("E", bound=StrEnum)


def known_time_zone(name: str) -> bool:
    """True for a time zone name the IANA database knows (``Europe/Paris``)."""
    if not name or len(name) > 64 or "\x00" in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a directory name
        return False
    return True


def unstorable(text: str) -> str | None:
    """Why no database can store ``text`` (a NUL character, an unpaired surrogate), or None."""
    if "\x00" in text:
        return "contains a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains an unpaired surrogate (not valid Unicode text)"
    return None


#: dates outside these years are typing errors, not clinic records (the API has the same rule)
MIN_YEAR, MAX_YEAR = 1900, 2200
NOT_NULL = "may not be null (leave the field out to keep the stored value)"


class Fields:
    """Typed access to ``payload``; unknown keys are problems too. ``present`` holds what was
    given and valid (for partial updates).

    ``not_null`` names the fields every stored record has (NOT NULL columns without a
    fallback): a partial update may leave them out, but an explicit ``null`` (or, for text,
    an empty string) is a problem naming the field and what is allowed — the same rule on
    create, so a ``null`` never reaches the database.
    """

    def __init__(
        self, payload: Any, allowed: Iterable[str], prefix: str = "", not_null: Iterable[str] = ()
    ) -> None:
        self.problems = ProblemCollector()
        self.prefix = prefix
        self.not_null = frozenset(not_null)
        self.present: dict[str, Any] = {}
        self.payload: Mapping[str, Any] = {}
        allowed = set(allowed)
        if not isinstance(payload, Mapping):
            self.problems.add(prefix or "body", "must be a JSON object", "an object")
            return
        self.payload = payload
        for key in payload:
            if key not in allowed:
                self.problems.add(self._name(str(key)), "unknown field", ", ".join(sorted(allowed)))

    def _name(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def _get(self, name: str, required: bool, allowed: str | None = None) -> Any:
        value = self.payload.get(name)
        if value is None and required:
            self.problems.add(self._name(name), "is required", allowed)
        elif value is None and name in self.not_null and name in self.payload:
            self.problems.add(self._name(name), NOT_NULL, allowed)
        return value

    def _ok(self, name: str, value: Any) -> Any:
        if name in self.payload:
            self.present[name] = value
        return value

    def problem(self, name: str, message: str, allowed: str | None = None) -> None:
        self.problems.add(self._name(name), message, allowed)

    def text(
        self, name: str, *, required: bool = False, max_length: int = 200, default: str = ""
    ) -> str:
        needed = required or name in self.not_null
        allowed = f"text of {1 if needed else 0}..{max_length} characters"
        value = self._get(name, required, allowed)
        if value is None:
            return self._ok(name, default) if not required else default
        if not isinstance(value, str):
            self.problem(name, f"must be text, got {type(value).__name__}", "a string")
            return default
        if (why := unstorable(value)) is not None:
            self.problem(name, why, "text")
            return default
        value = value.strip()
        if needed and not value:
            self.problem(name, "must not be empty", allowed)
        if len(value) > max_length:
            self.problem(name, f"is {len(value)} characters long", f"at most {max_length}")
        return str(self._ok(name, value))

    def optional_text(self, name: str, *, max_length: int = 200) -> str | None:
        if self.payload.get(name) is None:
            return self._ok(name, None) if name in self.payload else None
        return self.text(name, max_length=max_length)

    def day(self, name: str, *, required: bool = False) -> date | None:
        value = self._get(name, required, "YYYY-MM-DD")
        if value is None:
            return self._ok(name, None) if name in self.payload else None
        if isinstance(value, date) and not isinstance(value, datetime):
            day = value
        else:
            try:
                day = date.fromisoformat(str(value))
            except ValueError:
                self.problem(name, f"not a date: {str(value)[:40]!r}", "YYYY-MM-DD")
                return None
        if not self._plausible_year(name, day.year):
            return None
        return self._ok(name, day)  # type: ignore[no-any-return]

    def _plausible_year(self, name: str, year: int) -> bool:
        if MIN_YEAR <= year <= MAX_YEAR:
            return True
        self.problem(name, f"year {year} is not plausible", f"years {MIN_YEAR}..{MAX_YEAR}")
        return False

    def moment(self, name: str, *, required: bool = False) -> datetime | None:
        """An ISO 8601 date-time; without an offset it is taken as UTC."""
        value = self._get(name, required, "ISO 8601 date-time")
        if value is None:
            return self._ok(name, None) if name in self.payload else None
        try:
            parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        except ValueError:
            self.problem(name, f"not a date-time: {str(value)[:40]!r}", "ISO 8601 date-time")
            return None
        if not self._plausible_year(name, parsed.year):
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return self._ok(name, parsed.astimezone(UTC))  # type: ignore[no-any-return]

    def clock(self, name: str) -> time | None:
        value = self.payload.get(name)
        if value is None:
            return None
        if isinstance(value, str) and len(value) == 5 and value[2] == ":":
            try:
                return self._ok(name, time.fromisoformat(value))  # type: ignore[no-any-return]
            except ValueError:
                pass
        self.problem(name, f"not a time: {str(value)[:20]!r}", "HH:MM (24-hour)")
        return None

    def number(self, name: str, *, lo: float, hi: float, required: bool = False) -> float | None:
        value = self._get(name, required, f"{lo}..{hi}")
        if value is None:
            return self._ok(name, None) if name in self.payload else None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(name, f"must be a number, got {type(value).__name__}", f"{lo}..{hi}")
            return None
        if not lo <= value <= hi or value != value:
            self.problem(name, f"{value} is out of range", f"{lo}..{hi}")
            return None
        return self._ok(name, float(value))  # type: ignore[no-any-return]

    def integer(self, name: str, *, required: bool = False) -> int | None:
        value = self._get(name, required, "an id")
        if value is None:
            return self._ok(name, None) if name in self.payload else None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.problem(name, f"must be a positive integer id, got {value!r}", "an id")
            return None
        return self._ok(name, value)  # type: ignore[no-any-return]

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.payload.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(name, f"must be true or false, got {value!r}", "true, false")
            return default
        return self._ok(name, value)  # type: ignore[no-any-return]

    def choice(self, name: str, kind: type[E], *, required: bool = False) -> E | None:
        allowed = ", ".join(m.value for m in kind)
        value = self._get(name, required, allowed)
        if value is None:
            return self._ok(name, None) if name in self.payload else None
        try:
            return self._ok(name, kind(value))  # type: ignore[no-any-return]
        except ValueError:
            self.problem(name, f"unknown value {str(value)[:40]!r}", allowed)
            return None

    def texts(self, name: str, *, max_items: int = 50, max_length: int = 200) -> list[str]:
        value = self._get(name, False, '["...", ...] (may be empty)')
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(name, "must be a list of strings", '["...", ...]')
            return []
        if len(value) > max_items or any(len(v) > max_length for v in value):
            self.problem(name, "too many or too long entries", f"<= {max_items} x {max_length}")
            return []
        if any((why := unstorable(v)) is not None for v in value):
            self.problem(name, f"an entry {why}", "text")
            return []
        return self._ok(name, [v.strip() for v in value])  # type: ignore[no-any-return]

    def numbers(self, name: str, *, lo: float, hi: float) -> dict[str, float]:
        """A small object of named measures, each a number in ``lo..hi``."""
        value = self.payload.get(name)
        if value is None:
            return {}
        if not isinstance(value, Mapping) or len(value) > 40:
            self.problem(name, "must be an object of named numbers", "{name: number}")
            return {}
        out: dict[str, float] = {}
        for key, number in value.items():
            if not isinstance(key, str) or not key or len(key) > 60 or unstorable(key):
                self.problem(f"{name}.{key}", "invalid measure name", "1-60 characters")
            elif isinstance(number, bool) or not isinstance(number, int | float):
                self.problem(f"{name}.{key}", "must be a number", f"{lo}..{hi}")
            elif not lo <= number <= hi:
                self.problem(f"{name}.{key}", f"{number} is out of range", f"{lo}..{hi}")
            else:
                out[key] = float(number)
        return self._ok(name, out)  # type: ignore[no-any-return]

    def raise_if_any(self, detail: str) -> None:
        self.problems.raise_if_any(detail)
