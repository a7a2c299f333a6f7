"""Questionnaires a clinic assigns to a patient: assign, save a draft and resume, submit.

Staff (clinicians, admins) of the patient's clinic assign instruments and may cancel an open
assignment; the patient answers their own (save and resume), and staff may enter answers on
the patient's behalf. Submitting scores and screens the answers exactly like any other
assessment (:func:`atlaxis.services.assessments.save_assessment`: alerts such as PHQ-9
item 9 are raised in the same transaction), marks the assignment done and drops the draft.
Every read and write is audited; a record outside the caller's scope reads as missing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from atlaxis.domain import (
    Actor,
    AssessmentSource,
    Assignment,
    AssignmentStatus,
    Draft,
    Role,
)
from atlaxis.errors import Conflict, Problem, ProblemCollector, ValidationError
from atlaxis.instruments import get_instrument, instrument_ids
from atlaxis.instruments.validation import validate_answers
from atlaxis.services import audit
from atlaxis.services.assessments import SavedAssessment, save_assessment
from atlaxis.services.authz import Access, not_found, patient_scope, record_scope, require_role
from atlaxis.services.pagination import check_limit
from atlaxis.storage import UnitOfWork

#: instruments that are not questionnaires to assign (the diary is the daily check-in)
NOT_ASSIGNABLE = frozenset({"diary"})
MAX_INSTRUMENTS = 20
STAFF = (Role.ADMIN, Role.CLINICIAN)


def assignable_instruments() -> list[str]:
    """Instrument ids a clinic may assign (built-in and registered custom ones)."""
    return [i for i in instrument_ids() if i not in NOT_ASSIGNABLE]


def _read_instruments(instruments: Any) -> list[str]:
    """The requested ids, de-duplicated in order; one error naming every unknown id."""
    allowed = assignable_instruments()
    problems = ProblemCollector()
    if not isinstance(instruments, list | tuple) or not instruments:
        problems.add(
            "instruments", "must be a non-empty list of instrument ids", ", ".join(allowed)
        )
    elif len(instruments) > MAX_INSTRUMENTS:
        problems.add("instruments", f"{len(instruments)} given", f"at most {MAX_INSTRUMENTS}")
    else:
        for n, value in enumerate(instruments):
            if not isinstance(value, str) or value not in allowed:
                shown = str(value)[:40] if isinstance(value, str) else type(value).__name__
                problems.add(
                    f"instruments[{n}]", f"unknown instrument {shown!r}", ", ".join(allowed)
                )
    problems.raise_if_any("cannot assign these instruments")
    return list(dict.fromkeys(instruments))


def _read_due(due: Any) -> date | None:
    if due is None or (isinstance(due, date) and not isinstance(due, datetime)):
        return due
    try:
        return date.fromisoformat(str(due))
    except ValueError:
        raise ValidationError(
            "cannot assign these instruments",
            problems=[Problem("due", f"not a date: {str(due)[:40]!r}", "YYYY-MM-DD")],
        ) from None


def assign_instruments(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    instruments: list[str],
    due: date | None = None,
    *,
    episode_id: int | None = None,
) -> list[Assignment]:
    """Open one assignment per instrument (an instrument already open is not assigned twice:
    its open assignment is returned instead). Staff of the patient's clinic only."""
    require_role(actor, *STAFF, action="assign questionnaires")
    patient_scope(uow, actor, patient_id, entity="assignment", access="write")
    wanted = _read_instruments(instruments)
    due_day = _read_due(due)
    if episode_id is not None:
        episode = uow.episodes.get(episode_id)
        if episode is None or episode.patient_id != patient_id:
            raise not_found("episode", episode_id)
    already = {
        a.instrument: a
        for a in uow.assignments.for_patient(patient_id, status=AssignmentStatus.OPEN)
    }
    now = datetime.now(UTC)
    out: list[Assignment] = []
    for instrument in wanted:
        if instrument in already:
            out.append(already[instrument])
            continue
        made = uow.assignments.add(
            Assignment(
                None, patient_id, instrument, actor.user_id, now, due_day, episode_id=episode_id
            )
        )
        audit.record(
            uow, actor, "create", "assignment", made.id, patient_id, {"instrument": instrument}
        )
        out.append(made)
    return out


def _status(status: str | AssignmentStatus | None) -> AssignmentStatus | None:
    if status is None or status == "all":
        return None
    try:
        return AssignmentStatus(status)
    except ValueError:
        allowed = ", ".join([*(s.value for s in AssignmentStatus), "all"])
        raise ValidationError(
            "invalid filter",
            problems=[Problem("status", f"unknown value {str(status)[:40]!r}", allowed)],
        ) from None


