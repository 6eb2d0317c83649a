"""The database engines: SQLite tuned for concurrent use, PostgreSQL pooled, migrations
applied once and in turn."""

from __future__ import annotations

import asyncio
import sqlite3
import textwrap

import pytest
from piccolo.conf.apps import AppRegistry
from piccolo.querystring import QueryString

from server import piccolo_conf
from server.lib.db import (
    TendSQLiteEngine,
    TendSQLiteTransaction,
    bind_engine,
    close_engine,
    create_engine,
    open_engine,
)
from server.lib.migrations import apply_migrations, pending_migrations
from tests.conftest import POSTGRES_URL

sqlite_only = pytest.mark.skipif(bool(POSTGRES_URL), reason="runs in the SQLite pass of the suite")


@pytest.fixture
async def engine(make_settings):
    settings = make_settings()
    engine = create_engine(settings.database)
    await open_engine(engine)
    yield engine
    await close_engine(engine)


async def query(engine, sql: str, *args):
    return [dict(row) for row in await engine.run_querystring(QueryString(sql, *args))]


@sqlite_only
async def test_every_sqlite_connection_is_tuned(engine: TendSQLiteEngine):
    connections = [await engine.writer(), *engine._all[1:]]
    assert len(connections) == 1 + engine.reader_count
    for connection in connections:
        found = {}
        for pragma in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous"):
            [row] = await connection.execute_fetchall(f"PRAGMA {pragma}")
            found[pragma] = next(iter(row.values()))
        assert found == {
            "journal_mode": "wal",
            "busy_timeout": 5000,
            "foreign_keys": 1,
            "synchronous": 1,
        }


@sqlite_only
async def test_sqlite_write_transactions_begin_immediate(engine: TendSQLiteEngine):
    """While Tend holds a transaction, another writer is refused even before Tend writes."""
    await query(engine, "CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)")
    other = sqlite3.connect(engine.path, timeout=0, isolation_level=None)
    try:
        async with engine.transaction():
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


@sqlite_only
async def test_a_failed_sqlite_transaction_leaves_nothing_half_written(engine):
    await query(engine, "CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")

    async def two_inserts_the_second_invalid() -> None:
        async with engine.transaction():
            await query(engine, "INSERT INTO note (body) VALUES ({})", "kept?")
            await query(engine, "INSERT INTO note (body) VALUES (NULL)")

    with pytest.raises(sqlite3.IntegrityError):
        await two_inserts_the_second_invalid()
    assert await query(engine, "SELECT count(*) AS n FROM note") == [{"n": 0}]
    async with engine.transaction():  # the lock was released and the writer is usable
        await query(engine, "INSERT INTO note (body) VALUES ({})", "fine")
    assert await query(engine, "SELECT body FROM note") == [{"body": "fine"}]


