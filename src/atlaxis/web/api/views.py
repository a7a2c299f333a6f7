"""Read-only views over a patient's record: the timeline and the outcome summary."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from atlaxis.services import outcomes, timeline
from atlaxis.services.views import jsonable
from atlaxis.web.api.common import ListDep, PatientId
from atlaxis.web.deps import ActorDep, UowDep

router = APIRouter(tags=["views"])


def finite(value: Any) -> Any:
    """JSON has no NaN or infinity: a statistic that could not be estimated becomes null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    return value


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
    return JSONResponse(finite(jsonable(body)))


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
def get_outcomes(uow: UowDep, actor: ActorDep, patient_id: PatientId) -> JSONResponse:
    body = outcomes.patient_outcomes(uow, actor, patient_id)
    return JSONResponse(finite(jsonable(body)))
