"""Builds the Tend application. Importing this module does no work."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin

from server import __version__
from server.lib.db import bind_engine, close_engine, create_engine, open_engine
from server.lib.errors import EXCEPTION_HANDLERS
from server.lib.migrations import apply_migrations
from server.lib.request_context import RequestContextMiddleware
from server.lib.security_headers import SecurityHeadersMiddleware
from server.settings import Settings, load_settings
from server.system.controllers import SystemController
from server.web.build import PwaFiles
from server.web.controllers import PwaController

logger = logging.getLogger("tend.app")


def create_app(settings: Settings) -> Litestar:
    """A Tend app for these settings; the database opens and closes with its lifespan."""
    engine = create_engine(settings.database)

    @asynccontextmanager
    async def database_lifespan(_: Litestar) -> AsyncIterator[None]:
        bind_engine(engine)
        await open_engine(engine)
        try:
            if settings.database.migrate_on_start:
                await apply_migrations(engine, settings.database)
            yield
        finally:
            await close_engine(engine)

    app = Litestar(
        route_handlers=[SystemController, PwaController],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[database_lifespan],
        state=State(
            {"settings": settings, "engine": engine, "pwa": PwaFiles(settings.paths.pwa_dir)}
        ),
        openapi_config=OpenAPIConfig(
            title="Tend",
            version=__version__,
            path="/schema",
            # Served as JSON only: the interactive renderers load scripts from CDNs.
            render_plugins=[JsonRenderPlugin(path=["/", "/openapi.json"])],
        ),
        request_max_body_size=settings.server.max_body_bytes,
        compression_config=CompressionConfig(backend="gzip", minimum_size=512),
        logging_config=None,
        debug=False,
    )
    # Outermost, so that every response (404s and 405s too) gets an id and the headers.
    app.asgi_handler = RequestContextMiddleware(
        SecurityHeadersMiddleware(app.asgi_handler, settings.server)
    )
    return app


def app_from_environment() -> Litestar:
    """Factory for ``uvicorn --factory`` and ``tend serve --reload``."""
    return create_app(load_settings())
