"""Diary Observations back into check-ins, and visit Procedures with their finding
Observations back into visits (the reverse of export_records / export_visit)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from atlaxis.fhir.codes import (
    DIARY_SYSTEM,
    EXT_DIARY_ENTRY,
    EXT_RECALLED,
    POSTURE_SYSTEM,
    RADIOGRAPHIC_SYSTEM,
    REACTION_SYSTEM,
    SIDE_SYSTEM,
    UPPER_CERVICAL,
    VISIT_DECISION_SYSTEM,
    VISIT_FINDING_SYSTEM,
    WPI_SITE_SYSTEM,
    code_in,
    extension_value,
)
from atlaxis.fhir.import_map import concept_text, notes
from atlaxis.fhir.import_refs import Bad, Refs, parse_local, parse_moment
from atlaxis.fhir.import_types import DiaryIn, VisitIn
from atlaxis.instruments import get_instrument

#: open diary check-ins kept while reading; the Observations of one check-in are expected
#: within this many check-ins of each other (atlaxis writes them together)
OPEN_ENTRIES = 1000
_TO_MM = {"mm": 1.0, "cm": 10.0, "[in_i]": 25.4}


@cache
def _ratings() -> dict[str, tuple[float, float]]:
    items = get_instrument("diary").items
    return {i.id: (i.minimum or 0.0, i.maximum or 10.0) for i in items if i.type == "integer"}


@cache
def _sites() -> frozenset[str]:
    item = get_instrument("diary").item("body_map")
    return frozenset(str(o.code) for o in (item.options if item else ()))


def _number(res: dict[str, Any]) -> tuple[float, str]:
    if "valueInteger" in res:
        return float(res["valueInteger"]), "valueInteger"
    quantity = res.get("valueQuantity")
    if isinstance(quantity, dict) and isinstance(quantity.get("value"), int | float):
        return float(quantity["value"]), "valueQuantity.value"
    raise Bad("value[x]", "holds no number", "valueInteger or valueQuantity")


@dataclass
class DiaryGrouper:
    """Collects diary Observations into check-ins (grouped by the ``diary-entry`` extension,
    else by patient and effective time) and releases them in bounded memory."""

    refs: Refs
    open: OrderedDict[tuple[str, str], DiaryIn] = field(default_factory=OrderedDict)

    def add(self, res: dict[str, Any], where: str) -> Iterator[DiaryIn]:
        code = code_in(res.get("code"), DIARY_SYSTEM)
        patient = self.refs.patient(res.get("subject"), "subject")
        moment = parse_local(res.get("effectiveDateTime"), "effectiveDateTime")
        entry_key = extension_value(res, EXT_DIARY_ENTRY, "valueString")
        key = (patient, str(entry_key or res.get("effectiveDateTime")))
        entry = self.open.get(key)
        if entry is None:
            entry = DiaryIn(where, patient, moment)
            self.open[key] = entry
        elif entry.moment != moment:
            raise Bad(
                "effectiveDateTime",
                "differs from the other Observations of its check-in",
                str(entry.moment),
            )
        if extension_value(res, EXT_RECALLED, "valueBoolean") is True:
            entry.recalled = True
        self._value(entry, str(code), res)
        while len(self.open) > OPEN_ENTRIES:
            yield self.open.popitem(last=False)[1]

    def _value(self, entry: DiaryIn, code: str, res: dict[str, Any]) -> None:
        if code in _ratings():
            value, path = _number(res)
            lo, hi = _ratings()[code]
            if not lo <= value <= hi:
                raise Bad(path, f"{value:g} is out of range for {code}", f"{lo:g}..{hi:g}")
            if code in entry.items:
                raise Bad("code", f"{code} is rated twice in one check-in")
            entry.items[code] = value
        elif code == "body_map":
            for k, comp in enumerate(res.get("component") or []):
                site = code_in(comp.get("code"), WPI_SITE_SYSTEM)
                if site not in _sites():
                    raise Bad(
                        f"component[{k}].code",
                        f"unknown body site {site!r}",
                        f"{WPI_SITE_SYSTEM} codes: {', '.join(sorted(_sites()))}",
                    )
                if comp.get("valueBoolean") is True and site not in entry.body_map:
                    entry.body_map.append(site)
        elif code == "note":
            if not isinstance(res.get("valueString"), str):
                raise Bad("valueString", "a diary note needs its text", "valueString")
            entry.note = res["valueString"]
        else:
            allowed = ", ".join([*_ratings(), "body_map", "note"])
            raise Bad("code", f"unknown diary code {code!r}", allowed)

    def rest(self) -> Iterator[DiaryIn]:
        while self.open:
            yield self.open.popitem(last=False)[1]


def is_visit(res: dict[str, Any]) -> bool:
    return code_in(res.get("code"), UPPER_CERVICAL["system"]) == UPPER_CERVICAL["code"]


@dataclass
class _Visit:
    where: str = ""
    patient: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    findings: list[str] = field(default_factory=list)


@dataclass
class VisitCollector:
    """Visit Procedures and their findings, joined by ``partOf`` (held until the end: a
    clinic's visits are few)."""

    refs: Refs
    visits: dict[str, _Visit] = field(default_factory=dict)

    def procedure(self, res: dict[str, Any], key: str, where: str) -> None:
        visit = self.visits.setdefault(key, _Visit())
        visit.where, visit.patient = where, self.refs.patient(res.get("subject"), "subject")
        when = res.get("performedDateTime") or (res.get("performedPeriod") or {}).get("start")
        p = visit.payload
        p["occurred_at"] = parse_moment(when, "performedDateTime").isoformat()
        p["technique"] = concept_text(res.get("code")) or UPPER_CERVICAL["display"]
        if res.get("status") == "completed":
            p.setdefault("decision", "adjusted")
        else:
            reason = code_in(res.get("statusReason"), VISIT_DECISION_SYSTEM)
            p.setdefault("decision", reason or "held")
        if notes(res):
            p["notes"] = notes(res)

    def finding(self, res: dict[str, Any], where: str) -> None:
        parts = [x for x in res.get("partOf") or [] if isinstance(x, dict)]
        if not parts:
            raise Bad("partOf", "a visit finding must be part of its visit", "Procedure reference")
        key = self.refs.target(parts[0], "Procedure", "partOf[0]")
        if key not in self.refs.visits:
            raise Bad("partOf[0]", "refers to a Procedure that is not an upper cervical visit")
        visit = self.visits.setdefault(key, _Visit())
        visit.findings.append(where)
        _apply_finding(visit.payload, str(code_in(res.get("code"), VISIT_FINDING_SYSTEM)), res)

    def rest(self) -> Iterator[VisitIn]:
        for key, visit in self.visits.items():
            if visit.patient is not None:  # else its Procedure's problem is reported already
                yield VisitIn(key, visit.where, visit.patient, visit.payload)


def _apply_finding(p: dict[str, Any], code: str, res: dict[str, Any]) -> None:
    phase, _, what = code.partition("-")
    if phase in ("pre", "post") and what:
        checks = p.setdefault(f"{phase}_checks", {})
        if what == "leg-check":
            checks["leg_check"] = _leg_check(res)
        elif what == "posture":
            checks["posture"] = _measures(res, POSTURE_SYSTEM)
        elif what == "radiographic":
            checks["radiographic"] = _measures(res, RADIOGRAPHIC_SYSTEM)
            if concept_text(res.get("method")):
                checks["radiographic_method"] = concept_text(res.get("method"))
        elif what == "thermography":
            checks["thermography_pattern"] = res.get("valueString")
        else:
            raise Bad("code", f"unknown visit finding {code!r}")
    elif code == "listing":
        p["listing"] = res.get("valueString") or ""
    elif code == "decision":
        decision = code_in(res.get("valueCodeableConcept"), VISIT_DECISION_SYSTEM)
        if decision is None:
            raise Bad(
                "valueCodeableConcept", "says no decision", "adjusted, held, referred, deferred"
            )
        p["decision"] = decision
        if concept_text(res.get("method")):
            p["rule_applied"] = concept_text(res.get("method"))
    elif code == "reaction":
        if res.get("valueCodeableConcept") is not None:
            p["reaction"] = code_in(res.get("valueCodeableConcept"), REACTION_SYSTEM)
        if notes(res):
            p["reaction_note"] = notes(res)
    else:
        raise Bad(
            "code",
            f"unknown visit finding {code!r}",
            "pre-/post-leg-check, -posture, -radiographic, -thermography, listing, "
            "decision, reaction",
        )


def _leg_check(res: dict[str, Any]) -> dict[str, Any]:
    quantity = res.get("valueQuantity") or {}
    unit = quantity.get("code") or quantity.get("unit") or "mm"
    if unit not in _TO_MM or not isinstance(quantity.get("value"), int | float):
        raise Bad("valueQuantity", "a leg check needs a length", "value with unit mm, cm, [in_i]")
    leg: dict[str, Any] = {"mm": round(float(quantity["value"]) * _TO_MM[unit], 4)}
    for comp in res.get("component") or []:
        name = code_in(comp.get("code"), VISIT_FINDING_SYSTEM)
        if name == "leg-check-side":
            leg["side"] = code_in(comp.get("valueCodeableConcept"), SIDE_SYSTEM)
        elif name == "leg-check-position":
            leg["position"] = comp.get("valueString")
        elif name == "leg-check-entered-as":
            leg["entered_as"] = comp.get("valueString")
    return leg


def _measures(res: dict[str, Any], system: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, comp in enumerate(res.get("component") or []):
        name = code_in(comp.get("code"), system)
        value = (comp.get("valueQuantity") or {}).get("value")
        if name is None or not isinstance(value, int | float):
            raise Bad(f"component[{k}]", "needs a code and a number", f"{system} code + value")
        out[name] = value
    return out
