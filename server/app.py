"""Builds the Tend application. Importing this module does no work."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar, Router
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin

from server import __version__
from server.accounts.controllers import (
    AccountController,
    AuthController,
    InvitationController,
    SessionController,
)
from server.accounts.sessions import SessionMiddleware
from server.lib.db import bind_engine, close_engine, create_engine, open_engine
from server.lib.errors import EXCEPTION_HANDLERS, declare_error_responses
from server.lib.memory import return_large_allocations, trimming
from server.lib.metrics import RequestMetricsMiddleware
from server.lib.migrations import apply_migrations
from server.lib.request_context import RequestContextMiddleware
from server.lib.requests import require_same_origin
from server.lib.security_headers import SecurityHeadersMiddleware
from server.lib.throttle import Limiter, create_limiter
from server.org.controllers import AdminController, SetupController, SupervisionController
from server.ownership.controllers import AdminDeletionController, OwnershipController
from server.reflection.controllers import ReflectionController
from server.reflection.instrument import load_instrument
from server.reminders.controllers import PushHealthController, RemindersController
from server.reminders.dispatcher import Dispatcher
from server.reminders.keys import ensure_key
from server.settings import Settings, load_settings
from server.sharing.controllers import (
    PrivacyController,
    SharingController,
    SupervisorController,
)
from server.sharing.insights_controller import InsightsController
from server.sync.controllers import SyncController
from server.system.controllers import SystemController
from server.system.metrics import MetricsController
from server.toolkit.controllers import (
    LibraryController,
    SupportResourcesController,
    ToolkitController,
)
from server.web.build import PwaFiles
from server.web.controllers import PRECOMPRESSED, PwaController

logger = logging.getLogger("tend.app")


def create_app(settings: Settings) -> Litestar:
    """A Tend app for these settings; the database opens and closes with its lifespan."""
    return_large_allocations()  # each Argon2id hash's 12 MiB goes back to the system
    engine = create_engine(settings.database)
    limiter = create_limiter(settings.redis.url)

    @asynccontextmanager
    async def database_lifespan(_: Litestar) -> AsyncIterator[None]:
        bind_engine(engine)
        await open_engine(engine)
        try:
            if settings.database.migrate_on_start:
                await apply_migrations(engine, settings.database)
            yield
        finally:
            await limiter.close()
            await close_engine(engine)

    @asynccontextmanager
    async def memory_lifespan(_: Litestar) -> AsyncIterator[None]:
        async with trimming():
            yield

    @asynccontextmanager
    async def dispatcher_lifespan(app: Litestar) -> AsyncIterator[None]:
        """Make the VAPID key if there is none; send reminders from this process unless
        ``TEND_DISPATCHER`` is off (``tend worker`` processes do it then)."""
        try:
            await ensure_key(settings.push)
        except Exception as error:  # the database may be down: made on first need instead
            logger.warning("no VAPID key yet", extra={"fields": {"error": type(error).__name__}})
        if not settings.push.dispatcher:
            yield
            return
        stop = asyncio.Event()
        async with Dispatcher(settings.push) as dispatcher:
            app.state.dispatcher = dispatcher
            task = asyncio.create_task(dispatcher.run(stop), name="tend-dispatcher")
            try:
                yield
            finally:
                stop.set()
                await task
                app.state.dispatcher = None

    def provide_limiter() -> Limiter:
        return limiter

    api = Router(
        path="/api",
        route_handlers=[
            AuthController,
            SessionController,
            AccountController,
            InvitationController,
            SetupController,
            AdminController,
            SupervisionController,
            SyncController,
            ReflectionController,
            SharingController,
            SupervisorController,
            PrivacyController,
            InsightsController,
            RemindersController,
            PushHealthController,
            ToolkitController,
            SupportResourcesController,
            LibraryController,
            OwnershipController,
            AdminDeletionController,
        ],
        # Every API route needs a session unless its handler opts out.
        middleware=[DefineMiddleware(SessionMiddleware, exclude_from_auth_key="exclude_from_auth")],
        # Never kept by a browser unless a handler says otherwise (the toolkit revalidates).
        response_headers={"cache-control": "no-store"},
    )
    # Without a token /metrics does not exist (a 404 like any unknown address).
    metrics = [MetricsController] if settings.metrics.token else []
    app = Litestar(
        route_handlers=[SystemController, *metrics, api, PwaController],
        dependencies={"limiter": Provide(provide_limiter, sync_to_thread=False)},
        before_request=require_same_origin,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[database_lifespan, memory_lifespan, dispatcher_lifespan],
        state=State(
            {
                "settings": settings,
                "engine": engine,
                "limiter": limiter,
                "pwa": PwaFiles(settings.paths.pwa_dir),
                "instrument": load_instrument(settings.reflection.instrument),
                "dispatcher": None,
            }
        ),
        openapi_config=OpenAPIConfig(
            title="Tend",
            version=__version__,
            path="/schema",
            # Served as JSON only: the interactive renderers load scripts from CDNs.
            render_plugins=[JsonRenderPlugin(path=["/", "/openapi.json"])],
        ),
        request_max_body_size=settings.server.max_body_bytes,
        # The PWA's files are gzipped once per build; everything else as it is sent.
        compression_config=CompressionConfig(
            backend="gzip", minimum_size=512, exclude_opt_key=PRECOMPRESSED
        ),
        logging_config=None,
        debug=False,
    )
    declare_error_responses(app)
    # Outermost, so that every response (404s and 405s too) gets an id and the headers.
    handler = SecurityHeadersMiddleware(app.asgi_handler, settings.server)
    if settings.metrics.token:
        handler = RequestMetricsMiddleware(handler)
    app.asgi_handler = RequestContextMiddleware(handler)
    return app


def app_from_environment() -> Litestar:
    """Factory for ``uvicorn --factory`` and ``tend serve --reload``."""
    return create_app(load_settings())
