"""Signing in and out, sessions and personal API tokens.

Login never says whether an address exists: an unknown address costs the same argon2 time
and gives the same 401 as a wrong password, and throttling counts attempts per e-mail digest
whether or not the account exists. Each attempt, good or bad, is written to the login-attempt
log and the audit log. Because a refused login must still be recorded, :func:`login` returns a
:class:`LoginRefused` instead of raising: the edge commits, then raises ``refusal.error``.

Session ids and API tokens are returned to the caller once and stored only as SHA-256.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from atlaxis.config import Settings
from atlaxis.domain import Actor, Role, User
from atlaxis.domain.accounts import ApiToken, WebSession
from atlaxis.errors import (
    AtlaxisError,
    AuthenticationRequired,
    NotFound,
    PermissionDenied,
    ProblemCollector,
    TooManyRequests,
)
from atlaxis.security import passwords, tokens
from atlaxis.security.csrf import new_csrf_token
from atlaxis.security.sessions import SessionPolicy
from atlaxis.security.throttle import AttemptCounts, ThrottlePolicy, decide
from atlaxis.storage import UnitOfWork
from atlaxis.storage.repositories.audit import PendingEvent

#: what a personal API token may do; a token never exceeds its owner's role
SCOPES = ("read", "write")
MAX_TOKEN_NAME = 120


class LoginThrottled(TooManyRequests):
    """Too many failed sign-ins for this address or from this client."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("too many failed sign-in attempts; try again later")
        self.retry_after = retry_after


@dataclass(frozen=True)
class AuthPolicy:
    sessions: SessionPolicy
    throttle: ThrottlePolicy
    secret_key: str

    @classmethod
    def from_settings(cls, settings: Settings) -> AuthPolicy:
        return cls(
            sessions=SessionPolicy.from_minutes(
                settings.session_idle_minutes, settings.session_absolute_hours
            ),
            throttle=ThrottlePolicy(
                max_failures=settings.login_max_failures,
                lockout=timedelta(minutes=settings.login_lockout_minutes),
            ),
            secret_key=settings.secret_key,
        )


@dataclass(frozen=True)
class LoginResult:
    """A new session. ``session_id`` is the only copy of the secret: hand it to the client."""

    user: User
    session_id: str
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class LoginRefused:
    error: AtlaxisError


@dataclass(frozen=True)
class Authenticated:
    """Who is calling and how: ``scopes`` is None for a session (the role decides)."""

    actor: Actor
    scopes: frozenset[str] | None = None
    csrf_token: str | None = None
    session_hash: str | None = None
    touch_needed: bool = False
    token_id: int | None = None


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def _audit_login(
    uow: UnitOfWork, action: str, user: User | None, ip: str | None, detail: dict[str, str]
) -> None:
    uow.audit.record(
        PendingEvent(
            action=action,
            entity="user",
            actor_user_id=None if user is None else user.id,
            actor_role=None if user is None else user.role.value,
            clinic_id=None if user is None else user.clinic_id,
            entity_id=None if user is None else str(user.id),
            ip=ip,
            detail=detail,
        )
    )


def login(
    uow: UnitOfWork,
    policy: AuthPolicy,
    email: str,
    password: str,
    *,
    ip: str | None,
    user_agent: str | None = None,
    replaces_session: str | None = None,
    now: datetime | None = None,
) -> LoginResult | LoginRefused:
    """Check the password and open a session (rotating away ``replaces_session``)."""
    at = _now(now)
    digest = tokens.email_digest(email, policy.secret_key)
    since = at - policy.throttle.window
    counts = AttemptCounts(
        email_failures=uow.login_attempts.failures_since(since, email_hash=digest),
        ip_failures=0 if ip is None else uow.login_attempts.failures_since(since, ip=ip),
    )
    verdict = decide(policy.throttle, counts)
    creds = uow.users.credentials_by_email(email)
    user = None if creds is None else creds.user
    if not verdict.allowed:
        _audit_login(uow, "login.throttled", user, ip, {"reason": "throttled"})
        return LoginRefused(LoginThrottled(verdict.retry_after_seconds))
    if creds is None or not creds.user.active:
        passwords.dummy_verify(password)
        ok = False
    else:
        ok = passwords.verify_password(password, creds.password_hash)
    uow.login_attempts.add(digest, ip, at, ok)
    if not ok or creds is None:
        _record_failure(uow, policy, user, counts.email_failures + 1, at)
        reason = "bad_credentials" if user is None or user.active else "inactive"
        _audit_login(uow, "login.failed", user, ip, {"reason": reason})
        return LoginRefused(AuthenticationRequired("the e-mail address or password is wrong"))
    assert user is not None and user.id is not None
    if passwords.needs_rehash(creds.password_hash):
        uow.users.set_password_hash(user.id, passwords.hash_password(password))
    uow.users.record_success(user.id, at)
    if replaces_session:
        uow.web_sessions.delete(tokens.hash_token(replaces_session))
    result = _open_session(uow, policy, user, ip, user_agent, at)
    _audit_login(uow, "login", user, ip, {"via": "password"})
    return result


