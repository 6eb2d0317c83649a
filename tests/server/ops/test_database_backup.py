"""``tend backup`` and ``tend restore``: an online SQLite backup taken while Tend is
serving and writing restores into a working instance, and restore refuses what it must."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
import uuid
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from server.accounts.sessions import cookie_name
from server.app import create_app
from server.lib.migrations import known_migrations
from server.lib.sqlite_backup import BackupError, restore_database
from tests.conftest import REPO
from tests.live import start_server
from tests.server.sync.test_sync import change

WRITES_BEFORE_BACKUP = 200  # records acknowledged before the backup starts
BATCH = 5


def tend(*args: str, database: Path | str) -> subprocess.CompletedProcess[str]:
    """Run ``tend`` on the SQLite database at ``database`` (or a URL) as its own process."""
    env = {**os.environ, "TEND_DATABASE_URL": str(database)}
    if isinstance(database, Path):
        env.update(TEND_DATABASE_URL=f"sqlite:///{database}", TEND_DATA_DIR=str(database.parent))
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )


@pytest.fixture
def live_db(tmp_path) -> Path:
    return tmp_path / "live" / "tend.sqlite3"


@pytest.fixture
def app(make_settings, live_db):
    """The usual app, always on SQLite (these commands are about SQLite files)."""
    return create_app(
        make_settings(
            TEND_DATABASE_URL=f"sqlite:///{live_db}",
            TEND_DATA_DIR=str(live_db.parent),
            TEND_DISPATCHER="false",
        )
    )


class Writer(threading.Thread):
    """Pushes batches of new records to a live server until stopped, remembering each
    batch the server acknowledged, in order."""

    def __init__(self, url: str, cookies: dict, csrf: str) -> None:
        super().__init__(daemon=True)
        self.client = httpx.Client(
            base_url=url, cookies=cookies, headers={"x-csrf-token": csrf}, timeout=30
        )
        self.sent: dict[str, str] = {}  # record id -> ciphertext
        self.batches: list[list[str]] = []  # acknowledged, in order
        self.failures: list[str] = []
        self.stop = threading.Event()
        self.warmed_up = threading.Event()

    def acknowledged(self) -> set[str]:
        return {record_id for batch in list(self.batches) for record_id in batch}

    def run(self) -> None:
        with self.client:
            while not self.stop.is_set():
                mutations = [change() for _ in range(BATCH)]
                self.sent.update({m["record_id"]: m["ciphertext"] for m in mutations})
                answer = self.client.post("/api/sync/push", json={"mutations": mutations})
                statuses = [r["status"] for r in answer.json().get("results", [])]
                if answer.status_code != 200 or statuses != ["applied"] * BATCH:
                    self.failures.append(f"{answer.status_code}: {answer.text[:200]}")
                    return
                self.batches.append([m["record_id"] for m in mutations])
                if len(self.batches) * BATCH >= WRITES_BEFORE_BACKUP:
                    self.warmed_up.set()


def pull_everything(
    url: str, email: str, auth_key: str, device_cursor: str | None = None
) -> tuple[list[dict], str]:
    """Sign in afresh on ``url`` and pull every change; first, if given, try a position a
    device held (from before a restore): it must be refused, so that the device starts
    again rather than skip changes."""
    with httpx.Client(base_url=url, timeout=30) as client:
        signed_in = client.post("/api/auth/sign-in", json={"email": email, "auth_key": auth_key})
        assert signed_in.status_code == 200, signed_in.text
        if device_cursor is not None:
            stale = client.get(f"/api/sync/changes?cursor={device_cursor}")
            assert stale.status_code == 400, stale.text
            assert stale.json()["code"] == "bad_cursor"
        changes, cursor = [], ""
        while True:
            page = client.get(f"/api/sync/changes?cursor={cursor}&limit=200")
            assert page.status_code == 200, page.text
            changes += page.json()["changes"]
            cursor = page.json()["cursor"]
            if not page.json()["more"]:
                return changes, cursor


async def test_a_backup_taken_under_write_load_restores_to_a_working_instance(
    app, worker, live_db, tmp_path
):
    settings = app.state.settings
    live = start_server(settings.database.url, tmp_path, data_dir=live_db.parent)
    restored_server = None
    name = cookie_name(settings.accounts)
    writer = Writer(live.url, {name: worker.client.cookies[name]}, worker.csrf)
    try:
        writer.start()
        assert writer.warmed_up.wait(timeout=20), writer.failures
        before = writer.acknowledged()
        made = tend("backup", str(tmp_path / "tend-backup.sqlite3"), database=live_db)
        after = writer.acknowledged()
        writer.stop.set()
        writer.join(timeout=30)
        assert made.returncode == 0, made.stderr
        assert not writer.failures, writer.failures
        assert len(after) > len(before), "writes went on while the backup ran"
        # A device that pulled everything from the live server, after the backup.
        _, device_cursor = pull_everything(live.url, worker.me["email"], worker.keys.auth_key)
        assert "size:" in made.stdout
        assert "tables:" in made.stdout

        backup = tmp_path / "tend-backup.sqlite3"
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600
        assert not list(tmp_path.glob(".tend-backup*")), "no temporary file left behind"
        with closing(sqlite3.connect(backup)) as db:
            in_backup = {row[0] for row in db.execute("SELECT id FROM record")}

        fresh = tmp_path / "fresh" / "tend.sqlite3"
        restored = tend("restore", str(backup), database=fresh)
        assert restored.returncode == 0, restored.stderr
        assert "1 organisation(s), 3 person(s)" in restored.stdout

        workdir = tmp_path / "restored"
        workdir.mkdir()
        restored_server = start_server(f"sqlite:///{fresh}", workdir, data_dir=fresh.parent)
        changes, _ = pull_everything(
            restored_server.url, worker.me["email"], worker.keys.auth_key, device_cursor
        )
        ids = [c["record_id"] for c in changes]
        assert len(ids) == len(set(ids)) == len(in_backup)
        assert set(ids) == {str(uuid.UUID(i)) for i in in_backup}
        assert before <= set(ids), "everything acknowledged before the backup is in it"
        assert all(c["ciphertext"] == writer.sent[c["record_id"]] for c in changes)
        whole_batches = [b for b in writer.batches if set(b) & set(ids)]
        assert set(ids) == {i for b in whole_batches for i in b}, "each push all or nothing"

        again = tend("restore", str(backup), database=fresh)
        assert again.returncode == 1
        assert "in use: stop Tend first" in again.stderr
    finally:
        writer.stop.set()
        live.stop()
        if restored_server:
            restored_server.stop()


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> tuple[Path, Path, Path]:
    """A migrated, empty Tend database; one holding an organisation; and a ``tend backup``
    of the second, made into a folder (so a dated file). Tests change copies only."""
    folder = tmp_path_factory.mktemp("saved")
    source = folder / "live" / "tend.sqlite3"
    migrated = tend("migrate", database=source)
    assert migrated.returncode == 0, migrated.stderr
    empty = shutil.copy(source, folder / "empty.sqlite3")  # nothing has it open
    with closing(sqlite3.connect(source)) as db, db:
        db.execute(
            "INSERT INTO organisation (id, name, created_at) VALUES (?, 'Harbour Care', ?)",
            (str(uuid.uuid4()), "2026-11-30 09:00:00"),
        )
    made = tend("backup", str(folder), database=source)
    assert made.returncode == 0, made.stderr
    (backup,) = folder.glob("tend-*.sqlite3")
    return Path(empty), source, backup


def test_restore_only_into_an_empty_instance(saved, tmp_path):
    empty, source, backup = saved
    assert tend("backup", str(backup), database=source).returncode == 1, "never replaced"

    refused = tend("restore", str(backup), database=source)
    assert refused.returncode == 1
    assert "already holds 1 organisation(s) and 0 person(s)" in refused.stderr
    assert "empty instance" in refused.stderr

    # Another app's database (a wrong TEND_DATA_DIR): never overwritten, even when empty.
    foreign = tmp_path / "other" / "tend.sqlite3"
    foreign.parent.mkdir()
    with closing(sqlite3.connect(foreign)) as db, db:
        db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    before = foreign.read_bytes()
    refused = tend("restore", str(backup), database=foreign)
    assert refused.returncode == 1
    assert "holds tables that are not Tend's (invoices)" in refused.stderr
    assert foreign.read_bytes() == before

    migrated_only = Path(shutil.copy(empty, tmp_path / "tend.sqlite3"))  # e.g. started once
    restored = tend("restore", str(backup), database=migrated_only)
    assert restored.returncode == 0, restored.stderr
    assert "migrations: up to date" in restored.stdout
    with closing(sqlite3.connect(migrated_only)) as db:
        assert db.execute("SELECT name FROM organisation").fetchall() == [("Harbour Care",)]


def test_a_damaged_or_foreign_source_is_refused_and_nothing_is_written(saved, tmp_path):
    _, _, good = saved
    truncated = tmp_path / "truncated.sqlite3"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    target = tmp_path / "target" / "tend.sqlite3"
    refused = tend("restore", str(truncated), database=target)
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"tend: nothing was restored: {truncated} is damaged")
    assert refused.stderr.count("\n") == 1, "one line"
    assert "Traceback" not in refused.stderr
    assert not target.exists()

    noise = tmp_path / "noise.sqlite3"
    noise.write_bytes(os.urandom(8192))
    foreign = tmp_path / "foreign.sqlite3"
    with closing(sqlite3.connect(foreign)) as db, db:
        db.execute("CREATE TABLE notes (body TEXT)")
    newer = Path(shutil.copy(good, tmp_path / "newer.sqlite3"))
    with closing(sqlite3.connect(newer)) as db, db:
        db.execute(
            "INSERT INTO migration (name, app_name, ran_on) "
            "VALUES ('2099-01-01T00:00:00:000000', 'sync', '2099-01-01 00:00:00')"
        )
    reasons = {
        noise: "is damaged or not an SQLite database (file is not a database)",
        foreign: "not Tend's (it has no migration, organisation, person table)",
        newer: "made by a newer version of Tend",
        tmp_path / "missing.sqlite3": "there is no file at",
    }
    for source, reason in reasons.items():
        with pytest.raises(BackupError, match=re.escape(reason)):
            restore_database(source, target, known_migrations())
        assert not target.exists()


def test_on_postgresql_backup_and_restore_point_to_pg_dump_and_exit_2(tmp_path):
    url = "postgresql://tend:secret@127.0.0.1:1/tend"
    backed_up = tend("backup", str(tmp_path / "x.sqlite3"), database=url)
    assert backed_up.returncode == 2
    assert "SQLite databases only" in backed_up.stderr
    assert "pg_dump --format=custom" in backed_up.stderr
    assert "secret" not in backed_up.stderr
    assert not (tmp_path / "x.sqlite3").exists()

    restored = tend("restore", str(tmp_path / "x.dump"), database=url)
    assert restored.returncode == 2
    assert "pg_restore" in restored.stderr
    assert "tend migrate" in restored.stderr
