"""Problems and references while importing FHIR input.

:class:`Issues` collects every problem, each naming its record (``entry[3] (Observation/x)``)
and field, capped so that a file of 100,000 bad records still gives a readable error.
:class:`Refs` resolves references between resources of the input: by ``fullUrl``
(``urn:uuid:...`` in a transaction Bundle) or by ``Type/id``; a Patient that is not in the
input may be named by its atlaxis id (``Patient/42``) or its record-number identifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from atlaxis.errors import Problem
from atlaxis.fhir.codes import RECORD_NUMBER_SYSTEM
from atlaxis.fhir.import_types import ExternalPatient

MAX_PROBLEMS = 200
_TYPE_ID = re.compile(r"(?:^|/)([A-Z][A-Za-z]+)/([A-Za-z0-9\-.]{1,64})(?:/_history/[^/]+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Bad(Exception):
    """One problem with the current record (``path``: the field)."""

    def __init__(self, path: str, message: str, allowed: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.allowed = allowed


@dataclass
class Issues:
    limit: int = MAX_PROBLEMS
    problems: list[Problem] = field(default_factory=list)
    more: int = 0

    def add(self, where: str, path: str, message: str, allowed: str | None = None) -> None:
        if len(self.problems) >= self.limit:
            self.more += 1
            return
        name = f"{where} {path}".strip() if path else where
        self.problems.append(Problem(name, message, allowed))

    def bad(self, where: str, exc: Bad) -> None:
        self.add(where, exc.path, exc.message, exc.allowed)

    def __bool__(self) -> bool:
        return bool(self.problems) or self.more > 0

    def final(self) -> list[Problem]:
        if not self.more:
            return list(self.problems)
        return [*self.problems, Problem("…", f"and {self.more} more problems not listed")]


def label(where: str, resource: Any) -> str:
    """``entry[3] (Observation/diary-5-pain)``: where a record is and what it is."""
    if isinstance(resource, dict) and isinstance(resource.get("resourceType"), str):
        rid = resource.get("id")
        name = resource["resourceType"] + (f"/{rid}" if isinstance(rid, str) else "")
        return f"{where} ({name})"
    return where


@dataclass
class Refs:
    """References between the resources of one input."""

    aliases: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    visits: set[str] = field(default_factory=set)
    external: dict[str, ExternalPatient] = field(default_factory=dict)

    def add(self, resource: dict[str, Any], full_url: str | None, fallback: str) -> str | None:
        """Index a resource that others may refer to; its key, or None if the id is taken."""
        kind = resource["resourceType"]
        rid = resource.get("id")
        key = f"{kind}/{rid}" if isinstance(rid, str) else (full_url or fallback)
        if key in self.types:
            return None
        self.types[key] = kind
        self.aliases[key] = key
        if full_url:
            self.aliases[full_url] = key
        return key

    def target(self, value: Any, kind: str, path: str) -> str:
        """The key of the ``kind`` resource ``value`` (a Reference) points to in the input."""
        reference = value.get("reference") if isinstance(value, dict) else None
        if not isinstance(reference, str):
            raise Bad(path, "is not a reference", f"a reference to a {kind} in this input")
        key = self.aliases.get(reference)
        if key is None:
            match = _TYPE_ID.search(reference)
            if match is not None:
                key = self.aliases.get(f"{match.group(1)}/{match.group(2)}")
        if key is None or self.types.get(key) != kind:
            raise Bad(
                path,
                f"{reference!r} is not a {kind} in this input",
                f"the fullUrl or {kind}/id of an entry",
            )
        return key

    def patient(self, value: Any, path: str) -> str:
        """The key of the patient ``value`` refers to: in the input, or an existing one."""
        if not isinstance(value, dict):
            raise Bad(path, "is missing", "a reference to the Patient")
        reference = value.get("reference")
        if isinstance(reference, str):
            key = self.aliases.get(reference)
            match = _TYPE_ID.search(reference)
            if key is None and match is not None:
                key = self.aliases.get(f"{match.group(1)}/{match.group(2)}")
            if key is not None and self.types.get(key) == "Patient":
                return key
            if match is not None and match.group(1) == "Patient" and match.group(2).isdigit():
                return self._external(
                    f"Patient/{match.group(2)}", ExternalPatient(patient_id=int(match.group(2)))
                )
            raise Bad(
                path,
                f"{reference!r} is not a Patient in this input or this clinic",
                "a Patient entry's fullUrl, Patient/<id>, or a record-number identifier",
            )
        ident = value.get("identifier")
        if isinstance(ident, dict) and isinstance(ident.get("value"), str):
            if ident.get("system") not in (None, RECORD_NUMBER_SYSTEM):
                raise Bad(
                    f"{path}.identifier.system",
                    f"unknown system {ident['system']!r}",
                    RECORD_NUMBER_SYSTEM,
                )
            number = ident["value"]
            return self._external(f"record:{number}", ExternalPatient(record_number=number))
        raise Bad(path, "names no patient", "reference or identifier")

    def _external(self, key: str, who: ExternalPatient) -> str:
        self.external.setdefault(key, who)
        return key


def parse_moment(value: Any, path: str) -> datetime:
    """A FHIR dateTime/instant as an aware UTC datetime (a bare date: midnight UTC)."""
    if isinstance(value, str):
        if _DATE.match(value):
            return datetime.combine(date.fromisoformat(value), datetime.min.time(), tzinfo=UTC)
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return moment.astimezone(UTC)
    raise Bad(
        path,
        f"{value!r} is not a full date-time with a time zone",
        "YYYY-MM-DDThh:mm:ss+zz:zz or YYYY-MM-DD",
    )


def parse_local(value: Any, path: str) -> date | datetime:
    """A diary moment: a calendar date as written, or an aware date-time."""
    if isinstance(value, str) and _DATE.match(value):
        return date.fromisoformat(value)
    if isinstance(value, str) and "T" in value:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return moment
    raise Bad(
        path,
        f"{value!r} is not a date or a date-time with a time zone",
        "YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+zz:zz",
    )


def parse_day(value: Any, path: str) -> str:
    """The calendar day (``YYYY-MM-DD``) of a FHIR date or dateTime."""
    if isinstance(value, str) and len(value) >= 10 and _DATE.match(value[:10]):
        try:
            date.fromisoformat(value[:10])
            return value[:10]
        except ValueError:
            pass
    raise Bad(path, f"{value!r} is not a full date", "YYYY-MM-DD")
