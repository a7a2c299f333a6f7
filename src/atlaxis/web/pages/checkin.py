"""The patient's daily check-in (``/checkin``): ratings, body map, note; works without JS.

With JavaScript (static/checkin.js) the form is sent as JSON to ``POST /checkin/entries``
with an ``Idempotency-Key``, after being queued on the phone, so an entry made offline is
sent when the phone is back online and a retry never stores it twice. Without JavaScript
the same form is posted to ``POST /checkin`` (the key is a hidden field, so a double submit
is also stored once). Both call :func:`atlaxis.services.diary.add_diary_entry`.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Body, Header, Request, Response
from fastapi.responses import JSONResponse

from atlaxis.domain import Actor, DiaryEntry, Role
from atlaxis.errors import AtlaxisError, PermissionDenied, Problem
from atlaxis.instruments.definitions.diary import HIGHER_IS_BETTER, MINIMUM
from atlaxis.services import diary, patients
from atlaxis.storage import UnitOfWork
from atlaxis.web.deps import ActorDep, UowDep
from atlaxis.web.pages import bodymap
from atlaxis.web.pages.common import (
    STATIC_DIR,
    FormValues,
    MaybeAuthDep,
    PageRoute,
    first,
    form_values,
    redirect,
    render,
    require,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)
api_router = APIRouter(include_in_schema=False)

RATINGS: tuple[str, ...] = (
    "pain",
    "fatigue",
    "sleep_quality",
    "cognitive_fog",
    "stiffness",
    "neck_pain",
    "headache",
    "dizziness",
    "light_sensitivity",
    "sound_sensitivity",
    "jaw_pain",
    "mood",
)
MAX_NOTE = 2000


@dataclass
class CheckinForm:
    """What the form holds (typed back after a failed submit)."""

    values: dict[str, int] = field(default_factory=dict)
    sites: list[str] = field(default_factory=list)
    note: str = ""
    day: str = ""
    time: str = ""
    recalled: bool = False
    low: bool = False
    key: str = ""


def _rating(form: FormValues, item: str, problems: list[Problem]) -> int | None:
    typed = first(form, f"{item}_n").strip()
    tapped = first(form, item).strip()
    raw = typed or tapped
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if not 0 <= value <= 10:
        problems.append(Problem(item, "checkin.error.rating", "0-10"))
        return None
    return value


def read_form(form: FormValues) -> tuple[CheckinForm, list[Problem]]:
    """Read the posted form; ``problems`` name the field and a catalogue key."""
    problems: list[Problem] = []
    low = first(form, "mode") == "low"
    shown = MINIMUM if low else RATINGS
    values = {k: v for k in shown if (v := _rating(form, k, problems)) is not None}
    sites = [] if low else [s for s in form.get("body_map", []) if s in bodymap.SITE_IDS]
    note = "" if low else first(form, "note").strip()
    if len(note) > MAX_NOTE:
        problems.append(Problem("note", "checkin.error.note", str(MAX_NOTE)))
    day = first(form, "date").strip()
    try:
        date.fromisoformat(day)
    except ValueError:
        problems.append(Problem("date", "checkin.error.date", "YYYY-MM-DD"))
    if not values and not sites and not note:
        problems.append(Problem("pain", "checkin.error.empty"))
    read = CheckinForm(
        values=values,
        sites=list(dict.fromkeys(sites)),
        note=note,
        day=day,
        time=first(form, "time").strip()[:5],
        recalled=first(form, "recalled") == "1",
        low=low,
        key=first(form, "idempotency_key")[:200],
    )
    return read, problems


def payload_of(read: CheckinForm, today: date) -> dict[str, Any]:
    """The diary payload (DESIGN: date, time?, items, body_map, note, recalled)."""
    payload: dict[str, Any] = {"date": read.day, "items": dict(read.values)}
    if read.time:
        payload["time"] = read.time
    if read.sites:
        payload["body_map"] = read.sites
    if read.note:
        payload["note"] = read.note
    earlier = date.fromisoformat(read.day) < today - timedelta(days=1)
    payload["recalled"] = read.recalled or earlier
    return payload


def local_today(uow: UnitOfWork, actor: Actor) -> date:
    """Today in the patient's own time zone (UTC when unknown)."""
    assert actor.patient_id is not None
    zone = patients.get_patient(uow, actor, actor.patient_id).timezone or "UTC"
    try:
        return datetime.now(ZoneInfo(zone)).date()
    except (ZoneInfoNotFoundError, ValueError):
        return datetime.now(UTC).date()


def recent_entries(uow: UnitOfWork, actor: Actor, today: date) -> list[DiaryEntry]:
    """The newest entry (for "same as last time"), then today's entries."""
    assert actor.patient_id is not None
    pid = actor.patient_id
    last = diary.list_diary(uow, actor, pid, limit=1).items
    todays = diary.list_diary(uow, actor, pid, start=today, end=today, limit=50).items
    return last + [e for e in todays if not last or e.id != last[0].id]


