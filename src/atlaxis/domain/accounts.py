"""Security records as plain values: credentials, web sessions, API tokens, idempotency."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from atlaxis.domain.records import User


@dataclass(frozen=True, slots=True)
class Credentials:
    """A user with what login needs: the password hash and the lockout state."""

    user: User
    password_hash: str
    failed_logins: int = 0
    locked_until: datetime | None = None
    last_login_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class WebSession:
    """A server-side session; only the sha256 of the random session id is stored."""

    id_hash: str
    user_id: int
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    csrf_token: str
    ip: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A personal API token; only its sha256 is stored."""

    id: int | None
    user_id: int
    name: str
    token_hash: str
    scopes: list[str] = field(default_factory=list)
    created_at: datetime | None = None
    last_used_at: datetime | None = None
    expires_at: datetime | None = None
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """The response stored under an idempotency key (replayed on a retry)."""

    request_hash: str
    status: int
    body: dict[str, Any]
