from __future__ import annotations

import os
from collections.abc import AsyncIterator

import httpx
import pytest
from litestar import Litestar

from server.app import create_app
from tests.live import start_server
from tests.server.accounts.helpers import Browser, join, set_up
from tests.server.asgi import asgi_client, running


@pytest.fixture
def app(make_settings) -> Litestar:
    # Tests that send reminders run a Dispatcher of their own, to the local push service.
    return create_app(
        make_settings(TEND_DISPATCHER="false", TEND_PUSH_HOSTS="127.0.0.1,push.example.org")
    )


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """The app, started in the test's loop, and a client for it."""
    async with running(app), asgi_client(app) as client:
        yield client


# People, through the API as the PWA would make them (see tests/server/accounts/helpers.py).


@pytest.fixture
async def admin(app, client) -> Browser:
    """Priya, the first admin of Harbour Care (the app is running: ``client`` started it)."""
    return await set_up(app)


@pytest.fixture
async def supervisor(app, admin) -> Browser:
    return await join(
        app, admin, "Claire", "claire@example.org", ("supervisor", "worker"), "Oak House"
    )


@pytest.fixture
async def worker(app, admin, supervisor) -> Browser:
    return await join(
        app, admin, "Jade", "jade@example.org", ("worker",), "Oak House", [supervisor.me["id"]]
    )


@pytest.fixture
def serve(make_settings, tmp_path_factory):
    servers = []

    def start(settings=None, **env: str) -> str:
        """Start `tend serve` as its own process (on ``settings``' database, or a fresh
        one) and return its URL once it is ready."""
        settings = settings or make_settings()
        server = start_server(
            settings.database.url,
            tmp_path_factory.mktemp("serve"),
            data_dir=settings.paths.data_dir,
            env=env,
        )
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.stop()


REDIS_URL = os.environ.get("TEND_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_url() -> str:
    """The test Redis (database 15 unless TEND_TEST_REDIS_URL says otherwise); skipped when
    it is not running, except in CI (TEND_REQUIRE_REDIS=1), where that fails."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        message = f"Redis is not reachable at {REDIS_URL}"
        if os.environ.get("TEND_REQUIRE_REDIS") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return REDIS_URL
