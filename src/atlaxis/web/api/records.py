"""Read one record by id (episodes, consents, diary entries, co-therapies, alerts), change a
diary entry, and the refusal to change a scored assessment.

Each route calls one service of :mod:`atlaxis.services.records`, which checks the caller's
scope (out of scope reads exactly like a missing id) and audits the read.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, status
from pydantic import Field

from atlaxis.services import records
from atlaxis.services.diary import entry_json
from atlaxis.services.diary_edit import update_diary_entry
from atlaxis.web.api.common import ItemId, render
from atlaxis.web.api.schemas import (
    AlertOut,
    ConsentOut,
    CoTherapyOut,
    Day,
    DiaryOut,
    EpisodeOut,
    In,
    Text,
    payload,
    text,
)
from atlaxis.web.deps import ActorDep, UowDep

router = APIRouter()

#: why an assessment cannot be changed, and what to do instead (the 405 problem's detail)
ASSESSMENT_IS_A_RECORD = (
    "A scored assessment is a record of what was answered on the day and is never changed. "
    "To record corrected answers, save a new assessment with "
    "POST /api/v1/patients/{patient_id}/assessments (taken_at may be given); "
    "the earlier one stays in the record and the audit trail."
)


@router.get(
    "/episodes/{episode_id}", response_model=EpisodeOut, tags=["patients"], summary="One episode"
)
def get_episode(actor: ActorDep, uow: UowDep, episode_id: ItemId) -> EpisodeOut:
    return render(EpisodeOut, records.get_episode(uow, actor, episode_id))


@router.get(
    "/consents/{consent_id}", response_model=ConsentOut, tags=["patients"], summary="One consent"
)
def get_consent(actor: ActorDep, uow: UowDep, consent_id: ItemId) -> ConsentOut:
    return render(ConsentOut, records.get_consent(uow, actor, consent_id))


@router.get("/diary/{entry_id}", response_model=DiaryOut, tags=["care"], summary="One diary entry")
def get_diary_entry(actor: ActorDep, uow: UowDep, entry_id: ItemId) -> DiaryOut:
    return DiaryOut.model_validate(entry_json(records.get_diary_entry(uow, actor, entry_id)))


class DiaryPatch(In):
    """Fields to change; ``items`` merges into the stored ratings (``null`` removes one).
    ``null`` for date, items, body_map, note or recalled is refused by the service together
    with every other bad field (one 422 listing all of them); ``time: null`` clears it."""

    date: Day | None = None
    time: Annotated[str, Field(pattern=r"^\d\d:\d\d$")] | None = None
    items: (
        Annotated[dict[Annotated[Text, text(40, 1)], int | float | None], Field(max_length=40)]
        | None
    ) = None
    body_map: Annotated[list[Annotated[Text, text(40)]], Field(max_length=40)] | None = None
    note: Annotated[Text, text(2000)] | None = None
    recalled: bool | None = None


@router.patch(
    "/diary/{entry_id}", response_model=DiaryOut, tags=["care"], summary="Change a diary entry"
)
def update_diary(actor: ActorDep, uow: UowDep, entry_id: ItemId, body: DiaryPatch) -> DiaryOut:
    entry = update_diary_entry(uow, actor, entry_id, payload(body))
    return DiaryOut.model_validate(entry_json(entry))


@router.get(
    "/cotherapies/{cotherapy_id}",
    response_model=CoTherapyOut,
    tags=["care"],
    summary="One co-therapy",
)
def get_cotherapy(actor: ActorDep, uow: UowDep, cotherapy_id: ItemId) -> CoTherapyOut:
    return render(CoTherapyOut, records.get_cotherapy(uow, actor, cotherapy_id))


@router.get(
    "/alerts/{alert_id}",
    response_model=AlertOut,
    tags=["alerts"],
    summary="One alert (clinic staff)",
)
def get_alert(actor: ActorDep, uow: UowDep, alert_id: ItemId) -> AlertOut:
    return render(AlertOut, records.get_alert(uow, actor, alert_id))


@router.api_route(
    "/assessments/{assessment_id}",
    methods=["PATCH", "PUT"],
    include_in_schema=False,  # never succeeds; the rule is in docs/reference/api.md
    status_code=status.HTTP_405_METHOD_NOT_ALLOWED,
)
def refuse_assessment_change(actor: ActorDep, assessment_id: ItemId) -> None:
    """Signed-in callers only; the answer is the same for every id (nothing is looked up)."""
    raise HTTPException(
        status.HTTP_405_METHOD_NOT_ALLOWED, ASSESSMENT_IS_A_RECORD, headers={"Allow": "GET"}
    )