def carry_json(entry: DiaryEntry | None) -> str:
    """The last entry's ratings and body map for "same as last time" (no note, no date)."""
    if entry is None:
        return ""
    items = {k: int(v) for k, v in entry.items.items() if k in RATINGS}
    return json.dumps({"items": items, "body_map": list(entry.body_map)}, separators=(",", ":"))


def owner_tag(actor: Actor) -> str:
    """An opaque tag for the signed-in user: check-ins queued on a shared phone are sent only
    while their own patient is signed in (never under someone else's account)."""
    return hashlib.sha256(f"atlaxis-checkin-owner:{actor.user_id}".encode()).hexdigest()[:16]


def form_context(
    read: CheckinForm,
    problems: list[Problem],
    today: date,
    recent: list[DiaryEntry],
    actor: Actor,
) -> dict[str, Any]:
    errors = {p.field: p.message for p in problems}
    rated = set(MINIMUM)
    ratings = [
        {
            "id": k,
            "value": read.values.get(k),
            "error": errors.get(k),
            "core": k in rated,
            "hint": "checkin.hint.good" if k in HIGHER_IS_BETTER else "checkin.hint.symptom",
        }
        for k in RATINGS
    ]
    todays = [e for e in recent if e.local_date == today]
    return {
        "form": read,
        "ratings": ratings,
        "errors": errors,
        "problems": problems,
        "sites": bodymap.SITE_IDS,
        "front": bodymap.front(),
        "back": bodymap.back(),
        "today": today.isoformat(),
        "backfill": read.day != today.isoformat(),
        "today_count": len(todays),
        "last_json": carry_json(recent[0] if recent else None),
        "owner": owner_tag(actor),
    }


def _fresh(today: date, day: str | None, low: bool) -> CheckinForm:
    chosen = today.isoformat()
    if day:
        try:
            picked = date.fromisoformat(day)
            if picked <= today:
                chosen = picked.isoformat()
        except ValueError:
            pass
    return CheckinForm(day=chosen, low=low, recalled=chosen != today.isoformat())


def _prefill(read: CheckinForm, last: DiaryEntry | None) -> CheckinForm:
    if last is None:
        return read
    read.values = {k: int(v) for k, v in last.items.items() if k in RATINGS}
    read.sites = [s for s in last.body_map if s in bodymap.SITE_IDS]
    return read


@router.get("/checkin")
def checkin_page(
    request: Request,
    uow: UowDep,
    found: MaybeAuthDep,
    mode: str = "",
    copy: str = "",
    saved: str = "",
) -> Response:
    who = require(found, Role.PATIENT)
    actor = who.actor
    today = local_today(uow, actor)
    recent = recent_entries(uow, actor, today)
    read = _fresh(today, request.query_params.get("date"), mode == "low")
    if copy == "last":
        read = _prefill(read, recent[0] if recent else None)
    read.key = secrets.token_urlsafe(18)
    context = form_context(read, [], today, recent, actor)
    context.update({"saved": saved == "1", "copied": copy == "last" and bool(recent)})
    return render(request, "checkin.html", context, found=who)


@router.post("/checkin")
async def checkin_submit(request: Request, uow: UowDep, found: MaybeAuthDep) -> Response:
    who = require(found, Role.PATIENT)
    actor = who.actor
    assert actor.patient_id is not None
    today = local_today(uow, actor)
    read, problems = read_form(await form_values(request))
    if not problems:
        try:
            diary.add_diary_entry(
                uow, actor, actor.patient_id, payload_of(read, today), read.key or None
            )
            return redirect("/checkin?saved=1" + ("&mode=low" if read.low else ""))
        except AtlaxisError as exc:
            if not exc.problems:
                raise
            problems = [_page_problem(p) for p in exc.problems]
    recent = recent_entries(uow, actor, today)
    context = form_context(read, problems, today, recent, actor)
    context.update({"saved": False, "copied": False})
    return render(request, "checkin.html", context, found=who, status_code=422)


def _page_problem(problem: Problem) -> Problem:
    """A service problem (``items.pain``) shown next to its field (``pain``)."""
    name = problem.field.removeprefix("items.")
    return Problem(name, "checkin.error.invalid", problem.allowed)


SERVICE_WORKER = STATIC_DIR / "sw.js"


@api_router.get("/sw.js")
def service_worker() -> Response:
    """The check-in service worker, served from the root so that its scope may be /checkin
    (a worker under /static/ could control only /static/). Always revalidated."""
    return Response(
        SERVICE_WORKER.read_bytes(),
        media_type="text/javascript",
        headers={"cache-control": "no-cache"},
    )


@api_router.post("/checkin/entries", status_code=201)
def checkin_sync(
    uow: UowDep,
    actor: ActorDep,
    payload: Annotated[dict[str, Any], Body()],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> JSONResponse:
    """The JSON twin of ``POST /checkin`` used by the offline queue (cookie + CSRF header)."""
    if actor.role is not Role.PATIENT or actor.patient_id is None:
        raise PermissionDenied("only a patient checks in here")
    written = diary.add_diary_entry(uow, actor, actor.patient_id, payload, idempotency_key)
    status = 200 if written.replayed else written.status
    return JSONResponse(written.body, status_code=status)
