"""Reminders: her plan, shifts, devices and follow-ups; the service worker's renewal; and
the admins' view of how pushes are faring."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, delete, post, put
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody

from server.accounts.controllers import PUBLIC
from server.accounts.guards import requires
from server.lib.requests import client_of
from server.lib.routes import get
from server.reminders import health, services
from server.reminders.dispatcher import wake_in_process
from server.reminders.health import PushHealth
from server.reminders.schemas import (
    DeviceRead,
    DeviceRenewal,
    DeviceWrite,
    FollowUpWrite,
    ReminderSettings,
    RemindersRead,
    ShiftPattern,
    ShiftWrite,
    UpcomingRead,
)

NO_STORE = {"cache-control": "no-store"}


async def _read(request: Request, state: State) -> RemindersRead:
    return await services.overview(request.user.id, request.user.session_id, state.settings.push)


class RemindersController(Controller):
    """Anyone signed in may have reminders (a supervisor gets requests to talk)."""

    path = "/reminders"
    tags = ["reminders"]
    response_headers = NO_STORE

    @get("/")
    async def overview(self, request: Request, state: State) -> RemindersRead:
        """Her plan, her devices, the next reminders and the key to subscribe with."""
        return await _read(request, state)

    @put("/settings", status_code=200)
    async def settings(
        self, data: JSONBody[ReminderSettings], request: Request, state: State
    ) -> RemindersRead:
        await services.update_settings(request.user.id, data)
        return await _read(request, state)

    @put("/pattern", status_code=200)
    async def pattern(
        self, data: JSONBody[ShiftPattern], request: Request, state: State
    ) -> RemindersRead:
        """Her repeating rota (one at a time)."""
        await services.set_pattern(request.user.id, data)
        return await _read(request, state)

    @delete("/pattern", status_code=204)
    async def clear_pattern(self, request: Request) -> None:
        await services.set_pattern(request.user.id, None)

    @post("/shifts", status_code=201)
    async def add_shift(
        self, data: JSONBody[ShiftWrite], request: Request, state: State
    ) -> RemindersRead:
        """A one-off shift."""
        await services.add_shift(request.user.id, data)
        return await _read(request, state)

    @delete("/shifts/{shift_id:uuid}", status_code=204)
    async def delete_shift(self, request: Request, shift_id: FromPath[UUID]) -> None:
        await services.delete_shift(request.user.id, shift_id)

    @post("/devices", status_code=201)
    async def add_device(
        self, data: JSONBody[DeviceWrite], request: Request, state: State
    ) -> DeviceRead:
        """This browser's push subscription."""
        return await services.add_device(
            request.user.id,
            request.user.session_id,
            client_of(request).device,
            data,
            state.settings.push,
        )

    @delete("/devices/{device_id:uuid}", status_code=204)
    async def remove_device(self, request: Request, device_id: FromPath[UUID]) -> None:
        await services.remove_device(request.user.id, device_id)

    @post("/devices/{device_id:uuid}/test", status_code=202)
    async def test(self, request: Request, state: State, device_id: FromPath[UUID]) -> None:
        """Send a test reminder to one of her devices now."""
        await services.send_test(request.user.id, device_id)
        wake_in_process(state)

    @post("/follow-ups", status_code=201)
    async def follow_ups(
        self, data: JSONBody[FollowUpWrite], request: Request
    ) -> list[UpcomingRead]:
        """Gentle follow-ups after something difficult; the server knows only when."""
        return await services.add_follow_ups(request.user.id, data)

    @delete("/follow-ups/{due_id:uuid}", status_code=204)
    async def cancel_follow_up(self, request: Request, due_id: FromPath[UUID]) -> None:
        await services.cancel_follow_up(request.user.id, due_id)

    @post("/renew", opt=PUBLIC, status_code=204)
    async def renew(self, data: JSONBody[DeviceRenewal], state: State) -> None:
        """The service worker's new subscription after ``pushsubscriptionchange`` (it has
        no session of its own: the old subscription's secret is its proof)."""
        await services.renew_device(data, state.settings.push)


class PushHealthController(Controller):
    path = "/admin/reminders"
    tags = ["admin"]
    guards = [requires("admin")]
    response_headers = NO_STORE

    @get("/")
    async def push_health(self, request: Request) -> PushHealth:
        """How pushes have fared in the last fortnight: counts only."""
        return await health.push_health(request.user.organisation_id)
