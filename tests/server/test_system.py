from __future__ import annotations

import time

from litestar.testing import AsyncTestClient

from server import __version__
from server.app import create_app


async def test_health_says_the_process_is_alive(client):
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__}
    assert response.headers["cache-control"] == "no-store"


async def test_ready_when_the_database_answers(client, app):
    response = await client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "database": app.state.engine.engine_type,
        "redis": "not configured",
    }


async def test_ready_names_redis_when_it_is_configured_and_answers(make_settings, redis_url):
    app = create_app(make_settings(TEND_REDIS_URL=redis_url))
    async with AsyncTestClient(app=app) as client:
        response = await client.get("/ready")
    assert response.status_code == 200
    assert response.json()["redis"] == "ok"


async def test_degraded_naming_redis_when_it_is_configured_but_unreachable(make_settings):
    """Redis away takes only attempt counting with it: still ready (a blip must not take
    every instance out of the proxy), but it says so."""
    app = create_app(make_settings(TEND_REDIS_URL="redis://:secret@127.0.0.1:1/0"))
    async with AsyncTestClient(app=app) as client:
        started = time.perf_counter()
        response = await client.get("/ready")
        elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": app.state.engine.engine_type,
        "redis": "cannot be reached",
    }
    assert "secret" not in response.text
    assert elapsed < 2


async def test_redis_away_is_a_prompt_503_to_try_again_not_a_500(make_settings):
    """Shared rate limits live in Redis: when it cannot be reached, a sign-in (which counts
    an attempt there first) is refused as 'try again', never as a fault in Tend."""
    app = create_app(make_settings(TEND_REDIS_URL="redis://127.0.0.1:1/0"))
    async with AsyncTestClient(app=app) as client:
        started = time.perf_counter()
        answer = await client.post(
            "/api/auth/sign-in", json={"email": "jade@example.org", "auth_key": "A" * 43}
        )
        elapsed = time.perf_counter() - started
    assert elapsed < 3, "promptly: no retries against a Redis that is not there"
    assert answer.status_code == 503
    assert answer.json()["code"] == "unavailable"
    assert answer.headers["retry-after"] == "5"


async def test_not_ready_with_a_reason_when_the_database_is_unreachable(make_settings):
    settings = make_settings(
        TEND_DATABASE_URL="postgresql://tend:secret@127.0.0.1:1/tend",
        TEND_MIGRATE_ON_START="false",
    )
    async with AsyncTestClient(app=create_app(settings)) as client:
        response = await client.get("/ready")
        assert (await client.get("/health")).status_code == 200
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "not_ready"
    assert body["message"] == "The database cannot be reached."
    assert body["details"] == [{"field": "database", "message": "cannot be reached"}]
    assert body["request_id"] == response.headers["x-request-id"]
    assert "secret" not in response.text


async def test_not_ready_naming_both_when_neither_answers(make_settings):
    settings = make_settings(
        TEND_DATABASE_URL="postgresql://tend@127.0.0.1:1/tend",
        TEND_MIGRATE_ON_START="false",
        TEND_REDIS_URL="redis://127.0.0.1:1/0",
    )
    async with AsyncTestClient(app=create_app(settings)) as client:
        response = await client.get("/ready")
    assert response.status_code == 503
    assert response.json()["message"] == "Neither the database nor Redis can be reached."
    assert [d["field"] for d in response.json()["details"]] == ["database", "redis"]


async def test_openapi_schema_is_served_without_third_party_scripts(client):
    for path in ("/schema", "/schema/openapi.json"):
        response = await client.get(path)
        assert response.status_code == 200
        schema = response.json()
        assert schema["info"]["title"] == "Tend"
        assert "/health" in schema["paths"]
        assert "/ready" in schema["paths"]


async def test_head_is_answered_where_get_is(client):
    for path in ("/health", "/ready", "/", "/sw.js"):
        response = await client.head(path)
        assert response.status_code == 200, path
        assert response.content == b""
