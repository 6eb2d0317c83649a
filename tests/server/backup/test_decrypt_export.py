"""``tend decrypt-export``: a backup into the readable and JSON exports, with no server."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from server.cli import main
from tests.server.backup.helpers import PASSWORD, as_bytes, make_backup, worker_records

ITEMS = worker_records()
STEM = "tend-export-2026-11-30"
TEND = Path(sys.executable).with_name("tend")


@pytest.fixture(scope="module")
def made() -> tuple[dict, str]:
    return make_backup(ITEMS)


@pytest.fixture
def backup_file(tmp_path, made) -> Path:
    path = tmp_path / "tend-backup-2026-11-30.tendbackup"
    path.write_bytes(as_bytes(made[0]))
    return path


@pytest.fixture
def out(tmp_path) -> Path:
    path = tmp_path / "out"
    path.mkdir()
    return path


def decrypt(monkeypatch, *args: str, secret: str = PASSWORD) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{secret}\n"))
    return main(["decrypt-export", *args])


def test_it_writes_both_exports_for_her_eyes_only_and_says_what(
    monkeypatch, capsys, backup_file, out
):
    monkeypatch.setenv("TEND_PORT", "not a port")  # settings are never read
    assert decrypt(monkeypatch, str(backup_file), "--output-dir", str(out)) == 0
    html, exported = out / f"{STEM}.html", out / f"{STEM}.json"
    assert sorted(os.listdir(out)) == [html.name, exported.name]
    for path in (html, exported):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    export = json.loads(exported.read_text(encoding="utf-8"))
    expected = sorted(ITEMS, key=lambda item: (item["type"], item["updated_at"], item["id"]))
    assert export["records"] == expected
    assert '<html lang="en-GB">' in html.read_text(encoding="utf-8")
    printed = capsys.readouterr()
    assert str(html.resolve()) in printed.out
    assert str(exported.resolve()) in printed.out
    assert "12 records, by type:" in printed.out
    for line in ("checkin: 5", "journal: 2", "future-thing: 1", "plan: 1"):
        assert f"  {line}\n" in printed.out
    for content in ("handover", "Priya", "teal", "rota", PASSWORD):
        assert content not in printed.out + printed.err


def test_the_recovery_code_opens_it_too_typed_any_old_way(monkeypatch, made, backup_file, out):
    typed = made[1].lower().replace("-", " ")
    assert decrypt(monkeypatch, str(backup_file), "--output-dir", str(out), secret=typed) == 0
    assert (out / f"{STEM}.json").exists()


def test_it_writes_to_the_current_folder_by_default(monkeypatch, backup_file, out):
    monkeypatch.chdir(out)
    assert decrypt(monkeypatch, str(backup_file)) == 0
    assert sorted(os.listdir(out)) == [f"{STEM}.html", f"{STEM}.json"]


def test_it_never_overwrites_an_export_unless_forced(monkeypatch, capsys, backup_file, out):
    (out / f"{STEM}.html").write_text("kept")
    assert decrypt(monkeypatch, str(backup_file), "--output-dir", str(out)) == 1
    assert "already exists" in capsys.readouterr().err
    assert os.listdir(out) == [f"{STEM}.html"]
    assert (out / f"{STEM}.html").read_text() == "kept"

    assert decrypt(monkeypatch, str(backup_file), "--output-dir", str(out), "--force") == 0
    assert (out / f"{STEM}.html").read_text().startswith("<!doctype html>")
    assert stat.S_IMODE((out / f"{STEM}.html").stat().st_mode) == 0o600
    assert sorted(os.listdir(out)) == [f"{STEM}.html", f"{STEM}.json"]


def _altered_envelope(backup: dict) -> None:
    envelope = backup["records"][0]["envelope"]
    backup["records"][0]["envelope"] = envelope[:-2] + ("AA" if envelope[-2:] != "AA" else "BB")


def _swapped(backup: dict) -> None:
    first, second = backup["records"][1], backup["records"][2]
    first["envelope"], second["envelope"] = second["envelope"], first["envelope"]


def _edit(made, change) -> bytes:
    backup = json.loads(as_bytes(made[0]))
    change(backup)
    return as_bytes(backup)


NOT_A_BACKUP = "This file is not a Tend backup, or it is damaged."
DAMAGED = "This backup is damaged, so it can't be opened."
WRONG = "That password or recovery code does not open this backup."


@pytest.mark.parametrize(
    ("make", "secret", "message"),
    [
        (lambda made: b"hello, not JSON", PASSWORD, NOT_A_BACKUP),
        (lambda made: as_bytes(made[0])[:-40], PASSWORD, NOT_A_BACKUP),
        (lambda made: b'{"notes": ["a list"]}', PASSWORD, NOT_A_BACKUP),
        (lambda made: _edit(made, lambda b: b.update(version=2)), PASSWORD,
         "This backup was made by a newer version of Tend. Please update Tend first, "
         "then try again."),
        (lambda made: as_bytes(made[0]), "not her password", WRONG),
        (lambda made: as_bytes(made[0]), "0000-0000-0000-0000-0000-0000-0000-0000", WRONG),
        (lambda made: _edit(made, _altered_envelope), PASSWORD, DAMAGED),
        (lambda made: _edit(made, lambda b: b["records"].pop()), PASSWORD, DAMAGED),
        (lambda made: _edit(made, _swapped), PASSWORD, DAMAGED),
        (lambda made: as_bytes(make_backup(ITEMS[:1], iterations=100_000)[0]), PASSWORD,
         "This backup asks for a password check Tend never uses, so it may have been "
         "tampered with. It has not been opened."),
        (lambda made: as_bytes(made[0]), "", "No password or recovery code was given."),
    ],
    ids=["not JSON", "truncated", "JSON but not a backup", "version 2", "wrong password",
         "wrong recovery code", "a record altered", "a record removed", "records swapped",
         "too few iterations", "no secret"],
)  # fmt: skip
def test_a_backup_that_does_not_open_is_refused_in_one_clear_line_and_writes_nothing(
    monkeypatch, capsys, made, tmp_path, out, make, secret, message
):
    path = tmp_path / "backup.tendbackup"
    path.write_bytes(make(made))
    assert decrypt(monkeypatch, str(path), "--output-dir", str(out), secret=secret) == 1
    printed = capsys.readouterr()
    assert printed.err == f"tend: {message}\n"
    assert printed.out == ""
    assert os.listdir(out) == []


def test_a_missing_file_or_folder_is_named(monkeypatch, capsys, backup_file, tmp_path):
    assert decrypt(monkeypatch, str(tmp_path / "nowhere.tendbackup")) == 1
    assert "nowhere.tendbackup can't be read" in capsys.readouterr().err
    assert decrypt(monkeypatch, str(backup_file), "--output-dir", str(tmp_path / "absent")) == 1
    assert "There is no folder" in capsys.readouterr().err
    assert decrypt(monkeypatch, str(backup_file), "--time-zone", "Mars/Olympus") == 1
    assert "is not a time zone" in capsys.readouterr().err


def test_a_failed_write_leaves_no_export_behind(monkeypatch, capsys, backup_file, out):
    from server.backup import files

    real = files._write
    calls = []

    def fail_on_the_second(descriptor, data):
        calls.append(data)
        if len(calls) == 2:
            os.close(descriptor)
            raise OSError(28, "No space left on device")
        real(descriptor, data)

    monkeypatch.setattr(files, "_write", fail_on_the_second)
    assert decrypt(monkeypatch, str(backup_file), "--output-dir", str(out)) == 1
    assert "could not be written: [Errno 28] No space left on device" in capsys.readouterr().err
    assert os.listdir(out) == []


def test_the_installed_command_runs_with_no_settings_and_the_secret_on_stdin(tmp_path, made):
    (tmp_path / "backup.tendbackup").write_bytes(as_bytes(made[0]))
    env = {name: value for name, value in os.environ.items() if not name.startswith("TEND_")}
    run = subprocess.run(
        [str(TEND), "decrypt-export", "backup.tendbackup", "--time-zone", "Europe/London"],
        input=f"{PASSWORD}\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "backup.tendbackup", f"{STEM}.html", f"{STEM}.json",
    ]  # fmt: skip
    assert not (tmp_path / "data").exists(), "no database was made"
    html = (tmp_path / f"{STEM}.html").read_text(encoding="utf-8")
    assert "Written Friday 20 November 2026, 22:10" in html

    wrong = subprocess.run(
        [str(TEND), "decrypt-export", "backup.tendbackup", "--output-dir", "elsewhere"],
        input="not it\n", capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert wrong.returncode == 1
    assert "There is no folder elsewhere." in wrong.stderr
    (tmp_path / "elsewhere").mkdir()
    wrong = subprocess.run(
        [str(TEND), "decrypt-export", "backup.tendbackup", "--output-dir", "elsewhere"],
        input="not it\n", capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert wrong.returncode == 1
    assert wrong.stderr == f"tend: {WRONG}\n"
    assert "Traceback" not in wrong.stderr
    assert list((tmp_path / "elsewhere").iterdir()) == []
