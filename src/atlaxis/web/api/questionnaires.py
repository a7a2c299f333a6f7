"""Questionnaires assigned to a patient: assign, list, save a draft and resume, submit, cancel.

Authorisation lives in :mod:`atlaxis.services.questionnaires` (staff assign and cancel; the
patient answers their own; other clinics' records read as missing).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, status
from pydantic import Field

from atlaxis.domain import AssignmentStatus
from atlaxis.services import questionnaires
from atlaxis.web.api.common import ItemId, PatientId, render, render_list
from atlaxis.web.api.schemas import (
    AlertOut,
    AssessmentOut,
    Day,
    Id,
    In,
    JSONObject,
    Out,
    PageOut,
    SavedAssessmentOut,
    Text,
    text,
)
from atlaxis.web.deps import ActorDep, UowDep

router = APIRouter(tags=["questionnaires"])

InstrumentIds = Annotated[
    list[Annotated[Text, text(40, 1)]],
    Field(min_length=1, max_length=questionnaires.MAX_INSTRUMENTS),
]
StatusQuery = Annotated[
    Literal["open", "done", "cancelled", "all"],
    Query(alias="status", description="open (default), done, cancelled or all"),
]


class AssignIn(In):
    instruments: InstrumentIds = Field(description="Instrument ids, e.g. phq9, fiqr")
    due: Day | None = None
    episode_id: Id | None = None


class AssignmentOut(Out):
    id: int
    patient_id: int
    instrument: str
    assigned_by: int | None
    assigned_at: datetime
    due: date | None
    status: AssignmentStatus
    assessment_id: int | None
    episode_id: int | None
    open: bool


class AnswersIn(In):
    answers: JSONObject = Field(description="Item id to answer (the published option codes)")


class DraftOut(Out):
    assignment_id: int
    answers: dict[str, Any]
    saved_at: datetime | None = Field(description="null when nothing was saved yet")


@router.post(
    "/patients/{patient_id}/assignments",
    response_model=PageOut[AssignmentOut],
    status_code=status.HTTP_201_CREATED,
    summary="Assign questionnaires (an instrument already open is not assigned twice)",
)
def assign(
    actor: ActorDep, uow: UowDep, patient_id: PatientId, body: AssignIn
) -> PageOut[AssignmentOut]:
    made = questionnaires.assign_instruments(
        uow, actor, patient_id, list(body.instruments), body.due, episode_id=body.episode_id
    )
    return render_list(AssignmentOut, made)


@router.get(
    "/patients/{patient_id}/assignments",
    response_model=PageOut[AssignmentOut],
    summary="A patient's questionnaire assignments, newest first",
)
def list_assignments(
    actor: ActorDep, uow: UowDep, patient_id: PatientId, state: StatusQuery = "open"
) -> PageOut[AssignmentOut]:
    found = questionnaires.list_assignments(uow, actor, patient_id, state)
    return render_list(AssignmentOut, found)


@router.get("/assignments/{assignment_id}", response_model=AssignmentOut, summary="One assignment")
def get_assignment(actor: ActorDep, uow: UowDep, assignment_id: ItemId) -> AssignmentOut:
    return render(AssignmentOut, questionnaires.get_assignment(uow, actor, assignment_id))


@router.get(
    "/assignments/{assignment_id}/draft",
    response_model=DraftOut,
    summary="The answers saved so far (empty when none)",
)
def get_draft(actor: ActorDep, uow: UowDep, assignment_id: ItemId) -> DraftOut:
    found = questionnaires.get_draft(uow, actor, assignment_id)
    if found is None:
        return DraftOut(assignment_id=assignment_id, answers={}, saved_at=None)
    return render(DraftOut, found)


@router.put(
    "/assignments/{assignment_id}/draft",
    response_model=DraftOut,
    summary="Save partial answers to resume later (replaces the previous draft)",
)
def save_draft(actor: ActorDep, uow: UowDep, assignment_id: ItemId, body: AnswersIn) -> DraftOut:
    return render(DraftOut, questionnaires.save_draft(uow, actor, assignment_id, body.answers))


@router.post(
    "/assignments/{assignment_id}/submit",
    response_model=SavedAssessmentOut,
    status_code=status.HTTP_201_CREATED,
    summary="Submit the answers: scored and screened as an assessment; the assignment is done",
)
def submit(
    actor: ActorDep, uow: UowDep, assignment_id: ItemId, body: AnswersIn
) -> SavedAssessmentOut:
    saved = questionnaires.submit_assignment(uow, actor, assignment_id, body.answers)
    return SavedAssessmentOut(
        assessment=render(AssessmentOut, saved.assessment),
        alerts=[render(AlertOut, a) for a in saved.alerts],
    )


@router.post(
    "/assignments/{assignment_id}/cancel",
    response_model=AssignmentOut,
    summary="Cancel an open assignment (staff); its draft is dropped",
)
def cancel(actor: ActorDep, uow: UowDep, assignment_id: ItemId) -> AssignmentOut:
    return render(AssignmentOut, questionnaires.cancel_assignment(uow, actor, assignment_id))
