"""Browser fixtures: Debian's Chromium (or Playwright's own) driving a live Tend server
started on a free port with a throwaway database."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.conftest import REPO
from tests.live import LiveServer, start_server

ARTIFACTS = REPO / "test-artifacts"
PHONE = {"width": 360, "height": 740}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def find_chromium() -> str | None:
    candidates = [
        os.environ.get("TEND_CHROMIUM", ""),
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
    ]
    home = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH", Path.home() / ".cache/ms-playwright"))
    candidates += sorted(str(p) for p in home.glob("chromium-*/chrome-linux*/chrome"))
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        message = "No Chromium for the browser tests: apt-get install chromium (see README)."
        if os.environ.get("TEND_REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def live_server(new_database_url, tmp_path_factory) -> Iterator[LiveServer]:
    """One server for the session, serving the checkout's own pwa/."""
    server = start_server(new_database_url(), tmp_path_factory.mktemp("server"), REPO / "pwa")
    yield server
    server.stop()


@pytest.fixture
def server_with_own_pwa(new_database_url, tmp_path) -> Iterator[LiveServer]:
    """A server whose pwa/ is a copy the test may change."""
    pwa = tmp_path / "pwa"
    shutil.copytree(REPO / "pwa", pwa)
    server = start_server(new_database_url(), tmp_path, pwa)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_path):
    return {**browser_type_launch_args, "executable_path": chromium_path, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def phone_context_args() -> dict:
    return {
        "viewport": PHONE,
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
        "locale": "en-GB",
        "timezone_id": "Europe/London",
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, phone_context_args, live_server):
    return {**browser_context_args, **phone_context_args, "base_url": live_server.url}


@pytest.fixture
def page_errors(page) -> list[str]:
    """Console errors and uncaught exceptions (a CSP or Trusted Types violation shows here)."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


@pytest.fixture
def screenshot() -> Callable[..., Path]:
    def take(page, name: str) -> Path:
        path = ARTIFACTS / "screenshots" / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def phone(browser, phone_context_args, live_server) -> Iterator[Callable[[], Page]]:
    """Another person's own phone: a separate browser context."""
    contexts = []

    def open_page() -> Page:
        context = browser.new_context(**phone_context_args, base_url=live_server.url)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
