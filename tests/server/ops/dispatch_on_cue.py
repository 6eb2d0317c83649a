"""A reminder dispatcher in a process of its own that runs one tick each time a line arrives
on its standard input, and answers with how many reminders it claimed. Several of these
started together and cued at the same moment race for the same due reminders.

    python -m tests.server.ops.dispatch_on_cue CA_PEM     # settings from TEND_* variables

It prints ``ready`` once it is connected, then one number per cue; it stops when its
standard input closes.
"""

from __future__ import annotations

import asyncio
import sys

from server.lib.db import bind_engine, close_engine, create_engine, open_engine
from server.reminders.dispatcher import Dispatcher
from server.settings import load_settings


async def main(ca_path: str) -> None:
    settings = load_settings(env_file=None)
    engine = create_engine(settings.database)
    await open_engine(engine)
    bind_engine(engine)
    loop = asyncio.get_running_loop()
    try:
        async with Dispatcher(settings.push, verify=ca_path) as dispatcher:
            print("ready", flush=True)
            while await loop.run_in_executor(None, sys.stdin.readline):
                print(await dispatcher.tick(), flush=True)
    finally:
        await close_engine(engine)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
