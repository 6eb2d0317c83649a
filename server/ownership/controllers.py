"""Owning your data: what the server holds about you, and leaving Tend."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from server.accounts.controllers import CLEAR_SITE_DATA, NO_STORE
from server.accounts.guards import requires
from server.accounts.sessions import AuthUser, expired_cookie
from server.lib.requests import client_of
from server.lib.throttle import Limiter
from server.ownership import deletion
from server.ownership.data import server_data
from server.ownership.schemas import AccountDeletion, ServerData


class OwnershipController(Controller):
    path = "/account"
    tags = ["account"]

    @get("/data")
    async def download(
        self, request: Request, state: State, limiter: NamedDependency[Limiter]
    ) -> Response[ServerData]:
        """Everything the server stores about the signed-in person, as a JSON download:
        secrets named but never given, records listed but never opened."""
        user: AuthUser = request.user
        body = await server_data(user.id, user.session_id, state.settings.sync, limiter)
        filename = f"tend-server-data-{body.exported_at:%Y-%m-%d}.json"
        return Response(
            body,
            headers={**NO_STORE, "content-disposition": f'attachment; filename="{filename}"'},
        )

    @post("/delete", status_code=204)
    async def delete_account(
        self,
        data: JSONBody[AccountDeletion],
        request: Request,
        state: State,
        limiter: NamedDependency[Limiter],
    ) -> Response[None]:
        """Delete the account and everything of hers, after checking her password as a
        password change does. Her other devices are told at their next contact."""
        await deletion.delete_own_account(
            request.user.id, data.auth_key, client_of(request), limiter
        )
        return Response(
            None,
            status_code=204,
            cookies=[expired_cookie(state.settings.accounts)],
            headers=CLEAR_SITE_DATA,
        )


class AdminDeletionController(Controller):
    path = "/admin/people"
    tags = ["admin"]
    guards = [requires("admin")]
    response_headers = NO_STORE

    @delete("/{person_id:uuid}", status_code=204)
    async def delete_person(
        self, request: Request, person_id: FromPath[UUID], limiter: NamedDependency[Limiter]
    ) -> None:
        """Delete someone who has left, completely, as she could herself. Not yourself
        (use Settings), and never the organisation's last admin."""
        user: AuthUser = request.user
        await deletion.delete_by_admin(
            user.organisation_id, user.id, person_id, client_of(request), limiter
        )
