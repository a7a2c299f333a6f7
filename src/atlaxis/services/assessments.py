"""Assessments: saving one scores it with the science core and runs screening; the alerts it
raises are stored in the same transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from atlaxis.domain import Actor, Alert, Assessment, AssessmentSource, Page, Role
from atlaxis.instruments import ScoreResult, score
from atlaxis.screening.alerts import Alert as ScreeningAlert
from atlaxis.screening.alerts import alerts_for_assessment
from atlaxis.services import audit
from atlaxis.services.alerts import store_alerts
from atlaxis.services.authz import not_found, patient_scope, record_scope
from atlaxis.services.fields import Fields
from atlaxis.services.pagination import check_limit, decode, page_of
from atlaxis.storage import UnitOfWork

ASSESSMENT_FIELDS = ("instrument", "answers", "taken_at", "source", "episode_id")


@dataclass(frozen=True, slots=True)
class SavedAssessment:
    assessment: Assessment
    alerts: list[Alert]


def _read(payload: Any) -> tuple[str, dict[str, Any], datetime, AssessmentSource, int | None]:
    f = Fields(payload, ASSESSMENT_FIELDS)
    instrument = f.text("instrument", required=True, max_length=40)
    answers = f.payload.get("answers")
    if not isinstance(answers, dict):
        f.problem("answers", "must be an object of item id to answer", "{item: value}")
    taken_at = f.moment("taken_at") or datetime.now(UTC)
    source = f.choice("source", AssessmentSource) or AssessmentSource.CLINIC
    episode_id = f.integer("episode_id")
    f.raise_if_any("invalid assessment")
    assert isinstance(answers, dict)
    return instrument, answers, taken_at, source, episode_id


def previous_result(uow: UnitOfWork, patient_id: int, instrument: str) -> ScoreResult | None:
    """The latest stored result of this instrument for the patient, if any."""
    latest = uow.assessments.page(patient_id, instrument=instrument, limit=1)
    if not latest:
        return None
    return result_from_dict(latest[0].result)


def result_from_dict(data: dict[str, Any]) -> ScoreResult:
    fields = ScoreResult.__dataclass_fields__
    return ScoreResult(**{k: v for k, v in data.items() if k in fields})


def score_and_screen(
    instrument: str, answers: dict[str, Any], previous: ScoreResult | None
) -> tuple[ScoreResult, Callable[[int | None], tuple[ScreeningAlert, ...]]]:
    """Score with the science core; the second value raises the screening alerts once the
    stored assessment id (their context) is known. Shared by the service and bulk loaders."""
    result = score(instrument, answers)
    if previous is not None and previous.instrument != result.instrument:
        previous = None

    def raise_alerts(assessment_id: int | None) -> tuple[ScreeningAlert, ...]:
        return alerts_for_assessment(
            result.instrument, result, previous, answers, context={"assessment_id": assessment_id}
        )

    return result, raise_alerts


def save_assessment(
    uow: UnitOfWork, actor: Actor, patient_id: int, payload: dict[str, Any]
) -> SavedAssessment:
    """Score ``payload["answers"]`` for ``payload["instrument"]``, store both, raise alerts."""
    clinic_id = patient_scope(uow, actor, patient_id, entity="assessment", access="write")
    instrument, answers, taken_at, source, episode_id = _read(payload)
    if actor.role is Role.PATIENT:
        source = AssessmentSource.PORTAL
    if episode_id is not None:
        episode = uow.episodes.get(episode_id)
        if episode is None or episode.patient_id != patient_id:
            raise not_found("episode", episode_id)
    previous = previous_result(uow, patient_id, instrument)
    result, raised_later = score_and_screen(instrument, answers, previous)
    stored = uow.assessments.add(
        Assessment(
            id=None,
            patient_id=patient_id,
            instrument=result.instrument,
            answers=answers,
            result=result.to_dict(),
            taken_at=taken_at,
            source=source,
            entered_by=actor.user_id,
            episode_id=episode_id,
            version=result.version,
        )
    )
    raised = raised_later(stored.id)
    alerts = store_alerts(uow, clinic_id, patient_id, raised, "assessment", stored.id)
    audit.record(
        uow,
        actor,
        "create",
        "assessment",
        stored.id,
        patient_id,
        {"instrument": result.instrument, "alerts": len(alerts)},
    )
    return SavedAssessment(stored, alerts)


def get_assessment(uow: UnitOfWork, actor: Actor, assessment_id: int) -> Assessment:
    item = uow.assessments.get(assessment_id)
    if item is None:
        raise not_found("assessment", assessment_id)
    record_scope(uow, actor, item.patient_id, "assessment", assessment_id)
    audit.record(uow, actor, "read", "assessment", assessment_id, item.patient_id)
    return item


def list_assessments(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    *,
    start: date | None = None,
    end: date | None = None,
    instrument: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Assessment]:
    patient_scope(uow, actor, patient_id, entity="assessment")
    check_limit(limit)
    rows = uow.assessments.page(
        patient_id,
        start=start,
        end=end,
        instrument=instrument,
        after=decode(cursor, "datetime"),
        limit=limit + 1,
    )
    page = page_of(rows, limit, lambda a: (a.taken_at, int(a.id or 0)))
    audit.record(uow, actor, "list", "assessment", patient_id=patient_id)
    return page
