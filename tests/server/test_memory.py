"""An instance gives Argon2id's memory back after a burst of sign-ins (issue 11: one
instance under 150 MB through the load benchmark)."""

from __future__ import annotations

import asyncio
import platform
import subprocess
import sys
import textwrap

import pytest

# Hashes a few keys at once through Tend's own hashing pool, then prints how much the
# process's resident memory grew from just after the first hash to after them all.
BURST = textwrap.dedent(
    """
    import asyncio, sys
    from server.accounts import credentials
    from server.lib.memory import return_large_allocations

    def rss_kb():
        for line in open("/proc/self/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])

    async def main():
        if sys.argv[1] == "on":
            assert return_large_allocations()
        await credentials.hash_key("warm")
        before = rss_kb()
        for _ in range(4):
            await asyncio.gather(*(credentials.hash_key(str(i)) for i in range(8)))
        print(rss_kb() - before, credentials.AT_ONCE)

    asyncio.run(main())
    """
)


def grown_kb(setting: str) -> tuple[int, int]:
    done = subprocess.run(
        [sys.executable, "-c", BURST, setting], capture_output=True, text=True, check=True
    )
    grown, at_once = done.stdout.split()
    return int(grown), int(at_once)


GLIBC_ONLY = pytest.mark.skipif(
    platform.libc_ver()[0] != "glibc", reason="glibc's allocator, read from /proc"
)


@GLIBC_ONLY
def test_argon2_memory_goes_back_after_a_burst_of_sign_ins():
    grown, _ = grown_kb("on")
    assert grown < 8 * 1024, f"grew by {grown // 1024} MiB after the burst"


@GLIBC_ONLY
def test_without_the_setting_the_hashing_threads_keep_it():
    """The check above can fail: glibc's default keeps a hash's memory per thread."""
    grown, at_once = grown_kb("off")
    if at_once < 2:
        pytest.skip("one hashing thread: its heap is the one the first hash used")
    assert grown > 10 * 1024, f"grew by only {grown // 1024} MiB"


async def test_an_instance_trims_its_heaps_while_it_runs(monkeypatch):
    from server.lib import memory

    trims = []
    monkeypatch.setattr(memory, "trim", lambda: trims.append(1) or True)
    async with memory.trimming(every=0.01):
        await asyncio.sleep(0.2)
    count = len(trims)
    await asyncio.sleep(0.05)
    assert count >= 3, "no trims while it ran"
    assert len(trims) == count, "still trimming after it stopped"
