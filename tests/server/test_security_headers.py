from __future__ import annotations

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
