"""The web application factory. Nothing is built at import: call :func:`create_app`.

Middleware, outermost first: security headers → request log (no PHI) → body-size limit →
crash barrier (500 problem, nothing leaked) → hot routes (``web.fastpath``: the health probe
and the diary check-in in plain ASGI; anything else falls through) → FastAPI (problem+json
handlers) → routes.
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

from atlaxis import __version__
from atlaxis.config import Settings, load_settings
from atlaxis.interop.custom_instruments import register_stored_instruments
from atlaxis.security.headers import SecurityHeadersMiddleware
from atlaxis.services.auth import AuthPolicy
from atlaxis.services.response_cache import VersionedCache
from atlaxis.storage import Database
from atlaxis.web import fastpath
from atlaxis.web.api import API_PREFIX, build_api_router
from atlaxis.web.api.openapi import install_openapi
from atlaxis.web.caller_cache import CallerCache
from atlaxis.web.deps import RequestSlots, WriteGate
from atlaxis.web.group_commit import GroupCommitter, GroupReader
from atlaxis.web.middleware import BodySizeLimit, CrashBarrier, RequestLog
from atlaxis.web.problems import install_problem_handlers

DESCRIPTION = (
    "JSON API of atlaxis. Authenticate with `POST /api/v1/auth/token` and send "
    "`Authorization: Bearer <token>`. Errors are RFC 9457 problem+json documents whose "
    "`errors` list names every invalid field."
)


#: requests using the database at once per process (below the connection pool and the
#: worker thread pool, so neither can run dry; the rest wait without holding either)
DATABASE_SLOTS = 16


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Everything built at start-up lives as long as the server: move it out of the
    # collector's reach, so full collections under load stay short (tail latency).
    gc.collect()
    gc.freeze()
    yield
    await app.state.committer.close()
    database: Database = app.state.database
    database.dispose()


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> FastAPI:
    """Build the app for ``settings`` (read from the environment when omitted)."""
    settings = settings if settings is not None else load_settings()
    register_stored_instruments(settings.text_dir)  # REDCap-imported instruments become scorable
    app = FastAPI(
        title="atlaxis",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # the stock docs page loads scripts from a CDN; our CSP forbids that
        redoc_url=None,
        lifespan=_lifespan,
        # FastAPI's own OpenTelemetry: spans carry paths (patient ids) and error texts, and
        # checking the global providers costs every request ~20 us; atlaxis exports none
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.database = database if database is not None else Database(settings.database_url)
    app.state.auth_policy = AuthPolicy.from_settings(settings)
    app.state.write_gate = WriteGate(enabled=app.state.database.is_sqlite)
    app.state.request_slots = RequestSlots(DATABASE_SLOTS)
    app.state.committer = GroupCommitter(app.state.database, app.state.write_gate)
    app.state.reader = GroupReader(app.state.database, app.state.request_slots)
    app.state.timeline_cache = VersionedCache()  # encoded timelines by patient version
    app.state.caller_cache = CallerCache()
    install_problem_handlers(app)
    app.include_router(build_api_router())
    _include_pages(app)
    install_openapi(app)
    if settings.fast_path:  # innermost: the hot routes still pass every middleware below
        fastpath.install(app)
    app.add_middleware(CrashBarrier)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestLog, route_template=_route_templates(app))
    app.add_middleware(SecurityHeadersMiddleware)
    return app


def _route_templates(app: FastAPI) -> Callable[[Any], str | None]:
    """Route object → full path template (``/api/v1/patients/{patient_id}``), built lazily."""
    table: dict[int, str] = {}

    def template(route: Any) -> str | None:
        if not table:
            for context in iter_route_contexts(app.routes):
                if context.path is not None:
                    table[id(context.original_route)] = context.path
        return table.get(id(route), getattr(route, "path", None))

    return template


def _include_pages(app: FastAPI) -> None:
    """Add the server-rendered pages when that package is installed."""
    try:
        pages = importlib.import_module("atlaxis.web.pages")
    except ModuleNotFoundError as exc:
        if exc.name == "atlaxis.web.pages":
            return
        raise
    router = getattr(pages, "router", None)
    if router is None:  # the package exists but is not ready (no router yet)
        return
    app.include_router(router)
    pages.mount_static(app)
