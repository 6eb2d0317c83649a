"""Shared by the on-device benchmarks: `tend serve` on a free port with a throwaway
database, and a headless Chromium page (Debian's, or TEND_CHROMIUM) showing it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def pwa_page() -> Iterator[tuple[Page, str]]:
    """A page with Tend loaded, and the root its modules are served from."""
    chromium = os.environ.get("TEND_CHROMIUM") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = {
            **os.environ,
            "TEND_DATA_DIR": tmp,
            "TEND_DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
        }
        server = subprocess.Popen(  # noqa: S603 - a fixed command: this Python, Tend's CLI
            [sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
                )
                page = browser.new_page(viewport={"width": 360, "height": 740})
                page.goto(url)
                page.wait_for_selector("html[data-ready]", state="attached")
                href = page.locator("link[rel=stylesheet]").get_attribute("href")
                yield page, href.removesuffix("/css/app.css")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
