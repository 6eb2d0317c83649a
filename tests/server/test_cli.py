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