def list_assignments(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    status: str | AssignmentStatus | None = "open",
    *,
    limit: int = 200,
) -> list[Assignment]:
    """A patient's assignments, newest first; ``status`` open (default), done, cancelled or
    ``"all"``/None. A patient lists their own."""
    patient_scope(uow, actor, patient_id, entity="assignment")
    wanted = _status(status)
    check_limit(limit)
    found = uow.assignments.for_patient(patient_id, status=wanted, limit=limit)
    detail = {"status": "all" if wanted is None else wanted.value}
    audit.record(uow, actor, "list", "assignment", patient_id=patient_id, detail=detail)
    return found


def _scoped(
    uow: UnitOfWork, actor: Actor, assignment_id: int, *, write: bool = False
) -> Assignment:
    """The assignment if ``actor`` may see (or write) it; locked for update when writing."""
    item = uow.assignments.get(assignment_id, for_update=write)
    if item is None:
        raise not_found("assignment", assignment_id)
    access: Access = "write" if write else "read"
    record_scope(uow, actor, item.patient_id, "assignment", assignment_id, access=access)
    return item


def _require_open(item: Assignment) -> None:
    if not item.open:
        raise Conflict(f"assignment {item.id} is {item.status.value}; it can no longer change")


def get_assignment(uow: UnitOfWork, actor: Actor, assignment_id: int) -> Assignment:
    item = _scoped(uow, actor, assignment_id)
    audit.record(uow, actor, "read", "assignment", assignment_id, item.patient_id)
    return item


def save_draft(uow: UnitOfWork, actor: Actor, assignment_id: int, answers: dict[str, Any]) -> Draft:
    """Keep the answers given so far (replacing the previous draft). Partial answers are fine;
    unknown item ids and out-of-range or wrongly typed answers are refused, all listed."""
    item = _scoped(uow, actor, assignment_id, write=True)
    _require_open(item)
    clean = validate_answers(get_instrument(item.instrument), answers)
    draft = uow.drafts.put(assignment_id, clean, datetime.now(UTC))
    audit.record(
        uow,
        actor,
        "update",
        "assignment_draft",
        assignment_id,
        item.patient_id,
        {"instrument": item.instrument, "answered": len(clean)},
    )
    return draft


def get_draft(uow: UnitOfWork, actor: Actor, assignment_id: int) -> Draft | None:
    """The saved answers to resume from, or None when nothing was saved."""
    item = _scoped(uow, actor, assignment_id)
    draft = uow.drafts.get(assignment_id)
    audit.record(uow, actor, "read", "assignment_draft", assignment_id, item.patient_id)
    return draft


def submit_assignment(
    uow: UnitOfWork, actor: Actor, assignment_id: int, answers: dict[str, Any]
) -> SavedAssessment:
    """Score and store the answers as an assessment (portal source when the patient submits),
    raise its alerts, mark the assignment done and drop its draft; all in one transaction."""
    item = _scoped(uow, actor, assignment_id, write=True)
    _require_open(item)
    source = AssessmentSource.PORTAL if actor.role is Role.PATIENT else AssessmentSource.CLINIC
    payload: dict[str, Any] = {
        "instrument": item.instrument,
        "answers": answers,
        "source": source.value,
    }
    if item.episode_id is not None:
        payload["episode_id"] = item.episode_id
    saved = save_assessment(uow, actor, item.patient_id, payload)
    if not uow.assignments.close(assignment_id, AssignmentStatus.DONE, saved.assessment.id):
        raise Conflict(f"assignment {assignment_id} changed meanwhile; try again")
    uow.drafts.delete(assignment_id)
    audit.record(
        uow,
        actor,
        "submit",
        "assignment",
        assignment_id,
        item.patient_id,
        {"instrument": item.instrument, "assessment_id": saved.assessment.id},
    )
    return saved


def cancel_assignment(uow: UnitOfWork, actor: Actor, assignment_id: int) -> Assignment:
    """Withdraw an open assignment (staff only); its draft is dropped."""
    require_role(actor, *STAFF, action="cancel questionnaires")
    item = _scoped(uow, actor, assignment_id, write=True)
    _require_open(item)
    uow.assignments.close(assignment_id, AssignmentStatus.CANCELLED)
    uow.drafts.delete(assignment_id)
    audit.record(
        uow,
        actor,
        "cancel",
        "assignment",
        assignment_id,
        item.patient_id,
        {"instrument": item.instrument},
    )
    return replace(item, status=AssignmentStatus.CANCELLED)
