"""Read-only views over a patient's record: the timeline and the outcome summary."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from atlaxis.services import outcomes, timeline
from atlaxis.storage import UnitOfWork
from atlaxis.web.api.common import ListDep, PatientId
from atlaxis.web.api.render import json_response, with_fragment
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


@router.get(
    "/patients/{patient_id}/timeline",
    response_model=TimelineOut,
    summary="Diary, scores, visits, co-therapies and episodes on one time axis",
)
async def get_timeline(
    actor: ActorDep, request: Request, patient_id: PatientId, page: ListDep
) -> Response:
    def read(uow: UnitOfWork) -> bytes:
        head, diary = timeline.patient_timeline_parts(
            uow, actor, patient_id, start=page.start, end=page.end
        )
        return with_fragment(head, "diary", diary)

    return Response(await read_once(request, read), media_type="application/json")


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
