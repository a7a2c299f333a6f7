"""Errors rendered once, as RFC 9457 problem+json.

* :class:`atlaxis.errors.AtlaxisError` → its own status and body (``errors`` lists every
  bad field);
* request validation (pydantic) → 422 with one ``errors`` entry per bad field:
  ``{field, message, allowed?}``; the submitted value is never echoed (it may be health data);
* Starlette's HTTP errors (unknown route, wrong method) → the same shape.

Unexpected exceptions are handled by :class:`atlaxis.web.middleware.CrashBarrier`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from atlaxis.errors import (
    AtlaxisError,
    AuthenticationRequired,
    Problem,
    TooManyRequests,
    ValidationError,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"

_BOUND_WORDS = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}


_LOCATIONS = frozenset({"body", "query", "path", "header", "cookie"})


def field_name(loc: Sequence[Any]) -> str:
    """``("body", "items", "pain")`` → ``items.pain``, ``("query", "limit")`` → ``limit``;
    list positions as ``[0]``. The same names the services use in their problems."""
    parts = list(loc)
    if len(parts) > 1 and parts[0] in _LOCATIONS:
        parts = parts[1:]
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "request"


def allowed_text(error: Mapping[str, Any]) -> str | None:
    """What would have been accepted, from pydantic's error context."""
    ctx = error.get("ctx") or {}
    if "expected" in ctx:
        return str(ctx["expected"])
    bounds = [f"{word} {ctx[key]}" for key, word in _BOUND_WORDS.items() if key in ctx]
    if bounds:
        return " and ".join(bounds)
    if "max_length" in ctx:
        return f"at most {ctx['max_length']} characters or items"
    if "min_length" in ctx:
        return f"at least {ctx['min_length']} characters or items"
    if "pattern" in ctx:
        return f"text matching {ctx['pattern']}"
    kind = str(error.get("type", ""))
    simple = {
        "int_parsing": "an integer",
        "int_type": "an integer",
        "float_parsing": "a number",
        "bool_parsing": "true or false",
        "date_from_datetime_parsing": "a date YYYY-MM-DD",
        "date_parsing": "a date YYYY-MM-DD",
        "datetime_parsing": "an ISO 8601 date-time",
        "time_parsing": "a time HH:MM",
        "string_type": "a string",
        "dict_type": "a JSON object",
        "list_type": "a JSON array",
        "missing": "a value (required)",
        "extra_forbidden": "no such field",
    }
    return simple.get(kind)


def problems_from_validation(errors: Sequence[Mapping[str, Any]]) -> list[Problem]:
    return [
        Problem(field_name(e.get("loc", ())), str(e.get("msg", "invalid")), allowed_text(e))
        for e in errors
    ]


def problem_response(error: AtlaxisError, request: Request) -> JSONResponse:
    headers: dict[str, str] = {}
    if isinstance(error, AuthenticationRequired):
        headers["WWW-Authenticate"] = 'Bearer realm="atlaxis"'
    retry = getattr(error, "retry_after", None)
    if isinstance(error, TooManyRequests) and isinstance(retry, int):
        headers["Retry-After"] = str(retry)
    return JSONResponse(
        error.to_problem(instance=request.url.path),
        status_code=error.http_status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


async def _atlaxis_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AtlaxisError)
    return problem_response(exc, request)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = problems_from_validation(exc.errors())
    return problem_response(ValidationError("the request is not valid", problems=problems), request)


class _HTTPProblem(AtlaxisError):
    """Starlette's own HTTP errors (404 for an unknown route, 405, ...) as problems."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self._status = status

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        body = super().to_problem(instance)
        body.update(
            {"type": "about:blank", "title": detail_title(self._status), "status": self._status}
        )
        return body


def detail_title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else detail_title(exc.status_code)
    headers = dict(exc.headers or {})
    return JSONResponse(
        _HTTPProblem(exc.status_code, detail).to_problem(instance=request.url.path),
        status_code=exc.status_code,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AtlaxisError, _atlaxis_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
