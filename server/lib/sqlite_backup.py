"""Online backups of the SQLite database, and restoring one into an empty instance.

Both go through SQLite's backup API, never a file copy. A backup copies in one step, which
reads one consistent snapshot: in WAL mode readers do not block Tend's writer, so Tend
keeps serving and writing meanwhile. (Copying a few pages at a time would restart every
time Tend wrote, and might never finish under load.)

A backup is written to a temporary file beside its destination, switched out of WAL so it
is one self-contained file, checked (``PRAGMA integrity_check`` and Piccolo's migration
table), flushed to disk and only then renamed into place, readable by its owner only.

A restore first checks the backup (the same checks, that it is Tend's, and that it needs
no newer Tend), then takes SQLite's exclusive lock on the target, which fails while any
Tend process has that database open, and copies only into a target with no organisation
or person in it.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import tempfile
from collections.abc import Collection
from contextlib import closing, suppress
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

MIGRATION_TABLE = "migration"
TEND_TABLES = (MIGRATION_TABLE, "organisation", "person")
BUSY_TIMEOUT_MS = 5000


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why, for a person."""


@dataclasses.dataclass(frozen=True)
class DatabaseSummary:
    """What a checked database holds: enough to print, nothing personal."""

    path: Path
    size: int
    tables: int
    migrations: frozenset[tuple[str, str]]
    organisations: int
    people: int


def backup_database(source: Path, destination: Path, *, replace: bool = False) -> DatabaseSummary:
    """Copy the live database at ``source`` to ``destination`` (a file, or a folder to put
    a dated file in) and return what the checked copy holds.

    Raises:
        BackupError: nothing was written at ``destination``.
    """
    if not source.is_file():
        raise BackupError(f"there is no database at {source} (check TEND_DATABASE_URL)")
    if destination.is_dir():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        destination = destination / f"tend-{stamp}.sqlite3"
    if destination.exists() and not replace:
        raise BackupError(f"{destination} already exists (use --force to replace it)")
    if destination.resolve() == source.resolve():
        raise BackupError("the backup cannot replace the database it copies")
    try:
        descriptor, temporary = tempfile.mkstemp(
            dir=destination.parent, prefix=f".{destination.name}.", suffix=".partial"
        )
    except OSError as error:
        raise BackupError(f"cannot write beside {destination}: {error.strerror}") from None
    os.close(descriptor)  # mkstemp made it 0600; SQLite writes it from here
    partial = Path(temporary)
    try:
        with (
            closing(_connect(source)) as live,
            closing(sqlite3.connect(partial, isolation_level=None)) as copy,
        ):
            live.backup(copy)  # pages=-1: one step, one snapshot
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        summary = check_database(partial)
        _fsync(partial)
        os.chmod(partial, 0o600)
        os.replace(partial, destination)
        _fsync(destination.parent)
    except sqlite3.Error as error:
        raise BackupError(f"the backup failed: {error}") from None
    except OSError as error:
        raise BackupError(f"the backup could not be written: {error.strerror or error}") from None
    finally:
        for leftover in (partial, *_sidecars(partial)):
            with suppress(FileNotFoundError):
                leftover.unlink()
    return dataclasses.replace(summary, path=destination)


