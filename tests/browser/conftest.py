"""Browser fixtures: Debian's Chromium (or Playwright's own) driving a live Tend server
started on a free port with a throwaway database."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO

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


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen
    log: Path
    pwa_dir: Path
    env: dict

    def tend(self, *args: str) -> str:
        """Run a ``tend`` command against this server's database; return what it printed."""
        result = subprocess.run(
            [sys.executable, "-m", "server.cli", *args],
            env={**self.env, "TEND_PUBLIC_URL": self.url},
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return result.stdout

    def setup_link(self) -> str:
        """A one-time link to set up a new organisation (each test gets its own)."""
        output = self.tend("setup-link", "--another-organisation")
        return next(word for word in output.split() if word.startswith("http"))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(database_url: str, workdir: Path, pwa_dir: Path) -> LiveServer:
    port = _free_port()
    log = workdir / "server.log"
    env = {
        **os.environ,
        "TEND_DATABASE_URL": database_url,
        "TEND_DATA_DIR": str(workdir / "data"),
        "TEND_PWA_DIR": str(pwa_dir),
        "TEND_LOG_FORMAT": "json",
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=REPO,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log, pwa_dir, env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{server.url}/ready", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        try:  # paces the polling, and notices at once if the server has died
            process.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            continue
        raise RuntimeError(f"Tend exited early:\n{log.read_text()}")
    server.stop()
    raise RuntimeError(f"Tend did not become ready:\n{log.read_text()}")


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
