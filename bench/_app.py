"""Shared by the in-process benchmarks: made-up accounts, a count of the queries the app's
engine runs, and a PostgreSQL database of their own for a run."""

from __future__ import annotations

import base64
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from server.accounts.schemas import NewAccount, PasswordKeys, RecoveryKeys
from server.app import create_app
from server.settings import Settings, load_settings


def b64(n: int) -> str:
    return base64.urlsafe_b64encode(os.urandom(n)).rstrip(b"=").decode()


def random_account(display_name: str = "Bench", email: str = "x@example.org") -> NewAccount:
    """An account with random key material (the server only ever sees derived keys)."""
    return NewAccount(
        display_name=display_name,
        email=email,
        password=PasswordKeys(
            salt=b64(16), iterations=600_000, auth_key=b64(32), wrapped_data_key=b64(60)
        ),
        recovery=RecoveryKeys(salt=b64(16), auth_key=b64(32), wrapped_data_key=b64(60)),
    )


class QueryCounter:
    """Counts every statement the app's engine runs (sessions' lookups included). Piccolo's
    engines have slots, so the engine becomes an instance of a counting subclass."""

    def __init__(self, engine) -> None:
        counter = self

        class Counting(type(engine)):
            __slots__ = ()

            async def run_querystring(self, *args, **kwargs):
                counter.count += 1
                return await super().run_querystring(*args, **kwargs)

        self.count = 0
        engine.__class__ = Counting


async def with_own_postgres_database(
    server_url: str, work: Callable[[str], Awaitable[None]]
) -> None:
    """Run ``work(database_url)`` in a database made for it on that server, then drop it."""
    name = f"tend_bench_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            await work(urlunsplit(urlsplit(server_url)._replace(path=f"/{name}")))
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@asynccontextmanager
async def running_app(database_url: str) -> AsyncIterator[tuple[object, Settings]]:
    """Tend in this process on ``database_url`` (its data directory a temporary one),
    with its lifespan running: yields (app, settings)."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            environ={
                "TEND_DATABASE_URL": database_url,
                "TEND_DATA_DIR": tmp,
                "TEND_LOG_LEVEL": "ERROR",
            },
            env_file=None,
        )
        app = create_app(settings)
        async with app.lifespan():
            yield app, settings
