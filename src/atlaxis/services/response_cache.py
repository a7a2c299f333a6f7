"""An in-process cache of encoded responses, each stored with the version it was built from.

:class:`VersionedCache` maps a key to one ``(version, bytes)`` pair: :meth:`~VersionedCache.get`
answers only when the caller's version (read from the database in the caller's own
transaction) equals the stored one, so a stale entry is never served, whatever process wrote
in the meantime; a new version replaces the old entry. Bounded by the total size of the
stored bytes (least recently used first out); one entry larger than ``max_entry`` is not
kept. Safe to share between threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V", bound=Hashable)

#: default bounds: 64 MiB in all, 4 MiB for one response
MAX_BYTES = 64 * 2**20
MAX_ENTRY = 4 * 2**20


class VersionedCache(Generic[K, V]):
    """Bounded LRU of ``key → (version, encoded bytes)``; see the module docstring."""

    def __init__(self, max_bytes: int = MAX_BYTES, max_entry: int = MAX_ENTRY) -> None:
        self.max_bytes = max_bytes
        self.max_entry = max_entry
        self._entries: OrderedDict[K, tuple[V, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        """Bytes stored."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K, version: V) -> bytes | None:
        """The bytes stored for ``key`` if they were built from ``version``."""
        with self._lock:
            found = self._entries.get(key)
            if found is None or found[0] != version:
                return None
            self._entries.move_to_end(key)
            return found[1]

    def put(self, key: K, version: V, value: bytes) -> None:
        """Store ``value`` (built from ``version``) for ``key``, replacing what was there."""
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old[1])
            if len(value) > self.max_entry:
                return
            self._entries[key] = (version, value)
            self._bytes += len(value)
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
