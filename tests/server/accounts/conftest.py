from __future__ import annotations

import pytest

from tests.server.accounts.helpers import Browser, join, set_up


@pytest.fixture
async def admin(app, client) -> Browser:
    """Priya, the first admin of Harbour Care (the app is running: ``client`` started it)."""
    return await set_up(app)


@pytest.fixture
async def supervisor(app, admin) -> Browser:
    return await join(
        app, admin, "Claire", "claire@example.org", ("supervisor", "worker"), "Oak House"
    )


@pytest.fixture
async def worker(app, admin, supervisor) -> Browser:
    return await join(
        app, admin, "Jade", "jade@example.org", ("worker",), "Oak House", [supervisor.me["id"]]
    )
