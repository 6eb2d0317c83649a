"""Organisation figures for admins: anonymous, for their own organisation only."""

from __future__ import annotations

from litestar import Controller, Request

from server.accounts.guards import requires
from server.lib.routes import get
from server.sharing.insight_schemas import InsightsRead
from server.sharing.insights import organisation_insights


class InsightsController(Controller):
    path = "/admin/insights"
    tags = ["admin"]
    guards = [requires("admin")]

    @get("/", status_code=200, response_headers={"cache-control": "no-store"})
    async def insights(self, request: Request) -> InsightsRead:
        """Figures by team and month for groups of at least five people, never a person."""
        return await organisation_insights(request.user.organisation_id)
