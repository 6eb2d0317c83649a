"""Sliding-window rate limits that several Tend instances share.

Each key keeps two counts: events in the current fixed window and in the one before it.
The events of the last ``seconds`` are estimated as if the previous window's were spread
evenly over it, so the part of that window that has slid out is left out::

    estimate = previous * (1 - elapsed_fraction_of_current_window) + current

(the approximation Cloudflare describes). Unlike plain fixed windows, a burst that
straddles a window boundary cannot get twice the allowance.

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
    """At most ``count`` events per ``seconds`` (a sliding window)."""

    name: str
    count: int
    seconds: int


class Counts(msgspec.Struct, frozen=True):
    """Events counted for a key in the current window and in the previous one."""

    current: int = 0
    previous: int = 0


@runtime_checkable
class Limiter(Protocol):
    async def hit(self, key: str, seconds: int, now: float | None = None) -> Counts:
        """Count one event for ``key`` in the current window; return the counts after it."""

    async def peek(self, key: str, seconds: int, now: float | None = None) -> Counts:
        """The counts, without counting."""

    async def undo(self, key: str, seconds: int, now: float | None = None) -> None:
        """Take back one event counted in the current window."""

    async def reset(self, key: str) -> None: ...

    async def close(self) -> None: ...


def _now(now: float | None) -> float:
    return time.time() if now is None else now


def window_start(seconds: int, now: float) -> int:
    """Start (in Unix seconds) of the fixed window of length ``seconds`` holding ``now``."""
    return int(now // seconds) * seconds


def estimate(counts: Counts, seconds: int, now: float) -> float:
    """Events in the ``seconds`` before ``now``, estimated from the two windows' counts."""
    # Seconds of the previous window still inside the last ``seconds`` (multiplied before
    # dividing, so that whole-second times give exact results).
    overlap = window_start(seconds, now) + seconds - now
    return counts.previous * overlap / seconds + counts.current


def exhausted(limit: Limit, counts: Counts, now: float | None = None) -> bool:
    """Whether one more attempt at ``now`` would be refused."""
    return estimate(counts, limit.seconds, _now(now)) + 1 > limit.count


def retry_after(limit: Limit, counts: Counts, now: float | None = None) -> int:
    """Seconds until one more attempt would be allowed (at least 1), if no other comes.

    The estimate only falls as time passes: in this window while the previous one slides
    out, then in the next window while this one does.
    """
    now = _now(now)
    seconds, start = limit.seconds, window_start(limit.seconds, now)
    room = limit.count - 1  # the estimate must fall to this for one more attempt to fit
    if counts.current <= room:
        # previous * overlap / seconds <= room - current, overlap = start + seconds - t
        spare = room - counts.current
        overlap = spare * seconds / counts.previous if counts.previous else seconds
        allowed_at = start + seconds - min(overlap, seconds)
    else:
        # In the next window this window's count is the previous one:
        # current * overlap / seconds <= room, overlap = start + 2 * seconds - t
        allowed_at = start + 2 * seconds - room * seconds / counts.current
    return max(1, math.ceil(allowed_at - now))


