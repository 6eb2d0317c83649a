"""Every error has one JSON shape, a clear 4xx for bad input, and a 500 that hides details."""

from __future__ import annotations

import logging

import msgspec
import pytest
from litestar import get, post
from litestar.params import JSONBody
from litestar.testing import AsyncTestClient

from server.app import create_app
from server.lib.logs import JsonFormatter

SECRET = "a-private-sentence-7f3a"


class Reflection(msgspec.Struct):
    title: str
    minutes: int


@post("/api/test/reflections")
async def create_reflection(data: JSONBody[Reflection]) -> Reflection:
    return data


@get("/api/test/boom")
async def boom() -> None:
    raise RuntimeError(f"internal detail {SECRET}")


@pytest.fixture
async def client(make_settings):
    app = create_app(make_settings(TEND_MAX_BODY_BYTES="2048"))
    app.register(create_reflection)
    app.register(boom)
    async with AsyncTestClient(app=app) as client:
        yield client


def assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) <= {"status", "code", "message", "request_id", "details"}
    assert body["status"] == status
    assert body["code"] == code
    assert body["message"]
    assert body["request_id"] == response.headers["x-request-id"]
    return body


async def test_valid_input_is_accepted(client):
    response = await client.post("/api/test/reflections", json={"title": "ok", "minutes": 3})
    assert response.status_code == 201


async def test_unknown_api_route_is_404(client):
    assert_error_shape(await client.get("/api/no-such-thing"), 404, "not_found")
    assert_error_shape(await client.post("/api/no-such-thing", json={}), 404, "not_found")


async def test_unknown_api_route_is_404_even_when_a_browser_asks_for_html(client):
    response = await client.get("/api/no-such-thing", headers={"accept": "text/html"})
    assert_error_shape(response, 404, "not_found")


async def test_wrong_method_is_405_with_allow(client):
    body = assert_error_shape(await client.delete("/health"), 405, "method_not_allowed")
    assert "does not accept" in body["message"]


async def test_malformed_json_is_400(client):
    response = await client.post(
        "/api/test/reflections", content=b'{"title": ', headers={"content-type": "application/json"}
    )
    body = assert_error_shape(response, 400, "malformed_json")
    assert body["message"] == "The request body is not valid JSON."


async def test_wrong_types_are_422_with_field_details(client):
    response = await client.post("/api/test/reflections", json={"title": 5, "minutes": 3})
    body = assert_error_shape(response, 422, "validation_error")
    assert body["details"] == [{"field": "body.title", "message": "Expected `str`, got `int`"}]


async def test_missing_field_is_422(client):
    response = await client.post("/api/test/reflections", json={"title": "x"})
    body = assert_error_shape(response, 422, "validation_error")
    assert "minutes" in body["details"][0]["message"]


async def test_oversized_body_is_413(client):
    response = await client.post(
        "/api/test/reflections",
        content=b'{"title": "' + b"x" * 4096 + b'", "minutes": 1}',
        headers={"content-type": "application/json"},
    )
    assert_error_shape(response, 413, "too_large")


async def test_unexpected_error_is_a_generic_500_with_the_traceback_only_in_the_log(client, caplog):
    caplog.set_level(logging.ERROR, logger="tend.errors")
    response = await client.get("/api/test/boom")
    assert_error_shape(response, 500, "internal_error")
    assert SECRET not in response.text
    assert "Traceback" not in response.text
    [record] = [r for r in caplog.records if r.name == "tend.errors"]
    logged = JsonFormatter().format(record)
    assert SECRET in logged
    assert "Traceback" in logged


async def test_request_bodies_never_reach_the_log(client, caplog):
    caplog.set_level(logging.DEBUG)
    await client.post("/api/test/reflections", json={"title": SECRET, "minutes": "bad"})
    await client.post("/api/test/reflections?note=" + SECRET, json={"title": SECRET, "minutes": 1})
    # httpx is the test's own client, logging the URL it sent; only the server's logs count.
    server_records = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    formatted = "\n".join(JsonFormatter().format(r) for r in server_records)
    assert "tend.access" in formatted
    assert SECRET not in formatted
