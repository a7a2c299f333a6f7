"""Plain-ASGI handlers for the hottest requests: the health probe, a patient's check-in and
the whole timeline of a patient.

A check-in (``POST /api/v1/patients/{id}/diary``) is the one write every patient makes every
day, often from a phone on a poor connection; the timeline (``GET …/timeline``) is what a
clinician opens for every patient; the health probe is polled by every load balancer. Through
FastAPI each pays for route matching over every route of the app and for dependency
resolution, several times the work of a check-in or of a cached timeline itself.
:class:`HotRoutes` sits inside the app's own middleware (security headers, request log,
body-size limit, crash barrier: all still apply) and answers these directly.

It handles only the plain case and hands everything else to FastAPI unchanged (the body is
replayed): a request without a known caller, a body that does not parse or validate, any
header or path it does not expect. So FastAPI's route stays the one definition of the API
(OpenAPI, error documents, the slow path) and the fast path can only ever do what that route
does, with the same service functions: scope checks, idempotency, scoring, audit and the
group commit are :mod:`atlaxis.services.diary` and :mod:`atlaxis.web.group_commit`; the
timeline is :func:`atlaxis.web.api.views.read_timeline` (cache, ETag, audit), as before.
Errors found once the write was handed over are rendered by :mod:`atlaxis.web.problems`.
"""

from __future__ import annotations

import asyncio
import functools
import re
from typing import Annotated, Any

import orjson
import pydantic
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from pydantic import Field, TypeAdapter
from starlette.requests import Request

from atlaxis.errors import AtlaxisError
from atlaxis.security.headers import ASGIApp, Receive, Scope, Send
from atlaxis.services import auth, diary
from atlaxis.web import deps
from atlaxis.web.api import API_PREFIX
from atlaxis.web.api.common import MAX_ID
from atlaxis.web.api.render import dumps
from atlaxis.web.api.schemas import DiaryIn, Text, payload
from atlaxis.web.api.views import read_timeline
from atlaxis.web.middleware import replay_body
from atlaxis.web.problems import problem_response

HEALTH_PATH = f"{API_PREFIX}/health"
HEALTH_BODY = b'{"status":"ok"}'
DIARY_TEMPLATE = f"{API_PREFIX}/patients/{{patient_id}}/diary"
_TIMELINE_PATH = re.compile(rf"^{re.escape(API_PREFIX)}/patients/([1-9][0-9]{{0,15}})/timeline$")
TIMELINE_TEMPLATE = f"{API_PREFIX}/patients/{{patient_id}}/timeline"
_DIARY_PATH = re.compile(rf"^{re.escape(API_PREFIX)}/patients/([1-9][0-9]{{0,15}})/diary$")
_JSON_HEADERS = [(b"content-type", b"application/json")]

#: the Idempotency-Key header, checked exactly as the FastAPI route declares it
_IDEMPOTENCY_KEY: TypeAdapter[str] = TypeAdapter(Annotated[Text, Field(max_length=200)])


class _FallThrough(Exception):
    """Not a plain case: FastAPI answers it."""


