"""Patient questionnaires (``/questionnaires``): the instruments the clinic assigned, page by
page, with progress, save and resume, and validation messages next to each item.

Assignments and drafts live in the platform services (``atlaxis.services.questionnaires``:
``list_assignments``, ``get_assignment``, ``get_draft``, ``save_draft``,
``submit_assignment``); this module reaches them through :class:`ServiceStore`, which tests
may replace by setting ``app.state.questionnaire_store``. Without that service the page says
that no questionnaire is waiting.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol

from fastapi import APIRouter, Request, Response

from atlaxis.domain import Actor, Role
from atlaxis.instruments import get_instrument
from atlaxis.instruments.model import Instrument
from atlaxis.instruments.texts import with_local_text
from atlaxis.storage import UnitOfWork
from atlaxis.web.deps import SettingsDep, UowDep
from atlaxis.web.pages import questionnaire_form as qf
from atlaxis.web.pages.common import (
    MaybeAuthDep,
    PageRoute,
    first,
    form_values,
    redirect,
    render,
    require,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)
SERVICE = "atlaxis.services.questionnaires"


class Store(Protocol):
    def open(self, uow: UnitOfWork, actor: Actor) -> list[Any]: ...
    def get(self, uow: UnitOfWork, actor: Actor, assignment_id: int) -> Any: ...
    def draft(self, uow: UnitOfWork, actor: Actor, assignment_id: int) -> dict[str, Any]: ...
    def save(
        self, uow: UnitOfWork, actor: Actor, assignment_id: int, answers: dict[str, Any]
    ) -> None: ...
    def submit(
        self, uow: UnitOfWork, actor: Actor, assignment_id: int, answers: dict[str, Any]
    ) -> Any: ...


class ServiceStore:
    """Calls the platform's questionnaire service (assignments + drafts)."""

    def __init__(self, module: Any) -> None:
        self.m = module

    def open(self, uow: UnitOfWork, actor: Actor) -> list[Any]:
        assert actor.patient_id is not None
        return list(self.m.list_assignments(uow, actor, actor.patient_id, status="open"))

    def get(self, uow: UnitOfWork, actor: Actor, assignment_id: int) -> Any:
        return self.m.get_assignment(uow, actor, assignment_id)

    def draft(self, uow: UnitOfWork, actor: Actor, assignment_id: int) -> dict[str, Any]:
        found = self.m.get_draft(uow, actor, assignment_id)
        return {} if found is None else dict(found.answers)

    def save(
        self, uow: UnitOfWork, actor: Actor, assignment_id: int, answers: dict[str, Any]
    ) -> None:
        self.m.save_draft(uow, actor, assignment_id, answers)

    def submit(
        self, uow: UnitOfWork, actor: Actor, assignment_id: int, answers: dict[str, Any]
    ) -> Any:
        return self.m.submit_assignment(uow, actor, assignment_id, answers)


def store_of(request: Request) -> Store | None:
    injected: Store | None = getattr(request.app.state, "questionnaire_store", None)
    if injected is not None:
        return injected
    try:
        return ServiceStore(importlib.import_module(SERVICE))
    except ModuleNotFoundError as exc:
        if exc.name != SERVICE:
            raise
        return None


def instrument_for(instrument_id: str, settings: Any) -> Instrument:
    """The definition, with the clinic's licensed wording when it is installed."""
    return with_local_text(get_instrument(instrument_id), getattr(settings, "text_dir", None))


@router.get("/questionnaires")
def questionnaire_list(
    request: Request, uow: UowDep, found: MaybeAuthDep, done: str = ""
) -> Response:
    who = require(found, Role.PATIENT)
    store = store_of(request)
    rows = []
    for a in store.open(uow, who.actor) if store is not None else []:
        inst = get_instrument(a.instrument)
        draft = store.draft(uow, who.actor, a.id) if store is not None else {}
        answered = sum(1 for v in draft.values() if v is not None)
        rows.append({"a": a, "title": inst.title, "count": len(inst.items), "answered": answered})
    context = {"rows": rows, "done": done == "1", "available": store is not None}
    return render(request, "questionnaires.html", context, found=who)


