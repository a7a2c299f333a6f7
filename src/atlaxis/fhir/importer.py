"""FHIR import, in two streaming passes over the input.

1. **check** — every resource is validated with fhir.resources (R4B); Patients are kept
   (few), QuestionnaireResponses and Procedures are indexed so references can be resolved.
2. **map** — every valid resource becomes an atlaxis record (:mod:`atlaxis.fhir.import_types`)
   in dependency order: patients first, then responses, diary check-ins, consents and
   co-therapies as they come, visits (joined with their findings) and open alerts last.

Memory holds the patients, the reference index, the open diary check-ins (bounded) and the
visits — never the whole input. Every problem is collected (capped) with the record and the
field; the import service refuses the whole input if there is any.

Score Observations ``derivedFrom`` a QuestionnaireResponse of the input are not stored: the
response is the source, and atlaxis scores it again on import.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from atlaxis.fhir.codes import COTHERAPY_SYSTEM, DIARY_SYSTEM, VISIT_FINDING_SYSTEM, code_in
from atlaxis.fhir.common import pydantic_problems
from atlaxis.fhir.import_care import DiaryGrouper, VisitCollector, is_visit
from atlaxis.fhir.import_map import (
    map_consent,
    map_cotherapy,
    map_flag,
    map_medication,
    map_patient,
    map_response,
)
from atlaxis.fhir.import_refs import Bad, Issues, Refs, label
from atlaxis.fhir.import_types import AlertIn, Record
from atlaxis.fhir.reader import MAX_DEPTH, Found, bad_json, too_deep

SUPPORTED = (
    "Patient",
    "QuestionnaireResponse",
    "Observation",
    "Procedure",
    "MedicationStatement",
    "Consent",
    "Flag",
)
BUNDLE_TYPES = ("transaction", "batch", "collection", "searchset")
_INDEXED = ("Patient", "QuestionnaireResponse", "Procedure")

#: ``progress(phase, advance, total)``: phase "check" (total unknown) or "import"
Progress = Callable[[str, int, int | None], None]


class InputSource:
    """What the plan reads: anything with ``resources()`` and a ``top`` dict (see reader)."""

    top: dict[str, Any]

    def resources(self) -> Iterator[Found]:  # pragma: no cover - interface
        raise NotImplementedError


@dataclass
class DataSource(InputSource):
    """In-memory input: one resource, or a Bundle (for the API and tests)."""

    data: Any
    top: dict[str, Any] = field(default_factory=dict)

    def resources(self) -> Iterator[Found]:
        data = self.data
        if isinstance(data, dict) and data.get("resourceType") == "Bundle":
            self.top = {k: v for k, v in data.items() if k != "entry"}
            for k, entry in enumerate(data.get("entry") or []):
                url = entry.get("fullUrl") if isinstance(entry, dict) else None
                resource = entry.get("resource") if isinstance(entry, dict) else entry
                yield Found(f"entry[{k}]", resource, url if isinstance(url, str) else None)
        else:
            yield Found("resource", data)


@dataclass
class ImportPlan:
    source: Any
    skip_unsupported: bool = False
    issues: Issues = field(default_factory=Issues)
    refs: Refs = field(default_factory=Refs)
    counts: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    derived: int = 0
    total: int = 0
    patients: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    invalid: set[int] = field(default_factory=set)

    # -- pass 1 ------------------------------------------------------------------------------
    def scan(self, progress: Progress | None = None) -> None:
        for index, found in enumerate(self.source.resources()):
            self.total += 1
            if not self._check(found):
                self.invalid.add(index)
            if progress is not None and index % 100 == 99:
                progress("check", 100, None)
        self._check_top()

    def _check(self, found: Found) -> bool:
        res = found.resource
        message = bad_json(res)
        if message is not None:
            self.issues.add(found.where, "", f"not valid JSON: {message}")
            return False
        if too_deep(res):
            self.issues.add(
                found.where, "", "is nested too deeply to check", f"at most {MAX_DEPTH} levels"
            )
            return False
        if not isinstance(res, dict) or not isinstance(res.get("resourceType"), str):
            self.issues.add(
                found.where,
                "resourceType",
                "is not a FHIR resource",
                "a JSON object with resourceType",
            )
            return False
        kind = res["resourceType"]
        where = label(found.where, res)
        if kind not in SUPPORTED:
            if self.skip_unsupported:
                self.skipped[kind] += 1
            else:
                self.issues.add(
                    where,
                    "resourceType",
                    f"{kind} resources cannot be imported",
                    ", ".join(SUPPORTED) + " (or --skip-unsupported)",
                )
            return False
        if not self._valid(kind, res, where):
            return False
        self.counts[kind] += 1
        if kind in _INDEXED:
            key = self.refs.add(res, found.full_url, found.where)
            if key is None:
                self.issues.add(where, "id", "the same id appears twice in the input")
                return False
            if kind == "Patient":
                self.patients[key] = (where, res)
            elif kind == "Procedure" and is_visit(res):
                self.refs.visits.add(key)
        return True

    def _valid(self, kind: str, res: dict[str, Any], where: str) -> bool:
        from fhir.resources.R4B import get_fhir_model_class

        try:
            get_fhir_model_class(kind).model_validate(res)
        except PydanticValidationError as exc:
            for problem in pydantic_problems(exc, res)[:10]:
                self.issues.add(where, problem.field, problem.message)
            return False
        return True

    def _check_top(self) -> None:
        top = getattr(self.source, "top", {}) or {}
        if top.get("resourceType") == "Bundle" and top.get("type") not in BUNDLE_TYPES:
            self.issues.add(
                "Bundle",
                "type",
                f"{top.get('type')!r} Bundles are not imported",
                ", ".join(BUNDLE_TYPES),
            )
        if self.total == 0:
            self.issues.add(
                "input",
                "",
                "holds no resources",
                "a Bundle with entries, a QuestionnaireResponse, or NDJSON lines",
            )

    # -- pass 2 ------------------------------------------------------------------------------
    def records(self, progress: Progress | None = None) -> Iterator[Record]:
        for key, (where, res) in self.patients.items():
            try:
                yield map_patient(res, key, where)
            except Bad as exc:
                self.issues.bad(where, exc)
        diary = DiaryGrouper(self.refs)
        visits = VisitCollector(self.refs)
        flags: list[AlertIn] = []
        for index, found in enumerate(self.source.resources()):
            if progress is not None and index % 100 == 99:
                progress("import", 100, self.total)
            if index in self.invalid or found.resource.get("resourceType") == "Patient":
                continue
            where = label(found.where, found.resource)
            try:
                yield from self._map(found, where, diary, visits, flags)
            except Bad as exc:
                self.issues.bad(where, exc)
        yield from diary.rest()
        yield from visits.rest()
        yield from flags

    def _map(
        self,
        found: Found,
        where: str,
        diary: DiaryGrouper,
        visits: VisitCollector,
        flags: list[AlertIn],
    ) -> Iterator[Record]:
        res: dict[str, Any] = found.resource
        kind = res["resourceType"]
        key = (
            f"{kind}/{res['id']}"
            if isinstance(res.get("id"), str)
            else (found.full_url or found.where)
        )
        if kind == "QuestionnaireResponse":
            yield map_response(res, key, where, self.refs)
        elif kind == "Observation":
            yield from self._observation(res, where, diary, visits)
        elif kind == "Procedure":
            if key in self.refs.visits:
                visits.procedure(res, key, where)
            elif code_in(res.get("category"), COTHERAPY_SYSTEM):
                yield map_cotherapy(res, where, self.refs)
            else:
                self._unsupported(
                    "Procedure (not a visit or co-therapy)",
                    "code",
                    "an upper cervical visit code, or a co-therapy kind as category",
                )
        elif kind == "MedicationStatement":
            yield map_medication(res, where, self.refs)
        elif kind == "Consent":
            yield map_consent(res, where, self.refs)
        elif kind == "Flag":
            flags.append(map_flag(res, where, self.refs))

    def _observation(
        self, res: dict[str, Any], where: str, diary: DiaryGrouper, visits: VisitCollector
    ) -> Iterator[Record]:
        if code_in(res.get("code"), DIARY_SYSTEM) is not None:
            yield from diary.add(res, where)
        elif code_in(res.get("code"), VISIT_FINDING_SYSTEM) is not None:
            visits.finding(res, where)
        elif self._derived(res):
            self.derived += 1
        else:
            self._unsupported(
                "Observation (other codes)",
                "code",
                "diary and visit-finding codes, or scores derived from a QuestionnaireResponse "
                "of this input",
            )

    def _derived(self, res: dict[str, Any]) -> bool:
        for k, source in enumerate(res.get("derivedFrom") or []):
            try:
                self.refs.target(source, "QuestionnaireResponse", f"derivedFrom[{k}]")
                return True
            except Bad:
                continue
        return False

    def _unsupported(self, what: str, path: str, allowed: str) -> None:
        if self.skip_unsupported:
            self.skipped[what] += 1
            return
        kind = what.split(" ")[0]
        raise Bad(
            path, f"not a kind of {kind} atlaxis can store", f"{allowed} (or --skip-unsupported)"
        )
