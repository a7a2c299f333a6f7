"""Password hashing with argon2id (pwdlib over argon2-cffi, RFC 9106 parameters).

The hasher is built on first use, not at import. ``verify_password`` never raises on a
malformed stored hash: it answers ``False``. ``dummy_verify`` spends the same time as a real
check so that an unknown e-mail address cannot be told apart from a wrong password by timing.
"""

from __future__ import annotations

import secrets
from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError
from pwdlib.hashers.argon2 import Argon2Hasher

from atlaxis.errors import Problem, ValidationError

MIN_LENGTH = 10
MAX_LENGTH = 1024


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(),))


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(24))


def check_password_policy(password: str, field: str = "password") -> None:
    """Refuse passwords that are too short or absurdly long (one error naming the field)."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise ValidationError(
            "password does not meet the policy",
            problems=[Problem(field, "wrong length", f"{MIN_LENGTH} to {MAX_LENGTH} characters")],
        )


def hash_password(password: str) -> str:
    """An argon2id hash (``$argon2id$v=19$m=...``) with a fresh random salt."""
    return _hasher().hash(password)


def verify_password(password: str, stored_hash: str) -> bool:
    """True when ``password`` matches ``stored_hash``; False for any mismatch or bad hash."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher().verify(password, stored_hash)
    except UnknownHashError:
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the stored hash uses older parameters than today's and should be replaced."""
    hasher = _hasher().current_hasher
    if not hasher.identify(stored_hash):
        return True
    try:
        return hasher.check_needs_rehash(stored_hash)
    except ValueError:  # argon2-cffi InvalidHashError is a ValueError
        return True


def dummy_verify(password: str) -> None:
    """Spend the time of one real verification; used when the account does not exist."""
    _hasher().verify(password[:MAX_LENGTH], _dummy_hash())
