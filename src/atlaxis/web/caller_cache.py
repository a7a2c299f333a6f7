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

Requests that miss together (an entry expiring while a phone's queue is flushing, or many
clients presenting one credential) share one lookup (:meth:`CallerCache.load_once`), so an
expiry under load costs one read transaction, not one per waiting request.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
import weakref
from collections.abc import Awaitable, Callable

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
        self._inflight: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[CallerKey, asyncio.Task[Authenticated | None]]
        ] = weakref.WeakKeyDictionary()

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

    async def load_once(
        self, key: CallerKey, load: Callable[[], Awaitable[Authenticated | None]]
    ) -> Authenticated | None:
        """The caller for ``key``: ``load()`` run once for every request that asks while it
        runs (in a task of its own, so a client hanging up does not cancel it for the
        others). A found caller is kept; only the first asker is told to refresh the
        credential's last-seen time."""
        loop = asyncio.get_running_loop()
        inflight = self._inflight.setdefault(loop, {})
        task = inflight.get(key)
        first = task is None
        if task is None:
            task = loop.create_task(_call(load))
            inflight[key] = task
            task.add_done_callback(self._landed(key, inflight, self.generation))
        found = await asyncio.shield(task)
        if found is not None and not first:
            found = dataclasses.replace(found, touch_needed=False)
        return found

    def _landed(
        self,
        key: CallerKey,
        inflight: dict[CallerKey, asyncio.Task[Authenticated | None]],
        generation: int,
    ) -> Callable[[asyncio.Task[Authenticated | None]], None]:
        def done(task: asyncio.Task[Authenticated | None]) -> None:
            inflight.pop(key, None)
            if task.cancelled() or task.exception() is not None:
                return
            found = task.result()
            if found is not None:
                self.put(key, dataclasses.replace(found, touch_needed=False), generation)

        return done


async def _call(load: Callable[[], Awaitable[Authenticated | None]]) -> Authenticated | None:
    return await load()
