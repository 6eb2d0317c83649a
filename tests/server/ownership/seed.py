"""People with data of every kind Tend stores, made through the API as the PWA would."""

from __future__ import annotations

import base64
import os
import uuid
from datetime import UTC, date, datetime, timedelta

from litestar import Litestar

from tests.server.accounts.helpers import Browser, b64, invite


def envelope(size: int = 300) -> str:
    return base64.urlsafe_b64encode(b"\x01" + os.urandom(size)).rstrip(b"=").decode()


def this_month() -> str:
    return datetime.now(UTC).strftime("%Y-%m")


async def join_labelled(
    app: Litestar,
    admin: Browser,
    name: str,
    email: str,
    roles=("worker",),
    team: str | None = None,
    supervisors=(),
    label: str = "",
) -> Browser:
    """Join through an invitation whose admin's note is ``label``."""
    _, token = await invite(admin, roles, team, supervisors, label)
    person = Browser(app)
    response = await person.post(
        "/api/invitations/accept",
        json={"token": token, "account": person.keys.account(name, email)},
    )
    person.signed_in(response)
    return person


async def ok(response, *statuses: int):
    assert response.status_code in (statuses or (200, 201, 204)), response.text
    return response


async def second_device(app: Litestar, person: Browser) -> Browser:
    other = Browser(app)
    other.keys = person.keys
    await ok(await other.sign_in(person.me["email"]))
    return other


async def add_push_device(person: Browser) -> dict:
    body = {
        "endpoint": f"https://push.example.org/{uuid.uuid4()}",
        "keys": {"p256dh": "B" + "A" * 86, "auth": "A" * 22},
    }
    return (await ok(await person.post("/api/reminders/devices", json=body), 201)).json()


async def push_records(person: Browser, count: int = 2) -> list[str]:
    ids = [str(uuid.uuid4()) for _ in range(count)]
    mutations = [
        {
            "mutation_id": str(uuid.uuid4()),
            "record_id": record_id,
            "type": "journal",
            "base_version": 0,
            "ciphertext": envelope(),
        }
        for record_id in ids
    ]
    await ok(await person.post("/api/sync/push", json={"mutations": mutations}))
    return ids


async def seed_worker(app: Litestar, worker: Browser, supervisor: Browser, marker: str) -> None:
    """Everything a worker can leave on the server, with ``marker`` in her name and in
    what she shares and asks (as ``{marker}-shared`` and ``{marker}-note``)."""
    await ok(await worker.patch("/api/account", json={"display_name": f"Jade {marker}"}))
    # Records, one then deleted (a tombstone), and the sync state they make.
    first, _ = await push_records(worker)
    deletion = {
        "mutation_id": str(uuid.uuid4()),
        "record_id": first,
        "type": "journal",
        "base_version": 1,
        "deleted": True,
    }
    await ok(await worker.post("/api/sync/push", json={"mutations": [deletion]}))
    # Shares, and the supervisor opening them (views).
    supervisor_id = supervisor.me["id"]
    shared = f"{marker}-shared"
    agenda = {"kind": "agenda", "items": [f"Talk about {shared}"], "reflection": shared}
    await ok(
        await worker.put(
            "/api/sharing/shares", json={"supervisor_id": supervisor_id, "content": agenda}
        )
    )
    entry = {"kind": "entry", "written_on": date.today().isoformat(), "title": shared, "body": "x"}
    await ok(
        await worker.put(
            "/api/sharing/shares",
            json={"supervisor_id": supervisor_id, "content": entry, "entry_id": str(uuid.uuid4())},
        )
    )
    await ok(await supervisor.get(f"/api/supervision/supervisees/{worker.me['id']}"))
    # A request to talk, which queues a push for the supervisor's device.
    await add_push_device(supervisor)
    await ok(
        await worker.post(
            "/api/sharing/talk",
            json={"supervisor_id": supervisor_id, "how_soon": "today", "note": f"{marker}-note"},
        ),
        201,
    )
    # A supervision session, and her pulse about it.
    held = await ok(
        await supervisor.post(
            "/api/supervision/sessions",
            json={"worker_id": worker.me["id"], "held_on": date.today().isoformat()},
        ),
        201,
    )
    await ok(
        await worker.post(
            f"/api/sharing/sessions/{held.json()['id']}/pulse",
            json={"heard": 4, "checked_in": 4, "useful": 5},
        ),
        204,
    )
    # Her check-ins added to organisation figures.
    await ok(await worker.put("/api/sharing/organisation", json={"share": True}))
    months = {"months": [{"month": this_month(), "checkin_days": 9, "stress": 3, "sleep": 2}]}
    await ok(await worker.put("/api/sharing/organisation/months", json=months), 204)
    # Reminders: settings, a rota, a shift, a device, follow-ups.
    await ok(
        await worker.put(
            "/api/reminders/settings",
            json={"time_zone": "Europe/London", "checkin_times": ["19:30"]},
        )
    )
    pattern = {
        "starts_on": date.today().isoformat(),
        "days": [{"kind": "long-day", "start": "07:30", "end": "20:00"}, None],
    }
    await ok(await worker.put("/api/reminders/pattern", json=pattern))
    later = (date.today() + timedelta(days=30)).isoformat()
    shift = {"kind": "night", "starts_at": f"{later}T21:00", "ends_at": f"{later}T23:00"}
    await ok(await worker.post("/api/reminders/shifts", json=shift), 201)
    await add_push_device(worker)
    await ok(await worker.post("/api/reminders/follow-ups", json={"after_hours": [24, 72]}), 201)
    # Security events and rate-limit counters: a wrong password, a recovery grant.
    wrong = await Browser(app).sign_in(worker.me["email"], b64(32))
    assert wrong.status_code == 401
    grant = await Browser(app).post(
        "/api/auth/recovery",
        json={"email": worker.me["email"], "auth_key": worker.keys.recovery_auth_key},
    )
    await ok(grant)