async def test_concurrent_writers_and_readers_never_see_a_locked_database(engine):
    await query(engine, "CREATE TABLE tally (n INTEGER NOT NULL)")
    await query(engine, "CREATE TABLE counter (k INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
    await query(engine, "INSERT INTO counter (k, n) VALUES (1, 0)")

    async def write(i: int) -> None:
        async with engine.transaction():
            await query(engine, "INSERT INTO tally (n) VALUES ({})", i)
            await query(engine, "UPDATE counter SET n = n + 1 WHERE k = 1")

    async def read() -> None:
        await query(engine, "SELECT count(*) AS c FROM tally")

    await asyncio.gather(*(write(i) for i in range(60)), *(read() for _ in range(60)))
    assert await query(engine, "SELECT count(*) AS c FROM tally") == [{"c": 60}]
    assert await query(engine, "SELECT n FROM counter") == [{"n": 60}]


@sqlite_only
async def test_the_write_lock_is_released_even_when_rollback_fails(engine, monkeypatch):
    async def broken_rollback(self) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    async def failing_write() -> None:
        async with engine.transaction():
            raise ValueError("the service gave up")

    monkeypatch.setattr(TendSQLiteTransaction, "rollback", broken_rollback)
    with pytest.raises(sqlite3.OperationalError):
        await failing_write()
    monkeypatch.undo()
    await (await engine.writer()).execute_fetchall("ROLLBACK")
    assert not engine.write_lock.locked()
    async with asyncio.timeout(2), engine.transaction():
        await query(engine, "CREATE TABLE after_failure (id INTEGER)")


@sqlite_only
async def test_sqlite_writes_from_another_process_wait_rather_than_fail(engine):
    await query(engine, "CREATE TABLE visit (id INTEGER PRIMARY KEY)")
    script = textwrap.dedent(
        f"""
        import sqlite3
        c = sqlite3.connect({engine.path!r}, timeout=5, isolation_level=None)
        for _ in range(200):
            c.execute("BEGIN IMMEDIATE")
            c.execute("INSERT INTO visit DEFAULT VALUES")
            c.execute("COMMIT")
        """
    )
    process = await asyncio.create_subprocess_exec("python3", "-c", script)

    async def write() -> None:
        await query(engine, "INSERT INTO visit DEFAULT VALUES")

    await asyncio.gather(*(write() for _ in range(200)))
    assert await process.wait() == 0
    assert await query(engine, "SELECT count(*) AS c FROM visit") == [{"c": 400}]


@pytest.fixture
def sample_app(tmp_path, monkeypatch):
    """A throwaway Piccolo app with one table and one migration, registered for the test."""
    package = tmp_path / "sample_domain"
    (package / "piccolo_migrations").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "piccolo_migrations" / "__init__.py").write_text("")
    (package / "tables.py").write_text(
        "from piccolo.table import Table\nfrom piccolo.columns import Varchar\n\n"
        "class Sample(Table):\n    label = Varchar(length=50)\n"
    )
    (package / "piccolo_app.py").write_text(
        textwrap.dedent(
            """
            import os
            from piccolo.conf.apps import AppConfig
            from sample_domain.tables import Sample

            APP_CONFIG = AppConfig(
                app_name="sample_domain",
                migrations_folder_path=os.path.join(
                    os.path.dirname(__file__), "piccolo_migrations"
                ),
                table_classes=[Sample],
            )
            """
        )
    )
    (package / "piccolo_migrations" / "sample_2026_11_23t00_00_00_000000.py").write_text(
        textwrap.dedent(
            """
            from piccolo.apps.migrations.auto.migration_manager import MigrationManager
            from piccolo.columns.column_types import Varchar

            ID = "2026-11-23T00:00:00:000000"

            async def forwards():
                manager = MigrationManager(migration_id=ID, app_name="sample_domain")
                manager.add_table(class_name="Sample", tablename="sample")
                manager.add_column(table_class_name="Sample", tablename="sample",
                    column_name="label", db_column_name="label", column_class_name="Varchar",
                    column_class=Varchar, params={"length": 50, "default": "", "null": False,
                    "primary_key": False, "unique": False, "index": False, "index_method": None,
                    "choices": None, "db_column_name": None, "secret": False})
                return manager
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = AppRegistry(apps=["sample_domain.piccolo_app"])
    monkeypatch.setattr(piccolo_conf, "APP_REGISTRY", registry)
    return registry


async def test_migrations_apply_once_bind_tables_and_report_nothing_pending(
    sample_app, make_settings
):
    settings = make_settings()
    engine = create_engine(settings.database)
    await open_engine(engine)
    try:
        assert await pending_migrations(engine) == ["sample_domain:2026-11-23T00:00:00:000000"]
        first, second = await asyncio.gather(
            apply_migrations(engine, settings.database), apply_migrations(engine, settings.database)
        )
        assert sorted([first, second]) == [[], ["sample_domain:2026-11-23T00:00:00:000000"]]
        assert await pending_migrations(engine) == []
        bind_engine(engine)
        sample = sample_app.get_table_classes("sample_domain")[0]
        await sample.insert(sample(label="hello")).run()
        assert await sample.select(sample.label).run() == [{"label": "hello"}]
        assert sample._meta.db is engine
    finally:
        await close_engine(engine)
