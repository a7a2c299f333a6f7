"""Shared pieces of the route modules: list parameters, path ids and rendering."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Query
from pydantic import BaseModel

from atlaxis.domain import Page
from atlaxis.errors import Problem, ValidationError
from atlaxis.services.views import jsonable
from atlaxis.web.api.schemas import Day, PageOut, Text

M = TypeVar("M", bound=BaseModel)

MAX_ID = 2**53
PatientId = Annotated[int, Path(ge=1, le=MAX_ID, description="Patient id")]
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]


@dataclass(frozen=True)
class ListParams:
    cursor: str | None
    limit: int
    start: date | None
    end: date | None


def list_params(
    cursor: Annotated[
        Text | None, Query(max_length=500, description="next_cursor of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    start: Annotated[Day | None, Query(description="first day included (YYYY-MM-DD)")] = None,
    end: Annotated[Day | None, Query(description="last day included (YYYY-MM-DD)")] = None,
) -> ListParams:
    if start is not None and end is not None and end < start:
        raise ValidationError(
            "invalid date range",
            problems=[Problem("end", "is before start", "a day on or after start")],
        )
    return ListParams(cursor=cursor or None, limit=limit, start=start, end=end)


ListDep = Annotated[ListParams, Depends(list_params)]
KindQuery = Annotated[Text | None, Query(max_length=40, description="filter by kind")]


def render(model: type[M], value: Any) -> M:
    """A domain value (dataclass) as a response model."""
    return model.model_validate(jsonable(value) | _extras(value))


def _extras(value: Any) -> dict[str, Any]:
    """Computed properties the response shows (``active`` of a consent, ``open`` of an alert)."""
    out: dict[str, Any] = {}
    for name in ("active", "open"):
        attr = getattr(type(value), name, None)
        if isinstance(attr, property):
            out[name] = getattr(value, name)
    return out


def render_page(model: type[M], page: Page[Any]) -> PageOut[M]:
    return PageOut[model](  # type: ignore[valid-type]
        items=[render(model, item) for item in page.items], next_cursor=page.next_cursor
    )


def render_list(model: type[M], items: list[Any]) -> PageOut[M]:
    """An unpaged list (short by nature, e.g. episodes) in the same envelope as a page."""
    return PageOut[model](  # type: ignore[valid-type]
        items=[render(model, item) for item in items], next_cursor=None
    )
