"""The JSON API under ``/api/v1`` (one module per area; handlers parse, call one service,
render)."""

from __future__ import annotations

import importlib

from fastapi import APIRouter

API_PREFIX = "/api/v1"

#: route modules, each exposing ``router``; order is the order in the OpenAPI document
_ROUTE_MODULES = (
    "atlaxis.web.api.health",
    "atlaxis.web.api.auth",
    "atlaxis.web.api.patients",
    "atlaxis.web.api.care",
    "atlaxis.web.api.alerts",
    "atlaxis.web.api.records",
    "atlaxis.web.api.questionnaires",
    "atlaxis.web.api.views",
)


def build_api_router() -> APIRouter:
    router = APIRouter(prefix=API_PREFIX)
    for name in _ROUTE_MODULES:
        module = importlib.import_module(name)
        router.include_router(module.router)
    return router
