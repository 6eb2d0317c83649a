"""The database engines: SQLite tuned for concurrent use, PostgreSQL pooled, migrations
applied once and in turn."""

from __future__ import annotations

import asyncio
import sqlite3
import textwrap

import aiosqlite
import pytest
from piccolo.conf.apps import AppRegistry
from piccolo.querystring import QueryString

from server import piccolo_conf
from server.lib.db import (
    TendSQLiteEngine,
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
async def test_a_failing_rollback_neither_hides_the_error_nor_blocks_later_writes(
    engine, monkeypatch
):
    await query(engine, "CREATE TABLE kept (n INTEGER)")
    real_fetchall = aiosqlite.Connection.execute_fetchall
    failures: list[str] = []

    def execute_fetchall(self, sql, *args):
        if sql == "ROLLBACK" and not failures:
            failures.append(sql)
            raise sqlite3.OperationalError("disk I/O error")
        return real_fetchall(self, sql, *args)

    async def failing_write() -> None:
        async with engine.transaction():
            await query(engine, "INSERT INTO kept (n) VALUES (1)")
            raise ValueError("the service gave up")

    monkeypatch.setattr(aiosqlite.Connection, "execute_fetchall", execute_fetchall)
    with pytest.raises(ValueError, match="gave up"):
        await failing_write()
    assert failures == ["ROLLBACK"], "the rollback really failed"
    assert not engine.write_lock.locked()
    async with asyncio.timeout(2):  # the next writer rolls back what was left open
        await query(engine, "INSERT INTO kept (n) VALUES (2)")
    assert await query(engine, "SELECT n FROM kept") == [{"n": 2}]


async def _writes_until_cancelled(engine, statement_to_cancel: str) -> asyncio.Task:
    """A write transaction, cancelled while ``statement_to_cancel`` is queued."""
    reached = asyncio.Event()
    real_execute = aiosqlite.Connection.execute

    def execute(self, sql, *args):
        if sql.startswith(statement_to_cancel):
            reached.set()
        return real_execute(self, sql, *args)

    async def write() -> None:
        async with engine.transaction():
            await query(engine, "INSERT INTO visit DEFAULT VALUES")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(aiosqlite.Connection, "execute", execute)
        task = asyncio.create_task(write())
        await reached.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    return task


@sqlite_only
@pytest.mark.parametrize(("statement", "rows_after"), [("BEGIN", 0), ("COMMIT", 1)])
async def test_a_cancelled_request_leaves_the_writer_usable(engine, statement, rows_after):
    """Cancelled at BEGIN, nothing is written; at COMMIT, the commit completes. Either way
    the caller sees the cancellation and the next write works."""
    await query(engine, "CREATE TABLE visit (id INTEGER PRIMARY KEY)")
    await _writes_until_cancelled(engine, statement)
    assert not engine.write_lock.locked()
    assert not (await engine.writer()).in_transaction
    assert await query(engine, "SELECT count(*) AS c FROM visit") == [{"c": rows_after}]
    async with asyncio.timeout(2):
        await query(engine, "INSERT INTO visit DEFAULT VALUES")


@sqlite_only
async def test_a_task_outliving_its_transaction_does_not_write_into_the_next_one(engine):
    await query(engine, "CREATE TABLE event (who TEXT)")
    a_done, b_open = asyncio.Event(), asyncio.Event()

    async def late_audit() -> None:  # started inside A's transaction, runs after it ends
        await b_open.wait()
        await query(engine, "INSERT INTO event VALUES ('audit for A')")

    async def request_a() -> asyncio.Task:
        async with engine.transaction():
            await query(engine, "INSERT INTO event VALUES ('A')")
            audit = asyncio.create_task(late_audit())
        a_done.set()
        return audit

    async def failing_b() -> None:
        async with engine.transaction():
            await query(engine, "INSERT INTO event VALUES ('B')")
            b_open.set()
            await asyncio.sleep(0.05)
            raise RuntimeError("B fails and rolls back")

    async def request_b() -> None:
        await a_done.wait()
        with pytest.raises(RuntimeError):
            await failing_b()

    audit, _ = await asyncio.gather(request_a(), request_b())
    await audit
    rows = await query(engine, "SELECT who FROM event ORDER BY who")
    assert rows == [{"who": "A"}, {"who": "audit for A"}]


@sqlite_only  # asyncpg runs one statement at a time per connection, inside or out
async def test_gathering_inside_a_transaction_shares_it(engine):
    await query(engine, "CREATE TABLE pair (n INTEGER)")
    async with asyncio.timeout(5), engine.transaction():
        await asyncio.gather(
            *(query(engine, "INSERT INTO pair (n) VALUES ({})", i) for i in range(5))
        )
    assert await query(engine, "SELECT count(*) AS c FROM pair") == [{"c": 5}]


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
