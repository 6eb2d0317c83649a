"""How the PWA and the API travel: compressed when the browser takes it, cached exactly as
long as it is safe to (docs/performance.md)."""

from __future__ import annotations

import gzip
import re

import httpx
import pytest

from server.web.build import PwaFiles
from server.web.controllers import accepts_gzip
from tests.conftest import REPO

GZIP = {"accept-encoding": "gzip, deflate, br, zstd"}  # as Chromium sends it
IDENTITY = {"accept-encoding": "identity"}
NAVIGATE = {"accept": "text/html", "sec-fetch-mode": "navigate"}
ENTRY_URLS = ("/", "/sw.js", "/manifest.webmanifest", "/offline.html")
IMMUTABLE = "public, max-age=31536000, immutable"


async def version_of(client: httpx.AsyncClient) -> str:
    sw = (await client.get("/sw.js")).text
    match = re.search(r'"version":"([0-9a-f]{16})"', sw)
    assert match, "sw.js names its build"
    return match.group(1)


async def raw(client: httpx.AsyncClient, url: str, headers: dict) -> tuple[httpx.Response, bytes]:
    """The response and its body exactly as it came over the wire (not decoded)."""
    async with client.stream("GET", url, headers={**NAVIGATE, **headers}) as response:
        body = b"".join([chunk async for chunk in response.aiter_raw()])
    return response, body


async def test_every_text_file_of_the_build_comes_gzipped_once(client):
    build = PwaFiles(REPO / "pwa").current()
    version = await version_of(client)
    urls = {f"/v/{version}/{path}": file for path, file in build.assets.items()}
    urls.update({url: build.entry(name) for name, url in (("index.html", "/"),)})
    text = [u for u, f in urls.items() if f.content_type.startswith(("text/", "image/svg"))]
    assert len(text) > 40, "the whole build, not a sample"
    for url in text:
        response, body = await raw(client, url, GZIP)
        assert response.status_code == 200, url
        assert response.headers["content-encoding"] == "gzip", url
        assert "accept-encoding" in response.headers["vary"].lower(), url
        # Decoded once it is the file itself: nothing compressed it a second time.
        assert gzip.decompress(body) == urls[url].content, url
        assert len(body) < len(urls[url].content), url


async def test_entry_files_are_gzipped_and_revalidated(client):
    for url in ENTRY_URLS:
        response, body = await raw(client, url, GZIP)
        assert response.headers["content-encoding"] == "gzip", url
        assert response.headers["cache-control"] == "no-cache", url
        assert gzip.decompress(body).startswith((b"<!doctype html>", b"/*", b"{", b"//")), url


async def test_a_browser_that_refuses_gzip_gets_plain_bytes(client):
    version = await version_of(client)
    for headers in (IDENTITY, {"accept-encoding": "gzip;q=0, deflate"}):
        response, body = await raw(client, f"/v/{version}/js/app.js", headers)
        assert "content-encoding" not in response.headers, headers
        assert body.startswith(b"/*"), headers
        assert "accept-encoding" in response.headers["vary"].lower()


async def test_images_already_compressed_are_sent_as_they_are(client):
    version = await version_of(client)
    response, body = await raw(client, f"/v/{version}/icons/icon-192.png", GZIP)
    assert "content-encoding" not in response.headers
    assert body.startswith(b"\x89PNG")


async def test_the_precompressed_bytes_are_the_same_every_time(client):
    version = await version_of(client)
    first = await raw(client, f"/v/{version}/css/app.css", GZIP)
    second = await raw(client, f"/v/{version}/css/app.css", GZIP)
    assert first[1] == second[1]
    assert first[0].headers["etag"] == second[0].headers["etag"]


async def test_each_representation_has_its_own_etag_and_either_gets_a_304(client):
    for url in ENTRY_URLS:
        zipped, _ = await raw(client, url, GZIP)
        plain, _ = await raw(client, url, IDENTITY)
        assert zipped.headers["etag"] != plain.headers["etag"], url
        for etag in (zipped.headers["etag"], plain.headers["etag"]):
            again = await client.get(url, headers={**NAVIGATE, **GZIP, "if-none-match": etag})
            assert again.status_code == 304, url
            assert again.content == b""
            assert again.headers["etag"] == etag
            assert again.headers["cache-control"] == "no-cache"
            assert "content-encoding" not in again.headers


async def test_versioned_assets_are_kept_for_a_year_and_revalidate_to_304(client):
    version = await version_of(client)
    for path in ("js/app.js", "css/app.css", "icons/icon.svg", "icons/icon-192.png"):
        response = await client.get(f"/v/{version}/{path}", headers=GZIP)
        assert response.headers["cache-control"] == IMMUTABLE, path
        assert response.headers["etag"], path
        again = await client.get(
            f"/v/{version}/{path}", headers={**GZIP, "if-none-match": response.headers["etag"]}
        )
        assert again.status_code == 304, path


async def test_every_api_answer_is_kept_nowhere(app, admin, worker, supervisor):
    """Every GET under /api without a parameter, as each role: personal answers are never
    stored by a browser or a proxy. The toolkit alone revalidates with its ETag (private)."""
    paths = sorted(
        route.path
        for route in app.routes
        if route.path.startswith("/api/") and "{" not in route.path and "GET" in route.methods
    )
    assert len(paths) > 20
    statuses = set()
    for person in (admin, worker, supervisor):
        for path in paths:
            response = await person.get(path, headers=GZIP)
            statuses.add(response.status_code)
            expected = "no-cache, private" if path == "/api/toolkit" else "no-store"
            assert response.headers.get("cache-control") == expected, (path, response.status_code)
    assert {200, 403} <= statuses, "both answers and refusals were checked"


async def test_api_errors_and_unknown_addresses_are_not_kept(client):
    for url in ("/api/account", "/api/nowhere", "/missing.png"):
        response = await client.get(url, headers={"accept": "application/json"})
        assert response.status_code in (401, 404), url
        assert response.headers["cache-control"] == "no-store", url


async def test_large_api_answers_are_gzipped_as_they_are_sent(admin):
    response = await admin.client.get("/api/admin/insights", headers=GZIP)
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.json()


@pytest.mark.parametrize(
    ("header", "gzip_allowed"),
    [
        ("gzip, deflate, br, zstd", True),
        ("br;q=1.0, gzip;q=0.5", True),
        ("GZIP", True),
        ("*", True),
        ("identity", False),
        ("", False),
        ("gzip;q=0, deflate", False),
        ("*, gzip;q=0", False),
        ("gzip;q=nonsense", False),
    ],
)
def test_accept_encoding_is_read_as_rfc_9110_says(header, gzip_allowed):
    assert accepts_gzip(header) is gzip_allowed
