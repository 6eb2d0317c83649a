from __future__ import annotations

import pytest

from tests.push_service import PushService


@pytest.fixture(scope="session")
def push_service():
    """A local push service (HTTPS, VAPID-checking, decrypting) for the whole session."""
    with PushService() as service:
        yield service


@pytest.fixture
def pushes(push_service):
    push_service.reset()
    return push_service
