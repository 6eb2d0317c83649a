from __future__ import annotations

import json
import logging

import pytest

from server.lib.logs import JsonFormatter, TextFormatter


async def test_every_response_has_a_request_id(client):
    ids = {(await client.get(path)).headers["x-request-id"] for path in ("/health", "/api/x", "/")}
    assert len(ids) == 3
    assert all(len(i) == 32 for i in ids)


async def test_a_safe_incoming_request_id_is_kept_and_an_unsafe_one_replaced(client):
    kept = await client.get("/health", headers={"x-request-id": "proxy-id-1234"})
    assert kept.headers["x-request-id"] == "proxy-id-1234"
    replaced = await client.get("/health", headers={"x-request-id": "bad id <script>"})
    assert replaced.headers["x-request-id"] != "bad id <script>"
    assert len(replaced.headers["x-request-id"]) == 32


async def test_access_log_line_is_structured_and_names_the_request(client, caplog):
    caplog.set_level(logging.INFO, logger="tend.access")
    response = await client.get("/ready?token=should-not-appear")
    [record] = [r for r in caplog.records if r.name == "tend.access"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == response.headers["x-request-id"]
    assert line["method"] == "GET"
    assert line["route"] == "/ready"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert "should-not-appear" not in json.dumps(line)
    assert "route=/ready" in TextFormatter().format(record)


@pytest.mark.parametrize("method", ["GET", "TRACE"])
async def test_paths_that_may_hold_tokens_never_reach_the_log(client, caplog, method):
    caplog.set_level(logging.INFO, logger="tend.access")
    await client.request(method, "/invite/secret-token-value", headers={"accept": "text/html"})
    [record] = [r for r in caplog.records if r.name == "tend.access"]
    line = json.loads(JsonFormatter().format(record))
    assert "secret-token-value" not in json.dumps(line)
    assert line["route"] in ("/{path}", "<unmatched>")
