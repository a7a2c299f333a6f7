"""Screening alerts: listed for staff, acknowledged with a reason (never dismissed silently)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from atlaxis.services import alerts
from atlaxis.web.api.common import (
    MAX_ID,
    ItemId,
    KindQuery,
    ListDep,
    PatientId,
    render,
    render_page,
)
from atlaxis.web.api.schemas import AcknowledgeIn, AlertOut, PageOut
from atlaxis.web.deps import ActorDep, UowDep

router = APIRouter(tags=["alerts"])

OpenOnly = Annotated[bool, Query(alias="open", description="only alerts not yet acknowledged")]


@router.get("/alerts", response_model=PageOut[AlertOut], summary="Alerts of my clinic")
def list_alerts(
    actor: ActorDep,
    uow: UowDep,
    page: ListDep,
    kind: KindQuery = None,
    open_only: OpenOnly = False,
    patient_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> PageOut[AlertOut]:
    found = alerts.list_alerts(
        uow,
        actor,
        patient_id=patient_id,
        open_only=open_only,
        kind=kind,
        start=page.start,
        end=page.end,
        cursor=page.cursor,
        limit=page.limit,
    )
    return render_page(AlertOut, found)


@router.get(
    "/patients/{patient_id}/alerts", response_model=PageOut[AlertOut], summary="Alerts of a patient"
)
def list_patient_alerts(
    actor: ActorDep,
    uow: UowDep,
    patient_id: PatientId,
    page: ListDep,
    kind: KindQuery = None,
    open_only: OpenOnly = False,
) -> PageOut[AlertOut]:
    return list_alerts(actor, uow, page, kind, open_only, patient_id)


@router.post(
    "/alerts/{alert_id}/acknowledge",
    response_model=AlertOut,
    summary="Acknowledge an alert: who and when are recorded, with the reason given",
)
def acknowledge_alert(
    actor: ActorDep, uow: UowDep, alert_id: ItemId, body: AcknowledgeIn
) -> AlertOut:
    return render(AlertOut, alerts.acknowledge_alert(uow, actor, alert_id, body.note))