class HotRoutes:
    """See the module docstring. ``app`` is the rest of the stack (FastAPI's router)."""

    def __init__(self, app: ASGIApp, *, fastapi_app: FastAPI) -> None:
        self.app = app
        self.fastapi_app = fastapi_app
        self._routes: dict[tuple[str, str], Any] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope.get("root_path"):
            method, path = scope["method"], scope["path"]
            if method == "GET" and path == HEALTH_PATH:
                scope["route"] = self._route("GET", HEALTH_PATH)
                await _send_json(send, 200, HEALTH_BODY)
                return
            if method == "POST":
                match = _DIARY_PATH.match(path)
                if match is not None and int(match.group(1)) <= MAX_ID:
                    await self._diary(scope, receive, send, int(match.group(1)))
                    return
            elif method == "GET" and not scope.get("query_string"):
                match = _TIMELINE_PATH.match(path)
                if match is not None and int(match.group(1)) <= MAX_ID:
                    await self._timeline(scope, receive, send, int(match.group(1)))
                    return
        await self.app(scope, receive, send)

    def _route(self, method: str, template: str) -> Any:
        """FastAPI's route object for ``template``, which the request log turns back into
        the path template it logs (as it does for every other route)."""
        if self._routes is None:
            self._routes = {
                (m, c.path): c.original_route
                for c in iter_route_contexts(self.fastapi_app.routes)
                if c.path is not None
                for m in getattr(c.original_route, "methods", None) or ()
            }
        return self._routes.get((method, template))

    async def _diary(self, scope: Scope, receive: Receive, send: Send, patient_id: int) -> None:
        body = await _read_body(receive)
        request = Request(scope)
        scope["route"] = self._route("POST", DIARY_TEMPLATE)  # FastAPI sets it on fall-through
        try:
            prepared = await _check_diary(request, body, patient_id)
        except _FallThrough:
            await self.app(scope, replay_body(body, receive), send)
            return
        except AtlaxisError as error:
            await problem_response(error, request)(scope, receive, send)
            return
        committer = deps.get_committer(request)
        writing = committer.run_grouped(
            diary.add_diary_entries, prepared, diary.prefetch_diary_entries
        )
        touch = deps.touch_of(request)
        try:
            if touch is None:
                written: diary.DiaryWrite = await writing
            else:  # the caller's last-used time, now and then: in the same batch
                refresh = committer.append([], functools.partial(auth.touch, found=touch))
                written, _ = await asyncio.gather(writing, refresh)
        except AtlaxisError as error:
            await problem_response(error, request)(scope, receive, send)
            return
        headers = [(b"idempotent-replayed", b"true")] if written.replayed else []
        await _send_json(send, written.status, dumps(written.body), headers)

    async def _timeline(self, scope: Scope, receive: Receive, send: Send, patient_id: int) -> None:
        """The whole timeline (no query: no date range) for a known caller."""
        request = Request(scope)
        scope["route"] = self._route("GET", TIMELINE_TEMPLATE)
        tags = request.headers.getlist("if-none-match")
        try:
            found = None if len(tags) > 1 else await deps.caller_of(request)
            if found is None:
                raise _FallThrough
            actor = deps._checked(request, found, deps._bearer(request), None).actor
            tag = tags[0] if tags else None
            answer = await read_timeline(request, actor, patient_id, None, None, tag)
        except _FallThrough:
            await self.app(scope, receive, send)
            return
        except AtlaxisError as error:
            await problem_response(error, request)(scope, receive, send)
            return
        etag = (b"etag", f'"{answer.tag}"'.encode())
        if answer.body is None:
            await send({"type": "http.response.start", "status": 304, "headers": [etag]})
            await send({"type": "http.response.body", "body": b""})
            return
        await _send_json(send, 200, answer.body, [etag])


async def _check_diary(request: Request, body: bytes, patient_id: int) -> diary.DiaryRequest:
    """The entry prepared for the caller, checked and scored; or _FallThrough."""
    cache = deps._caller_cache(request)
    content_type = request.headers.get("content-type", "")
    if cache is None or content_type.split(";")[0].strip().lower() != "application/json":
        raise _FallThrough
    found = await deps.caller_of(request)  # AuthenticationRequired for a malformed header
    if found is None:
        raise _FallThrough  # FastAPI says why
    found = deps._checked(request, found, deps._bearer(request), await deps.presented_csrf(request))
    keys = request.headers.getlist("idempotency-key")
    if len(keys) > 1:
        raise _FallThrough
    try:
        data = orjson.loads(body)  # stricter than json.loads (NaN, huge ints): those fall through
        if not isinstance(data, dict):
            raise _FallThrough
        entry = DiaryIn.model_validate(data)
        key = _IDEMPOTENCY_KEY.validate_python(keys[0]) if keys else None
    except (orjson.JSONDecodeError, pydantic.ValidationError):
        raise _FallThrough from None
    return diary.prepare_diary_entry(found.actor, patient_id, payload(entry), key)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _send_json(
    send: Send, status: int, body: bytes, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    headers: list[tuple[bytes, bytes]] = [
        (b"content-length", str(len(body)).encode()),
        *_JSON_HEADERS,
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def install(app: FastAPI) -> None:
    """Add :class:`HotRoutes` as the innermost middleware (call before the others)."""
    app.add_middleware(HotRoutes, fastapi_app=app)


__all__ = ["HEALTH_BODY", "HEALTH_PATH", "HotRoutes", "install"]
