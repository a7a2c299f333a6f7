"""Read FHIR input one resource at a time: a Bundle or single resource (JSON), an NDJSON file,
or a folder of Bulk Data NDJSON files. Large Bundles are streamed: the ``entry`` array is
decoded entry by entry, so memory holds one entry, not the file.

Each resource comes with where it was found (``entry[12]``, ``Observation.ndjson line 7``),
so every problem can name its record.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from atlaxis.errors import Problem, ValidationError

_WS = " \t\r\n"
_DECODER = json.JSONDecoder()
_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class Found:
    """One resource (or what should have been one) and where it was."""

    where: str
    resource: Any
    full_url: str | None = None


class _Stream:
    """A JSON text read in chunks, decoded one value at a time."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle
        self.buf = ""
        self.pos = 0
        self.eof = False

    def _fill(self, size: int = _CHUNK) -> bool:
        if self.eof:
            return False
        data = self.handle.read(size)
        if not data:
            self.eof = True
            return False
        self.buf = self.buf[self.pos :] + data
        self.pos = 0
        return True

    def peek(self) -> str:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in _WS:
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def take(self, expected: str) -> None:
        got = self.peek()
        if got != expected:
            raise json.JSONDecodeError(f"expected {expected!r}", self.buf, self.pos)
        self.pos += 1

    def value(self) -> Any:
        self.peek()
        size = _CHUNK
        while True:
            try:
                obj, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError:
                if not self._fill(size):
                    raise
                size *= 2
                continue
            if end >= len(self.buf) and not self.eof and self._fill(size):
                continue  # a number may go on in the next chunk
            self.pos = end
            return obj


@dataclass
class Source:
    """FHIR input at ``path``; iterate :meth:`resources` as often as needed (each pass
    re-reads the file). After a pass, ``top`` holds a JSON file's top-level fields other
    than ``entry``."""

    path: Path
    top: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        if self.path.is_dir():
            return "ndjson-folder"
        return "ndjson" if self.path.suffix.lower() == ".ndjson" else "json"

    def resources(self) -> Iterator[Found]:
        if not self.path.exists():
            raise ValidationError(
                "cannot read the FHIR input", problems=[Problem(str(self.path), "no such file")]
            )
        if self.kind == "ndjson-folder":
            files = sorted(self.path.glob("*.ndjson"))
            if not files:
                raise ValidationError(
                    "no FHIR input",
                    problems=[Problem(str(self.path), "the folder holds no .ndjson files")],
                )
            for path in files:
                yield from _ndjson(path, path.name)
        elif self.kind == "ndjson":
            yield from _ndjson(self.path, self.path.name)
        else:
            yield from self._json()

    def _json(self) -> Iterator[Found]:
        self.top = {}
        with _open(self.path) as handle:
            stream = _Stream(handle)
            try:
                yield from _top_level(stream, self.top)
            except json.JSONDecodeError as exc:
                raise ValidationError(
                    "the FHIR input is not valid JSON",
                    problems=[Problem(self.path.name, f"{exc.msg} (near {_context(exc)!r})")],
                ) from None
            except UnicodeDecodeError:
                raise ValidationError(
                    "the FHIR input is not UTF-8 text", problems=[_not_utf8(self.path.name)]
                ) from None
            except RecursionError:
                raise ValidationError(
                    "the FHIR input nests too deeply", problems=[_too_deep(self.path.name)]
                ) from None


def _not_utf8(where: str) -> Problem:
    return Problem(where, "holds bytes that are not UTF-8 text", "UTF-8 encoded JSON")


def _too_deep(where: str) -> Problem:
    return Problem(where, "JSON nested too deeply to read", "FHIR resources (a few levels deep)")


#: deeper JSON than this is refused before it is checked (FHIR resources, even nested
#: QuestionnaireResponse groups, are a few dozen levels at most; checks recurse per level)
MAX_DEPTH = 100


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True when ``value`` nests objects/arrays more than ``limit`` levels (no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        )
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False


def _context(exc: json.JSONDecodeError) -> str:
    return exc.doc[max(0, exc.pos - 20) : exc.pos + 20]


def _open(path: Path) -> IO[str]:
    try:
        return path.open("r", encoding="utf-8")
    except OSError as exc:
        raise ValidationError(
            "cannot read the FHIR input", problems=[Problem(str(path), exc.strerror or str(exc))]
        ) from None


def _top_level(stream: _Stream, top: dict[str, Any]) -> Iterator[Found]:
    """Fields of the top-level object into ``top``; a Bundle's entries are yielded one by one;
    a single resource is yielded whole at the end."""
    stream.take("{")
    saw_entries = False
    if stream.peek() == "}":
        stream.pos += 1
    else:
        while True:
            key = stream.value()
            stream.take(":")
            if key == "entry" and stream.peek() == "[":
                saw_entries = True
                yield from _entries(stream)
            else:
                top[str(key)] = stream.value()
            if stream.peek() == ",":
                stream.pos += 1
                continue
            stream.take("}")
            break
    if stream.peek() != "":
        raise json.JSONDecodeError("extra data after the JSON object", stream.buf, stream.pos)
    if top.get("resourceType") != "Bundle" and not saw_entries:
        yield Found("resource", dict(top))


def _entries(stream: _Stream) -> Iterator[Found]:
    stream.take("[")
    if stream.peek() == "]":
        stream.pos += 1
        return
    index = 0
    while True:
        entry = stream.value()
        where = f"entry[{index}]"
        if isinstance(entry, dict):
            url = entry.get("fullUrl")
            yield Found(where, entry.get("resource"), url if isinstance(url, str) else None)
        else:
            yield Found(where, entry)
        index += 1
        if stream.peek() == ",":
            stream.pos += 1
            continue
        stream.take("]")
        return


def _ndjson(path: Path, name: str) -> Iterator[Found]:
    with _open(path) as handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                where = f"{name} line {number}"
                try:
                    yield Found(where, json.loads(line))
                except json.JSONDecodeError as exc:
                    yield Found(where, _BadJson(exc.msg))
                except RecursionError:
                    yield Found(where, _BadJson("nested too deeply to read"))
        except UnicodeDecodeError:
            raise ValidationError(
                "the FHIR input is not UTF-8 text", problems=[_not_utf8(name)]
            ) from None


@dataclass(frozen=True, slots=True)
class _BadJson:
    message: str


def bad_json(value: Any) -> str | None:
    """The JSON error message if ``value`` stands for an undecodable NDJSON line."""
    return value.message if isinstance(value, _BadJson) else None
