"""Push and pull of a person's own encrypted records."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, post
from litestar.datastructures import State
from litestar.params import JSONBody, QueryParameter

from server.lib.routes import get
from server.sync import services
from server.sync.schemas import Changes, PushRequest, PushResult, Usage

NO_STORE = {"cache-control": "no-store"}


class SyncController(Controller):
    """Only ever the signed-in person's records: every query is by owner."""

    path = "/sync"
    tags = ["sync"]
    response_headers = NO_STORE

    @post("/push", status_code=200)
    async def push(self, data: JSONBody[PushRequest], request: Request, state: State) -> PushResult:
        """Apply a batch of changes, each exactly once (retries are safe)."""
        return await services.push(request.user.id, data.mutations, state.settings.sync)

    @get("/changes", status_code=200)
    async def changes(
        self,
        request: Request,
        cursor: Annotated[str, QueryParameter(max_length=100)] = "",
        limit: Annotated[int, QueryParameter(ge=1, le=services.MAX_PAGE)] = 200,
    ) -> Changes:
        """Changes since the cursor (empty: from the beginning), oldest first."""
        return await services.changes(request.user.id, cursor, limit)

    @get("/usage", status_code=200)
    async def usage(self, request: Request, state: State) -> Usage:
        return await services.usage(request.user.id, state.settings.sync)
