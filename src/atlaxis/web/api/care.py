"""What happens in care: assessments, the daily diary, visits and co-therapies."""

from __future__ import annotations

import asyncio
import functools
from typing import Annotated

from fastapi import APIRouter, Header, Request, status
from fastapi.responses import Response

from atlaxis.services import assessments, auth, diary, visits
from atlaxis.web.api.common import (
    ItemId,
    KindQuery,
    ListDep,
    PatientId,
    render,
    render_page,
)
from atlaxis.web.api.render import json_response
from atlaxis.web.api.schemas import (
    AlertOut,
    AssessmentIn,
    AssessmentOut,
    CoTherapyIn,
    CoTherapyOut,
    CoTherapyPatch,
    DiaryIn,
    DiaryOut,
    PageOut,
    SavedAssessmentOut,
    Text,
    VisitIn,
    VisitOut,
    VisitPatch,
    payload,
)
from atlaxis.web.deps import ActorDep, AuthDep, CommitterDep, UowDep, touch_of

router = APIRouter(tags=["care"])

IdempotencyKey = Annotated[
    Text | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="Any unique text per entry; a retry with the same key and body is "
        "answered with the stored response and writes nothing",
    ),
]


@router.get(
    "/patients/{patient_id}/assessments",
    response_model=PageOut[AssessmentOut],
    summary="Assessments, newest first (kind = instrument id)",
)
def list_assessments(
    actor: ActorDep, uow: UowDep, patient_id: PatientId, page: ListDep, kind: KindQuery = None
) -> PageOut[AssessmentOut]:
    found = assessments.list_assessments(
        uow,
        actor,
        patient_id,
        start=page.start,
        end=page.end,
        instrument=kind,
        cursor=page.cursor,
        limit=page.limit,
    )
    return render_page(AssessmentOut, found)


@router.post(
    "/patients/{patient_id}/assessments",
    response_model=SavedAssessmentOut,
    status_code=status.HTTP_201_CREATED,
    summary="Save an assessment: scored, screened, alerts raised in the same transaction",
)
def save_assessment(
    actor: ActorDep, uow: UowDep, patient_id: PatientId, body: AssessmentIn
) -> SavedAssessmentOut:
    saved = assessments.save_assessment(uow, actor, patient_id, payload(body))
    return SavedAssessmentOut(
        assessment=render(AssessmentOut, saved.assessment),
        alerts=[render(AlertOut, a) for a in saved.alerts],
    )


@router.get("/assessments/{assessment_id}", response_model=AssessmentOut, summary="One assessment")
def get_assessment(actor: ActorDep, uow: UowDep, assessment_id: ItemId) -> AssessmentOut:
    return render(AssessmentOut, assessments.get_assessment(uow, actor, assessment_id))


@router.get(
    "/patients/{patient_id}/diary",
    response_model=PageOut[DiaryOut],
    summary="Diary entries, newest day first",
)
def list_diary(
    actor: ActorDep, uow: UowDep, patient_id: PatientId, page: ListDep
) -> PageOut[DiaryOut]:
    found = diary.list_diary(
        uow, actor, patient_id, start=page.start, end=page.end, cursor=page.cursor, limit=page.limit
    )
    return PageOut[DiaryOut](
        items=[DiaryOut.model_validate(diary.entry_json(e)) for e in found.items],
        next_cursor=found.next_cursor,
    )


@router.post(
    "/patients/{patient_id}/diary",
    response_model=DiaryOut,
    status_code=status.HTTP_201_CREATED,
    summary="Add a daily check-in (safe to retry with an Idempotency-Key)",
)
async def add_diary_entry(
    found: AuthDep,
    request: Request,
    committer: CommitterDep,
    patient_id: PatientId,
    body: DiaryIn,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    # The hot write path: checked and scored here, then written by the group committer
    # with the other diary writes queued meanwhile (one transaction, a few statements for
    # the lot), answered once that transaction has committed.
    prepared = diary.prepare_diary_entry(found.actor, patient_id, payload(body), idempotency_key)
    writing = committer.run_grouped(
        diary.add_diary_entries, prepared, diary.prefetch_diary_entries
    )
    touch = touch_of(request)
    if touch is None:
        written: diary.DiaryWrite = await writing
    else:  # the token's last-used time, now and then: in the same batch
        refresh = committer.append([], functools.partial(auth.touch, found=touch))
        written, _ = await asyncio.gather(writing, refresh)
    headers = {"Idempotent-Replayed": "true"} if written.replayed else None
    return json_response(written.body, status_code=written.status, headers=headers)


@router.get(
    "/patients/{patient_id}/visits",
    response_model=PageOut[VisitOut],
    summary="Visits, newest first (kind = decision: adjusted, held, referred, deferred)",
)
def list_visits(
    actor: ActorDep, uow: UowDep, patient_id: PatientId, page: ListDep, kind: KindQuery = None
) -> PageOut[VisitOut]:
    found = visits.list_visits(
        uow,
        actor,
        patient_id,
        start=page.start,
        end=page.end,
        kind=kind,
        cursor=page.cursor,
        limit=page.limit,
    )
    return render_page(VisitOut, found)


@router.post(
    "/patients/{patient_id}/visits",
    response_model=VisitOut,
    status_code=status.HTTP_201_CREATED,
    summary="Record a visit with its pre and post checks",
)
def record_visit(actor: ActorDep, uow: UowDep, patient_id: PatientId, body: VisitIn) -> VisitOut:
    return render(VisitOut, visits.record_visit(uow, actor, patient_id, payload(body)))


@router.get("/visits/{visit_id}", response_model=VisitOut, summary="One visit")
def get_visit(actor: ActorDep, uow: UowDep, visit_id: ItemId) -> VisitOut:
    return render(VisitOut, visits.get_visit(uow, actor, visit_id))


@router.patch("/visits/{visit_id}", response_model=VisitOut, summary="Change a visit")
def update_visit(actor: ActorDep, uow: UowDep, visit_id: ItemId, body: VisitPatch) -> VisitOut:
    return render(VisitOut, visits.update_visit(uow, actor, visit_id, payload(body)))


@router.get(
    "/patients/{patient_id}/cotherapies",
    response_model=PageOut[CoTherapyOut],
    summary="Co-therapies, newest start first (kind: nutrition, medication, ...)",
)
def list_cotherapies(
    actor: ActorDep, uow: UowDep, patient_id: PatientId, page: ListDep, kind: KindQuery = None
) -> PageOut[CoTherapyOut]:
    found = visits.list_cotherapies(
        uow,
        actor,
        patient_id,
        start=page.start,
        end=page.end,
        kind=kind,
        cursor=page.cursor,
        limit=page.limit,
    )
    return render_page(CoTherapyOut, found)


@router.post(
    "/patients/{patient_id}/cotherapies",
    response_model=CoTherapyOut,
    status_code=status.HTTP_201_CREATED,
    summary="Record a co-therapy",
)
def add_cotherapy(
    actor: ActorDep, uow: UowDep, patient_id: PatientId, body: CoTherapyIn
) -> CoTherapyOut:
    return render(CoTherapyOut, visits.add_cotherapy(uow, actor, patient_id, payload(body)))


@router.patch(
    "/cotherapies/{cotherapy_id}", response_model=CoTherapyOut, summary="Change a co-therapy"
)
def update_cotherapy(
    actor: ActorDep, uow: UowDep, cotherapy_id: ItemId, body: CoTherapyPatch
) -> CoTherapyOut:
    return render(CoTherapyOut, visits.update_cotherapy(uow, actor, cotherapy_id, payload(body)))
