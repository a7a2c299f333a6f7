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

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request

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


def get_uow(request: Request, database: DatabaseDep) -> Iterator[UnitOfWork]:
    with database.uow(read_only=not needs_csrf_check(request.method)) as uow:
        yield uow
        if not uow.committed:
            uow.commit()


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


def get_authenticated(
    request: Request,
    uow: UowDep,
    database: DatabaseDep,
    policy: AuthPolicyDep,
    csrf: Annotated[str | None, Depends(presented_csrf)],
) -> auth.Authenticated:
    ip = client_ip(request)
    token = _bearer(request)
    if token is not None:
        found = auth.actor_from_bearer(uow, policy, token, ip=ip)
        if found is None:
            raise AuthenticationRequired("the token is unknown, expired or revoked")
        _check_scope(found, request.method)
    else:
        cookie = request.cookies.get(COOKIE_NAME)
        found = None if not cookie else auth.actor_from_session(uow, policy, cookie, ip=ip)
        if found is None:
            raise AuthenticationRequired("sign in, or send a bearer token")
        if needs_csrf_check(request.method) and not csrf_ok(found.csrf_token, csrf):
            raise PermissionDenied("the CSRF token is missing or wrong")
    if found.touch_needed:
        _touch(uow, database, found)
    return found


def _check_scope(found: auth.Authenticated, method: str) -> None:
    if found.scopes is None:
        return
    needed = "write" if needs_csrf_check(method) else "read"
    if needed not in found.scopes:
        raise PermissionDenied(f"this token lacks the '{needed}' scope")


def _touch(uow: UnitOfWork, database: Database, found: auth.Authenticated) -> None:
    """Refresh last-seen: inside a writing unit of work, or in a short one of its own."""
    if not uow.read_only:
        auth.touch(uow, found)
        return
    with database.uow() as writer:
        auth.touch(writer, found)
        writer.commit()


AuthDep = Annotated[auth.Authenticated, Depends(get_authenticated)]


def get_actor(found: AuthDep) -> Actor:
    return found.actor


ActorDep = Annotated[Actor, Depends(get_actor)]
