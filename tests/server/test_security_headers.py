from __future__ import annotations

import re

import pytest
from litestar.testing import AsyncTestClient

from server.app import create_app


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/health"),
        ("GET", "/api/missing"),
        ("DELETE", "/health"),
        ("GET", "/sw.js"),
    ],
)
async def test_every_response_carries_the_security_headers(client, method, path):
    response = await client.request(method, path, headers={"accept": "text/html"})
    csp = response.headers["content-security-policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "require-trusted-types-for 'script'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "camera=()" in response.headers["permissions-policy"]
    assert "geolocation=()" in response.headers["permissions-policy"]
    assert "strict-transport-security" not in response.headers


async def test_hsts_only_when_served_over_https(make_settings):
    app = create_app(make_settings(TEND_PUBLIC_URL="https://tend.example.org"))
    async with AsyncTestClient(app=app) as client:
        response = await client.get("/health")
    assert response.headers["strict-transport-security"].startswith("max-age=63072000")
    assert "upgrade-insecure-requests" in response.headers["content-security-policy"]


DOCUMENT_ONLY = (
    "content-security-policy",
    "permissions-policy",
    "x-frame-options",
    "cross-origin-opener-policy",
)


async def test_the_pwa_s_subresources_carry_only_the_headers_that_act_on_them(client):
    """A stylesheet, script, PNG or manifest is never a document: nosniff, CORP and the
    referrer policy only. The page, an SVG (it can hold script), the service worker (its
    policy is its script's) and the API keep the whole set."""
    sw = (await client.get("/sw.js")).text
    version = re.search(r'"version":"([0-9a-f]{16})"', sw).group(1)
    for path in (
        f"/v/{version}/css/app.css",
        f"/v/{version}/js/app.js",
        f"/v/{version}/icons/icon-192.png",
        "/manifest.webmanifest",
    ):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["cross-origin-resource-policy"] == "same-origin", path
        assert response.headers["referrer-policy"] == "no-referrer", path
        for name in DOCUMENT_ONLY:
            assert name not in response.headers, (path, name)
    for path in ("/", "/sw.js", f"/v/{version}/icons/icon.svg", "/api/account", "/nowhere"):
        response = await client.get(path, headers={"accept": "text/html"})
        for name in DOCUMENT_ONLY:
            assert name in response.headers, (path, name)
        assert "require-trusted-types-for 'script'" in response.headers["content-security-policy"]


async def test_a_script_cannot_shed_the_document_headers_by_its_name(client):
    """Only the content type decides: a 404 for a .js address is an HTML/JSON error page
    and keeps the whole set."""
    response = await client.get("/v/0000000000000000/js/missing.js")
    assert response.status_code == 404
    assert "content-security-policy" in response.headers


async def test_hsts_reaches_subresources_too(make_settings):
    app = create_app(make_settings(TEND_PUBLIC_URL="https://tend.example.org"))
    async with AsyncTestClient(app=app) as client:
        response = await client.get("/manifest.webmanifest")
    assert response.headers["strict-transport-security"].startswith("max-age=63072000")
    assert "content-security-policy" not in response.headers


@pytest.mark.parametrize("path", ["/sw.js", "/sw.js/", "//sw.js"])
async def test_the_service_worker_keeps_its_policy_however_its_address_is_written(client, path):
    response = await client.get(path)
    assert "require-trusted-types-for 'script'" in response.headers["content-security-policy"]


async def test_a_304_and_a_head_keep_the_whole_set(client):
    """Neither carries a content type of its own to go by: both keep every header."""
    first = await client.get("/")
    again = await client.get("/", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304
    head = await client.head("/sw.js")
    for response in (again, head):
        for name in DOCUMENT_ONLY:
            assert name in response.headers, name
