"""Care visits (with pre/post checks) and co-therapies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from atlaxis.domain import (
    Actor,
    CoTherapy,
    CoTherapyKind,
    Landmark,
    LegCheck,
    Page,
    Reaction,
    Role,
    Side,
    Visit,
    VisitChecks,
    VisitDecision,
)
from atlaxis.domain import landmarks as lm
from atlaxis.errors import Problem, ValidationError
from atlaxis.services import audit
from atlaxis.services.authz import not_found, patient_scope, record_scope, require_role
from atlaxis.services.fields import Fields
from atlaxis.services.pagination import check_limit, decode, page_of
from atlaxis.storage import UnitOfWork

VISIT_FIELDS = [
    "occurred_at",
    "technique",
    "listing",
    "decision",
    "rule_applied",
    "pre_checks",
    "post_checks",
    "reaction",
    "reaction_note",
    "notes",
    "clinician_id",
]
#: every visit has these: an update may leave them out but not set them to null
VISIT_NOT_NULL = ("occurred_at", "technique", "decision")
CHECK_FIELDS = (
    "leg_check",
    "posture",
    "radiographic",
    "radiographic_method",
    "thermography_pattern",
    "landmarks",
)
LEG_FIELDS = ("mm", "side", "position", "entered_as")
#: a functional leg check above 50 mm is not a plausible entry (anatomical LLD > 20 mm is rare)
MAX_LEG_MM = 50.0
#: landmark coordinates (image pixels or film mm) beyond this are not plausible entries
MAX_COORDINATE = 100_000.0
LANDMARK_FIELDS = ("name", "x", "y")


def _landmark(f: Fields, view: lm.View, seen: set[str]) -> Landmark | None:
    name = f.text("name", required=True, max_length=60)
    x = f.number("x", lo=-MAX_COORDINATE, hi=MAX_COORDINATE, required=True)
    y = f.number("y", lo=-MAX_COORDINATE, hi=MAX_COORDINATE, required=True)
    if name and name not in view.landmarks:
        f.problem("name", f"unknown landmark {name!r} of view {view.id}", ", ".join(view.landmarks))
        return None
    if name in seen:
        f.problem("name", f"landmark {name!r} given twice", "each landmark once per view")
        return None
    seen.add(name)
    if x is None or y is None or not name:
        return None
    return Landmark(name, x, y)


def _landmarks(c: Fields) -> dict[str, list[Landmark]]:
    """``{view id: [{"name", "x", "y"}, ...]}``: known views and landmark names, each landmark
    at most once (so the count is bounded by the view), finite coordinates."""
    raw = c.payload.get("landmarks")
    if raw is None:
        return {}
    views = lm.views()
    if not isinstance(raw, Mapping):
        c.problem("landmarks", "must be an object of view id to a list of points", ", ".join(views))
        return {}
    out: dict[str, list[Landmark]] = {}
    for view_id, points in raw.items():
        where = f"landmarks.{str(view_id)[:40]}"
        view = views.get(view_id) if isinstance(view_id, str) else None
        if view is None:
            c.problem(where, "unknown view", ", ".join(views))
            continue
        if not isinstance(points, list) or len(points) > len(view.landmarks):
            c.problem(where, "must be a list of points", f"at most {len(view.landmarks)}")
            continue
        seen: set[str] = set()
        kept = []
        for n, point in enumerate(points):
            pf = Fields(point, LANDMARK_FIELDS, prefix=f"{c.prefix}.{where}[{n}]")
            found = _landmark(pf, view, seen)
            c.problems.problems.extend(pf.problems.problems)
            if found is not None:
                kept.append(found)
        out[view_id] = kept
    return out


def _checks(f: Fields, name: str) -> VisitChecks:
    raw = f.payload.get(name)
    if raw is None:
        return VisitChecks()
    c = Fields(raw, CHECK_FIELDS, prefix=name)
    leg = None
    if c.payload.get("leg_check") is not None:
        lf = Fields(c.payload["leg_check"], LEG_FIELDS, prefix=f"{name}.leg_check")
        mm = lf.number("mm", lo=0.0, hi=MAX_LEG_MM, required=True)
        side = lf.choice("side", Side, required=True)
        position = lf.text("position", max_length=20, default="supine")
        if position not in ("supine", "prone"):
            lf.problem("position", f"unknown value {position!r}", "supine, prone")
        entered_as = lf.optional_text("entered_as", max_length=20)
        c.problems.problems.extend(lf.problems.problems)
        if mm is not None and side is not None:
            leg = LegCheck(mm=mm, side=side, position=position, entered_as=entered_as)
    checks = VisitChecks(
        leg_check=leg,
        posture=c.numbers("posture", lo=-500.0, hi=500.0),
        radiographic=c.numbers("radiographic", lo=-180.0, hi=180.0),
        radiographic_method=c.optional_text("radiographic_method", max_length=80),
        thermography_pattern=c.optional_text("thermography_pattern", max_length=80),
        landmarks=_landmarks(c),
    )
    f.problems.problems.extend(c.problems.problems)
    f.present[name] = checks
    return checks


def _read_visit(payload: Any, *, creating: bool) -> dict[str, Any]:
    f = Fields(payload, VISIT_FIELDS, not_null=VISIT_NOT_NULL)
    f.moment("occurred_at", required=creating)
    f.text("technique", required=creating, max_length=80)
    f.text("listing", max_length=80)
    f.choice("decision", VisitDecision, required=creating)
    f.text("rule_applied", max_length=80)
    f.choice("reaction", Reaction)
    f.text("reaction_note", max_length=2000)
    f.text("notes", max_length=10_000)
    f.integer("clinician_id")
    _checks(f, "pre_checks")
    _checks(f, "post_checks")
    f.raise_if_any("invalid visit")
    return dict(f.present)


def _clinician(uow: UnitOfWork, actor: Actor, clinic_id: int, user_id: int | None) -> int | None:
    if user_id is None:
        return actor.user_id
    user = uow.users.get(user_id)
    if user is None or user.clinic_id != clinic_id or user.role is not Role.CLINICIAN:
        raise not_found("clinician", user_id)
    return user_id


def record_visit(uow: UnitOfWork, actor: Actor, patient_id: int, payload: dict[str, Any]) -> Visit:
    require_role(actor, Role.ADMIN, Role.CLINICIAN, action="record visits")
    clinic_id = patient_scope(uow, actor, patient_id, entity="visit", access="write")
    values = _read_visit(payload, creating=True)
    values["clinician_id"] = _clinician(uow, actor, clinic_id, values.get("clinician_id"))
    visit = uow.visits.add(Visit(id=None, patient_id=patient_id, **values))
    audit.record(uow, actor, "create", "visit", visit.id, patient_id)
    return visit


def update_visit(uow: UnitOfWork, actor: Actor, visit_id: int, payload: dict[str, Any]) -> Visit:
    require_role(actor, Role.ADMIN, Role.CLINICIAN, action="change visits")
    current = uow.visits.get(visit_id)
    if current is None:
        raise not_found("visit", visit_id)
    clinic_id = record_scope(uow, actor, current.patient_id, "visit", visit_id, access="write")
    changes = _read_visit(payload, creating=False)
    if "clinician_id" in changes:
        changes["clinician_id"] = _clinician(uow, actor, clinic_id, changes["clinician_id"])
    visit = uow.visits.save(replace(current, **changes))
    audit.record(
        uow, actor, "update", "visit", visit_id, current.patient_id, {"fields": sorted(changes)}
    )
    return visit


def get_visit(uow: UnitOfWork, actor: Actor, visit_id: int) -> Visit:
    visit = uow.visits.get(visit_id)
    if visit is None:
        raise not_found("visit", visit_id)
    record_scope(uow, actor, visit.patient_id, "visit", visit_id)
    audit.record(uow, actor, "read", "visit", visit_id, visit.patient_id)
    return visit


def list_visits(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    *,
    start: date | None = None,
    end: date | None = None,
    kind: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Visit]:
    """Visits newest first; ``kind`` filters by decision (adjusted, held, referred, deferred)."""
    patient_scope(uow, actor, patient_id, entity="visit")
    check_limit(limit)
    rows = uow.visits.page(
        patient_id,
        start=start,
        end=end,
        decision=kind,
        after=decode(cursor, "datetime"),
        limit=limit + 1,
    )
    page = page_of(rows, limit, lambda v: (v.occurred_at, int(v.id or 0)))
    audit.record(uow, actor, "list", "visit", patient_id=patient_id)
    return page


COTHERAPY_FIELDS = ("kind", "name", "dose", "provider", "started_on", "ended_on", "notes")
#: every co-therapy has these: an update may leave them out but not set them to null
COTHERAPY_NOT_NULL = ("kind", "name", "started_on")


def _read_cotherapy(payload: Any, *, creating: bool) -> dict[str, Any]:
    f = Fields(payload, COTHERAPY_FIELDS, not_null=COTHERAPY_NOT_NULL)
    f.choice("kind", CoTherapyKind, required=creating)
    f.text("name", required=creating, max_length=200)
    f.text("dose", max_length=200)
    f.text("provider", max_length=200)
    start = f.day("started_on", required=creating)
    end = f.day("ended_on")
    f.text("notes", max_length=5000)
    if start and end and end < start:
        f.problem("ended_on", "is before started_on", "on or after started_on")
    f.raise_if_any("invalid co-therapy")
    return dict(f.present)


def add_cotherapy(
    uow: UnitOfWork, actor: Actor, patient_id: int, payload: dict[str, Any]
) -> CoTherapy:
    require_role(actor, Role.ADMIN, Role.CLINICIAN, action="record co-therapies")
    patient_scope(uow, actor, patient_id, entity="cotherapy", access="write")
    item = uow.cotherapies.add(
        CoTherapy(id=None, patient_id=patient_id, **_read_cotherapy(payload, creating=True))
    )
    audit.record(uow, actor, "create", "cotherapy", item.id, patient_id, {"kind": item.kind.value})
    return item


def update_cotherapy(
    uow: UnitOfWork, actor: Actor, item_id: int, payload: dict[str, Any]
) -> CoTherapy:
    require_role(actor, Role.ADMIN, Role.CLINICIAN, action="change co-therapies")
    current = uow.cotherapies.get(item_id)
    if current is None:
        raise not_found("cotherapy", item_id)
    record_scope(uow, actor, current.patient_id, "cotherapy", item_id, access="write")
    changes = _read_cotherapy(payload, creating=False)
    updated = replace(current, **changes)
    if updated.ended_on is not None and updated.ended_on < updated.started_on:
        raise ValidationError(
            "invalid co-therapy",
            problems=[Problem("ended_on", "is before started_on", "on or after started_on")],
        )
    item = uow.cotherapies.save(updated)
    audit.record(
        uow, actor, "update", "cotherapy", item_id, current.patient_id, {"fields": sorted(changes)}
    )
    return item


def list_cotherapies(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    *,
    start: date | None = None,
    end: date | None = None,
    kind: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[CoTherapy]:
    patient_scope(uow, actor, patient_id, entity="cotherapy")
    check_limit(limit)
    rows = uow.cotherapies.page(
        patient_id, start=start, end=end, kind=kind, after=decode(cursor, "date"), limit=limit + 1
    )
    page = page_of(rows, limit, lambda c: (c.started_on, int(c.id or 0)))
    audit.record(uow, actor, "list", "cotherapy", patient_id=patient_id)
    return page
