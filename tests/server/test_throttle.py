"""Sliding-window rate limits: the estimate, honest retry times, and both back ends."""

from __future__ import annotations

import asyncio
import itertools
import uuid

import pytest

from server.lib.errors import AppError
from server.lib.throttle import (
    Counts,
    DatabaseLimiter,
    Limit,
    Limiter,
    RedisLimiter,
    enforce,
    estimate,
    exhausted,
    retry_after,
    too_many,
)

SIGN_IN = Limit("sign-in", count=30, seconds=900)
T0 = 1_800_000_000 // 900 * 900  # the start of a 15-minute window


def _as_of(counts: Counts, seconds: int, now: float, later: float) -> Counts:
    """What the counts become at ``later`` if nothing more is counted."""
    windows_on = int(later // seconds - now // seconds)
    if windows_on == 0:
        return counts
    return Counts(previous=counts.current) if windows_on == 1 else Counts()


# The estimate and the retry time, with fixed clocks.


def test_the_previous_window_weighs_by_how_much_of_it_is_still_in_the_last_period():
    assert estimate(Counts(current=4, previous=20), 900, T0) == 24
    assert estimate(Counts(current=4, previous=20), 900, T0 + 450) == 14
    assert estimate(Counts(current=4, previous=20), 900, T0 + 899) == pytest.approx(4.022, 1e-3)


def test_attempts_straddling_a_window_boundary_are_still_limited():
    # 20 failures just before the boundary, then more just after it: a fixed window would
    # allow 30 more; the sliding window allows 10.
    assert not exhausted(SIGN_IN, Counts(current=9, previous=20), now=T0 + 10)
    assert estimate(Counts(current=10, previous=20), 900, T0 + 10) <= SIGN_IN.count
    assert exhausted(SIGN_IN, Counts(current=10, previous=20), now=T0 + 10)
    assert estimate(Counts(current=11, previous=20), 900, T0 + 10) > SIGN_IN.count
    assert exhausted(SIGN_IN, Counts(current=0, previous=31), now=T0 + 1)


def test_after_a_full_quiet_window_the_allowance_is_back():
    burst = Counts(current=31)  # at T0 + 100
    later = _as_of(burst, 900, T0 + 100, T0 + 1800)
    assert later == Counts()
    assert not exhausted(SIGN_IN, later, now=T0 + 1800)
    assert estimate(_as_of(burst, 900, T0 + 100, T0 + 1799), 900, T0 + 1799) < 1


def test_retry_after_within_the_window_as_the_previous_one_slides_out():
    # Refused at T0 + 10 with 11 here and 20 before: one more fits once
    # 20 * overlap / 900 + 11 <= 29, i.e. at T0 + 90.
    counts = Counts(current=11, previous=20)
    assert retry_after(SIGN_IN, counts, now=T0 + 10) == 80
    assert exhausted(SIGN_IN, counts, now=T0 + 89)
    assert not exhausted(SIGN_IN, counts, now=T0 + 90)


def test_retry_after_in_the_next_window_as_this_one_slides_out():
    # 31 attempts at T0 + 100: a fixed window would say 800 s; one more really fits once
    # 31 * overlap / 900 <= 29 in the next window, at T0 + 1800 - 29 * 900 / 31 ≈ T0 + 958.1.
    counts = Counts(current=31)
    wait = retry_after(SIGN_IN, counts, now=T0 + 100)
    assert wait == 859
    assert exhausted(SIGN_IN, _as_of(counts, 900, T0 + 100, T0 + 958), now=T0 + 958)
    assert not exhausted(SIGN_IN, _as_of(counts, 900, T0 + 100, T0 + 959), now=T0 + 959)


def test_retry_after_is_at_least_a_second():
    assert retry_after(SIGN_IN, Counts(current=3), now=T0 + 5) == 1
    assert retry_after(SIGN_IN, Counts(current=29, previous=1), now=T0 + 899.5) == 1


@pytest.mark.parametrize("limit", [Limit("one", 1, 60), Limit("few", 3, 60), SIGN_IN])
def test_retry_after_is_exactly_when_one_more_attempt_fits(limit):
    seconds = limit.seconds
    for current, previous, into in itertools.product(
        range(limit.count + 3), range(limit.count + 3), (0, 1, seconds // 3, seconds - 1)
    ):
        counts, now = Counts(current, previous), T0 + into
        if not exhausted(limit, counts, now):
            continue
        wait = retry_after(limit, counts, now)
        then = now + wait
        assert not exhausted(limit, _as_of(counts, seconds, now, then), then), (counts, now)
        if wait > 1:
            assert exhausted(limit, _as_of(counts, seconds, now, then - 1), then - 1)


def test_too_many_says_when_to_try_again():
    error = too_many(SIGN_IN, counts=Counts(current=31), now=T0 + 100)
    assert (error.status, error.headers["Retry-After"]) == (429, "859")
    assert "try again in 15 minutes" in error.message
    assert too_many(SIGN_IN).headers["Retry-After"] == "900"  # no counts: a whole window


# Both back ends, with the clock given.


async def _refuse(limiter: Limiter, limit: Limit, key: str, now: float) -> AppError:
    with pytest.raises(AppError) as raised:
        await enforce(limiter, limit, key, now=now)
    assert raised.value.status == 429
    return raised.value


async def _straddling_a_boundary_is_still_limited(limiter: Limiter) -> None:
    limit = Limit(f"test-{uuid.uuid4().hex}", count=30, seconds=900)
    key = "203.0.113.9"
    for _ in range(20):
        await enforce(limiter, limit, key, now=T0 - 20)
    for _ in range(10):
        await enforce(limiter, limit, key, now=T0 + 10)
    refused = await _refuse(limiter, limit, key, now=T0 + 10)
    assert refused.headers["Retry-After"] == "35"
    # The refused attempt was taken back: trying early does not push the wait further.
    assert await limiter.peek(f"{limit.name}:{key}", 900, now=T0 + 10) == Counts(10, 20)
    await _refuse(limiter, limit, key, now=T0 + 44)
    await enforce(limiter, limit, key, now=T0 + 45)  # when Retry-After said
    await _refuse(limiter, limit, key, now=T0 + 45)
    await enforce(limiter, limit, "198.51.100.7", now=T0 + 45)  # another key is unaffected


async def _a_quiet_window_gives_the_allowance_back(limiter: Limiter) -> None:
    limit = Limit(f"test-{uuid.uuid4().hex}", count=30, seconds=900)
    key = "203.0.113.9"
    for _ in range(30):
        await enforce(limiter, limit, key, now=T0 + 100)
    refused = await _refuse(limiter, limit, key, now=T0 + 100)
    assert refused.headers["Retry-After"] == "830"
    counts = await limiter.peek(f"{limit.name}:{key}", 900, now=T0 + 929)
    assert counts == Counts(0, 30)
    assert exhausted(limit, counts, now=T0 + 929)
    assert not exhausted(limit, counts, now=T0 + 930)  # when Retry-After said
    assert await limiter.peek(f"{limit.name}:{key}", 900, now=T0 + 1800) == Counts()
    for _ in range(30):
        await enforce(limiter, limit, key, now=T0 + 1800)
    await _refuse(limiter, limit, key, now=T0 + 1800)


async def _undo_takes_back_only_this_windows_attempts(limiter: Limiter) -> None:
    name = f"test-{uuid.uuid4().hex}:203.0.113.9"
    for now in (T0 + 100, T0 + 100, T0 + 100, T0 + 950, T0 + 950):
        await limiter.hit(name, 900, now=now)
    assert await limiter.peek(name, 900, now=T0 + 950) == Counts(2, 3)
    for _ in range(3):
        await limiter.undo(name, 900, now=T0 + 950)
    assert await limiter.peek(name, 900, now=T0 + 950) == Counts(0, 3)
    assert await limiter.hit(name, 900, now=T0 + 950) == Counts(1, 3)
    await limiter.reset(name)
    assert await limiter.peek(name, 900, now=T0 + 950) == Counts()


async def _attempts_at_once_are_each_counted(limiter: Limiter) -> None:
    name = f"test-{uuid.uuid4().hex}:203.0.113.9"
    await limiter.hit(name, 900, now=T0 + 100)
    counts = await asyncio.gather(*(limiter.hit(name, 900, now=T0 + 1000) for _ in range(20)))
    assert sorted(c.current for c in counts) == list(range(1, 21))
    assert {c.previous for c in counts} == {1}


SCENARIOS = [
    _straddling_a_boundary_is_still_limited,
    _a_quiet_window_gives_the_allowance_back,
    _undo_takes_back_only_this_windows_attempts,
    _attempts_at_once_are_each_counted,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__.strip("_"))
async def test_database_limiter(app, client, scenario):
    await scenario(DatabaseLimiter())


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__.strip("_"))
async def test_redis_limiter(redis_url, scenario):
    limiter = RedisLimiter(redis_url)
    try:
        await scenario(limiter)
    finally:
        await limiter.close()