class DatabaseLimiter:
    """Counters in the ``throttle`` table: one row per key, holding its current window and
    the previous window's count.

    A row in a later window than the caller's (another instance's clock is a little ahead)
    is treated as the current window, so that clock skew never resets the counts.
    """

    # In both SQLite and PostgreSQL every expression in SET sees the row as it was.
    _HIT = (
        "INSERT INTO throttle (key, window_start, count, previous_count) "
        "VALUES ({}, {}, 1, 0) "
        "ON CONFLICT (key) DO UPDATE SET "
        "count = CASE WHEN throttle.window_start >= excluded.window_start "
        "THEN throttle.count + 1 ELSE 1 END, "
        "previous_count = CASE WHEN throttle.window_start >= excluded.window_start "
        "THEN throttle.previous_count "
        "WHEN throttle.window_start = {} THEN throttle.count ELSE 0 END, "
        "window_start = CASE WHEN throttle.window_start > excluded.window_start "
        "THEN throttle.window_start ELSE excluded.window_start END "
        "RETURNING count, previous_count"
    )

    async def hit(self, key: str, seconds: int, now: float | None = None) -> Counts:
        from server.accounts.tables import Throttle

        start = window_start(seconds, _now(now))
        rows = await Throttle.raw(self._HIT, key, start, start - seconds).run()
        return Counts(current=int(rows[0]["count"]), previous=int(rows[0]["previous_count"]))

    async def peek(self, key: str, seconds: int, now: float | None = None) -> Counts:
        from server.accounts.tables import Throttle

        row = (
            await Throttle.select(Throttle.window_start, Throttle.count, Throttle.previous_count)
            .where(Throttle.key == key)
            .first()
            .run()
        )
        start = window_start(seconds, _now(now))
        if row is None or row["window_start"] < start - seconds:
            return Counts()
        if row["window_start"] < start:
            return Counts(previous=int(row["count"]))
        return Counts(current=int(row["count"]), previous=int(row["previous_count"]))

    async def undo(self, key: str, seconds: int, now: float | None = None) -> None:
        from server.accounts.tables import Throttle

        await (
            Throttle.update({Throttle.count: Throttle.count - 1})
            .where(
                (Throttle.key == key)
                & (Throttle.window_start >= window_start(seconds, _now(now)))
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
    """Counters in Redis: ``INCR`` on a key per window, kept while it can be the previous
    window."""

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        # One quick retry at most: a Redis that is away answers sign-ins with a prompt 503,
        # not after redis-py's default ten retries with backoff.
        self._redis = redis.Redis.from_url(
            url, socket_timeout=2, socket_connect_timeout=1, retry=Retry(NoBackoff(), 1)
        )

    def _keys(self, key: str, seconds: int, now: float | None) -> tuple[str, str]:
        """The names of the current and the previous window's counters."""
        start = window_start(seconds, _now(now))
        return f"tend:throttle:{key}:{start}", f"tend:throttle:{key}:{start - seconds}"

    async def hit(self, key: str, seconds: int, now: float | None = None) -> Counts:
        current, previous = self._keys(key, seconds, now)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(current)
            pipe.expire(current, 2 * seconds + 1)
            pipe.get(previous)
            count, _, previous_count = await pipe.execute()
        return Counts(current=int(count), previous=int(previous_count or 0))

    async def peek(self, key: str, seconds: int, now: float | None = None) -> Counts:
        current, previous = await self._redis.mget(self._keys(key, seconds, now))
        return Counts(current=int(current or 0), previous=int(previous or 0))

    async def undo(self, key: str, seconds: int, now: float | None = None) -> None:
        current, _ = self._keys(key, seconds, now)
        if await self._redis.decr(current) < 0:
            await self._redis.set(current, 0, keepttl=True)

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


def too_many(
    limit: Limit,
    message: str | None = None,
    counts: Counts | None = None,
    now: float | None = None,
) -> AppError:
    """429 with ``Retry-After`` and, in the message, when to try again: when one more
    attempt would be allowed given ``counts`` (without them, after a whole window)."""
    wait = limit.seconds if counts is None else retry_after(limit, counts, now)
    minutes = max(1, math.ceil(wait / 60))
    when = "in a minute" if minutes == 1 else f"in {minutes} minutes"
    return AppError(
        message or f"Too many attempts. Please try again {when}.",
        status=429,
        code="too_many_requests",
        headers={"Retry-After": str(wait)},
    )


async def enforce(
    limiter: Limiter,
    limit: Limit,
    key: str,
    message: str | None = None,
    *,
    now: float | None = None,
) -> None:
    """Count an attempt *before* it is made, so that attempts sent at once cannot all slip
    under the limit; raise 429 when, with it, the sliding window's estimate exceeds the
    allowance. A refused attempt is taken back, so trying again early does not push the
    time in ``Retry-After`` further away."""
    now = _now(now)
    counts = await limiter.hit(f"{limit.name}:{key}", limit.seconds, now)
    if estimate(counts, limit.seconds, now) > limit.count:
        await limiter.undo(f"{limit.name}:{key}", limit.seconds, now)
        refused = Counts(current=max(0, counts.current - 1), previous=counts.previous)
        raise too_many(limit, message, refused, now)


async def forgive(limiter: Limiter, limit: Limit, key: str) -> None:
    """Take back an attempt counted by :func:`enforce` that turned out to be fine."""
    await limiter.undo(f"{limit.name}:{key}", limit.seconds)


async def clear(limiter: Limiter, limit: Limit, key: str) -> None:
    """Forget every attempt counted against ``key`` (after a success)."""
    await limiter.reset(f"{limit.name}:{key}")