def _record_failure(
    uow: UnitOfWork, policy: AuthPolicy, user: User | None, failures: int, at: datetime
) -> None:
    if user is None or user.id is None:
        return
    locked = at + policy.throttle.lockout if failures >= policy.throttle.max_failures else None
    uow.users.record_failure(user.id, locked)


def _open_session(
    uow: UnitOfWork,
    policy: AuthPolicy,
    user: User,
    ip: str | None,
    user_agent: str | None,
    at: datetime,
) -> LoginResult:
    assert user.id is not None
    session_id = tokens.new_session_id()
    csrf = new_csrf_token()
    expires = policy.sessions.expires_at(at)
    uow.web_sessions.add(
        WebSession(
            id_hash=tokens.hash_token(session_id),
            user_id=user.id,
            created_at=at,
            last_seen_at=at,
            expires_at=expires,
            csrf_token=csrf,
            ip=ip,
            user_agent=None if user_agent is None else user_agent[:400],
        )
    )
    return LoginResult(user=user, session_id=session_id, csrf_token=csrf, expires_at=expires)


def logout(uow: UnitOfWork, session_id: str, *, ip: str | None = None) -> None:
    """End a session (idempotent)."""
    id_hash = tokens.hash_token(session_id)
    found = uow.web_sessions.get(id_hash)
    uow.web_sessions.delete(id_hash)
    if found is not None:
        user = uow.users.get(found.user_id)
        _audit_login(uow, "logout", user, ip, {})


def _actor(user: User, ip: str | None, via: str) -> Actor:
    return Actor(
        user_id=user.id,
        role=user.role,
        clinic_id=user.clinic_id,
        patient_id=user.patient_id if user.role is Role.PATIENT else None,
        ip=ip,
        via="token" if via == "token" else "session",
    )


def actor_from_session(
    uow: UnitOfWork,
    policy: AuthPolicy,
    session_id: str,
    *,
    ip: str | None = None,
    now: datetime | None = None,
) -> Authenticated | None:
    """The caller behind a session id, or None when it is unknown, expired or disabled.

    Never writes: when ``touch_needed`` is set the edge refreshes last-seen with
    :func:`touch` in a short transaction of its own (reads stay read-only).
    """
    at = _now(now)
    id_hash = tokens.hash_token(session_id)
    found = uow.web_sessions.get(id_hash)
    if found is None or not policy.sessions.is_live(found.created_at, found.last_seen_at, at):
        return None
    user = uow.users.get(found.user_id)
    if user is None or not user.active:
        return None
    return Authenticated(
        actor=_actor(user, ip, "session"),
        csrf_token=found.csrf_token,
        session_hash=id_hash,
        touch_needed=policy.sessions.should_touch(found.last_seen_at, at),
    )


def actor_from_bearer(
    uow: UnitOfWork,
    policy: AuthPolicy,
    token: str,
    *,
    ip: str | None = None,
    now: datetime | None = None,
) -> Authenticated | None:
    """The caller behind a bearer token: a personal API token (``atx_…``) or a session id."""
    if not tokens.is_api_token(token):
        found = actor_from_session(uow, policy, token, ip=ip, now=now)
        if found is None:
            return None
        return Authenticated(
            actor=found.actor, session_hash=found.session_hash, touch_needed=found.touch_needed
        )
    at = _now(now)
    api_token = uow.api_tokens.by_hash(tokens.hash_token(token))
    if api_token is None or not _token_live(api_token, at):
        return None
    user = uow.users.get(api_token.user_id)
    if user is None or not user.active:
        return None
    last = api_token.last_used_at
    return Authenticated(
        actor=_actor(user, ip, "token"),
        scopes=frozenset(api_token.scopes),
        token_id=api_token.id,
        touch_needed=last is None or policy.sessions.should_touch(last, at),
    )


