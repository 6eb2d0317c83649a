"""Piccolo configuration: the registry of Tend's Piccolo apps, and the engine.

The running app binds its own engine here (``server.lib.db.bind_engine``). Piccolo's own
command line (``PICCOLO_CONF=server.piccolo_conf piccolo migrations new APP --auto``) gets
one built from the ``TEND_*`` settings on first use, so importing this module does no work.
"""

from __future__ import annotations

from typing import Any

from piccolo.conf.apps import AppRegistry

# Each domain (accounts, sync, sharing, …) adds its ``piccolo_app`` module here.
APP_REGISTRY = AppRegistry(
    apps=[
        "server.org.piccolo_app",
        "server.accounts.piccolo_app",
        "server.sync.piccolo_app",
        "server.sharing.piccolo_app",
        "server.reminders.piccolo_app",
        "server.toolkit.piccolo_app",
        "server.ownership.piccolo_app",
    ]
)


def __getattr__(name: str) -> Any:
    if name != "DB":
        raise AttributeError(name)
    from server.lib.db import create_engine
    from server.settings import load_settings

    engine = create_engine(load_settings().database)
    globals()["DB"] = engine
    return engine
