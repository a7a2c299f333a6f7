"""Typed dependencies: a route's signature says what it needs.

* ``SettingsDep`` — the app's settings;
* ``UowDep`` — one unit of work per request, committed once when the route returns (before
  the response is sent, so an acknowledged write is durable) and rolled back on error;
  read-only for GET/HEAD so SQLite readers never queue behind the writer;
* ``AuthDep`` / ``ActorDep`` — the authenticated caller: a bearer token (personal API token
  or the session id from ``POST /api/v1/auth/token``) or the session cookie. Cookie-
  authenticated unsafe requests must carry the session's CSRF token (``X-CSRF-Token``
  header or ``csrf_token`` form field). A personal token needs scope ``read`` for safe
  methods and ``write`` for the others.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from atlaxis.config import Settings
from atlaxis.domain import Actor
from atlaxis.errors import AuthenticationRequired, PermissionDenied
from atlaxis.security.csrf import FORM_FIELD, HEADER_NAME, csrf_ok, needs_csrf_check
from atlaxis.security.sessions import COOKIE_NAME
from atlaxis.services import auth
from atlaxis.storage import Database, UnitOfWork

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def get_auth_policy(request: Request) -> auth.AuthPolicy:
    policy: auth.AuthPolicy = request.app.state.auth_policy
    return policy


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
AuthPolicyDep = Annotated[auth.AuthPolicy, Depends(get_auth_policy)]


class WriteGate:
    """One writer at a time inside this process, for SQLite.

    SQLite allows one writer; a second one waits in SQLite's busy handler, which polls with
    growing sleeps, so under load most of the time goes to sleeping. Queueing writers on an
    asyncio lock here hands the database over without sleeping, and a waiting request holds
    no worker thread (so waiting writers cannot starve the thread pool the holder needs).
    PostgreSQL needs no gate.
    """

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}

    def lock(self) -> asyncio.Lock | None:
        if not self.enabled:
            return None
        loop = asyncio.get_running_loop()
        if loop not in self._locks:
            self._locks[loop] = asyncio.Lock()
        return self._locks[loop]


def get_write_gate(request: Request) -> WriteGate:
    gate: WriteGate = request.app.state.write_gate
    return gate


WriteGateDep = Annotated[WriteGate, Depends(get_write_gate)]


def _close(uow: UnitOfWork, database: Database, touch: auth.Authenticated | None) -> None:
    """Commit (for a read: its audit events) and close; then refresh the caller's last-seen
    if due, in the same transaction for a write, else in a short one of its own (never two
    connections at once)."""
    try:
        if touch is not None and not uow.read_only:
            auth.touch(uow, touch)
            touch = None
        if not uow.committed:
            uow.commit()
    finally:
        uow.__exit__(None, None, None)
    if touch is not None:
        with database.uow() as writer:
            auth.touch(writer, touch)
            writer.commit()


class RequestSlots:
    """At most ``size`` requests use the database at once; the others wait here, holding
    neither a worker thread nor a pooled connection (so the pool and the thread pool cannot
    be exhausted by requests that wait for each other)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._semaphores: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}

    def semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if loop not in self._semaphores:
            self._semaphores[loop] = asyncio.Semaphore(self.size)
        return self._semaphores[loop]


async def database_slot(request: Request) -> AsyncIterator[None]:
    slots: RequestSlots = request.app.state.request_slots
    async with slots.semaphore():
        yield


SlotDep = Annotated[None, Depends(database_slot, scope="function")]


async def get_uow(
    request: Request, _slot: SlotDep, database: DatabaseDep, gate: WriteGateDep
) -> AsyncIterator[UnitOfWork]:
    """One unit of work per request, committed when the route returns (before the response
    is sent). A writing request holds the write gate from its first to its last statement;
    a read only while its audit events are appended. Few thread hops inside the gate."""
    writing = needs_csrf_check(request.method)
    lock = gate.lock()
    if writing and lock is not None:
        await lock.acquire()
    try:
        uow = database.uow(read_only=not writing)
        # A client that hangs up cancels its request; the transaction must still end (or a
        # half-open SQLite write transaction would lock everyone out), hence the shields.
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(uow.__enter__)
        try:
            yield uow
        except BaseException as exc:
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(uow.__exit__, type(exc), exc, exc.__traceback__)
            raise
        touch = getattr(request.state, "touch", None)
        with anyio.CancelScope(shield=True):
            if writing or lock is None:
                await run_in_threadpool(_close, uow, database, touch)
            else:
                async with lock:
                    await run_in_threadpool(_close, uow, database, touch)
    finally:
        if writing and lock is not None:
            lock.release()


UowDep = Annotated[UnitOfWork, Depends(get_uow, scope="function")]


def client_ip(request: Request) -> str | None:
    return None if request.client is None else request.client.host


async def presented_csrf(request: Request) -> str | None:
    """The CSRF token the request carries: header first, then the form field."""
    header = request.headers.get(HEADER_NAME)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if needs_csrf_check(request.method) and content_type.startswith(FORM_TYPES):
        value = (await request.form()).get(FORM_FIELD)
        return value if isinstance(value, str) else None
    return None


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationRequired("use 'Authorization: Bearer <token>'")
    return token.strip()


def _resolve(
    database: Database, policy: auth.AuthPolicy, bearer: str | None, cookie: str, ip: str | None
) -> auth.Authenticated | None:
    """Look the caller up in a short read-only transaction of its own (outside the gate)."""
    with database.uow(read_only=True) as uow:
        if bearer is not None:
            return auth.actor_from_bearer(uow, policy, bearer, ip=ip)
        return auth.actor_from_session(uow, policy, cookie, ip=ip) if cookie else None


def authenticate_request(
    request: Request, database: Database, policy: auth.AuthPolicy, csrf: str | None
) -> auth.Authenticated:
    """The caller of ``request`` (bearer token or session cookie), checked: scope for tokens,
    CSRF for cookie-authenticated unsafe requests. Blocking (one short read transaction);
    raises AuthenticationRequired / PermissionDenied. Pages may call it directly."""
    ip = client_ip(request)
    bearer = _bearer(request)
    cookie = request.cookies.get(COOKIE_NAME, "")
    found = _resolve(database, policy, bearer, cookie, ip)
    if found is None:
        if bearer is not None:
            raise AuthenticationRequired("the token is unknown, expired or revoked")
        raise AuthenticationRequired("sign in, or send a bearer token")
    if bearer is not None:
        _check_scope(found, request.method)
    elif needs_csrf_check(request.method) and not csrf_ok(found.csrf_token, csrf):
        raise PermissionDenied("the CSRF token is missing or wrong")
    if found.touch_needed:
        request.state.touch = found  # refreshed when the request's unit of work closes
    return found


async def get_authenticated(
    request: Request,
    _slot: SlotDep,
    database: DatabaseDep,
    policy: AuthPolicyDep,
    csrf: Annotated[str | None, Depends(presented_csrf)],
) -> auth.Authenticated:
    return await run_in_threadpool(authenticate_request, request, database, policy, csrf)


def _check_scope(found: auth.Authenticated, method: str) -> None:
    if found.scopes is None:
        return
    needed = "write" if needs_csrf_check(method) else "read"
    if needed not in found.scopes:
        raise PermissionDenied(f"this token lacks the '{needed}' scope")


AuthDep = Annotated[auth.Authenticated, Depends(get_authenticated)]


async def get_actor(found: AuthDep) -> Actor:
    return found.actor


ActorDep = Annotated[Actor, Depends(get_actor)]