def _token_live(token: ApiToken, at: datetime) -> bool:
    if token.revoked_at is not None:
        return False
    return token.expires_at is None or at < token.expires_at


def touch(uow: UnitOfWork, found: Authenticated, *, now: datetime | None = None) -> None:
    """Refresh the last-seen time of a session or last-used time of a token."""
    at = _now(now)
    if found.session_hash is not None:
        uow.web_sessions.touch(found.session_hash, at)
    if found.token_id is not None:
        uow.api_tokens.touch(found.token_id, at)


@dataclass(frozen=True)
class NewToken:
    """A just-created personal API token: ``secret`` is shown once and never stored."""

    token: ApiToken
    secret: str


def _check_token_request(name: str, scopes: list[str]) -> None:
    problems = ProblemCollector()
    if not name.strip() or len(name) > MAX_TOKEN_NAME:
        problems.add("name", "must be 1 to 120 characters", f"1 to {MAX_TOKEN_NAME} characters")
    if not scopes:
        problems.add("scopes", "at least one scope is needed", ", ".join(SCOPES))
    for i, scope in enumerate(scopes):
        if scope not in SCOPES:
            problems.add(f"scopes[{i}]", f"unknown scope {scope!r}", ", ".join(SCOPES))
    problems.raise_if_any("the token request is not valid")


def _owner(uow: UnitOfWork, actor: Actor, user_id: int, missing: str = "no such user") -> User:
    """Tokens belong to their user; only the system actor (CLI) acts for others."""
    if actor.user_id != user_id and not actor.is_system:
        raise NotFound(missing)
    user = uow.users.get(user_id)
    if user is None or not user.active:
        raise NotFound(missing)
    if actor.is_system and actor.clinic_id is not None and user.clinic_id != actor.clinic_id:
        raise NotFound(missing)
    return user


def create_api_token(
    uow: UnitOfWork,
    actor: Actor,
    user_id: int,
    name: str,
    scopes: list[str],
    *,
    expires_at: datetime | None = None,
) -> NewToken:
    """Create a personal API token for ``user_id`` (oneself, or anyone from the CLI)."""
    if actor.via == "token":
        raise PermissionDenied("an API token cannot create further tokens; sign in instead")
    _check_token_request(name, scopes)
    user = _owner(uow, actor, user_id)
    assert user.id is not None
    secret = tokens.new_api_token()
    stored = uow.api_tokens.add(
        ApiToken(
            id=None,
            user_id=user.id,
            name=name.strip(),
            token_hash=tokens.hash_token(secret),
            scopes=sorted(set(scopes)),
            expires_at=expires_at,
        )
    )
    _audit_token(uow, actor, "token.create", user, stored)
    return NewToken(token=stored, secret=secret)


def list_api_tokens(uow: UnitOfWork, actor: Actor, user_id: int) -> list[ApiToken]:
    user = _owner(uow, actor, user_id)
    assert user.id is not None
    return uow.api_tokens.for_user(user.id)


def revoke_api_token(
    uow: UnitOfWork, actor: Actor, token_id: int, *, now: datetime | None = None
) -> ApiToken:
    """Revoke a token of one's own (idempotent); another user's token is 'not found'."""
    found = uow.api_tokens.get(token_id)
    if found is None:
        raise NotFound("no such token")
    user = _owner(uow, actor, found.user_id, missing="no such token")
    uow.api_tokens.revoke(token_id, _now(now))
    _audit_token(uow, actor, "token.revoke", user, found)
    revoked = uow.api_tokens.get(token_id)
    assert revoked is not None
    return revoked


def _audit_token(uow: UnitOfWork, actor: Actor, action: str, owner: User, token: ApiToken) -> None:
    uow.audit.record(
        PendingEvent(
            action=action,
            entity="api_token",
            actor_user_id=actor.user_id,
            actor_role=actor.role.value,
            clinic_id=owner.clinic_id,
            entity_id=str(token.id),
            ip=actor.ip,
            detail={"owner_user_id": str(owner.id), "scopes": ",".join(token.scopes)},
        )
    )