def check_database(path: Path) -> DatabaseSummary:
    """Check that ``path`` is an intact Tend database, opened read-only.

    Raises:
        BackupError: it is missing, damaged, or not Tend's.
    """
    if not path.is_file():
        raise BackupError(f"there is no file at {path}")
    try:
        with closing(sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)) as db:
            problems = [row[0] for row in db.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(f"{path} is damaged: {'; '.join(problems[:3])}")
            if _shorter_than_its_header(db, path):
                raise BackupError(f"{path} is damaged: it is shorter than it should be (cut off?)")
            tables = {
                row[0]
                for row in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            }
            missing = [name for name in TEND_TABLES if name not in tables]
            if missing:
                raise BackupError(
                    f"{path} is an SQLite database but not Tend's (it has no "
                    f"{', '.join(missing)} table)"
                )
            migrations = frozenset(
                (app, name) for app, name in db.execute("SELECT app_name, name FROM migration")
            )
            organisations, people = _counts(db)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is damaged or not an SQLite database ({error})") from None
    return DatabaseSummary(
        path, path.stat().st_size, len(tables), migrations, organisations, people
    )


def restore_database(
    source: Path, target: Path, known_migrations: Collection[tuple[str, str]]
) -> DatabaseSummary:
    """Copy the backup at ``source`` into the empty, stopped database at ``target``.

    Raises:
        BackupError: nothing was changed at ``target``.
    """
    backup = check_database(source)
    newer = sorted(backup.migrations - set(known_migrations))
    if newer:
        names = ", ".join(f"{app} {name}" for app, name in newer[:3])
        raise BackupError(
            f"{source} was made by a newer version of Tend (migrations this one does not "
            f"know: {names}); restore it with that version or a later one"
        )
    if target.exists() and target.resolve() == source.resolve():
        raise BackupError("a backup cannot be restored onto itself")
    created = not target.exists()
    if created:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        with (
            closing(_connect(target, timeout=0)) as destination,
            closing(sqlite3.connect(f"file:{quote(str(source))}?mode=ro", uri=True)) as copy,
        ):
            _lock_empty(destination, target)
            copy.backup(destination)
            # Devices' sync positions name the database they came from: a new one makes
            # every device pull again from the start, so none waits past numbers the
            # restored database has not reached (docs/sync.md).
            destination.execute("DELETE FROM server_secret WHERE name = 'sync-epoch'")
            destination.commit()
            destination.execute("PRAGMA journal_mode = WAL")
    except sqlite3.Error as error:
        if created:
            _remove(target)
        raise BackupError(f"the restore failed: {error}") from None
    except BackupError:
        if created:
            _remove(target)
        raise
    return check_database(target)


def _tend_tables() -> set[str]:
    """Every table Tend's migrations make, and Piccolo's own."""
    from server.piccolo_conf import APP_REGISTRY

    names = {MIGRATION_TABLE}
    for app in APP_REGISTRY.app_configs.values():
        names |= {table._meta.tablename for table in app.table_classes}
    return names


def _lock_empty(connection: sqlite3.Connection, target: Path) -> None:
    """Hold SQLite's exclusive lock on ``target`` until the connection closes, and make
    sure it holds nobody: a restore must never mix with, or hide, live data."""
    connection.execute("PRAGMA locking_mode = EXCLUSIVE")
    try:
        connection.execute("BEGIN EXCLUSIVE")
    except sqlite3.OperationalError as error:
        if "locked" not in str(error) and "busy" not in str(error):
            raise
        raise BackupError(
            f"the database at {target} is in use: stop Tend first (every tend serve and "
            "tend worker using it), then restore"
        ) from None
    tables = {
        row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    foreign = sorted(t for t in tables - _tend_tables() if not t.startswith("sqlite_"))
    if foreign:
        connection.execute("ROLLBACK")
        raise BackupError(
            f"the database at {target} holds tables that are not Tend's "
            f"({', '.join(foreign[:3])}): is TEND_DATA_DIR or TEND_DATABASE_URL pointing at "
            "the right place? Nothing was changed"
        )
    organisations, people = _counts(connection) if {"organisation", "person"} <= tables else (0, 0)
    connection.execute("COMMIT")  # the exclusive lock stays: locking_mode is EXCLUSIVE
    if organisations or people:
        raise BackupError(
            f"the database at {target} already holds {organisations} organisation(s) and "
            f"{people} person(s); restore only into an empty instance (point "
            "TEND_DATA_DIR or TEND_DATABASE_URL at a new place)"
        )


def _shorter_than_its_header(db: sqlite3.Connection, path: Path) -> bool:
    """A file cut short at a page boundary can pass ``integrity_check`` when the pages lost
    were free ones; its header still counts them. (In WAL mode pages may be in the -wal.)"""
    if db.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        return False
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    return path.stat().st_size < page_size * pages


def _connect(path: Path, timeout: float = BUSY_TIMEOUT_MS / 1000) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=timeout, isolation_level=None)


def _counts(connection: sqlite3.Connection) -> tuple[int, int]:
    organisations = connection.execute("SELECT count(*) FROM organisation").fetchone()[0]
    people = connection.execute("SELECT count(*) FROM person").fetchone()[0]
    return organisations, people


def _sidecars(path: Path) -> tuple[Path, ...]:
    return tuple(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))


def _remove(path: Path) -> None:
    for leftover in (path, *_sidecars(path)):
        with suppress(FileNotFoundError):
            leftover.unlink()


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
