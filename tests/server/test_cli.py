from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from server import __version__

REPO = Path(__file__).parents[2]


def tend(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )


def test_version():
    result = tend("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"tend {__version__}"


def test_migrate_then_check_report_an_up_to_date_database(make_settings):
    settings = make_settings()
    env = {
        "TEND_DATABASE_URL": settings.database.url,
        "TEND_DATA_DIR": str(settings.paths.data_dir),
    }
    migrated = tend("migrate", **env)
    assert migrated.returncode == 0, migrated.stderr
    assert "up to date" in migrated.stdout or "Applied" in migrated.stdout

    checked = tend("check", **env)
    assert checked.returncode == 0, checked.stderr
    assert "database:   reachable" in checked.stdout
    assert "migrations: up to date" in checked.stdout
    assert "PWA:" in checked.stdout


def test_check_fails_clearly_when_the_database_is_unreachable(tmp_path):
    result = tend(
        "check",
        TEND_DATABASE_URL="postgresql://nobody:secret@127.0.0.1:1/none",
        TEND_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 1
    assert "not reachable" in result.stdout
    assert "secret" not in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_check_warns_about_a_misspelt_setting(tmp_path):
    result = tend(
        "check",
        TEND_DATA_DIR=str(tmp_path),
        TEND_DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
        TEND_DATABSE_URL="x",
    )
    assert (
        "TEND_DATABSE_URL is not a Tend setting (did you mean TEND_DATABASE_URL?)" in result.stdout
    )


def test_serve_refuses_to_start_in_one_line_when_the_database_is_unreachable(tmp_path):
    result = tend(
        "serve",
        TEND_DATABASE_URL="postgresql://nobody:secret@127.0.0.1:1/none",
        TEND_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("tend: cannot start: the database cannot be reached")
    assert "Traceback" not in result.stderr
    assert "secret" not in result.stderr


def test_setup_link_then_invite_from_the_command_line(make_settings):
    settings = make_settings()
    env = {
        "TEND_DATABASE_URL": settings.database.url,
        "TEND_DATA_DIR": str(settings.paths.data_dir),
        "TEND_PUBLIC_URL": "https://tend.example.org",
    }
    assert tend("migrate", **env).returncode == 0
    early = tend("invite", "--role", "worker", **env)
    assert early.returncode == 2
    assert "set Tend up first" in early.stderr

    link = tend("setup-link", **env)
    assert link.returncode == 0, link.stderr
    url = link.stdout.split()[-1]
    assert url.startswith("https://tend.example.org/setup#")

    import asyncio

    from server.app import create_app
    from tests.server.accounts.helpers import Keys
    from tests.server.asgi import asgi_client, running

    async def set_up() -> int:
        app = create_app(make_settings(**env))
        async with running(app), asgi_client(app) as client:
            body = {
                "token": url.split("#")[1],
                "organisation_name": "Harbour Care",
                "teams": ["Oak House"],
                "account": Keys().account("Priya", "priya@example.org"),
            }
            return (await client.post("/api/setup", json=body)).status_code

    assert asyncio.run(set_up()) == 201
    again = tend("setup-link", **env)
    assert again.returncode == 1
    assert "already set up" in again.stderr

    invited = tend(
        "invite", "--role", "worker", "--role", "supervisor", "--team", "Oak House", **env
    )
    assert invited.returncode == 0, invited.stderr
    assert "worker, supervisor in Oak House" in invited.stdout
    assert "https://tend.example.org/join#" in invited.stdout
    assert "\u2588" in invited.stdout or "\u2580" in invited.stdout, "a QR code to scan"
    unknown = tend("invite", "--role", "worker", "--team", "Birch", "--no-qr", **env)
    assert unknown.returncode == 2
    assert "no team called 'Birch' (teams: Oak House)" in unknown.stderr


def test_serve_prints_a_setup_link_on_an_empty_instance(make_settings):
    settings = make_settings()
    env = {
        **os.environ,
        "TEND_DATABASE_URL": settings.database.url,
        "TEND_DATA_DIR": str(settings.paths.data_dir),
    }
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        lines = []
        for line in process.stderr:
            lines.append(line)
            if "/setup#" in line:
                break
        assert any("Tend has no organisation yet" in line for line in lines), lines
        assert lines[-1].strip().startswith(f"http://127.0.0.1:{port}/setup#")
    finally:
        process.terminate()
        process.wait(timeout=10)
