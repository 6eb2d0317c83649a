"""Argon2id hashing keeps to as many hashes at once as there are cores: each holds 12 MiB,
and 200 sign-ins at once must not mean 200 of them in memory."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from server.accounts import credentials


async def test_no_more_hashes_at_once_than_the_limit(monkeypatch):
    limit = credentials.AT_ONCE
    lock = threading.Lock()
    release, at_limit, past_limit = threading.Event(), threading.Event(), threading.Event()
    running = 0

    class HeldHasher:
        """Each hash is held until the test lets go, so every hash the cap lets in is
        running at once: without the cap, a whole thread pool's workers would be."""

        def hash(self, key: str) -> str:
            nonlocal running
            with lock:
                running += 1
                if running >= limit:
                    at_limit.set()
                if running > limit:
                    past_limit.set()
            release.wait(timeout=10)
            with lock:
                running -= 1
            return f"hashed {key}"

    monkeypatch.setattr(credentials, "_HASHER", HeldHasher())
    hashing = asyncio.gather(*(credentials.hash_key(str(i)) for i in range(12)))
    loop = asyncio.get_running_loop()
    # Watched from a thread of its own, outside any pool the hashes might be using.
    with ThreadPoolExecutor(1) as watcher:
        assert await loop.run_in_executor(watcher, at_limit.wait, 5)
        beyond = await loop.run_in_executor(watcher, past_limit.wait, 0.3)
    release.set()
    assert await hashing == [f"hashed {i}" for i in range(12)]
    assert not beyond, f"more than {limit} hashes ran at once"


async def test_a_real_key_still_verifies_and_a_wrong_one_does_not():
    stored = await credentials.hash_key("a key")
    assert await credentials.verify_key(stored, "a key")
    assert not await credentials.verify_key(stored, "another key")
    assert not await credentials.verify_key(None, "a key")
