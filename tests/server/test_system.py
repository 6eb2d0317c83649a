from __future__ import annotations

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
    assert response.json() == {"status": "ready", "database": app.state.engine.engine_type}


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
    assert body["request_id"] == response.headers["x-request-id"]
    assert "secret" not in response.text


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
