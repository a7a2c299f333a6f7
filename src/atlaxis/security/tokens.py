"""Random secrets and how they are stored.

Session ids, API tokens and CSRF tokens are 256-bit values from :mod:`secrets`. Only a
SHA-256 digest of a session id or API token is stored, so a copy of the database does not
let anyone sign in. (A keyed hash adds nothing for 256-bit random values: they cannot be
guessed from their digest.) E-mail addresses in the login-attempt log are stored as an HMAC
under the server secret, so the log names no one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

API_TOKEN_PREFIX = "atx_"
_TOKEN_BYTES = 32


def new_session_id() -> str:
    """A fresh session id (URL-safe text, 256 bits)."""
    return secrets.token_urlsafe(_TOKEN_BYTES)


def new_api_token() -> str:
    """A fresh personal API token, ``atx_`` + 43 URL-safe characters; shown to its owner once."""
    return API_TOKEN_PREFIX + secrets.token_urlsafe(_TOKEN_BYTES)


def is_api_token(token: str) -> bool:
    """True when ``token`` has the shape of a personal API token (not a session id)."""
    return token.startswith(API_TOKEN_PREFIX)


def hash_token(token: str) -> str:
    """The stored form of a session id or API token: SHA-256, lower-case hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def display_prefix(token: str) -> str:
    """The first characters of a token, safe to list so its owner can recognise it."""
    return token[: len(API_TOKEN_PREFIX) + 6]


def email_digest(email: str, secret_key: str) -> str:
    """HMAC-SHA-256 of the normalised e-mail under the server secret (for the attempt log)."""
    normalised = email.strip().lower().encode("utf-8")
    return hmac.new(secret_key.encode("utf-8"), normalised, hashlib.sha256).hexdigest()


def same_secret(a: str | None, b: str | None) -> bool:
    """Constant-time comparison; False when either side is missing or empty."""
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
