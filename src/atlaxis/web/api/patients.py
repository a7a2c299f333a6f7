"""Patients, their episodes of care and their consents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from atlaxis.services import episodes, patients
from atlaxis.web.api.common import ItemId, ListDep, PatientId, render, render_list, render_page
from atlaxis.web.api.schemas import (
    ConsentIn,
    ConsentOut,
    EpisodeIn,
    EpisodeOut,
    EpisodePatch,
    PageOut,
    PatientIn,
    PatientOut,
    PatientPatch,
    Text,
    payload,
)
from atlaxis.web.deps import ActorDep, UowDep

router = APIRouter(tags=["patients"])


@router.get("/patients", response_model=PageOut[PatientOut], summary="Patients of my clinic")
def list_patients(
    actor: ActorDep,
    uow: UowDep,
    page: ListDep,
    search: Annotated[Text, Query(max_length=100, description="name or record number")] = "",
) -> PageOut[PatientOut]:
    found = patients.list_patients(uow, actor, cursor=page.cursor, limit=page.limit, search=search)
    return render_page(PatientOut, found)


@router.post(
    "/patients",
    response_model=PatientOut,
    status_code=status.HTTP_201_CREATED,
    summary="Register a patient",
)
def create_patient(actor: ActorDep, uow: UowDep, body: PatientIn) -> PatientOut:
    return render(PatientOut, patients.create_patient(uow, actor, payload(body)))


@router.get("/patients/{patient_id}", response_model=PatientOut, summary="One patient")
def get_patient(actor: ActorDep, uow: UowDep, patient_id: PatientId) -> PatientOut:
    return render(PatientOut, patients.get_patient(uow, actor, patient_id))


@router.patch("/patients/{patient_id}", response_model=PatientOut, summary="Change details")
def update_patient(
    actor: ActorDep, uow: UowDep, patient_id: PatientId, body: PatientPatch
) -> PatientOut:
    return render(PatientOut, patients.update_patient(uow, actor, patient_id, payload(body)))


@router.get(
    "/patients/{patient_id}/episodes",
    response_model=PageOut[EpisodeOut],
    summary="Episodes of care",
)
def list_episodes(actor: ActorDep, uow: UowDep, patient_id: PatientId) -> PageOut[EpisodeOut]:
    return render_list(EpisodeOut, episodes.list_episodes(uow, actor, patient_id))


@router.post(
    "/patients/{patient_id}/episodes",
    response_model=EpisodeOut,
    status_code=status.HTTP_201_CREATED,
    summary="Open an episode of care",
)
def create_episode(
    actor: ActorDep, uow: UowDep, patient_id: PatientId, body: EpisodeIn
) -> EpisodeOut:
    return render(EpisodeOut, episodes.create_episode(uow, actor, patient_id, payload(body)))


@router.patch("/episodes/{episode_id}", response_model=EpisodeOut, summary="Change an episode")
def update_episode(
    actor: ActorDep, uow: UowDep, episode_id: ItemId, body: EpisodePatch
) -> EpisodeOut:
    return render(EpisodeOut, episodes.update_episode(uow, actor, episode_id, payload(body)))


@router.get(
    "/patients/{patient_id}/consents", response_model=PageOut[ConsentOut], summary="Consents"
)
def list_consents(actor: ActorDep, uow: UowDep, patient_id: PatientId) -> PageOut[ConsentOut]:
    return render_list(ConsentOut, episodes.list_consents(uow, actor, patient_id))


@router.post(
    "/patients/{patient_id}/consents",
    response_model=ConsentOut,
    status_code=status.HTTP_201_CREATED,
    summary="Record a consent",
)
def record_consent(
    actor: ActorDep, uow: UowDep, patient_id: PatientId, body: ConsentIn
) -> ConsentOut:
    return render(ConsentOut, episodes.record_consent(uow, actor, patient_id, payload(body)))


@router.post(
    "/consents/{consent_id}/withdraw", response_model=ConsentOut, summary="Withdraw a consent"
)
def withdraw_consent(actor: ActorDep, uow: UowDep, consent_id: ItemId) -> ConsentOut:
    return render(ConsentOut, episodes.withdraw_consent(uow, actor, consent_id))
