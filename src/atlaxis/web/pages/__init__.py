"""Server-rendered pages (Jinja2 templates, small hand-written JS, no build step).

``router`` gathers every page router; :func:`atlaxis.web.app.create_app` includes it and
calls :func:`mount_static`. To add a page area, add its module to ``_PAGE_MODULES``.
"""

from __future__ import annotations

import importlib

from fastapi import APIRouter, FastAPI
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

from atlaxis.web.pages.common import STATIC_DIR

#: page modules, each exposing ``router``
_PAGE_MODULES: tuple[str, ...] = (
    "atlaxis.web.pages.auth_pages",
    "atlaxis.web.pages.checkin",
    "atlaxis.web.pages.me",
    "atlaxis.web.pages.questionnaires",
    "atlaxis.web.pages.clinician",
    "atlaxis.web.pages.cohort_page",
    "atlaxis.web.pages.reports",
)

YEAR = 365 * 24 * 3600


def _build_router() -> APIRouter:
    root = APIRouter(include_in_schema=False)
    for name in _PAGE_MODULES:
        module = importlib.import_module(name)
        root.include_router(module.router)
        if hasattr(module, "api_router"):  # JSON twins of forms: errors as problem+json
            root.include_router(module.api_router)
    return root


router = _build_router()


class CachedStatic(StaticFiles):
    """Static files with ETags (from Starlette); a fingerprinted URL (``?v=<hash>``, as
    :func:`atlaxis.web.pages.common.static_url` makes) is cached for a year, immutable."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        fingerprinted = b"v=" in scope.get("query_string", b"")
        cache = f"public, max-age={YEAR}, immutable" if fingerprinted else "no-cache"

        async def send_cached(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"cache-control", cache.encode()))
                message["headers"] = headers
            await send(message)

        await super().__call__(scope, receive, send_cached)


def mount_static(app: FastAPI) -> None:
    """Serve ``web/static`` at ``/static``."""
    app.mount("/static", CachedStatic(directory=str(STATIC_DIR)), name="static")
