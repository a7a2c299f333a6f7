"""Read-only views over a patient's record: the timeline and the outcome summary."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Header, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from atlaxis.domain import Actor
from atlaxis.services import outcomes, timeline
from atlaxis.services.response_cache import VersionedCache
from atlaxis.storage import UnitOfWork
from atlaxis.web.api.common import ListDep, PatientId
from atlaxis.web.api.render import dumps, json_response
from atlaxis.web.deps import ActorDep, UowDep, read_once

router = APIRouter(tags=["views"])


class TimelineOut(BaseModel):
    """Each list oldest first; ``alerts`` only for clinic staff."""

    patient_id: int
    start: date | None
    end: date | None
    episodes: list[dict[str, Any]]
    diary: list[dict[str, Any]]
    assessments: list[dict[str, Any]]
    visits: list[dict[str, Any]]
    cotherapies: list[dict[str, Any]]
    alerts: list[dict[str, Any]] | None = Field(default=None)


IfNoneMatch = Annotated[
    str | None,
    Header(
        description="the ETag of a timeline the client holds: 304 (no body) while it is "
        "still current"
    ),
]
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {
        "description": "Not Modified: the `If-None-Match` ETag names the current timeline "
        "(no body; the read is still audited)"
    }
}


def timeline_cache(app: FastAPI) -> timeline.TimelineCache:
    """The app's whole-response timeline cache, made on first use (on the event loop)."""
    cache: timeline.TimelineCache | None = getattr(app.state, "timeline_cache", None)
    if cache is None:
        cache = VersionedCache()
        app.state.timeline_cache = cache
    return cache


def etag_matches(header: str | None, etag: str) -> bool:
    """``If-None-Match`` (a list of entity tags, or ``*``) names ``etag`` (weak comparison,
    RFC 9110 §13.1.2)."""
    if not header:
        return False
    for part in header.split(","):
        candidate = part.strip()
        if candidate == "*" or candidate.removeprefix("W/") == etag:
            return True
    return False


@router.get(
    "/patients/{patient_id}/timeline",
    response_model=TimelineOut,
    responses=NOT_MODIFIED,
    summary="Diary, scores, visits, co-therapies and episodes on one time axis",
    description="Sent with an `ETag` that changes whenever the timeline's content does (any "
    "write to the patient's record, from any server); send it back in `If-None-Match` to get "
    "304 while it is current. `Cache-Control: no-store` like every API response.",
)
async def get_timeline(
    actor: ActorDep,
    request: Request,
    patient_id: PatientId,
    page: ListDep,
    if_none_match: IfNoneMatch = None,
) -> Response:
    found = await read_timeline(request, actor, patient_id, page.start, page.end, if_none_match)
    headers = {"ETag": f'"{found.tag}"'}
    if found.body is None:
        return Response(status_code=304, headers=headers)
    return Response(found.body, media_type="application/json", headers=headers)


async def read_timeline(
    request: Request,
    actor: Actor,
    patient_id: int,
    start: date | None,
    end: date | None,
    if_none_match: str | None,
) -> timeline.TimelineJson:
    """The timeline as the route answers it (also used by ``web.fastpath``): the encoded
    body from the app's cache while current, none when ``If-None-Match`` names it."""
    cache = timeline_cache(request.app)

    def current(tag: str) -> bool:
        return etag_matches(if_none_match, f'"{tag}"')

    def quick(uow: UnitOfWork) -> timeline.TimelineJson | None:
        return timeline.cached_timeline_json(
            uow, actor, patient_id, start, end, cache=cache, current=current
        )

    def read(uow: UnitOfWork) -> timeline.TimelineJson:
        return timeline.timeline_json(
            uow, actor, patient_id, start, end, cache=cache, encode=dumps, current=current
        )

    return await read_once(request, read, timeline.prefetch_stamps, patient_id, quick=quick)


class OutcomesOut(BaseModel):
    """Change measured during care, with its uncertainty (see ``wording``); statistics that
    could not be estimated are null and say why."""

    patient_id: int
    care_start: date | None
    instruments: list[dict[str, Any]]
    diary: list[dict[str, Any]]
    wording: str


@router.get(
    "/patients/{patient_id}/outcomes",
    response_model=OutcomesOut,
    summary="Per-instrument change (MCID/RCI), diary single-case analysis, visit windows",
)
def get_outcomes(actor: ActorDep, uow: UowDep, patient_id: PatientId) -> Response:
    body = outcomes.patient_outcomes(uow, actor, patient_id)
    return json_response(body)
