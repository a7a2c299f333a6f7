"""FHIR R4 export: one patient as a transaction Bundle, a clinic as bulk NDJSON.

Why a **transaction** Bundle: it loads as-is into a FHIR server (HAPI, Medplum, ...) and is
what NLM LHC-Forms produces when it extracts Observations from a response; every entry is a
``POST`` (the receiving server assigns ids), the Patient a conditional create on its record
number, and entries refer to each other by stable ``urn:uuid`` fullUrls. atlaxis' own import
resolves those fullUrls (and plain ``Type/id`` references) and stores the whole Bundle in one
database transaction, so the Bundle's all-or-nothing meaning holds there too. Resources keep
their atlaxis ids (``assessment-12``, ``diary-5-pain``) for people reading the file.

Bulk export follows FHIR Bulk Data: one NDJSON file per resource type (``Patient.ndjson``,
``Observation.ndjson``, ...), one resource per line, references as ``Type/id``.

Every resource is validated with fhir.resources (R4B) before it is written; a resource that
does not validate is a bug in the builders and stops the export (ConfigurationError).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError as PydanticValidationError

from atlaxis.domain import Alert, Assessment, Consent, CoTherapy, DiaryEntry, Patient, Visit
from atlaxis.errors import ConfigurationError, Problem, ValidationError
from atlaxis.fhir.codes import RECORD_NUMBER_SYSTEM, bundle_uuid
from atlaxis.fhir.common import pydantic_problems
from atlaxis.fhir.export_assessment import assessment_resources
from atlaxis.fhir.export_records import (
    consent_resource,
    cotherapy_resource,
    diary_resources,
    flag_resource,
    patient_resource,
)
from atlaxis.fhir.export_visit import visit_resources


@dataclass
class PatientRecord:
    """Everything exported for one patient (lists oldest first; ``alerts``: open ones)."""

    patient: Patient
    consents: list[Consent] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    diary: Iterable[DiaryEntry] = ()
    visits: list[Visit] = field(default_factory=list)
    cotherapies: list[CoTherapy] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)


def patient_resources(record: PatientRecord) -> Iterator[dict[str, Any]]:
    """The patient's resources in a stable order (Patient first, then what refers to it)."""
    pid = str(record.patient.id)
    yield patient_resource(record.patient)
    for consent in record.consents:
        yield consent_resource(consent, pid)
    for assessment in record.assessments:
        yield from assessment_resources(assessment, pid)
    for entry in record.diary:
        yield from diary_resources(entry, record.patient)
    for visit in record.visits:
        yield from visit_resources(visit, pid)
    for item in record.cotherapies:
        yield cotherapy_resource(item, pid)
    exported = {int(a.id) for a in record.assessments if a.id is not None}
    for alert in record.alerts:
        yield flag_resource(alert, pid, exported)


def validate_resource(resource: dict[str, Any]) -> None:
    """Validate one resource with fhir.resources (R4B); :class:`ConfigurationError` if not."""
    from fhir.resources.R4B import get_fhir_model_class

    kind = resource["resourceType"]
    try:
        get_fhir_model_class(kind).model_validate(resource)
    except PydanticValidationError as exc:
        raise ConfigurationError(
            f"exported {kind}/{resource.get('id')} is not valid FHIR (a bug in the exporter)",
            problems=pydantic_problems(exc, resource),
        ) from None


def _rewrite(node: Any, urls: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {k: _rewrite(v, urls) for k, v in node.items()}
        target = out.get("reference")
        if isinstance(target, str) and target in urls:
            out["reference"] = urls[target]
        return out
    if isinstance(node, list):
        return [_rewrite(v, urls) for v in node]
    return node


def to_bundle(
    resources: Iterable[dict[str, Any]], scope: str, *, validate: bool = True
) -> dict[str, Any]:
    """A transaction Bundle of ``resources``; ``scope`` (the clinic slug) seeds the uuids."""
    items = list(resources)
    urls = {
        f"{r['resourceType']}/{r['id']}": bundle_uuid(scope, f"{r['resourceType']}/{r['id']}")
        for r in items
    }
    entries = []
    for resource in items:
        if validate:
            validate_resource(resource)
        kind = resource["resourceType"]
        request: dict[str, Any] = {"method": "POST", "url": kind}
        if kind == "Patient":
            number = resource["identifier"][0]["value"]
            request["ifNoneExist"] = f"identifier={RECORD_NUMBER_SYSTEM}|{number}"
        entries.append(
            {
                "fullUrl": urls[f"{kind}/{resource['id']}"],
                "resource": _rewrite(resource, urls),
                "request": request,
            }
        )
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": entries}
    if validate:
        validate_resource(bundle)
    return bundle


class NdjsonWriter:
    """Bulk Data output: ``<Type>.ndjson`` files in ``directory``, opened as types appear."""

    def __init__(self, directory: Path, *, validate: bool = True) -> None:
        self.directory = directory
        self.validate = validate
        self.counts: dict[str, int] = {}
        self._files: dict[str, IO[str]] = {}
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ValidationError(
                "cannot create the output folder",
                problems=[Problem(str(directory), exc.strerror or str(exc))],
            ) from None

    def write(self, resource: dict[str, Any]) -> None:
        if self.validate:
            validate_resource(resource)
        kind = resource["resourceType"]
        handle = self._files.get(kind)
        if handle is None:
            path = self.directory / f"{kind}.ndjson"
            try:
                handle = path.open("w", encoding="utf-8")
            except OSError as exc:
                raise ValidationError(
                    "cannot write the export", problems=[Problem(str(path), str(exc))]
                ) from None
            self._files[kind] = handle
        handle.write(json.dumps(resource, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()
        self._files.clear()

    def __enter__(self) -> NdjsonWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


Progress = Callable[[int], None]
