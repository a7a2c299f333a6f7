"""De-identification primitives: keyed pseudonyms, per-patient date shifts, age groups,
ZIP codes and free-text scrubbing, following the HIPAA Privacy Rule's Safe Harbor method
(45 CFR §164.514(b)(2)) and HHS's "Guidance Regarding Methods for De-identification of
Protected Health Information" (2012).

* Pseudonyms: HMAC-SHA256 keyed by the clinic secret (``ATLAXIS_SECRET_KEY``), truncated to
  64 bits. Without the key nobody can go from a pseudonym back to a record (or test a guess).
* Dates: each patient's dates move by the same whole number of days, 1–365 days earlier or
  later (never zero), derived from the key and the patient id, so intervals are kept.
* Ages over 89 become ``"90+"`` (Safe Harbor aggregates them into one category).
* ZIP codes: only the first three digits, and ``"000"`` for the three-digit areas HHS lists as
  holding 20,000 people or fewer.
* Free text is dropped by default; :func:`scrub` removes obvious identifiers when a clinic
  asks for notes — a safety net, not a guarantee.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from datetime import date

from atlaxis.errors import ConfigurationError, Problem

MIN_SECRET = 32
OFFSET_DAYS = 365

#: three-digit ZIP areas with ≤ 20,000 people (2000 Census), per HHS 2012 guidance §2.4.1
RESTRICTED_ZIP3 = frozenset(
    {
        "036",
        "059",
        "063",
        "102",
        "203",
        "556",
        "692",
        "790",
        "821",
        "823",
        "830",
        "831",
        "878",
        "879",
        "884",
        "890",
        "893",
    }
)


class Keys:
    """Keyed pseudonyms and date shifts for one export (one secret)."""

    def __init__(self, secret: str, *, default_secret: str | None = None) -> None:
        if len(secret) < MIN_SECRET or secret == default_secret:
            raise ConfigurationError(
                "a de-identified export needs the clinic secret",
                problems=[
                    Problem(
                        "ATLAXIS_SECRET_KEY",
                        "must be set to a random value of 32+ characters (pseudonyms keyed by "
                        "a known value could be reversed by guessing record ids)",
                    )
                ],
            )
        self._key = secret.encode("utf-8")

    def _digest(self, purpose: str, value: object) -> bytes:
        return hmac.new(self._key, f"{purpose}:{value}".encode(), hashlib.sha256).digest()

    def pseudonym(self, kind: str, value: object, prefix: str = "") -> str:
        """``<prefix><16 hex digits>``: HMAC-SHA256(secret, kind:value), first 64 bits."""
        return prefix + self._digest(kind, value).hex()[:16]

    def shift_days(self, patient_key: object) -> int:
        """The patient's date offset: ±1…365 days, stable for a given secret and patient."""
        n = int.from_bytes(self._digest("date-shift", patient_key)[:8], "big")
        magnitude = 1 + n % OFFSET_DAYS
        return magnitude if (n >> 63) & 1 else -magnitude


def age_years(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_group(birth: date | None, on: date | None) -> str:
    """Age in whole years on ``on``; ``"90+"`` from 90 (Safe Harbor); ``""`` if unknown."""
    if birth is None or on is None:
        return ""
    age = age_years(birth, on)
    return "90+" if age >= 90 else str(max(age, 0))


def zip3(zip_code: str | None) -> str:
    """The first three digits of a US ZIP code, or ``"000"`` for restricted areas/unknown."""
    digits = re.sub(r"\D", "", zip_code or "")
    if len(digits) < 5:
        return "000"
    head = digits[:3]
    return "000" if head in RESTRICTED_ZIP3 else head


_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[EMAIL]"),
    (re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE), "[URL]"),
    (re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b"), "[IP]"),
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), "[ID]"),
    (
        re.compile(
            r"\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b|\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b"
            r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov"
            r"|dec)[a-z]*\.?(?:\s+\d{2,4})?\b"
            r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}"
            r"(?:st|nd|rd|th)?(?:,?\s+\d{2,4})?\b",
            re.IGNORECASE,
        ),
        "[DATE]",
    ),
    (re.compile(r"(?:\+?\d[\s().-]*){7,}\d"), "[PHONE]"),
    (re.compile(r"\b[A-Za-z]{0,4}[-#]?\d{5,}\b"), "[NUMBER]"),
    (
        re.compile(
            r"\b(?:mrn|record|acct|account|chart)\s*(?:no\.?|number|#)?\s*[:#]?\s*\S+",
            re.IGNORECASE,
        ),
        "[ID]",
    ),
)


def scrub(text: str, known: Iterable[str] = (), *, patterns: bool = True) -> str:
    """Remove obvious identifiers from free text.

    ``known`` holds this patient's own identifiers (names, record number, e-mail, phone),
    removed wherever they appear (whole words, any case). Then e-mail addresses, URLs, IP
    addresses, SSN-like numbers, dates, phone numbers and long digit runs (ZIP codes, record
    and account numbers) are replaced. Names of other people cannot be found reliably:
    notes stay out of exports unless a clinic asks for them. ``patterns=False`` removes only
    the known identifiers (for structured text such as JSON measurements).
    """
    out = text
    rules = _PATTERNS if patterns else ()
    for pattern, replacement in rules[:2]:  # e-mail addresses and URLs first, whole
        out = pattern.sub(replacement, out)
    names = sorted({k.strip() for k in known if k and len(k.strip()) >= 2}, key=len, reverse=True)
    for value in names:
        out = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", "[REDACTED]", out, flags=re.IGNORECASE)
    for pattern, replacement in rules[2:]:
        out = pattern.sub(replacement, out)
    return out
