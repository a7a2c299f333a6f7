"""The OpenAPI description, completed: every error response is documented as an RFC 9457
problem (``application/problem+json``) and every operation that needs a caller says so."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from atlaxis.web.deps import get_authenticated

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details; `errors` names every invalid field",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                    "allowed": {"type": "string"},
                },
            },
        },
    },
}

DESCRIPTIONS = {
    "400": "The body could not be read (not UTF-8 or not parseable)",
    "401": "Not signed in, or the token is unknown, expired or revoked",
    "403": "The role may never do this, the token lacks the scope, or the CSRF token is wrong",
    "404": "No such record, or it is outside the caller's scope (indistinguishable)",
    "409": "Conflicts with the stored state (e.g. a reused Idempotency-Key)",
    "413": "The request body is larger than the configured limit",
    "422": "Invalid input; `errors` lists every bad field",
    "429": "Too many failed sign-in attempts; see Retry-After",
}
SAFE = frozenset({"get", "head", "options"})
LOGIN_PATHS = frozenset({"/api/v1/auth/token", "/api/v1/auth/session"})


def _walk(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _walk(sub)


def requires_auth(route: APIRoute) -> bool:
    """True when the route resolves the caller (bearer token or session cookie)."""
    return any(d.call is get_authenticated for d in _walk(route.dependant))


def api_operations(app: FastAPI) -> Iterator[tuple[str, str, APIRoute]]:
    """Every API operation as (full path template, METHOD, route)."""
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and context.path is not None:
            for method in sorted(context.methods or ()):
                yield context.path, method, route


def _error_codes(path: str, method: str, authenticated: bool) -> list[str]:
    if path in LOGIN_PATHS and method == "post":
        return ["401", "413", "422", "429"]
    if not authenticated:
        return []
    codes = ["401", "403", "404", "422"]
    if method not in SAFE:
        codes += ["409", "413"]
    return sorted(codes)


def build_openapi(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Problem"] = PROBLEM_SCHEMA
    components["securitySchemes"] = {
        "bearer": {"type": "http", "scheme": "bearer"},
        "session": {"type": "apiKey", "in": "cookie", "name": "atlaxis_session"},
    }
    protected = {
        (path, method.lower())
        for path, method, route in api_operations(app)
        if requires_auth(route)
    }
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            authenticated = (path, method) in protected
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            codes = _error_codes(path, method, authenticated)
            if "requestBody" in operation:
                codes = sorted({*codes, "400", "413", "422"})
            for code in codes:
                responses[code] = {"description": DESCRIPTIONS[code], "content": problem}
            if authenticated:
                operation["security"] = [{"bearer": []}, {"session": []}]
    return schema


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
