"""Giving memory back to the system once it is free (glibc; other C libraries are left
as they are)."""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

M_MMAP_THRESHOLD = -3  # glibc's <malloc.h>
THRESHOLD_BYTES = 1 << 20
TRIM_EVERY_SECONDS = 1.0


def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        libc.mallopt, libc.malloc_trim  # noqa: B018 - both are glibc's
    except (OSError, AttributeError, TypeError):
        return None
    return libc


_LIBC = _libc()


def return_large_allocations() -> bool:
    """Serve every allocation of 1 MiB or more from a mapping of its own, unmapped when it
    is freed. True if the C library took the setting.

    By default glibc raises this threshold to the largest block freed so far (up to
    32 MiB). After the first Argon2id hash (12 MiB) is freed, later ones come from the
    hashing threads' heaps, which keep it: after a burst of sign-ins an instance stayed
    as much larger for each hashing thread, for good. Setting the threshold also stops it
    moving."""
    return _LIBC is not None and bool(_LIBC.mallopt(M_MMAP_THRESHOLD, THRESHOLD_BYTES))


def trim() -> bool:
    """Hand the free pages inside the C heaps back to the system. True if any were."""
    return _LIBC is not None and bool(_LIBC.malloc_trim(0))


@asynccontextmanager
async def trimming(every: float = TRIM_EVERY_SECONDS) -> AsyncIterator[None]:
    """Trim the heaps every ``every`` seconds while the block runs.

    Requests leave small free gaps all through the heap, which glibc keeps: 200 people
    opening the supervisees page at once left an instance 25 MB larger for good (a
    measured 96 -> 126 MB, and back to 102 MB on a trim). A trim takes a few milliseconds,
    in a thread (ctypes lets go of the GIL), so requests go on meanwhile."""
    if _LIBC is None:
        yield
        return

    async def run() -> None:
        while True:
            await asyncio.sleep(every)
            await asyncio.to_thread(trim)

    task = asyncio.create_task(run(), name="tend-memory-trim")
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
