"""Behind a reverse proxy, per-address limits count the person's address, not the proxy's,
and only when the proxy is trusted: anyone else's X-Forwarded-For is ignored."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import REPO
from tests.server.accounts.helpers import b64


@pytest.fixture
def serve(make_settings):
    processes = []

    def start(**env: str) -> str:
        settings = make_settings()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
            env={
                **os.environ,
                "TEND_DATABASE_URL": settings.database.url,
                "TEND_DATA_DIR": str(settings.paths.data_dir),
                **env,
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=REPO,
        )
        processes.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                    return url
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("Tend did not start")

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def failed_sign_ins(url: str, count: int, forwarded_for: str, first: int = 0) -> list[int]:
    with httpx.Client(base_url=url) as client:
        return [
            client.post(
                "/api/auth/sign-in",
                json={"email": f"guess{first + i}@example.org", "auth_key": b64(32)},
                headers={"x-forwarded-for": forwarded_for},
            ).status_code
            for i in range(count)
        ]


def test_a_trusted_proxy_passes_on_each_persons_address(serve):
    url = serve(TEND_TRUSTED_PROXIES="127.0.0.1")
    assert failed_sign_ins(url, 31, "203.0.113.1") == [401] * 30 + [429]
    assert failed_sign_ins(url, 1, "203.0.113.2", first=99) == [401], (
        "someone else is not locked out"
    )


def test_without_a_trusted_proxy_the_header_changes_nothing(serve):
    url = serve()
    statuses = [failed_sign_ins(url, 1, f"203.0.113.{i}", first=i)[0] for i in range(31)]
    assert statuses == [401] * 30 + [429], "a made-up X-Forwarded-For does not dodge the limit"
