"""Liveness and readiness, for load balancers and operators."""

from __future__ import annotations

import logging

import msgspec
from litestar import Controller
from litestar.datastructures import State
from piccolo.engine.base import Engine

from server import __version__
from server.lib.db import ping
from server.lib.errors import AppError
from server.lib.routes import get

logger = logging.getLogger("tend.system")
NO_STORE = {"cache-control": "no-store"}


class Health(msgspec.Struct, frozen=True):
    status: str
    version: str


class Readiness(msgspec.Struct, frozen=True):
    status: str
    database: str


class SystemController(Controller):
    tags = ["system"]

    @get("/health", response_headers=NO_STORE, sync_to_thread=False)
    def health(self) -> Health:
        """The process is alive and answering."""
        return Health(status="ok", version=__version__)

    @get("/ready", response_headers=NO_STORE)
    async def ready(self, state: State) -> Readiness:
        """The database answers; 503 with the reason otherwise."""
        engine: Engine = state.engine
        try:
            await ping(engine)
        except Exception as error:
            logger.warning("database not ready", extra={"fields": {"error": type(error).__name__}})
            raise AppError(
                "The database cannot be reached.", status=503, code="not_ready"
            ) from error
        return Readiness(status="ready", database=engine.engine_type)
