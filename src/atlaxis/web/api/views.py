"""Read-only views over a patient's record: the timeline and the outcome summary."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from atlaxis.services import timeline
from atlaxis.services.views import jsonable
from atlaxis.web.api.common import ListDep, PatientId
from atlaxis.web.deps import ActorDep, UowDep

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
def get_timeline(
    uow: UowDep, actor: ActorDep, patient_id: PatientId, page: ListDep
) -> JSONResponse:
    body = timeline.patient_timeline(uow, actor, patient_id, start=page.start, end=page.end)
    return JSONResponse(jsonable(body))
