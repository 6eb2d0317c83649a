"""A real Tend server for tests: `tend serve` started as its own process on a free port,
used by the browser tests and by server tests that need separate processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.conftest import REPO


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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    database_url: str,
    workdir: Path,
    pwa_dir: Path = REPO / "pwa",
    *,
    data_dir: Path | None = None,
    env: dict[str, str] | None = None,
) -> LiveServer:
    """Start `tend serve` as its own process on a free port (logging to workdir/server.log)
    and return once it is ready; ``env`` adds or overrides ``TEND_*`` settings."""
    port = free_port()
    log = workdir / "server.log"
    env = {
        **os.environ,
        "TEND_DATABASE_URL": database_url,
        "TEND_DATA_DIR": str(data_dir or workdir / "data"),
        "TEND_PWA_DIR": str(pwa_dir),
        "TEND_LOG_FORMAT": "json",
        **(env or {}),
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
