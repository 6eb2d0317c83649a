"""Argon2id hashes of the keys a browser derives (the server never sees a password)."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# Argon2id as OWASP's second configuration: 12 MiB, 3 passes, 1 lane, which OWASP rates
# as strong as its first (19 MiB, 2 passes) for the same CPU (about 20 ms here) and keeps
# an instance within its memory budget while it signs people in. What is hashed is
# already a 256-bit key from PBKDF2 at 600,000 iterations, so this guards the database,
# not guesses. Hashes made with other settings carry them, and verify as they are.
_HASHER = PasswordHasher(time_cost=3, memory_cost=12 * 1024, parallelism=1)
# Verified against when there is no account, so that both answers take as long.
_DECOY = _HASHER.hash("tend decoy key")
# Each hash holds 12 MiB while it runs and keeps a core busy: more at once than there are
# cores only adds memory (200 sign-ins at once would want 2.3 GiB), never speed. Hashes
# run in a pool of their own, that size: the rest wait in its queue, holding no memory and
# no thread of the default pool, and only these threads ever hold hash memory (glibc
# gives each thread its own heap, which keeps what it once held).
AT_ONCE = max(1, min(4, os.cpu_count() or 1))
_POOL = ThreadPoolExecutor(AT_ONCE, thread_name_prefix="tend-argon2")


async def hash_key(key: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_POOL, _HASHER.hash, key)


async def verify_key(stored_hash: str | None, key: str) -> bool:
    """True if ``key`` matches; with no stored hash, spends the same time and says no."""

    def verify() -> bool:
        try:
            return _HASHER.verify(stored_hash or _DECOY, key) and stored_hash is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    return await asyncio.get_running_loop().run_in_executor(_POOL, verify)
