"""De-identification primitives against HIPAA Safe Harbor (45 CFR §164.514(b)(2)) and HHS's
2012 de-identification guidance, with keyed pseudonyms computed independently here."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atlaxis.config import DEFAULT_SECRET
from atlaxis.errors import ConfigurationError
from atlaxis.interop.deidentify import Keys, age_group, scrub, zip3

SECRET = "s" * 16 + "0123456789abcdef"


def test_pseudonym_is_truncated_hmac_sha256() -> None:
    expected = hmac.new(SECRET.encode(), b"patient:42", hashlib.sha256).hexdigest()[:16]
    assert Keys(SECRET).pseudonym("patient", 42, "p") == "p" + expected


def test_pseudonyms_depend_on_the_secret_and_kind() -> None:
    a, b = Keys(SECRET), Keys(SECRET[::-1])
    assert a.pseudonym("patient", 1) != b.pseudonym("patient", 1)
    assert a.pseudonym("patient", 1) != a.pseudonym("assessment", 1)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=10**9))
def test_shift_is_nonzero_within_a_year_and_stable(patient_id: int) -> None:
    keys = Keys(SECRET)
    shift = keys.shift_days(patient_id)
    assert 1 <= abs(shift) <= 365
    assert Keys(SECRET).shift_days(patient_id) == shift


def test_shifts_spread_both_ways() -> None:
    shifts = {Keys(SECRET).shift_days(i) for i in range(200)}
    assert min(shifts) < -100 and max(shifts) > 100


@pytest.mark.parametrize("secret", ["short", DEFAULT_SECRET + "x" * 0])
def test_weak_or_default_secret_is_refused(secret: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        Keys(secret, default_secret=DEFAULT_SECRET)
    assert info.value.problems[0].field == "ATLAXIS_SECRET_KEY"


@pytest.mark.parametrize(
    ("birth", "on", "expected"),
    [
        (date(1950, 6, 15), date(2020, 6, 14), "69"),  # the day before the birthday
        (date(1950, 6, 15), date(2020, 6, 15), "70"),
        (date(1930, 6, 15), date(2020, 6, 14), "89"),  # 89 stays an age
        (date(1930, 6, 15), date(2020, 6, 15), "90+"),  # 90 and over: one category
        (date(1910, 1, 1), date(2020, 1, 1), "90+"),
        (None, date(2020, 1, 1), ""),
    ],
)
def test_ages_over_89_are_grouped(birth: date | None, on: date, expected: str) -> None:
    assert age_group(birth, on) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [("10001", "100"), ("94110-1234", "941"), ("03601", "000"), ("89301", "000"),
     ("1234", "000"), (None, "000")],
)  # fmt: skip
def test_zip3_follows_hhs_restricted_areas(code: str | None, expected: str) -> None:
    # 036 and 893 are on HHS's list of 3-digit ZIP areas with <= 20,000 people
    assert zip3(code) == expected


def test_scrub_removes_obvious_identifiers() -> None:
    text = (
        "Saw Jane Doe (MRN 00123456) on 03/14/2024 and 2024-03-15; call 555-867-5309 or "
        "+1 (212) 555 0147, mail jane.doe@example.org, see https://example.org/x, "
        "host 192.168.1.20, SSN 123-45-6789, zip 90210, March 3rd 2024, 4 Jan 2023."
    )
    out = scrub(text, ["Jane", "Doe", "Jane Doe", "00123456"])
    for secret in ("Jane", "Doe", "00123456", "03/14/2024", "2024-03-15", "867-5309",
                   "555 0147", "jane.doe", "example.org", "192.168", "123-45-6789", "90210",
                   "March 3rd", "4 Jan"):  # fmt: skip
        assert secret not in out, secret
    assert "Saw [REDACTED]" in out


def test_scrub_keeps_ordinary_clinical_words() -> None:
    text = "Pain 6/10 after lifting; neck stiffness eased by day 3."
    assert scrub(text, ["Smith"]) == text
