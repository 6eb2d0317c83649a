"""Argon2id hashing keeps to as many hashes at once as there are cores: each holds 19 MiB,
and 200 sign-ins at once must not mean 200 of them in memory."""

from __future__ import annotations

import asyncio
import threading
import time

from server.accounts import credentials


async def test_no_more_hashes_at_once_than_the_limit(monkeypatch):
    lock = threading.Lock()
    running = peak = 0

    class SlowHasher:
        def hash(self, key: str) -> str:
            nonlocal running, peak
            with lock:
                running += 1
                peak = max(peak, running)
            time.sleep(0.05)
            with lock:
                running -= 1
            return f"hashed {key}"

    monkeypatch.setattr(credentials, "_HASHER", SlowHasher())
    hashed = await asyncio.gather(*(credentials.hash_key(str(i)) for i in range(12)))
    assert hashed == [f"hashed {i}" for i in range(12)]
    assert peak == credentials._AT_ONCE._initial_value


async def test_a_real_key_still_verifies_and_a_wrong_one_does_not():
    stored = await credentials.hash_key("a key")
    assert await credentials.verify_key(stored, "a key")
    assert not await credentials.verify_key(stored, "another key")
    assert not await credentials.verify_key(None, "a key")
