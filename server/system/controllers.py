"""Liveness and readiness, for load balancers and operators."""

from __future__ import annotations

import asyncio
import logging

import msgspec
from litestar import Controller
from litestar.datastructures import State
from piccolo.engine.base import Engine

from server import __version__
from server.lib.db import ping
from server.lib.errors import AppError, ErrorDetail
from server.lib.routes import get

logger = logging.getLogger("tend.system")
NO_STORE = {"cache-control": "no-store"}
REDIS_TIMEOUT = 1.0
NOT_CONFIGURED = "not configured"
UNREACHABLE = {
    ("database",): "The database cannot be reached.",
    ("redis",): "Redis cannot be reached.",
    ("database", "redis"): "Neither the database nor Redis can be reached.",
}


class Health(msgspec.Struct, frozen=True):
    status: str
    version: str


class Readiness(msgspec.Struct, frozen=True):
    status: str
    database: str
    redis: str


async def ping_redis(url: str, within: float = REDIS_TIMEOUT) -> None:
    """Raise if Redis does not answer a PING within ``within`` seconds (one try, on a
    connection of its own, so a slow Redis never holds up the rate limits' connections)."""
    import redis.asyncio as redis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    client = redis.Redis.from_url(
        url, socket_timeout=within, socket_connect_timeout=within, retry=Retry(NoBackoff(), 0)
    )
    try:
        async with asyncio.timeout(within):
            await client.ping()
    finally:
        await client.aclose()


class SystemController(Controller):
    tags = ["system"]

    @get("/health", response_headers=NO_STORE, sync_to_thread=False)
    def health(self) -> Health:
        """The process is alive and answering."""
        return Health(status="ok", version=__version__)

    @get("/ready", response_headers=NO_STORE)
    async def ready(self, state: State) -> Readiness:
        """Whether the database and, when ``TEND_REDIS_URL`` is set, Redis answer: 503
        naming what is down when the database is; "degraded" when only Redis is."""
        engine: Engine = state.engine
        redis_url: str = state.settings.redis.url
        checks = {"database": ping(engine)}
        if redis_url:
            checks["redis"] = ping_redis(redis_url)
        outcomes = await asyncio.gather(*checks.values(), return_exceptions=True)
        failed = {name: error for name, error in zip(checks, outcomes, strict=True) if error}
        for name, error in failed.items():
            logger.warning(f"{name} not ready", extra={"fields": {"error": type(error).__name__}})
        down = tuple(failed)
        # Without the database nothing works: not ready. Without Redis only what counts
        # attempts (sign-in, recovery, links) answers 503 for now, while sync and the rest
        # go on: ready, but degraded, so a Redis blip never takes every instance out.
        if "database" in down:
            raise AppError(
                UNREACHABLE[down],
                status=503,
                code="not_ready",
                details=[ErrorDetail(name, "cannot be reached") for name in down],
            )
        redis = "cannot be reached" if down else "ok" if redis_url else NOT_CONFIGURED
        return Readiness(
            status="degraded" if down else "ready", database=engine.engine_type, redis=redis
        )
