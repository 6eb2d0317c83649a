"""Fixtures shared by every test: a throwaway database (SQLite, or PostgreSQL when
``TEND_TEST_DATABASE_URL`` is set) and settings that point at it."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from server.settings import Settings, load_settings

POSTGRES_URL = os.environ.get("TEND_TEST_DATABASE_URL", "")
REPO = Path(__file__).resolve().parent.parent


def _run(coroutine) -> None:
    """Run a coroutine to completion whether or not an event loop is already running."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine).result()


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(POSTGRES_URL)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def new_database_url(tmp_path_factory) -> Iterator[Callable[[], str]]:
    """Makes a fresh, empty database and returns its URL; all are dropped at the end."""
    created: list[str] = []

    def make() -> str:
        if not POSTGRES_URL:
            return f"sqlite:///{tmp_path_factory.mktemp('db') / 'tend.sqlite3'}"
        name = f"tend_test_{uuid.uuid4().hex[:16]}"
        _run(_admin(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return urlunsplit(urlsplit(POSTGRES_URL)._replace(path=f"/{name}"))

    yield make
    for name in created:
        _run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def make_settings(new_database_url, tmp_path) -> Callable[..., Settings]:
    """Settings for a fresh database, with any ``TEND_*`` overrides given."""

    def make(**overrides: str) -> Settings:
        environ = {
            "TEND_DATA_DIR": str(tmp_path / "data"),
            "TEND_DATABASE_URL": new_database_url(),
            **overrides,
        }
        return load_settings(environ=environ, env_file=None)

    return make


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run browser tests last: once Playwright's sync API starts, it keeps an event loop
    running in this process, and async server tests cannot start their own after it."""
    items.sort(key=lambda item: "tests/browser/" in item.nodeid)
