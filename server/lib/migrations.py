"""Apply Piccolo migrations, one process at a time.

Several instances may start together: a PostgreSQL advisory lock (or, for SQLite, a file
lock beside the database) makes them take turns, and each finds the others' work done.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import io
import logging
import os
from collections.abc import AsyncIterator

import asyncpg
from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.apps.migrations.tables import Migration
from piccolo.engine.base import Engine

from server.lib.db import bind_engine
from server.settings import DatabaseSettings

logger = logging.getLogger("tend.migrations")
ADVISORY_LOCK_KEY = 0x54454E44  # "TEND"


class MigrationError(Exception):
    """A migration failed; the database is left as it was before that migration."""


async def pending_migrations(engine: Engine) -> list[str]:
    """``app:migration_id`` for every migration not yet applied, in order."""
    bind_engine(engine)
    applied: set[tuple[str, str]] = set()
    if await Migration.table_exists().run():
        rows = await Migration.select(Migration.app_name, Migration.name).run()
        applied = {(row["app_name"], row["name"]) for row in rows}
    return [f"{app}:{name}" for app, name in known_migrations() if (app, name) not in applied]


def known_migrations() -> list[tuple[str, str]]:
    """``(app, migration_id)`` for every migration this version of Tend has, in order."""
    os.environ["PICCOLO_CONF"] = "server.piccolo_conf"
    manager = BaseMigrationManager()
    known = []
    for app_name in manager.get_sorted_app_names():
        folder = manager.get_app_config(app_name).resolved_migrations_folder_path
        ids = manager.get_migration_ids(manager.get_migration_modules(folder))
        known += [(app_name, i) for i in ids]
    return known


async def apply_migrations(engine: Engine, database: DatabaseSettings) -> list[str]:
    """Apply every pending migration; return what was applied."""
    async with _exclusive(database):
        pending = await pending_migrations(engine)
        if not pending:
            await Migration.create_table(if_not_exists=True).run()
            return []
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            result = await run_forwards(app_name="all")
        for line in filter(None, (line.strip() for line in output.getvalue().splitlines())):
            logger.debug("piccolo", extra={"fields": {"output": line}})
        if not result.success:
            raise MigrationError(result.message or "a migration failed")
        logger.info("migrations applied", extra={"fields": {"applied": pending}})
        return pending


@contextlib.asynccontextmanager
async def _exclusive(database: DatabaseSettings) -> AsyncIterator[None]:
    if database.is_sqlite:
        lock_path = database.sqlite_path.with_name(database.sqlite_path.name + ".migrate-lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with lock_path.open("a") as lock_file:
            await asyncio.to_thread(fcntl.flock, lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)
        return
    connection = await asyncpg.connect(dsn=database.url, timeout=10)
    try:
        await connection.execute("SELECT pg_advisory_lock($1)", ADVISORY_LOCK_KEY)
        try:
            yield
        finally:
            await connection.execute("SELECT pg_advisory_unlock($1)", ADVISORY_LOCK_KEY)
    finally:
        await connection.close()
