"""Rate limits are shared by every instance: in the database, or in Redis."""

from __future__ import annotations

import uuid

import pytest
import redis

from server.lib.errors import AppError
from server.lib.throttle import (
    DatabaseLimiter,
    Limit,
    RedisLimiter,
    clear,
    enforce,
    forgive,
)


async def _shared_between_two_instances(first, second) -> None:
    limit = Limit(f"test-{uuid.uuid4().hex}", count=3, seconds=60)
    for limiter in (first, second, first):
        await enforce(limiter, limit, "203.0.113.9")
    with pytest.raises(AppError) as raised:
        await enforce(second, limit, "203.0.113.9")
    assert raised.value.status == 429
    # A sliding window: this window's attempts must slide out, which ends in the next one.
    assert 1 <= int(raised.value.headers["Retry-After"]) <= 2 * 60
    await enforce(first, limit, "198.51.100.7")  # another key is unaffected
    await forgive(first, limit, "203.0.113.9")  # the refused attempt was never kept
    await enforce(second, limit, "203.0.113.9")
    with pytest.raises(AppError):
        await enforce(first, limit, "203.0.113.9")
    await clear(first, limit, "203.0.113.9")
    for limiter in (first, second, first):
        await enforce(limiter, limit, "203.0.113.9")


async def test_database_counters_are_shared(app, client):
    await _shared_between_two_instances(DatabaseLimiter(), DatabaseLimiter())


async def test_redis_counters_are_shared(redis_url):
    first, second = RedisLimiter(redis_url), RedisLimiter(redis_url)
    try:
        await _shared_between_two_instances(first, second)
    finally:
        await first.close()
        await second.close()


async def test_sign_in_limits_use_redis_when_it_is_configured(make_settings, redis_url):
    from server.app import create_app
    from server.org.setup import new_setup_link
    from tests.server.accounts.helpers import Keys, b64
    from tests.server.asgi import asgi_client, running

    address_keys = redis.Redis.from_url(redis_url).keys("tend:throttle:*:127.0.0.1:*")
    if address_keys:
        redis.Redis.from_url(redis_url).delete(*address_keys)
    settings = make_settings(TEND_REDIS_URL=redis_url)
    first, second = create_app(settings), create_app(settings)
    email = f"{uuid.uuid4().hex}@example.org"
    async with (
        running(first),
        running(second),
        asgi_client(first) as one,
        asgi_client(second) as two,
    ):
        token = (await new_setup_link("http://127.0.0.1:8000")).split("#")[1]
        body = {"token": token, "organisation_name": "Redis", "teams": []}
        body["account"] = Keys().account("Priya", email)
        assert (await one.post("/api/setup", json=body)).status_code == 201
        statuses = []
        for i in range(6):
            client = one if i % 2 else two
            attempt = {"email": email, "auth_key": b64(32)}
            statuses.append((await client.post("/api/auth/sign-in", json=attempt)).status_code)
    assert statuses == [401] * 5 + [429]
    assert isinstance(first.state.limiter, RedisLimiter)
