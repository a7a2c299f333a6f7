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
    request: Request,
    uow: UowDep,
    found: MaybeAuthDep,
    instrument: str = "fiqr",
    neck_signs: str = "",
) -> Response:
    who = require(found, Role.CLINICIAN, Role.ADMIN, Role.RESEARCHER)
    choices = cohort.instruments()
    chosen = instrument if instrument in choices else (choices[0] if choices else "fiqr")
    signs = int(neck_signs) if neck_signs.isdigit() else cohort.NECK_SIGNS_MIN
    if signs not in cohort.NECK_SIGNS_CHOICES:
        signs = cohort.NECK_SIGNS_MIN
    summary = cohort.cohort_summary(uow, who.actor, chosen, neck_signs_min=signs)
    context = {
        "summary": summary,
        "choices": choices,
        "chosen": chosen,
        "sign_choices": list(cohort.NECK_SIGNS_CHOICES),
        "signs": signs,
        "charts": cohort_charts(summary, translator(request)),
        "predictor": summary["predictor"],
    }
    return render(request, "cohort.html", context, found=who)
