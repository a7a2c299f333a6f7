"""The in-process caller cache: expiry, clearing on writes, and one lookup for many askers."""

from __future__ import annotations

import asyncio

import pytest

from atlaxis.domain import Actor, Role
from atlaxis.services.auth import Authenticated
from atlaxis.web.caller_cache import CallerCache

KEY = ("atx_token", "", "127.0.0.1")


def _caller(touch: bool = True) -> Authenticated:
    return Authenticated(Actor(7, Role.PATIENT, 1, 3), frozenset({"read"}), touch_needed=touch)


def test_an_entry_expires_after_its_ttl(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [100.0]
    monkeypatch.setattr("atlaxis.web.caller_cache.time.monotonic", lambda: clock[0])
    cache = CallerCache(ttl=2.0)
    cache.put(KEY, _caller(), cache.generation)
    clock[0] = 101.9
    assert cache.get(KEY) is not None
    clock[0] = 102.1
    assert cache.get(KEY) is None


def test_a_lookup_begun_before_a_clear_is_not_kept() -> None:
    cache = CallerCache()
    generation = cache.generation
    cache.clear()  # e.g. a token was revoked meanwhile
    cache.put(KEY, _caller(), generation)
    assert cache.get(KEY) is None


def test_concurrent_misses_share_one_lookup() -> None:
    cache = CallerCache()
    calls = 0

    async def load() -> Authenticated | None:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        return _caller(touch=True)

    async def main() -> list[Authenticated | None]:
        return list(await asyncio.gather(*(cache.load_once(KEY, load) for _ in range(50))))

    found = asyncio.run(main())
    assert calls == 1
    assert all(f is not None and f.actor.user_id == 7 for f in found)
    # only the first asker refreshes the credential's last-seen time
    assert [f.touch_needed for f in found if f is not None].count(True) == 1
    kept = cache.get(KEY)
    assert kept is not None and kept.touch_needed is False


def test_an_unknown_credential_is_not_kept_and_is_looked_up_again() -> None:
    cache = CallerCache()
    calls = 0

    async def load() -> Authenticated | None:
        nonlocal calls
        calls += 1
        return None

    async def main() -> None:
        assert await cache.load_once(KEY, load) is None
        assert await cache.load_once(KEY, load) is None

    asyncio.run(main())
    assert calls == 2 and cache.get(KEY) is None


def test_the_first_asker_hanging_up_does_not_cancel_the_others() -> None:
    cache = CallerCache()
    release = asyncio.Event

    async def main() -> Authenticated | None:
        gate = release()

        async def load() -> Authenticated | None:
            await gate.wait()
            return _caller()

        first = asyncio.create_task(cache.load_once(KEY, load))
        await asyncio.sleep(0)
        second = asyncio.create_task(cache.load_once(KEY, load))
        await asyncio.sleep(0)
        first.cancel()
        gate.set()
        return await second

    found = asyncio.run(main())
    assert found is not None and found.actor.user_id == 7
    assert cache.get(KEY) is not None


def test_a_failed_lookup_reaches_every_asker_and_is_not_kept() -> None:
    cache = CallerCache()

    async def load() -> Authenticated | None:
        await asyncio.sleep(0)
        raise RuntimeError("database unavailable")

    async def main() -> list[object]:
        return list(
            await asyncio.gather(
                *(cache.load_once(KEY, load) for _ in range(3)), return_exceptions=True
            )
        )

    outcomes = asyncio.run(main())
    assert all(isinstance(o, RuntimeError) for o in outcomes)
    assert cache.get(KEY) is None
