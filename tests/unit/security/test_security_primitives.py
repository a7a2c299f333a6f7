"""Password hashing, tokens, session expiry, CSRF comparison and the throttle decision."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from atlaxis.errors import ValidationError
from atlaxis.security import csrf, passwords, tokens
from atlaxis.security.sessions import SessionPolicy, cookie_attributes
from atlaxis.security.throttle import AttemptCounts, ThrottlePolicy, decide

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def test_password_hash_is_argon2id_salted_and_verifies() -> None:
    first = passwords.hash_password("correct horse battery staple")
    second = passwords.hash_password("correct horse battery staple")
    assert first.startswith("$argon2id$") and first != second  # fresh salt each time
    assert passwords.verify_password("correct horse battery staple", first)
    assert not passwords.verify_password("correct horse battery stapler", first)
    assert not passwords.needs_rehash(first)


@pytest.mark.parametrize("stored", ["", "plain-text", "$2b$12$notreallybcrypt"])
def test_malformed_stored_hash_never_verifies(stored: str) -> None:
    assert not passwords.verify_password("anything", stored)
    assert passwords.needs_rehash(stored)


def test_weaker_parameters_need_rehash() -> None:
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("secret-password")
    assert passwords.verify_password("secret-password", weak)
    assert passwords.needs_rehash(weak)


def test_password_policy_names_the_field() -> None:
    with pytest.raises(ValidationError) as caught:
        passwords.check_password_policy("short", field="new_password")
    assert caught.value.problems[0].field == "new_password"
    passwords.check_password_policy("long enough password")


def test_tokens_are_random_and_stored_as_sha256() -> None:
    a, b = tokens.new_api_token(), tokens.new_api_token()
    assert a != b and a.startswith("atx_") and len(a) == 4 + 43
    assert tokens.is_api_token(a) and not tokens.is_api_token(tokens.new_session_id())
    assert tokens.hash_token(a) == hashlib.sha256(a.encode()).hexdigest()
    assert tokens.display_prefix(a) == a[:10]


def test_email_digest_is_keyed_and_normalised() -> None:
    one = tokens.email_digest(" Doc@Example.org ", "k1")
    assert one == tokens.email_digest("doc@example.org", "k1")
    assert one != tokens.email_digest("doc@example.org", "k2")
    assert "doc" not in one


def test_csrf_comparison() -> None:
    token = csrf.new_csrf_token()
    assert csrf.csrf_ok(token, token)
    assert not csrf.csrf_ok(token, token[:-1] + ("A" if token[-1] != "A" else "B"))
    assert (
        not csrf.csrf_ok(token, None) and not csrf.csrf_ok(None, None) and not csrf.csrf_ok("", "")
    )
    assert csrf.needs_csrf_check("post") and not csrf.needs_csrf_check("GET")


def test_session_idle_and_absolute_expiry() -> None:
    policy = SessionPolicy.from_minutes(idle_minutes=30, absolute_hours=12)
    assert policy.is_live(T0, T0 + timedelta(minutes=29), T0 + timedelta(minutes=29, seconds=59))
    # idle: 30 minutes after the last use
    assert not policy.is_live(T0, T0, T0 + timedelta(minutes=30))
    # absolute: 12 hours after sign-in, however active
    late = T0 + timedelta(hours=12)
    assert not policy.is_live(T0, late - timedelta(seconds=1), late)
    assert policy.should_touch(T0, T0 + timedelta(seconds=60))
    assert not policy.should_touch(T0, T0 + timedelta(seconds=59))


def test_cookie_attributes() -> None:
    attrs = cookie_attributes(secure=True, max_age_seconds=600)
    assert attrs["httponly"] is True and attrs["samesite"] == "lax" and attrs["secure"] is True
    assert cookie_attributes(secure=False, max_age_seconds=1)["secure"] is False


@pytest.mark.parametrize(
    ("email_failures", "ip_failures", "allowed"),
    [(0, 0, True), (4, 19, True), (5, 0, False), (0, 20, False)],
    ids=["fresh", "just-under", "address-locked", "client-locked"],
)
def test_throttle_decision(email_failures: int, ip_failures: int, allowed: bool) -> None:
    policy = ThrottlePolicy(max_failures=5, lockout=timedelta(minutes=15))
    decision = decide(policy, AttemptCounts(email_failures, ip_failures))
    assert decision.allowed is allowed
    assert decision.retry_after_seconds == (0 if allowed else 900)
