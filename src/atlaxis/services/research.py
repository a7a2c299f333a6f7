"""De-identified cohort views: aggregate statistics only, never a patient's record.

Researchers (and clinic staff) of a clinic see how many patients changed by how much on an
instrument between their first and latest assessment, with intervals, from the science core.
No identifiers, dates or per-patient rows leave this service.
"""

from __future__ import annotations

from typing import Any

from atlaxis.domain import Actor, Role
from atlaxis.errors import AtlaxisError
from atlaxis.instruments import get_instrument
from atlaxis.outcomes import responder_rates
from atlaxis.services import audit
from atlaxis.services.authz import require_role, staff_clinic
from atlaxis.storage import UnitOfWork

#: groups smaller than this are not reported (small cells can identify people)
MIN_CELL = 5


def cohort_change(
    uow: UnitOfWork, actor: Actor, instrument: str = "fiqr", clinic_id: int | None = None
) -> dict[str, Any]:
    """Responder rates (IMMPACT 30%/50% and the instrument's MCID) from first to latest
    assessment, for the patients of the caller's clinic with two or more complete scores."""
    require_role(actor, Role.RESEARCHER, Role.ADMIN, Role.CLINICIAN, action="see cohort views")
    scope = actor.clinic_id if actor.role is Role.RESEARCHER else staff_clinic(actor, clinic_id)
    definition = get_instrument(instrument)
    pairs = [
        (first, last)
        for _, first, last, n in uow.assessments.first_and_last_totals(int(scope or 0), instrument)
        if n >= 2
    ]
    body: dict[str, Any] = {"instrument": definition.id, "n_patients": len(pairs)}
    if len(pairs) < MIN_CELL:
        body["insufficient"] = f"fewer than {MIN_CELL} patients with two complete assessments"
    else:
        try:
            rates = responder_rates(
                [a for a, _ in pairs], [b for _, b in pairs], instrument=definition
            )
            body["responders"] = rates.to_dict()
        except AtlaxisError as exc:
            body["insufficient"] = exc.detail
    audit.record(uow, actor, "read", "cohort", detail={"instrument": definition.id})
    return body
