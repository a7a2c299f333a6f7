"""The cohort page (``/cohort``) for clinicians, admins and researchers of a clinic.

Responder rates with confidence intervals, the distribution of change, and whether
neck involvement is associated with response, each with its method and caveats one click
away. The service returns de-identified numbers only.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from atlaxis.domain import Role
from atlaxis.services import cohort
from atlaxis.web.deps import UowDep
from atlaxis.web.pages.clinician_charts import cohort_charts
from atlaxis.web.pages.common import MaybeAuthDep, PageRoute, render, require, translator

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/cohort")
def cohort_page(
    request: Request, uow: UowDep, found: MaybeAuthDep, instrument: str = "fiqr"
) -> Response:
    who = require(found, Role.CLINICIAN, Role.ADMIN, Role.RESEARCHER)
    choices = cohort.instruments()
    chosen = instrument if instrument in choices else (choices[0] if choices else "fiqr")
    summary = cohort.cohort_summary(uow, who.actor, chosen)
    context = {
        "summary": summary,
        "choices": choices,
        "chosen": chosen,
        "charts": cohort_charts(summary, translator(request)),
        "predictor": summary["predictor"],
    }
    return render(request, "cohort.html", context, found=who)
