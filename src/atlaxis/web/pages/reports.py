"""``GET /patients/{id}/report.pdf``: the progress report as a PDF download.

Staff of the patient's clinic get the clinician version (``?audience=patient`` for the plain
version to hand to the patient); a signed-in patient gets the patient version of their own
record. Authorisation and the audit event live in :mod:`atlaxis.services.reports`.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from atlaxis.domain import Role
from atlaxis.errors import Problem, ValidationError
from atlaxis.services.reports import patient_report_pdf
from atlaxis.web.deps import UowDep
from atlaxis.web.pages.common import MaybeAuthDep, PageRoute, require

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/patients/{patient_id}/report.pdf")
def report_pdf(
    request: Request,
    uow: UowDep,
    found: MaybeAuthDep,
    patient_id: int,
    audience: str = "clinician",
) -> Response:
    who = require(found, Role.CLINICIAN, Role.ADMIN, Role.PATIENT)
    if audience not in ("clinician", "patient"):
        raise ValidationError(
            "unknown audience", problems=[Problem("audience", repr(audience), "clinician, patient")]
        )
    pdf = patient_report_pdf(
        uow, who.actor, patient_id, "patient" if audience == "patient" else "clinician"
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "content-disposition": f'attachment; filename="progress-report-{patient_id}.pdf"',
            "cache-control": "no-store",
        },
    )
