"""Login throttling and temporary lockout (a pure decision; the counts come from storage).

Failed sign-ins are counted per e-mail address (stored as an HMAC, so unknown addresses are
throttled exactly like real ones and the answer reveals nothing) and per client address.
After ``max_failures`` failures for one address within the last ``lockout`` period, further
attempts for it are refused (429, without checking the password) until old failures age out
of the window. One client address may fail ``max_failures * ip_factor`` times per window
before it is refused too. Refused attempts are not counted, so the lock ends on its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int
    lockout: timedelta
    ip_factor: int = 4

    @property
    def window(self) -> timedelta:
        return self.lockout

    @property
    def max_ip_failures(self) -> int:
        return self.max_failures * self.ip_factor


@dataclass(frozen=True)
class AttemptCounts:
    """Failed attempts inside the window: for this e-mail address, and from this client."""

    email_failures: int
    ip_failures: int


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after_seconds: int = 0


def decide(policy: ThrottlePolicy, counts: AttemptCounts) -> Decision:
    """May this sign-in attempt be checked at all? (A sliding window: old failures age out.)"""
    if counts.email_failures >= policy.max_failures or counts.ip_failures >= policy.max_ip_failures:
        return Decision(False, max(1, math.ceil(policy.window.total_seconds())))
    return Decision(True)
