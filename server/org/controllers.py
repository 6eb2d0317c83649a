"""Setting up an organisation, administering it, and a supervisor's own list."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from server.accounts import limits
from server.accounts.controllers import NO_STORE, PUBLIC, signed_in
from server.accounts.guards import requires
from server.accounts.schemas import PersonRef, Ref, SessionStarted, TokenBody
from server.accounts.sessions import AuthUser
from server.lib.requests import client_of
from server.lib.throttle import Limiter, enforce, forgive
from server.org import invitations, people, setup
from server.org.schemas import (
    AuditRead,
    InvitationCreate,
    InvitationLink,
    InvitationRead,
    OrganisationRead,
    OrganisationUpdate,
    PersonRead,
    PersonUpdate,
    SetupLinkState,
    SetupRequest,
    SupervisorsUpdate,
    TeamWrite,
)


class SetupController(Controller):
    path = "/setup"
    tags = ["setup"]

    @post("/check", opt=PUBLIC, status_code=200, response_headers=NO_STORE)
    async def check(
        self, data: JSONBody[TokenBody], request: Request, limiter: NamedDependency[Limiter]
    ) -> SetupLinkState:
        """Whether a set-up link can still be used."""
        address = client_of(request).ip
        await enforce(limiter, limits.LINK_ADDRESS, address)
        state = await setup.setup_link_state(data.token)
        await forgive(limiter, limits.LINK_ADDRESS, address)  # only wrong links count
        return state

    @post("/", opt=PUBLIC, status_code=201)
    async def complete(
        self,
        data: JSONBody[SetupRequest],
        request: Request,
        state: State,
        limiter: NamedDependency[Limiter],
    ) -> Response[SessionStarted]:
        """Name the organisation, add its teams, create the first admin, and sign in."""
        client = client_of(request)
        await enforce(limiter, limits.LINK_ADDRESS, client.ip)
        person_id = await setup.complete_setup(data, client)
        await forgive(limiter, limits.LINK_ADDRESS, client.ip)
        return await signed_in(person_id, state.settings, request, status=201)


class AdminController(Controller):
    path = "/admin"
    tags = ["admin"]
    guards = [requires("admin")]
    response_headers = NO_STORE

    @get("/organisation")
    async def organisation(self, request: Request) -> OrganisationRead:
        return await people.organisation(request.user.organisation_id)

    @patch("/organisation")
    async def rename(
        self, data: JSONBody[OrganisationUpdate], request: Request
    ) -> OrganisationRead:
        return await people.rename_organisation(request.user.organisation_id, data.name)

    @post("/teams", status_code=201)
    async def add_team(self, data: JSONBody[TeamWrite], request: Request) -> Ref:
        return await people.add_team(request.user.organisation_id, data.name)

    @patch("/teams/{team_id:uuid}")
    async def rename_team(
        self, data: JSONBody[TeamWrite], request: Request, team_id: FromPath[UUID]
    ) -> Ref:
        return await people.rename_team(request.user.organisation_id, team_id, data.name)

    @get("/people")
    async def list_people(self, request: Request) -> list[PersonRead]:
        return await people.list_people(request.user.organisation_id)

    @get("/people/{person_id:uuid}")
    async def get_person(self, request: Request, person_id: FromPath[UUID]) -> PersonRead:
        return await people.get_person(request.user.organisation_id, person_id)

    @patch("/people/{person_id:uuid}")
    async def update_person(
        self, data: JSONBody[PersonUpdate], request: Request, person_id: FromPath[UUID]
    ) -> PersonRead:
        """Change roles or team. Nothing here touches anyone's private data."""
        user: AuthUser = request.user
        return await people.update_person(
            user.organisation_id, user.id, person_id, data, client_of(request)
        )

    @put("/people/{person_id:uuid}/supervisors")
    async def set_supervisors(
        self,
        data: JSONBody[SupervisorsUpdate],
        request: Request,
        person_id: FromPath[UUID],
    ) -> PersonRead:
        user: AuthUser = request.user
        return await people.set_supervisors(
            user.organisation_id, user.id, person_id, data.supervisor_ids, client_of(request)
        )

    @post("/people/{person_id:uuid}/deactivate", status_code=200)
    async def deactivate(self, request: Request, person_id: FromPath[UUID]) -> PersonRead:
        """Close an account: their sessions end at once."""
        user: AuthUser = request.user
        return await people.set_active(
            user.organisation_id, user.id, person_id, False, client_of(request)
        )

    @post("/people/{person_id:uuid}/reactivate", status_code=200)
    async def reactivate(self, request: Request, person_id: FromPath[UUID]) -> PersonRead:
        user: AuthUser = request.user
        return await people.set_active(
            user.organisation_id, user.id, person_id, True, client_of(request)
        )

    @get("/invitations")
    async def list_invitations(self, request: Request) -> list[InvitationRead]:
        return await invitations.list_invitations(request.user.organisation_id)

    @post("/invitations", status_code=201)
    async def create_invitation(
        self, data: JSONBody[InvitationCreate], request: Request, state: State
    ) -> InvitationLink:
        """A single-use link (and QR code), shown once."""
        user: AuthUser = request.user
        settings = state.settings
        return await invitations.create_invitation(
            user.organisation_id,
            user.id,
            data,
            settings.server.public_url,
            settings.accounts.invitation_days,
            client_of(request),
        )

    @post("/invitations/{invitation_id:uuid}/resend", status_code=200)
    async def resend_invitation(
        self, request: Request, state: State, invitation_id: FromPath[UUID]
    ) -> InvitationLink:
        """A fresh link for an unused invitation; the previous link stops working."""
        user: AuthUser = request.user
        settings = state.settings
        return await invitations.resend_invitation(
            user.organisation_id,
            user.id,
            invitation_id,
            settings.server.public_url,
            settings.accounts.invitation_days,
            client_of(request),
        )

    @delete("/invitations/{invitation_id:uuid}", status_code=200)
    async def revoke_invitation(
        self, request: Request, invitation_id: FromPath[UUID]
    ) -> InvitationRead:
        user: AuthUser = request.user
        return await invitations.revoke_invitation(
            user.organisation_id, user.id, invitation_id, client_of(request)
        )

    @get("/audit")
    async def audit(self, request: Request) -> list[AuditRead]:
        """Security events in this organisation (no personal content)."""
        return await people.audit_log(request.user.organisation_id)


class SupervisionController(Controller):
    path = "/supervision"
    tags = ["supervision"]
    guards = [requires("supervisor")]

    @get("/supervisees", response_headers=NO_STORE)
    async def supervisees(self, request: Request) -> list[PersonRef]:
        """The people this supervisor supervises, and nobody else."""
        return await people.my_supervisees(request.user.id)
