"""Fixed-window rate limits that several Tend instances share.

The counters live in the database (``throttle`` table), or in Redis when
``TEND_REDIS_URL`` is set. Either way every instance sees the same counts.
"""

from __future__ import annotations

import math
import time
from typing import Protocol, runtime_checkable

import msgspec

from server.lib.errors import AppError


class Limit(msgspec.Struct, frozen=True):
    """At most ``count`` events per ``seconds``."""

    name: str
    count: int
    seconds: int


@runtime_checkable
class Limiter(Protocol):
    async def hit(self, key: str, seconds: int) -> int:
        """Count one event for ``key`` in the current window; return the window's count."""

    async def peek(self, key: str, seconds: int) -> int:
        """The current window's count, without counting."""

    async def undo(self, key: str, seconds: int) -> None:
        """Take back one event counted in the current window."""

    async def reset(self, key: str) -> None: ...

    async def close(self) -> None: ...


def _window(seconds: int, now: float | None = None) -> int:
    now = time.time() if now is None else now
    return int(now // seconds) * seconds


def retry_after(seconds: int, now: float | None = None) -> int:
    """Seconds until the current window ends (at least 1)."""
    now = time.time() if now is None else now
    return max(1, math.ceil(_window(seconds, now) + seconds - now))


class DatabaseLimiter:
    """Counters in the ``throttle`` table: one row per key, reset when its window moves."""

    async def hit(self, key: str, seconds: int) -> int:
        from server.accounts.tables import Throttle

        rows = await Throttle.raw(
            "INSERT INTO throttle (key, window_start, count) VALUES ({}, {}, 1) "
            "ON CONFLICT (key) DO UPDATE SET "
            "count = CASE WHEN throttle.window_start = excluded.window_start "
            "THEN throttle.count + 1 ELSE 1 END, "
            "window_start = excluded.window_start "
            "RETURNING count",
            key,
            _window(seconds),
        ).run()
        return int(rows[0]["count"])

    async def peek(self, key: str, seconds: int) -> int:
        from server.accounts.tables import Throttle

        row = (
            await Throttle.select(Throttle.count)
            .where((Throttle.key == key) & (Throttle.window_start == _window(seconds)))
            .first()
            .run()
        )
        return int(row["count"]) if row else 0

    async def undo(self, key: str, seconds: int) -> None:
        from server.accounts.tables import Throttle

        await (
            Throttle.update({Throttle.count: Throttle.count - 1})
            .where(
                (Throttle.key == key)
                & (Throttle.window_start == _window(seconds))
                & (Throttle.count > 0)
            )
            .run()
        )

    async def reset(self, key: str) -> None:
        from server.accounts.tables import Throttle

        await Throttle.delete().where(Throttle.key == key).run()

    async def close(self) -> None:
        return None


class RedisLimiter:
    """Counters in Redis: ``INCR`` on a key per window, expiring with it."""

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)

    def _key(self, key: str, seconds: int) -> str:
        return f"tend:throttle:{key}:{_window(seconds)}"

    async def hit(self, key: str, seconds: int) -> int:
        name = self._key(key, seconds)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, seconds + 1)
            count, _ = await pipe.execute()
        return int(count)

    async def peek(self, key: str, seconds: int) -> int:
        value = await self._redis.get(self._key(key, seconds))
        return int(value) if value else 0

    async def undo(self, key: str, seconds: int) -> None:
        name = self._key(key, seconds)
        if await self._redis.decr(name) < 0:
            await self._redis.set(name, 0, keepttl=True)

    async def reset(self, key: str) -> None:
        cursor = 0
        while True:
            cursor, names = await self._redis.scan(cursor, match=f"tend:throttle:{key}:*")
            if names:
                await self._redis.delete(*names)
            if cursor == 0:
                return

    async def close(self) -> None:
        await self._redis.aclose()


def create_limiter(redis_url: str) -> Limiter:
    return RedisLimiter(redis_url) if redis_url else DatabaseLimiter()


def too_many(limit: Limit, message: str | None = None) -> AppError:
    """429 with ``Retry-After`` and, in the message, when to try again."""
    wait = retry_after(limit.seconds)
    minutes = max(1, math.ceil(wait / 60))
    when = "in a minute" if minutes == 1 else f"in {minutes} minutes"
    return AppError(
        message or f"Too many attempts. Please try again {when}.",
        status=429,
        code="too_many_requests",
        headers={"Retry-After": str(wait)},
    )


async def enforce(limiter: Limiter, limit: Limit, key: str, message: str | None = None) -> None:
    """Count an attempt *before* it is made, so that attempts sent at once cannot all slip
    under the limit; raise 429 once the window's allowance is used up."""
    if await limiter.hit(f"{limit.name}:{key}", limit.seconds) > limit.count:
        raise too_many(limit, message)


async def forgive(limiter: Limiter, limit: Limit, key: str) -> None:
    """Take back an attempt counted by :func:`enforce` that turned out to be fine."""
    await limiter.undo(f"{limit.name}:{key}", limit.seconds)


async def clear(limiter: Limiter, limit: Limit, key: str) -> None:
    """Forget every attempt counted against ``key`` (after a success)."""
    await limiter.reset(f"{limit.name}:{key}")
