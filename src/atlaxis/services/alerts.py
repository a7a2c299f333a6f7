"""Alerts from screening: stored with the record that raised them; acknowledged by a
clinician with who, when and why (they cannot be dismissed silently)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from atlaxis.domain import Actor, Alert, Page, Role, Severity
from atlaxis.errors import Conflict, Problem, ValidationError
from atlaxis.screening.alerts import Alert as ScreeningAlert
from atlaxis.services import audit
from atlaxis.services.authz import not_found, patient_scope, require_role, staff_clinic
from atlaxis.services.pagination import check_limit, decode, page_of
from atlaxis.storage import UnitOfWork


def store_alerts(
    uow: UnitOfWork,
    clinic_id: int,
    patient_id: int,
    raised: Iterable[ScreeningAlert],
    source_entity: str,
    source_id: int | None,
) -> list[Alert]:
    """Store the screening alerts of one record (same transaction as the record)."""
    now = datetime.now(UTC)
    return [
        uow.alerts.add(
            Alert(
                id=None,
                patient_id=patient_id,
                clinic_id=clinic_id,
                code=a.id,
                kind=a.kind,
                severity=Severity(a.severity),
                reason=a.reason,
                raised_at=now,
                source_entity=source_entity,
                source_id=source_id,
                source=a.to_dict()["source"],
                rule_source=a.rule_source,
            )
        )
        for a in raised
    ]


def list_alerts(
    uow: UnitOfWork,
    actor: Actor,
    *,
    patient_id: int | None = None,
    open_only: bool = False,
    kind: str | None = None,
    start: date | None = None,
    end: date | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Alert]:
    """Alerts of one patient, or of the caller's whole clinic (staff only), newest first."""
    require_role(actor, Role.ADMIN, Role.CLINICIAN, action="see alerts")
    check_limit(limit)
    clinic_id = None
    if patient_id is not None:
        patient_scope(uow, actor, patient_id, entity="alert")
    else:
        clinic_id = staff_clinic(actor)
    rows = uow.alerts.page(
        clinic_id=clinic_id,
        patient_id=patient_id,
        open_only=open_only,
        kind=kind,
        start=start,
        end=end,
        after=decode(cursor, "datetime"),
        limit=limit + 1,
    )
    page = page_of(rows, limit, lambda a: (a.raised_at, int(a.id or 0)))
    audit.record(uow, actor, "list", "alert", patient_id=patient_id)
    return page


def acknowledge_alert(uow: UnitOfWork, actor: Actor, alert_id: int, note: str) -> Alert:
    """Record that ``actor`` saw the alert and what they did about it (``note`` required)."""
    require_role(actor, Role.ADMIN, Role.CLINICIAN, action="acknowledge alerts")
    note = (note or "").strip()
    if not note or len(note) > 2000:
        raise ValidationError(
            "an acknowledgement needs a reason",
            problems=[Problem("note", "is required", "what was done, 1-2000 characters")],
        )
    alert = uow.alerts.get(alert_id)
    if alert is None or (actor.clinic_id is not None and alert.clinic_id != actor.clinic_id):
        raise not_found("alert", alert_id)
    if not uow.alerts.acknowledge(alert_id, actor.user_id, datetime.now(UTC), note):
        raise Conflict("this alert was already acknowledged")
    audit.record(uow, actor, "acknowledge", "alert", alert_id, alert.patient_id)
    updated = uow.alerts.get(alert_id)
    assert updated is not None
    return updated
