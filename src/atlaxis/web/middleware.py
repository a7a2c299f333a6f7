"""Plain ASGI middleware for the whole app: body-size limit, last-resort error page and a
request log that carries no patient data.

* :class:`BodySizeLimit` refuses bodies over the limit with 413. It counts the bytes that
  actually arrive (a missing or lying Content-Length does not help) and replays the buffered
  body to the application.
* :class:`CrashBarrier` turns any unexpected exception into a 500 problem that says nothing
  about the internals; the log gets the exception class and the code location only, never
  the message (database errors quote the values they were given).
* :class:`RequestLog` logs method, route *template* (``/api/v1/patients/{patient_id}``),
  status and duration: no query string, no body, no header values.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
import traceback
from collections.abc import Callable
from typing import Any

from atlaxis.errors import AtlaxisError, PayloadTooLarge
from atlaxis.security.headers import ASGIApp, Message, Receive, Scope, Send

PROBLEM_JSON = b"application/problem+json"

access_log = logging.getLogger("atlaxis.access")
error_log = logging.getLogger("atlaxis.error")


async def send_problem(
    send: Send, body: dict[str, Any], extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    payload = json.dumps(body).encode("utf-8")
    headers = [
        (b"content-type", PROBLEM_JSON),
        (b"content-length", str(len(payload)).encode()),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": body["status"], "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def replay_body(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the application ``body`` (already read) in one message,
    then passes on to the original ``receive`` (a disconnect, say)."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class BodySizeLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, send)
            return
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.max_bytes:
                await self._refuse(scope, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, replay_body(b"".join(chunks), receive), send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        error = PayloadTooLarge(f"the request body is larger than {self.max_bytes} bytes")
        await send_problem(send, error.to_problem(), [(b"connection", b"close")])


class CrashBarrier:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            incident = secrets.token_hex(8)
            where = traceback.extract_tb(exc.__traceback__)
            frames = "; ".join(f"{f.filename}:{f.lineno} in {f.name}" for f in where[-6:])
            name = type(exc).__name__
            error_log.error("unhandled %s (incident %s) at %s", name, incident, frames)
            if started:
                return
            body = AtlaxisError("an unexpected error occurred; it has been logged").to_problem(
                instance=f"urn:atlaxis:incident:{incident}"
            )
            await send_problem(send, body)


class RequestLog:
    """``route_template`` maps the matched route object to its full path template."""

    def __init__(self, app: ASGIApp, *, route_template: Callable[[Any], str | None]) -> None:
        self.app = app
        self.route_template = route_template

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        status = 500

        async def noting_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, noting_send)
        finally:
            route = scope.get("route")
            template = (self.route_template(route) if route is not None else None) or "-"
            elapsed = (time.perf_counter() - began) * 1000
            access_log.info("%s %s %d %.1fms", scope.get("method", "?"), template, status, elapsed)
