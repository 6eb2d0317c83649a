"""Sharing, as the worker controls it and as her supervisor receives it."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, delete, post, put
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody

from server.accounts.guards import requires
from server.lib.routes import get
from server.reminders.dispatcher import wake_in_process
from server.sharing import services
from server.sharing.rules import RulesRead, rules_read
from server.sharing.schemas import (
    Contributions,
    OrganisationSharing,
    Preparation,
    PulseWrite,
    RequestForSupervisor,
    SessionBrief,
    SessionRead,
    SessionWrite,
    ShareRead,
    ShareUpdate,
    ShareWrite,
    SharingRead,
    SuperviseeRow,
    TalkRead,
    TalkWrite,
    ViewRead,
)

NO_STORE = {"cache-control": "no-store"}


class SharingController(Controller):
    """The worker's own sharing: every query is by her id."""

    path = "/sharing"
    tags = ["sharing"]
    guards = [requires("worker")]
    response_headers = NO_STORE

    @get("/")
    async def overview(self, request: Request) -> SharingRead:
        """Her supervisors and everything she shares with each."""
        return await services.sharing(request.user.id)

    @put("/shares", status_code=200)
    async def share(self, data: JSONBody[ShareWrite], request: Request) -> ShareRead:
        """Share (or update) exactly what her preview showed."""
        return await services.share(request.user.id, data)

    @put("/shares/{share_id:uuid}", status_code=200)
    async def update(
        self, data: JSONBody[ShareUpdate], request: Request, share_id: FromPath[UUID]
    ) -> ShareRead:
        """Bring something she still shares up to date (404 once she has stopped)."""
        return await services.update_share(request.user.id, share_id, data)

    @delete("/shares/{share_id:uuid}", status_code=204)
    async def revoke(self, request: Request, share_id: FromPath[UUID]) -> None:
        """Stop sharing: the server's copy is deleted at once."""
        await services.revoke(request.user.id, share_id)

    @get("/views")
    async def views(self, request: Request) -> list[ViewRead]:
        """Every time a supervisor was shown something she shares, newest first."""
        return await services.views(request.user.id)

    @get("/talk")
    async def requests(self, request: Request) -> list[TalkRead]:
        return await services.my_requests(request.user.id)

    @post("/talk", status_code=201)
    async def ask_to_talk(
        self, data: JSONBody[TalkWrite], request: Request, state: State
    ) -> TalkRead:
        """ "I'd like to talk", to one of her supervisors (who gets a discreet push)."""
        asked = await services.ask_to_talk(request.user.id, data)
        wake_in_process(state)
        return asked

    @delete("/talk/{request_id:uuid}", status_code=204)
    async def withdraw(self, request: Request, request_id: FromPath[UUID]) -> None:
        await services.withdraw_request(request.user.id, request_id)

    @get("/sessions")
    async def sessions(self, request: Request) -> list[SessionRead]:
        """Supervision sessions her supervisors recorded with her."""
        return await services.my_sessions(request.user.id)

    @post("/sessions/{supervision_id:uuid}/pulse", status_code=204)
    async def pulse(
        self, data: JSONBody[PulseWrite], request: Request, supervision_id: FromPath[UUID]
    ) -> None:
        """How supervision felt: kept without anything that leads back to her."""
        await services.give_pulse(request.user.id, supervision_id, data)

    @put("/organisation", status_code=200)
    async def organisation(
        self, data: JSONBody[OrganisationSharing], request: Request
    ) -> OrganisationSharing:
        """Add her check-ins to anonymous organisation figures, or stop (deleting them)."""
        return OrganisationSharing(
            share=await services.share_with_organisation(request.user.id, data.share)
        )

    @put("/organisation/months", status_code=204)
    async def contribute(self, data: JSONBody[Contributions], request: Request) -> None:
        await services.contribute(request.user.id, data)


class PrivacyController(Controller):
    path = "/privacy"
    tags = ["sharing"]

    @get("/rules", cache=False)
    async def rules(self) -> RulesRead:
        """Who can see what: the same rules the services enforce, in plain words."""
        return rules_read()


class SupervisorController(Controller):
    """A supervisor's view of her own supervisees, and only what each chose to share."""

    path = "/supervision"
    tags = ["supervision"]
    guards = [requires("supervisor")]
    response_headers = NO_STORE

    @get("/overview")
    async def overview(self, request: Request) -> list[SuperviseeRow]:
        return await services.supervisees(request.user.id)

    @get("/supervisees/{worker_id:uuid}")
    async def prepare(self, request: Request, worker_id: FromPath[UUID]) -> Preparation:
        """Prepare supervision: opening this logs a view of each shared thing shown."""
        return await services.preparation(request.user.id, worker_id)

    @post("/requests/{request_id:uuid}/acknowledge", status_code=200)
    async def acknowledge(
        self, request: Request, request_id: FromPath[UUID]
    ) -> RequestForSupervisor:
        return await services.acknowledge(request.user.id, request_id)

    @post("/sessions", status_code=201)
    async def record_session(self, data: JSONBody[SessionWrite], request: Request) -> SessionBrief:
        """That supervision happened. Her notes about it are her own encrypted records."""
        return await services.record_session(request.user.id, data)