def _context(
    inst: Instrument,
    assignment: Any,
    answers: dict[str, Any],
    number: int,
    problems: dict[str, str],
    saved: bool,
) -> dict[str, Any]:
    all_pages = qf.pages(inst, answers)
    number = max(1, min(number, len(all_pages)))
    page = all_pages[number - 1]
    asked = [i for p in all_pages for i in p.items]
    return {
        "inst": inst,
        "assignment": assignment,
        "page": page,
        "page_count": len(all_pages),
        "items": [
            {"item": i, "value": qf.field_value(i, answers), "error": problems.get(i.id)}
            for i in page.items
        ],
        "answered": sum(1 for i in asked if answers.get(i.id) is not None),
        "asked": len(asked),
        "problems": problems,
        "labels_only": any(i.text_is_label for i in inst.items),
        "saved": saved,
    }


@router.get("/questionnaires/{assignment_id}")
def questionnaire_page(
    request: Request,
    uow: UowDep,
    settings: SettingsDep,
    found: MaybeAuthDep,
    assignment_id: int,
    page: int = 1,
    saved: str = "",
) -> Response:
    who = require(found, Role.PATIENT)
    store = _need(request)
    assignment = store.get(uow, who.actor, assignment_id)
    inst = instrument_for(assignment.instrument, settings)
    answers = store.draft(uow, who.actor, assignment_id)
    context = _context(inst, assignment, answers, page, {}, saved == "1")
    return render(request, "questionnaire.html", context, found=who)


@router.post("/questionnaires/{assignment_id}")
async def questionnaire_post(
    request: Request, uow: UowDep, settings: SettingsDep, found: MaybeAuthDep, assignment_id: int
) -> Response:
    who = require(found, Role.PATIENT)
    store = _need(request)
    assignment = store.get(uow, who.actor, assignment_id)
    inst = instrument_for(assignment.instrument, settings)
    form = await form_values(request)
    answers = store.draft(uow, who.actor, assignment_id)
    number = _int(first(form, "page"), 1)
    current = qf.pages(inst, answers)[max(0, min(number, len(qf.pages(inst, answers))) - 1)]
    given, found_problems = qf.read_page(current, form)
    problems = {item: "questionnaire.error.invalid" for item in found_problems}
    answers.update(given)
    answers = {k: v for k, v in answers.items() if v is not None}
    action = first(form, "action") or "next"
    if problems:
        context = _context(inst, assignment, answers, current.number, problems, False)
        return render(request, "questionnaire.html", context, found=who, status_code=422)
    store.save(uow, who.actor, assignment_id, answers)
    base = f"/questionnaires/{assignment_id}"
    if action == "save":
        return redirect(f"{base}?page={current.number}&saved=1")
    if action == "back":
        return redirect(f"{base}?page={max(1, current.number - 1)}")
    total = len(qf.pages(inst, answers))
    if action == "submit" or current.number >= total:
        return _submit(request, uow, who, store, inst, assignment, answers)
    return redirect(f"{base}?page={current.number + 1}")


def _submit(
    request: Request,
    uow: UnitOfWork,
    who: Any,
    store: Store,
    inst: Instrument,
    assignment: Any,
    answers: dict[str, Any],
) -> Response:
    missing = qf.unanswered(inst, answers)
    if missing:
        problems = {m: "questionnaire.error.missing" for m in missing}
        where = next(
            p.number for p in qf.pages(inst, answers) if any(i.id in missing for i in p.items)
        )
        context = _context(inst, assignment, answers, where, problems, False)
        return render(request, "questionnaire.html", context, found=who, status_code=422)
    store.submit(uow, who.actor, assignment.id, answers)
    return redirect("/questionnaires?done=1")


def _need(request: Request) -> Store:
    store = store_of(request)
    if store is None:
        from atlaxis.errors import NotFound

        raise NotFound("questionnaires are not available yet")
    return store


def _int(text: str, default: int) -> int:
    try:
        return int(text)
    except ValueError:
        return default
