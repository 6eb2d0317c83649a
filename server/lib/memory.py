"""Giving large blocks of memory back to the system as soon as they are freed (glibc)."""

from __future__ import annotations

import ctypes
import ctypes.util

M_MMAP_THRESHOLD = -3  # glibc's <malloc.h>
THRESHOLD_BYTES = 1 << 20


def return_large_allocations() -> bool:
    """Serve every allocation of 1 MiB or more from a mapping of its own, unmapped when it
    is freed. True if the C library took the setting.

    By default glibc raises this threshold to the largest block freed so far (up to
    32 MiB). After the first Argon2id hash (19 MiB) is freed, later ones come from the
    hashing threads' heaps, which keep it: after a burst of sign-ins an instance stayed
    19 MiB larger for each hashing thread, for good. Setting the threshold
    also stops it moving. Other C libraries (musl, macOS) are left as they are."""
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c")).mallopt
    except (OSError, AttributeError, TypeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, THRESHOLD_BYTES))
