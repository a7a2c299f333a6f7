"""CSRF protection for cookie-authenticated requests (synchronizer token pattern).

Each server-side session holds a random CSRF token. An unsafe request (POST, PUT, PATCH,
DELETE) that authenticates with the session cookie must present the same token, either in
the ``X-CSRF-Token`` header (scripts) or in the ``csrf_token`` form field (HTML forms).
Requests authenticated with a bearer token carry no ambient credential and need none.
"""

from __future__ import annotations

import secrets

from atlaxis.security.tokens import same_secret

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
HEADER_NAME = "X-CSRF-Token"
FORM_FIELD = "csrf_token"


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def needs_csrf_check(method: str) -> bool:
    return method.upper() not in SAFE_METHODS


def csrf_ok(expected: str | None, presented: str | None) -> bool:
    """True when the presented token equals the session's (constant-time)."""
    return same_secret(expected, presented)
