from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from server.app import create_app


@pytest.fixture
def app(make_settings) -> Litestar:
    return create_app(make_settings())


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient]:
    async with AsyncTestClient(app=app) as client:
        yield client
