from __future__ import annotations

import json
import re
import shutil

import pytest
from litestar.testing import AsyncTestClient

from server.app import create_app
from server.web.build import PwaFiles
from tests.conftest import REPO

NAVIGATE = {"accept": "text/html", "sec-fetch-mode": "navigate"}


def build_json(sw_source: str) -> dict:
    match = re.search(r"const BUILD = (\{.*?\});", sw_source)
    assert match, "sw.js carries its build"
    return json.loads(match.group(1))


@pytest.fixture
def pwa_copy(tmp_path):
    target = tmp_path / "pwa"
    shutil.copytree(REPO / "pwa", target)
    return target


async def test_navigations_anywhere_get_the_app_shell(client):
    for path in ("/", "/sign-in", "/support", "/somewhere/deep"):
        response = await client.get(path, headers=NAVIGATE)
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert response.headers["cache-control"] == "no-cache"
        assert '<main id="main"' in response.text


async def test_a_page_load_reissued_by_the_service_worker_gets_the_shell(client):
    headers = {"accept": "text/html,application/xhtml+xml", "sec-fetch-mode": "same-origin"}
    response = await client.get("/support", headers=headers)
    assert response.status_code == 200
    assert '<main id="main"' in response.text


async def test_a_non_navigation_request_for_an_unknown_path_is_a_json_404(client):
    response = await client.get(
        "/missing.png", headers={"accept": "image/*", "sec-fetch-mode": "no-cors"}
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


async def test_the_shell_has_no_inline_script_or_style_and_uses_versioned_assets(client):
    html = (await client.get("/", headers=NAVIGATE)).text
    assert "{{" not in html
    assert "<style" not in html
    assert " style=" not in html
    for script in re.findall(r"<script[^>]*>(.*?)</script>", html, flags=re.S):
        assert script.strip() == "", "no inline script"
    assert re.search(r'src="/v/[0-9a-f]{16}/js/app\.js"', html)
    assert re.search(r'href="/v/[0-9a-f]{16}/css/app\.css"', html)


async def test_service_worker_is_served_fresh_with_its_build(client):
    response = await client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"
    build = build_json(response.text)
    assert re.fullmatch(r"[0-9a-f]{16}", build["version"])
    assert f'const STRATEGIES_URL = "/v/{build["version"]}/sw/strategies.js";' in response.text


async def test_precache_list_is_derived_from_every_file_in_the_pwa_folder(client):
    build = build_json((await client.get("/sw.js")).text)
    files = sorted(
        p.relative_to(REPO / "pwa").as_posix() for p in (REPO / "pwa").rglob("*") if p.is_file()
    )
    expected = ["/", "/offline.html", "/manifest.webmanifest"] + [
        f"/v/{build['version']}/{f}"
        for f in files
        if f not in {"index.html", "offline.html", "manifest.webmanifest", "sw.js"}
        and not f.startswith(("sw/", "vendor/zxcvbn-ts/"))
    ]
    assert build["precache"] == expected
    # Loaded on demand instead: still served, under the build's asset root.
    on_demand = f"/v/{build['version']}/vendor/zxcvbn-ts/core.js"
    assert (await client.get(on_demand)).status_code == 200
    for url in build["precache"]:
        response = await client.get(url)
        assert response.status_code == 200, url


async def test_manifest_is_valid_and_points_at_real_icons(client):
    response = await client.get("/manifest.webmanifest")
    assert response.headers["content-type"] == "application/manifest+json"
    assert response.headers["cache-control"] == "no-cache"
    manifest = response.json()
    assert manifest["name"] == "Tend"
    assert manifest["short_name"] == "Tend"
    assert manifest["start_url"] == "/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"]
    assert manifest["background_color"]
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        image = await client.get(icon["src"])
        assert image.status_code == 200
        assert image.headers["content-type"] == icon["type"]
        if icon["type"] == "image/png":
            width = int.from_bytes(image.content[16:20], "big")
            assert f"{width}x{width}" == icon["sizes"]


async def test_versioned_assets_are_immutable_and_old_versions_are_not(client):
    version = build_json((await client.get("/sw.js")).text)["version"]
    current = await client.get(f"/v/{version}/css/app.css")
    assert current.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert current.headers["content-type"] == "text/css; charset=utf-8"
    old = await client.get("/v/0000000000000000/css/app.css")
    assert old.status_code == 200
    assert old.headers["cache-control"] == "no-cache"
    assert (await client.get(f"/v/{version}/nope.js")).status_code == 404
    assert (await client.get(f"/v/{version}/index.html")).status_code == 404


async def test_conditional_requests_get_304(client):
    first = await client.get("/sw.js")
    again = await client.get("/sw.js", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


async def test_text_is_compressed(client):
    version = build_json((await client.get("/sw.js")).text)["version"]
    response = await client.get(f"/v/{version}/css/app.css", headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"


async def test_a_changed_file_gives_a_new_version_without_a_restart(make_settings, pwa_copy):
    app = create_app(make_settings(TEND_PWA_DIR=str(pwa_copy)))
    async with AsyncTestClient(app=app) as client:
        before = build_json((await client.get("/sw.js")).text)
        css = pwa_copy / "css" / "app.css"
        css.write_text(css.read_text() + "\n/* changed */\n")
        after = build_json((await client.get("/sw.js")).text)
        assert after["version"] != before["version"]
        served = await client.get(f"/v/{after['version']}/css/app.css")
        assert served.text.endswith("/* changed */\n")


def test_hidden_files_are_not_part_of_the_build(pwa_copy):
    before = PwaFiles(pwa_copy).current()
    (pwa_copy / ".DS_Store").write_bytes(b"junk")
    after = PwaFiles(pwa_copy).current()
    assert after.version == before.version
    assert ".DS_Store" not in after.files


async def test_every_pwa_response_names_its_build(client):
    version = build_json((await client.get("/sw.js")).text)["version"]
    for url in ("/", "/sw.js", "/offline.html", "/manifest.webmanifest", f"/v/{version}/js/app.js"):
        assert (await client.get(url)).headers["x-tend-build"] == version
    # An old version's URL answers with today's file, and says so: a worker installing
    # the old build refuses it rather than caching a mix of two builds.
    old = await client.get("/v/0000000000000000/js/app.js")
    assert old.headers["x-tend-build"] == version
