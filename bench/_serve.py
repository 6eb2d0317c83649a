"""What bench/load.py serves besides ``tend serve``: the bare-framework baseline (a minimal
Litestar app with one msgspec JSON route), and ASGI factories for granian.

    python bench/_serve.py          # the baseline under uvicorn, as `tend serve` runs Tend

Settings come from the same ``TEND_*`` variables as Tend's (host, port, trusted proxies),
and uvicorn gets exactly the options ``tend serve`` gives it. Under granian, both apps are
wrapped in uvicorn's own ``ProxyHeadersMiddleware`` (what uvicorn adds for
``TEND_TRUSTED_PROXIES``), so that the two servers do the same work per request.
"""

from __future__ import annotations

import msgspec
from litestar import Litestar, get
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from server.settings import load_settings


class Pong(msgspec.Struct, frozen=True):
    status: str
    version: int


@get("/bare", sync_to_thread=False)
def bare() -> Pong:
    """One msgspec Struct as JSON: the least a Litestar route can do."""
    return Pong(status="ok", version=1)


app = Litestar(route_handlers=[bare], logging_config=None, debug=False)


def _behind_proxy(asgi):
    trusted = load_settings().server.trusted_proxies.replace(" ", "")
    return ProxyHeadersMiddleware(asgi, trusted_hosts=trusted) if trusted else asgi


def granian_bare():
    """Factory for ``granian --factory``: the baseline."""
    return _behind_proxy(app)


def granian_tend():
    """Factory for ``granian --factory``: Tend from the ``TEND_*`` environment."""
    from server.app import app_from_environment

    return _behind_proxy(app_from_environment())


if __name__ == "__main__":
    import uvicorn

    from server.cli import uvicorn_options

    uvicorn.run(app, **uvicorn_options(load_settings().server))
