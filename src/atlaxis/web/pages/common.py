"""What every server-rendered page shares: templates, the translator, static URLs, who is
signed in, and the friendly error page.

Pages call services exactly like the JSON API does (authorisation lives in the services);
this module only finds the caller from the session cookie (via :mod:`atlaxis.web.deps`) and
turns :class:`~atlaxis.errors.AtlaxisError` into an HTML page instead of problem+json.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import jinja2
from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from atlaxis.domain import Role
from atlaxis.errors import AtlaxisError, AuthenticationRequired, NotFound, PermissionDenied
from atlaxis.security.csrf import FORM_FIELD
from atlaxis.security.sessions import COOKIE_NAME
from atlaxis.services import auth
from atlaxis.web import deps as web_deps
from atlaxis.web.deps import AuthPolicyDep, DatabaseDep, UowDep, presented_csrf
from atlaxis.web.i18n import Translator, negotiate

WEB_DIR = Path(__file__).resolve().parent.parent
TEMPLATE_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"

#: where each role lands after signing in, and its navigation (path, catalogue key)
HOME: dict[Role, str] = {
    Role.PATIENT: "/checkin",
    Role.CLINICIAN: "/patients",
    Role.ADMIN: "/patients",
    Role.RESEARCHER: "/cohort",
}
NAV: dict[Role, tuple[tuple[str, str], ...]] = {
    Role.PATIENT: (
        ("/checkin", "nav.checkin"),
        ("/questionnaires", "nav.questionnaires"),
        ("/me", "nav.me"),
    ),
    Role.CLINICIAN: (("/patients", "nav.patients"), ("/cohort", "nav.cohort")),
    Role.ADMIN: (("/patients", "nav.patients"), ("/cohort", "nav.cohort")),
    Role.RESEARCHER: (("/cohort", "nav.cohort"),),
}


@cache
def _digest(path: Path, mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


def static_url(name: str) -> str:
    """``/static/<name>?v=<content hash>``: cached for a year, new URL when the file changes."""
    path = STATIC_DIR / name
    if not path.is_file():
        raise FileNotFoundError(f"no static file {name!r}")
    return f"/static/{name}?v={_digest(path, path.stat().st_mtime_ns)}"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=jinja2.select_autoescape(("html", "svg", "xml")),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals["static_url"] = static_url
    env.globals["csrf_field"] = FORM_FIELD
    return env


def language(request: Request) -> str:
    return negotiate(request.headers.get("accept-language"))


def translator(request: Request) -> Translator:
    return Translator(language(request))


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    found: auth.Authenticated | None = None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render ``template`` with the shared layout variables (language, user, nav, CSRF)."""
    lang = language(request)
    role = None if found is None else found.actor.role
    values: dict[str, Any] = {
        "lang": lang,
        "_": Translator(lang),
        "request_path": request.url.path,
        "role": None if role is None else role.value,
        "nav": NAV.get(role, ()) if role is not None else (),
        "csrf_token": None if found is None else found.csrf_token,
    }
    values.update(context or {})
    html = environment().get_template(template).render(values)
    response = HTMLResponse(html, status_code=status_code, headers=dict(headers or {}))
    response.headers.setdefault("cache-control", "no-store")
    return response


async def page_auth(
    request: Request,
    uow: UowDep,
    database: DatabaseDep,
    policy: AuthPolicyDep,
    csrf: Annotated[str | None, Depends(presented_csrf)],
) -> auth.Authenticated | None:
    """The signed-in caller (session cookie), or None. A wrong CSRF token is refused (403).

    Uses the platform's blocking ``authenticate_request`` (in a worker thread) when it has one,
    else calls :func:`~atlaxis.web.deps.get_authenticated` with the arguments it names.
    """
    if not request.cookies.get(COOKIE_NAME) and "authorization" not in request.headers:
        return None
    direct: Callable[..., Any] | None = getattr(web_deps, "authenticate_request", None)
    try:
        if direct is not None:
            found: auth.Authenticated = await run_in_threadpool(
                direct, request, database, policy, csrf
            )
        else:
            found = await _call_get_authenticated(request, uow, database, policy, csrf)
    except AuthenticationRequired:
        return None
    return found


async def _call_get_authenticated(
    request: Request, uow: Any, database: Any, policy: Any, csrf: str | None
) -> auth.Authenticated:
    available: dict[str, Any] = {
        "request": request,
        "uow": uow,
        "database": database,
        "policy": policy,
        "csrf": csrf,
    }
    call: Callable[..., Any] = web_deps.get_authenticated
    arguments = {k: v for k, v in available.items() if k in _auth_parameters()}
    if inspect.iscoroutinefunction(call):
        found: auth.Authenticated = await call(**arguments)
        return found
    result: auth.Authenticated = await run_in_threadpool(call, **arguments)
    return result


@cache
def _auth_parameters() -> frozenset[str]:
    return frozenset(inspect.signature(web_deps.get_authenticated).parameters)


MaybeAuthDep = Annotated[auth.Authenticated | None, Depends(page_auth)]


class SignInNeeded(AuthenticationRequired):
    """Raised by :func:`require`: the page answers with a redirect to /login."""


def require(found: auth.Authenticated | None, *roles: Role) -> auth.Authenticated:
    """The caller, who must be signed in (and hold one of ``roles`` when given)."""
    if found is None:
        raise SignInNeeded("please sign in")
    if roles and found.actor.role not in roles:
        raise PermissionDenied("this page is not for your role")
    return found


@dataclass(frozen=True)
class ErrorView:
    status: int
    title_key: str
    message_key: str


def _error_view(exc: AtlaxisError) -> ErrorView:
    if isinstance(exc, NotFound):
        return ErrorView(404, "error.not_found.title", "error.not_found.message")
    if isinstance(exc, PermissionDenied):
        return ErrorView(403, "error.forbidden.title", "error.forbidden.message")
    if exc.http_status in (400, 409, 413, 422):
        return ErrorView(exc.http_status, "error.invalid.title", "error.invalid.message")
    if exc.http_status == 429:
        return ErrorView(429, "error.busy.title", "error.busy.message")
    return ErrorView(exc.http_status, "error.generic.title", "error.generic.message")


def error_page(request: Request, exc: AtlaxisError) -> Response:
    """The friendly page for an error on a page (sign-in errors redirect to /login)."""
    if isinstance(exc, AuthenticationRequired):
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        where = "/login" if request.method != "GET" else f"/login?next={quote(target, safe='')}"
        return RedirectResponse(where, status_code=303)
    view = _error_view(exc)
    problems = [p for p in getattr(exc, "problems", []) or []]
    return render(
        request,
        "error.html",
        {"view": view, "problems": problems},
        status_code=view.status,
    )


class PageRoute(APIRoute):
    """A route whose AtlaxisErrors become the friendly HTML page instead of problem+json."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except AtlaxisError as exc:
                return error_page(request, exc)

        return handler


FormValues = dict[str, list[str]]


async def form_values(request: Request) -> FormValues:
    """The posted form as text values per name (file uploads are ignored here)."""
    out: FormValues = {}
    for key, value in (await request.form()).multi_items():
        if isinstance(value, str):
            out.setdefault(key, []).append(value)
    return out


def first(values: FormValues, key: str) -> str:
    """The first value posted under ``key`` ("" when absent)."""
    found = values.get(key)
    return found[0] if found else ""


def redirect(url: str) -> RedirectResponse:
    """303 See Other: after a form POST the browser GETs ``url``."""
    return RedirectResponse(url, status_code=303)


def safe_next(value: str | None, default: str) -> str:
    """A local path to continue to after signing in (never another site)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value
