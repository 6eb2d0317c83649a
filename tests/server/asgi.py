"""Running the app in the test's own event loop, and a client that calls it there."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from litestar import Litestar

BASE_URL = "http://testserver.local"


def asgi_client(app: Litestar, base_url: str = BASE_URL) -> httpx.AsyncClient:
    """A client that calls the app in the test's own event loop, so that tests may also
    use the database directly (a PostgreSQL pool belongs to the loop that opened it)."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url)


@asynccontextmanager
async def running(app: Litestar) -> AsyncIterator[Litestar]:
    """The app's lifespan, in this loop. It runs in a task of its own because it must
    end in the task it began in, and a fixture's set-up and tear-down are different tasks."""
    started, stop = asyncio.Event(), asyncio.Event()

    async def lifespan() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(lifespan())
    waiter = asyncio.create_task(started.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        waiter.cancel()
        task.result()  # start-up failed: raise its error
    try:
        yield app
    finally:
        stop.set()
        await task
