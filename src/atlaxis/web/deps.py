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
import dataclasses
import functools
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar

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
from atlaxis.storage.repositories.audit import PendingEvent
from atlaxis.web.caller_cache import CallerCache
from atlaxis.web.group_commit import GroupCommitter, GroupReader

T = TypeVar("T")

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


def _close(
    uow: UnitOfWork,
    database: Database,
    touch: auth.Authenticated | None,
    caller_cache: CallerCache | None = None,
) -> None:
    """Commit (for a read: its audit events) and close; then refresh the caller's last-seen
    if due, in the same transaction for a write, else in a short one of its own (never two
    connections at once)."""
    try:
        if touch is not None and not uow.read_only:
            auth.touch(uow, touch)
            touch = None
        if not uow.committed:
            uow.commit()
            if not uow.read_only and caller_cache is not None:
                caller_cache.clear()  # this write may have revoked a session or token
    finally:
        uow.__exit__(None, None, None)
    if touch is not None:
        with database.uow() as writer:
            auth.touch(writer, touch)
            writer.commit()


def _end_read(uow: UnitOfWork) -> list[PendingEvent]:
    """End a read's transaction; its audit events, still to be appended."""
    events = list(uow.audit.pending)
    uow.audit.pending.clear()
    uow.committed = True
    uow.__exit__(None, None, None)
    return events


async def _append_read_events(
    request: Request, events: list[PendingEvent], touch: auth.Authenticated | None
) -> None:
    """A read's audit events (and the caller's last-seen refresh) go to the group committer;
    the response waits until they are committed, as before, but shares the transaction."""
    committer: GroupCommitter = request.app.state.committer
    work = None if touch is None else functools.partial(_touch, found=touch)
    await committer.append(events, work)


async def read_once(
    request: Request,
    read: Callable[[UnitOfWork], T],
    prefetch: Callable[[UnitOfWork, list[Any]], None] | None = None,
    key: Any = None,
    *,
    quick: Callable[[UnitOfWork], T | None] | None = None,
) -> T:
    """Run ``read(uow)`` in a read-only unit of work, batched with the reads that arrive
    meanwhile (``web.group_commit.GroupReader``: one transaction and one worker-thread hop
    for the batch), then append its audit events (and the caller's last-seen refresh)
    through the group committer before the result is returned. Shielded: a client hanging
    up cannot drop the audit events. ``prefetch``/``key``: see ``GroupReader``.

    ``quick``: a cheaper form of ``read`` that answers from a few lookups or says None
    (having audited nothing). It runs first, inside the group committer's next batch, so
    its audit events are committed in the same transaction and thread hop; only when it
    says None does ``read`` run as above."""
    touch = touch_of(request)
    if quick is not None:
        committer: GroupCommitter = request.app.state.committer
        found = await committer.read(_touching(quick, touch), prefetch, key)
        if found is not None:
            return found
    reader: GroupReader = request.app.state.reader
    with anyio.CancelScope(shield=True):
        value, events = await reader.run(read, prefetch, key)
        await _append_read_events(request, events, touch)
    return value


def _touching(
    quick: Callable[[UnitOfWork], T | None], touch: auth.Authenticated | None
) -> Callable[[UnitOfWork], T | None]:
    """``quick``, refreshing the caller's last-seen time in the same batch when it answers."""
    if touch is None:
        return quick

    def read(uow: UnitOfWork) -> T | None:
        found = quick(uow)
        if found is not None:
            auth.touch(uow, touch)
        return found

    return read


def _touch(uow: UnitOfWork, found: auth.Authenticated) -> None:
    auth.touch(uow, found)


def get_committer(request: Request) -> GroupCommitter:
    committer: GroupCommitter = request.app.state.committer
    return committer


CommitterDep = Annotated[GroupCommitter, Depends(get_committer)]


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


def _slots(request: Request) -> asyncio.Semaphore:
    slots: RequestSlots = request.app.state.request_slots
    return slots.semaphore()


