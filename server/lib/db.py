"""Database engines: SQLite (embedded default) and PostgreSQL, both through Piccolo.

Piccolo's stock ``SQLiteEngine`` opens a new connection (and thread) for every query
outside a transaction, sets no WAL, and begins transactions ``DEFERRED``. Tend's engine
keeps connections for the life of the app instead: one writer, serialised by a lock, and a
few readers; every connection uses WAL, ``synchronous=NORMAL``, a busy timeout and foreign
keys, and every write begins ``IMMEDIATE`` so it takes the write lock up front rather than
failing half-way on a lock upgrade.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import sqlite3
from collections.abc import Awaitable
from contextlib import suppress
from contextvars import ContextVar, Token
from pathlib import Path
from typing import Any

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import (
    SQLiteEngine,
    SQLiteTransaction,
    TransactionType,
    dict_factory,
)
from piccolo.querystring import QueryString

from server.settings import DatabaseSettings

logger = logging.getLogger("tend.db")
BUSY_TIMEOUT_MS = 5000
SQLITE_READERS = 2
POSTGRES_POOL_MAX = 10
_READ_PREFIXES = ("SELECT", "EXPLAIN")


async def _to_completion(awaitable: Awaitable[Any]) -> Any:
    """Await a statement that must finish even if the caller is cancelled.

    aiosqlite runs a queued statement whatever happens to the coroutine awaiting it, so a
    cancelled ``BEGIN`` or ``COMMIT`` still happens. Waiting for it keeps the connection's
    state known; the cancellation is re-raised afterwards.
    """
    task = asyncio.ensure_future(awaitable)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        with suppress(Exception):
            await task
        raise


class _LiveTransaction:
    """Piccolo's ``current_transaction`` context variable, forgetting ended transactions.

    Tasks started inside a transaction inherit the variable. While it is open they share
    it (``gather`` inside a transaction works); once it has ended they must not keep using
    the writer as if they held its lock, so for them there is no transaction.
    """

    def __init__(self, name: str) -> None:
        self._var: ContextVar[TendSQLiteTransaction | None] = ContextVar(name, default=None)

    def get(self) -> TendSQLiteTransaction | None:
        transaction = self._var.get()
        return None if transaction is None or transaction.finished else transaction

    def set(self, transaction: TendSQLiteTransaction | None) -> Token:
        return self._var.set(transaction)

    def reset(self, token: Token) -> None:
        self._var.reset(token)


class TendSQLiteTransaction(SQLiteTransaction):
    """A write transaction on the engine's single writer connection, held under its lock.

    Always ``IMMEDIATE`` (``EXCLUSIVE`` if asked): the writer takes SQLite's write lock
    before it reads, so it never fails half-way on a lock upgrade.
    """

    engine: TendSQLiteEngine

    def __init__(
        self,
        engine: TendSQLiteEngine,
        transaction_type: TransactionType = TransactionType.immediate,
        allow_nested: bool = True,
    ) -> None:
        if transaction_type is not TransactionType.exclusive:
            transaction_type = TransactionType.immediate
        super().__init__(engine, transaction_type=transaction_type, allow_nested=allow_nested)
        self.finished = False

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        await self.engine.write_lock.acquire()
        try:
            self.connection = await self.engine.writer()
            if self.connection.in_transaction:  # left open by a failure elsewhere
                await _to_completion(self.connection.execute_fetchall("ROLLBACK"))
            await _to_completion(self.begin())
        except BaseException:
            await self._abandon()
            self.engine.write_lock.release()
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception is None and not (self._committed or self._rolled_back):
                try:
                    await _to_completion(self.commit())
                except BaseException:
                    await self._abandon()
                    raise
            else:
                await self._abandon()
        finally:
            self.finished = True
            self.engine.current_transaction.reset(self.context)
            self.engine.write_lock.release()
        return exception is None

    async def _abandon(self) -> None:
        """Roll back if a transaction is still open; a failure here must not hide the first."""
        connection = getattr(self, "connection", None)
        if connection is None or not connection.in_transaction:
            return
        try:
            await _to_completion(connection.execute_fetchall("ROLLBACK"))
            self._rolled_back = True
        except Exception:
            logger.exception("rollback failed; the next transaction will retry it")


async def _close_all(connections: list[aiosqlite.Connection]) -> None:
    for connection in connections:
        with suppress(sqlite3.Error, ValueError):
            await connection.close()


class TendSQLiteEngine(SQLiteEngine):
    """SQLite with long-lived, tuned connections: one writer and a small pool of readers."""

    def __init__(self, path: str | Path, readers: int = SQLITE_READERS) -> None:
        if sqlite3.sqlite_version_info < (3, 35):  # RETURNING, used throughout
            raise RuntimeError(f"Tend needs SQLite 3.35 or later, not {sqlite3.sqlite_version}.")
        super().__init__(path=str(path), timeout=BUSY_TIMEOUT_MS / 1000)
        self.current_transaction = _LiveTransaction(f"tend_sqlite_transaction_{path}")  # type: ignore[assignment]
        self.reader_count = readers
        self.write_lock = asyncio.Lock()
        self._open_lock = asyncio.Lock()
        self._writer: aiosqlite.Connection | None = None
        self._readers: asyncio.Queue[aiosqlite.Connection] | None = None
        self._all: list[aiosqlite.Connection] = []

    async def get_connection(self) -> aiosqlite.Connection:
        """A new, fully configured connection (Piccolo uses this for batches)."""
        connection = await aiosqlite.connect(**self.connection_kwargs)
        connection.row_factory = dict_factory  # type: ignore[assignment]
        for pragma in (
            f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
            "PRAGMA synchronous = NORMAL",
            "PRAGMA foreign_keys = ON",
        ):
            await connection.execute_fetchall(pragma)
        return connection

    async def start_connection_pool(self, **_: Any) -> None:
        """Open the writer (switching the file to WAL) and the readers."""
        async with self._open_lock:
            if self._writer is not None:
                return
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            opened: list[aiosqlite.Connection] = []
            try:
                writer = await self.get_connection()
                opened.append(writer)
                await writer.execute_fetchall("PRAGMA journal_mode = WAL")
                readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
                for _ in range(self.reader_count):
                    reader = await self.get_connection()
                    opened.append(reader)
                    readers.put_nowait(reader)
            except BaseException:
                await _close_all(opened)
                raise
            self._all, self._writer, self._readers = opened, writer, readers

    async def close_connection_pool(self) -> None:
        """Close every connection once any write under way has finished; the last one to
        close checkpoints the WAL."""
        async with self._open_lock, self.write_lock:
            connections, self._all = self._all, []
            self._writer = self._readers = None
            await _close_all(connections)

    async def writer(self) -> aiosqlite.Connection:
        if self._writer is None:
            await self.start_connection_pool()
        assert self._writer is not None
        return self._writer

    async def _reader_pool(self) -> asyncio.Queue[aiosqlite.Connection]:
        if self._readers is None:
            await self.start_connection_pool()
        assert self._readers is not None
        return self._readers

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> list[dict[str, Any]]:
        """Run one statement outside a transaction: reads on a reader, writes on the writer."""
        args = args or []
        if query.lstrip().upper().startswith(_READ_PREFIXES):
            readers = await self._reader_pool()
            connection = await readers.get()
            try:
                return list(await connection.execute_fetchall(query, args))
            finally:
                readers.put_nowait(connection)
        async with self.transaction() as transaction:
            return list(await transaction.connection.execute_fetchall(query, args))

    async def _run_in_existing_connection(
        self,
        connection: aiosqlite.Connection,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> list[dict[str, Any]]:
        """One statement in the open transaction, in one trip to the connection's thread.

        Piccolo's own takes four (``PRAGMA foreign_keys`` again, execute, fetch, close the
        cursor); each trip wakes the event loop from another thread, and under load each
        is a turn of the loop while the write lock is held. Every connection already has
        foreign keys on, and SQLite (3.35 and later) returns inserted keys itself."""
        return list(await connection.execute_fetchall(query, args or []))

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.immediate,
        allow_nested: bool = True,
    ) -> TendSQLiteTransaction:
        """A write transaction: ``BEGIN IMMEDIATE`` (``EXCLUSIVE`` if asked)."""
        return TendSQLiteTransaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )


def create_engine(database: DatabaseSettings) -> Engine:
    """The engine the settings ask for. Opens nothing: see :func:`open_engine`."""
    if database.is_sqlite:
        return TendSQLiteEngine(database.sqlite_path)
    return PostgresEngine(config={"dsn": database.url}, extensions=())


async def open_engine(engine: Engine) -> None:
    """Open connections for the life of the app.

    PostgreSQL's pool starts empty, so an unreachable server does not stop Tend from
    starting: ``/ready`` reports it, and connections come once the server is back.
    """
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(
            min_size=0, max_size=POSTGRES_POOL_MAX, timeout=5, command_timeout=30
        )
    else:
        await engine.start_connection_pool()


async def close_engine(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine):
        if engine.pool is not None:
            await engine.close_connection_pool()
    else:
        await engine.close_connection_pool()


async def ping(engine: Engine, within: float = 2.0) -> None:
    """Raise if the database does not answer a trivial query within ``within`` seconds."""
    async with asyncio.timeout(within):
        await engine.run_querystring(QueryString("SELECT 1"))


def _storage_away(error: BaseException) -> bool:
    """This one error, on its own, says the database or Redis is away just now."""
    import socket

    import asyncpg
    import redis.exceptions

    if isinstance(
        error,
        ConnectionError  # refused, reset, aborted: the server is not there
        | TimeoutError
        | socket.gaierror  # its host name stopped resolving (a container restarting)
        | asyncpg.PostgresConnectionError
        | asyncpg.exceptions.OperatorInterventionError
        | asyncpg.exceptions.InsufficientResourcesError
        | redis.exceptions.ConnectionError
        | redis.exceptions.TimeoutError,
    ):
        return True
    if isinstance(error, OSError) and error.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
        return True
    if isinstance(error, asyncpg.InterfaceError) and "connection is closed" in str(error):
        return True
    # The server ended a connection between two statements (a fast shutdown): asyncpg is
    # left waiting out the error and refuses the next statement with this.
    if isinstance(error, asyncpg.InternalClientError):
        return True
    return isinstance(error, sqlite3.OperationalError) and "database is locked" in str(error)


def unavailable(error: BaseException) -> bool:
    """Whether ``error`` means the database cannot be used just now (stopped, restarting,
    the connection cut, out of connections, or SQLite's lock held past the busy timeout)
    rather than a fault in Tend: worth a 503 and another try, not a 500. Redis (shared
    rate limits) that cannot be reached counts too.

    Only what the error was raised *from* is followed, and an error it was raised *while
    handling* only when that is itself such an error: a real bug met while cleaning up
    after an outage stays a 500."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if _storage_away(cause):
            return True
        context = cause.__context__
        cause = cause.__cause__ or (
            context if context is not None and _storage_away(context) else None
        )
    return False


def bind_engine(engine: Engine) -> None:
    """Make ``engine`` the one every Tend table, and Piccolo's migration runner, uses."""
    from piccolo.apps.migrations.tables import Migration

    from server import piccolo_conf

    os.environ["PICCOLO_CONF"] = "server.piccolo_conf"
    piccolo_conf.DB = engine
    Migration._meta.db = engine
    for app_config in piccolo_conf.APP_REGISTRY.app_configs.values():
        for table in app_config.table_classes:
            table._meta.db = engine
