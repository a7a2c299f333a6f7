"""Signing in (bearer token or cookie session), signing out, who am I, personal API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from atlaxis.domain import Role
from atlaxis.domain.accounts import ApiToken
from atlaxis.security.sessions import COOKIE_NAME, cookie_attributes
from atlaxis.services import auth
from atlaxis.web.deps import AuthDep, AuthPolicyDep, UowDep, client_ip

router = APIRouter(prefix="/auth", tags=["auth"])

Scope = Literal["read", "write"]


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, Field(min_length=3, max_length=254)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime


class SessionOut(BaseModel):
    csrf_token: str
    expires_at: datetime
    user_id: int
    role: Role


class MeOut(BaseModel):
    user_id: int | None
    role: Role
    clinic_id: int | None
    patient_id: int | None
    via: str
    scopes: list[str] | None = None


class ApiTokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=auth.MAX_TOKEN_NAME)]
    scopes: Annotated[list[Scope], Field(min_length=1, max_length=2)] = ["read"]
    expires_at: datetime | None = None


class ApiTokenOut(BaseModel):
    id: int
    name: str
    scopes: list[str]
    created_at: datetime | None
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class NewApiTokenOut(ApiTokenOut):
    token: str = Field(description="The secret: shown once, store it now")


def _token_out(token: ApiToken) -> ApiTokenOut:
    assert token.id is not None
    return ApiTokenOut(
        id=token.id,
        name=token.name,
        scopes=list(token.scopes),
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        expires_at=token.expires_at,
        revoked_at=token.revoked_at,
    )


def _login(
    request: Request, uow: UowDep, policy: AuthPolicyDep, body: Credentials, rotate: bool
) -> auth.LoginResult:
    old = request.cookies.get(COOKIE_NAME) if rotate else None
    outcome = auth.login(
        uow,
        policy,
        body.email,
        body.password,
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent"),
        replaces_session=old,
    )
    uow.commit()  # failed attempts are recorded and audited even though we refuse
    if isinstance(outcome, auth.LoginRefused):
        raise outcome.error
    return outcome


@router.post("/token", response_model=TokenOut, summary="Exchange e-mail and password for a token")
def create_token(
    request: Request, uow: UowDep, policy: AuthPolicyDep, body: Credentials
) -> TokenOut:
    result = _login(request, uow, policy, body, rotate=False)
    return TokenOut(access_token=result.session_id, expires_at=result.expires_at)


@router.post("/session", response_model=SessionOut, summary="Sign in with a cookie session")
def create_session(
    request: Request, response: Response, uow: UowDep, policy: AuthPolicyDep, body: Credentials
) -> SessionOut:
    result = _login(request, uow, policy, body, rotate=True)
    max_age = int(policy.sessions.absolute.total_seconds())
    secure = request.url.scheme == "https"
    attributes = cookie_attributes(secure=secure, max_age_seconds=max_age)
    response.set_cookie(value=result.session_id, **attributes)
    assert result.user.id is not None
    return SessionOut(
        csrf_token=result.csrf_token,
        expires_at=result.expires_at,
        user_id=result.user.id,
        role=result.user.role,
    )


@router.delete(
    "/session", status_code=status.HTTP_204_NO_CONTENT, summary="Sign out (ends the session)"
)
def delete_session(request: Request, response: Response, found: AuthDep, uow: UowDep) -> None:
    secret = request.cookies.get(COOKIE_NAME)
    header = request.headers.get("authorization", "")
    if found.scopes is None and header.lower().startswith("bearer "):
        secret = header.split(" ", 1)[1].strip()
    if secret:
        auth.logout(uow, secret, ip=client_ip(request))
    response.delete_cookie(COOKIE_NAME, path="/")


@router.get("/me", response_model=MeOut, summary="Who is calling")
def me(found: AuthDep) -> MeOut:
    actor = found.actor
    return MeOut(
        user_id=actor.user_id,
        role=actor.role,
        clinic_id=actor.clinic_id,
        patient_id=actor.patient_id,
        via=actor.via,
        scopes=None if found.scopes is None else sorted(found.scopes),
    )


@router.post(
    "/api-tokens",
    response_model=NewApiTokenOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create a personal API token (the secret is shown once)",
)
def create_api_token(found: AuthDep, uow: UowDep, body: ApiTokenIn) -> NewApiTokenOut:
    actor = found.actor
    assert actor.user_id is not None
    new = auth.create_api_token(
        uow, actor, actor.user_id, body.name, list(body.scopes), expires_at=body.expires_at
    )
    return NewApiTokenOut(**_token_out(new.token).model_dump(), token=new.secret)


@router.get("/api-tokens", response_model=list[ApiTokenOut], summary="My personal API tokens")
def list_api_tokens(found: AuthDep, uow: UowDep) -> list[ApiTokenOut]:
    actor = found.actor
    assert actor.user_id is not None
    return [_token_out(t) for t in auth.list_api_tokens(uow, actor, actor.user_id)]


@router.delete(
    "/api-tokens/{token_id}", response_model=ApiTokenOut, summary="Revoke a personal API token"
)
def revoke_api_token(found: AuthDep, uow: UowDep, token_id: int) -> ApiTokenOut:
    return _token_out(auth.revoke_api_token(uow, found.actor, token_id))