async def get_uow(
    request: Request, database: DatabaseDep, gate: WriteGateDep
) -> AsyncIterator[UnitOfWork]:
    """One unit of work per request, committed when the route returns (before the response
    is sent). A writing request holds the write gate from its first to its last statement
    (taken before a database slot, so writers waiting for the gate hold no slot). A read
    holds its slot only while it reads; its audit events then go to the group committer."""
    writing = needs_csrf_check(request.method)
    lock = gate.lock()
    slots = _slots(request)
    if writing and lock is not None:
        await lock.acquire()
    holding = False
    try:
        await slots.acquire()
        holding = True
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
        touch = touch_of(request)
        with anyio.CancelScope(shield=True):
            if writing:
                await run_in_threadpool(_close, uow, database, touch, _caller_cache(request))
            else:
                events = await run_in_threadpool(_end_read, uow)
                slots.release()
                holding = False
                await _append_read_events(request, events, touch)
    finally:
        if holding:
            slots.release()
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


def _caller_cache(request: Request) -> CallerCache | None:
    return getattr(request.app.state, "caller_cache", None)


def authenticate_request(
    request: Request, database: Database, policy: auth.AuthPolicy, csrf: str | None
) -> auth.Authenticated:
    """The caller of ``request`` (bearer token or session cookie), checked: scope for tokens,
    CSRF for cookie-authenticated unsafe requests. Blocking (one short read transaction,
    unless the caller was looked up a moment ago: see ``web.caller_cache``); raises
    AuthenticationRequired / PermissionDenied. Pages may call it directly."""
    ip = client_ip(request)
    bearer = _bearer(request)
    cookie = request.cookies.get(COOKIE_NAME, "")
    cache = _caller_cache(request)
    key = (bearer or "", cookie, ip or "")
    found = None if cache is None else cache.get(key)
    if found is None:
        generation = 0 if cache is None else cache.generation
        found = _resolve(database, policy, bearer, cookie, ip)
        if found is not None and cache is not None:
            cache.put(key, dataclasses.replace(found, touch_needed=False), generation)
    return _checked(request, found, bearer, csrf)


def _checked(
    request: Request, found: auth.Authenticated | None, bearer: str | None, csrf: str | None
) -> auth.Authenticated:
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


def touch_of(request: Request) -> auth.Authenticated | None:
    """The caller whose last-used time this request refreshes (set by the check above),
    if any. (``getattr(request.state, …)`` raises and catches an AttributeError on the
    usual request, which has nothing to refresh.)"""
    state = request.scope.get("state")
    return None if state is None else state.get("touch")


async def get_authenticated(request: Request) -> auth.Authenticated:
    """The checked caller. No sub-dependencies (each costs time on every request): the
    database and policy come from the app, the CSRF token from the request."""
    csrf = await presented_csrf(request)
    found = await caller_of(request)
    return _checked(request, found, _bearer(request), csrf)


async def caller_of(request: Request) -> auth.Authenticated | None:
    """Who presents the request's bearer token or session cookie (unchecked; None when
    nobody). From the caller cache when seen a moment ago (no thread, no transaction);
    otherwise looked up in a short read transaction, once for all the requests presenting
    the same credential meanwhile (see ``web.caller_cache``)."""
    bearer = _bearer(request)
    cookie = request.cookies.get(COOKIE_NAME, "")
    ip = client_ip(request)
    database, policy = get_database(request), get_auth_policy(request)

    async def lookup() -> auth.Authenticated | None:
        async with _slots(request):  # a database slot only for the lookup itself
            return await run_in_threadpool(_resolve, database, policy, bearer, cookie, ip)

    cache = _caller_cache(request)
    if cache is None:
        return await lookup()
    key = (bearer or "", cookie, ip or "")
    found = cache.get(key)
    return found if found is not None else await cache.load_once(key, lookup)


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
