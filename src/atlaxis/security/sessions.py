"""Rules for server-side sessions: when a session has expired, when to refresh its
last-seen time, and which attributes its cookie carries.

A session ends ``idle`` after its last use or ``absolute`` after it began, whichever comes
first. The cookie holds only the random id; the server stores its SHA-256 digest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

COOKIE_NAME = "atlaxis_session"


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta
    absolute: timedelta
    #: write last-seen at most this often, so reads do not all become writes
    touch_every: timedelta = timedelta(seconds=60)

    @classmethod
    def from_minutes(cls, idle_minutes: int, absolute_hours: int) -> SessionPolicy:
        return cls(idle=timedelta(minutes=idle_minutes), absolute=timedelta(hours=absolute_hours))

    def expires_at(self, created_at: datetime) -> datetime:
        """The absolute end of a session begun at ``created_at``."""
        return created_at + self.absolute

    def is_live(self, created_at: datetime, last_seen_at: datetime, now: datetime) -> bool:
        """True while the session is neither idle too long nor past its absolute end."""
        if now >= self.expires_at(created_at):
            return False
        return now - last_seen_at < self.idle

    def should_touch(self, last_seen_at: datetime, now: datetime) -> bool:
        return now - last_seen_at >= self.touch_every


def cookie_attributes(*, secure: bool, max_age_seconds: int) -> dict[str, Any]:
    """Keyword arguments for ``Response.set_cookie``: HttpOnly, SameSite=Lax, Secure on HTTPS."""
    return {
        "key": COOKIE_NAME,
        "max_age": max_age_seconds,
        "path": "/",
        "httponly": True,
        "samesite": "lax",
        "secure": secure,
    }
