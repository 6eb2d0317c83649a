"""The toolkit everyone in an organisation sees, and the admins' pages that fill it."""

from __future__ import annotations

import hashlib
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, delete, post, put
from litestar.params import FromPath, JSONBody

from server.accounts.controllers import NO_STORE
from server.accounts.guards import requires
from server.accounts.sessions import AuthUser
from server.lib.requests import client_of
from server.lib.routes import get
from server.toolkit import services
from server.toolkit.schemas import (
    FeelingAdminRead,
    FeelingWrite,
    LibraryAdminRead,
    PromptAdminRead,
    PromptWrite,
    ResourceAdminRead,
    ResourceOrder,
    ResourceWrite,
    ToolkitRead,
)

# Kept by the browser, but asked about every time: it differs from person to person.
REVALIDATE = {"cache-control": "no-cache, private"}


def _etag(body: bytes) -> str:
    return 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _matches(if_none_match: str, etag: str) -> bool:
    """Whether ``If-None-Match`` names this ETag (compared weakly, as RFC 9110 asks)."""
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


class ToolkitController(Controller):
    """Anyone signed in: a worker, a supervisor or an admin."""

    path = "/toolkit"
    tags = ["toolkit"]

    @get("/")
    async def toolkit(self, request: Request) -> Response[ToolkitRead]:
        """Support resources for everyone and for her team, in the admins' order; the
        organisation's prompts (retired ones too, so old entries keep their words; only
        the others are offered) and its feeling words. 304 when nothing changed."""
        user: AuthUser = request.user
        body = msgspec.json.encode(await services.toolkit(user.organisation_id, user.id))
        headers = {"etag": _etag(body), **REVALIDATE}
        if _matches(request.headers.get("if-none-match", ""), headers["etag"]):
            return Response(b"", status_code=304, headers=headers)
        return Response(body, media_type="application/json", headers=headers)


class SupportResourcesController(Controller):
    path = "/admin/support-resources"
    tags = ["admin"]
    guards = [requires("admin")]
    response_headers = NO_STORE

    @get("/")
    async def list_resources(self, request: Request) -> list[ResourceAdminRead]:
        """In the order everyone sees them."""
        return await services.list_resources(request.user.organisation_id)

    @post("/", status_code=201)
    async def add(self, data: JSONBody[ResourceWrite], request: Request) -> ResourceAdminRead:
        """Added at the end of the list."""
        user: AuthUser = request.user
        return await services.add_resource(user.organisation_id, user.id, data, client_of(request))

    @put("/order", status_code=200)
    async def reorder(
        self, data: JSONBody[ResourceOrder], request: Request
    ) -> list[ResourceAdminRead]:
        """Every resource, once each, in the new order; 409 if the list has changed."""
        user: AuthUser = request.user
        return await services.reorder_resources(
            user.organisation_id, user.id, data.ids, client_of(request)
        )

    @put("/{resource_id:uuid}")
    async def change(
        self, data: JSONBody[ResourceWrite], request: Request, resource_id: FromPath[UUID]
    ) -> ResourceAdminRead:
        user: AuthUser = request.user
        return await services.change_resource(
            user.organisation_id, user.id, resource_id, data, client_of(request)
        )

    @delete("/{resource_id:uuid}", status_code=204)
    async def remove(self, request: Request, resource_id: FromPath[UUID]) -> None:
        user: AuthUser = request.user
        await services.remove_resource(
            user.organisation_id, user.id, resource_id, client_of(request)
        )


class LibraryController(Controller):
    """The organisation's own journal prompts and feeling words, added to Tend's."""

    path = "/admin/library"
    tags = ["admin"]
    guards = [requires("admin")]
    response_headers = NO_STORE

    @get("/")
    async def library(self, request: Request) -> LibraryAdminRead:
        """Active items first, then retired ones."""
        return await services.library(request.user.organisation_id)

    @post("/prompts", status_code=201)
    async def add_prompt(self, data: JSONBody[PromptWrite], request: Request) -> PromptAdminRead:
        user: AuthUser = request.user
        return await services.add_prompt(user.organisation_id, user.id, data, client_of(request))

    @post("/feelings", status_code=201)
    async def add_feeling(
        self, data: JSONBody[FeelingWrite], request: Request
    ) -> Response[FeelingAdminRead]:
        """201 for a new word; 200 when a retired copy of it is brought back."""
        user: AuthUser = request.user
        feeling, created = await services.add_feeling(
            user.organisation_id, user.id, data, client_of(request)
        )
        return Response(feeling, status_code=201 if created else 200)

    @post("/prompts/{item_id:uuid}/retire", status_code=200)
    async def retire_prompt(self, request: Request, item_id: FromPath[UUID]) -> PromptAdminRead:
        """No longer offered; entries written to it still show its words."""
        user: AuthUser = request.user
        await services.retire_item(
            user.organisation_id, user.id, "prompt", item_id, client_of(request)
        )
        return await services.prompt(user.organisation_id, item_id)

    @post("/prompts/{item_id:uuid}/restore", status_code=200)
    async def restore_prompt(self, request: Request, item_id: FromPath[UUID]) -> PromptAdminRead:
        user: AuthUser = request.user
        await services.restore_item(
            user.organisation_id, user.id, "prompt", item_id, client_of(request)
        )
        return await services.prompt(user.organisation_id, item_id)

    @post("/feelings/{item_id:uuid}/retire", status_code=200)
    async def retire_feeling(self, request: Request, item_id: FromPath[UUID]) -> FeelingAdminRead:
        user: AuthUser = request.user
        await services.retire_item(
            user.organisation_id, user.id, "feeling", item_id, client_of(request)
        )
        return await services.feeling(user.organisation_id, item_id)

    @post("/feelings/{item_id:uuid}/restore", status_code=200)
    async def restore_feeling(self, request: Request, item_id: FromPath[UUID]) -> FeelingAdminRead:
        user: AuthUser = request.user
        await services.restore_item(
            user.organisation_id, user.id, "feeling", item_id, client_of(request)
        )
        return await services.feeling(user.organisation_id, item_id)
