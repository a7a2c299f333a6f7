"""Signing in and out with a form: ``/login``, ``/logout`` and ``/`` (the role's home).

The sign-in form is protected against login CSRF with a double-submit token: a random value
in a short-lived cookie that the form must echo. After signing in the browser holds only the
session cookie (HttpOnly, SameSite=Lax); every later form carries the session's CSRF token.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request, Response

from atlaxis.security.sessions import COOKIE_NAME, cookie_attributes
from atlaxis.security.tokens import same_secret
from atlaxis.services import auth
from atlaxis.web.deps import AuthPolicyDep, UowDep, client_ip
from atlaxis.web.pages.common import HOME, MaybeAuthDep, PageRoute, redirect, render, safe_next

router = APIRouter(route_class=PageRoute, include_in_schema=False)

LOGIN_COOKIE = "atlaxis_login"
MAX_FIELD = 1024


def _login_form(
    request: Request, next_url: str, *, email: str = "", error: str | None = None, status: int = 200
) -> Response:
    token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        {"next_url": next_url, "email": email, "error": error, "login_token": token},
        status_code=status,
    )
    secure = request.url.scheme == "https"
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        max_age=3600,
        path="/login",
        httponly=True,
        samesite="strict",
        secure=secure,
    )
    return response


@router.get("/")
def home(found: MaybeAuthDep) -> Response:
    if found is None:
        return redirect("/login")
    return redirect(HOME.get(found.actor.role, "/login"))


@router.get("/login")
def login_page(request: Request, found: MaybeAuthDep, next: str | None = None) -> Response:
    if found is not None:
        return redirect(safe_next(next, HOME.get(found.actor.role, "/")))
    return _login_form(request, safe_next(next, ""))


@router.post("/login")
async def login_submit(request: Request, uow: UowDep, policy: AuthPolicyDep) -> Response:
    form = await request.form()
    email = str(form.get("email", ""))[:MAX_FIELD].strip()
    password = str(form.get("password", ""))[:MAX_FIELD]
    next_url = safe_next(str(form.get("next", "")), "")
    if not same_secret(request.cookies.get(LOGIN_COOKIE), str(form.get("login_token", ""))):
        return _login_form(request, next_url, email=email, error="login.error.expired", status=400)
    if not email or not password:
        return _login_form(request, next_url, email=email, error="login.error.missing", status=422)
    outcome = auth.login(
        uow,
        policy,
        email,
        password,
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent"),
        replaces_session=request.cookies.get(COOKIE_NAME),
    )
    uow.commit()  # a refused attempt is still recorded and audited
    if isinstance(outcome, auth.LoginRefused):
        throttled = outcome.error.http_status == 429
        key = "login.error.throttled" if throttled else "login.error.wrong"
        return _login_form(
            request, next_url, email=email, error=key, status=outcome.error.http_status
        )
    response = redirect(next_url or HOME.get(outcome.user.role, "/"))
    max_age = int(policy.sessions.absolute.total_seconds())
    attributes = cookie_attributes(secure=request.url.scheme == "https", max_age_seconds=max_age)
    response.set_cookie(value=outcome.session_id, **attributes)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, uow: UowDep, found: MaybeAuthDep) -> Response:
    """Sign out (the session's CSRF token is checked by :func:`page_auth`)."""
    secret = request.cookies.get(COOKIE_NAME)
    if secret and found is not None:
        auth.logout(uow, secret, ip=client_ip(request))
    response = redirect("/login")
    response.delete_cookie(COOKIE_NAME, path="/")
    return response
