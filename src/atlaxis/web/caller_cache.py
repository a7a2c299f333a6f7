"""A short-lived, in-process memory of who is behind a bearer token or session cookie.

Looking the caller up costs a read transaction (token or session row, then the user) and a
worker-thread hop on every request; a phone posting its diary, or a clinician paging through
a record, presents the same credential many times a second. A successful lookup is kept for
:data:`TTL_SECONDS`, keyed by the credential and the client address; failures are never
kept. Revocation: every write committed through a request's unit of work in this process
(sign-out, token revocation, password or role change, deactivating a user) empties the
cache at once; a revocation made elsewhere (another server process, the CLI) takes effect
here within :data:`TTL_SECONDS`. Idle and absolute session expiry are likewise enforced to
within that many seconds.
"""

from __future__ import annotations

import threading
import time

from atlaxis.services.auth import Authenticated

TTL_SECONDS = 2.0
MAX_ENTRIES = 10_000

#: (bearer token or "", session cookie or "", client address or "")
CallerKey = tuple[str, str, str]


class CallerCache:
    def __init__(self, ttl: float = TTL_SECONDS, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[CallerKey, tuple[float, Authenticated]] = {}
        self._lock = threading.Lock()
        #: bumped by :meth:`clear`; a lookup begun before a clear is not kept
        self.generation = 0

    def get(self, key: CallerKey) -> Authenticated | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, key: CallerKey, found: Authenticated, generation: int) -> None:
        """Keep ``found``, looked up after :attr:`generation` was read."""
        now = time.monotonic()
        with self._lock:
            if generation != self.generation:
                return
            if len(self._entries) >= self.max_entries:
                self._entries = {k: v for k, v in self._entries.items() if v[0] >= now}
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
            self._entries[key] = (now + self.ttl, found)

    def clear(self) -> None:
        with self._lock:
            self._entries = {}
            self.generation += 1
