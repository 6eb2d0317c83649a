"""Several app instances behind one database: the transaction, the lock and the record of
applied mutations are all in the database, so a batch that reaches two instances at once
(a client retrying through a load balancer) is still applied exactly once."""

from __future__ import annotations

import asyncio
import uuid

import httpx

from server.accounts.sessions import cookie_name
from server.sync.tables import Record
from tests.server.sync.test_sync import change, pull_all


async def test_one_batch_sent_to_two_instances_at_once_is_applied_once(app, worker, serve):
    settings = app.state.settings
    first, second = serve(settings), serve(settings)
    cookie = {cookie_name(settings.accounts): worker.client.cookies[cookie_name(settings.accounts)]}
    headers = {"x-csrf-token": worker.csrf}

    for round_ in range(5):
        batch = {"mutations": [change() for _ in range(20)]}
        async with (
            httpx.AsyncClient(base_url=first, cookies=cookie, headers=headers, timeout=30) as one,
            httpx.AsyncClient(
                base_url=second, cookies=cookie, headers=headers, timeout=30
            ) as other,
        ):
            answers = await asyncio.gather(
                one.post("/api/sync/push", json=batch), other.post("/api/sync/push", json=batch)
            )
        assert [a.status_code for a in answers] == [200, 200], answers[1].text
        statuses = sorted(r["status"] for a in answers for r in a.json()["results"])
        assert statuses == ["applied"] * 20 + ["duplicate"] * 20, f"round {round_}"

    assert await Record.count() == 100
    changes, _ = await pull_all(worker)
    assert len({c["record_id"] for c in changes}) == 100


async def test_an_edit_racing_on_two_instances_makes_one_version_and_one_conflict(
    app, worker, serve
):
    settings = app.state.settings
    first, second = serve(settings), serve(settings)
    cookie = {cookie_name(settings.accounts): worker.client.cookies[cookie_name(settings.accounts)]}
    headers = {"x-csrf-token": worker.csrf}
    record_id = uuid.uuid4()
    created = await worker.post("/api/sync/push", json={"mutations": [change(record_id)]})
    assert created.json()["results"][0]["status"] == "applied"

    async with (
        httpx.AsyncClient(base_url=first, cookies=cookie, headers=headers, timeout=30) as phone,
        httpx.AsyncClient(base_url=second, cookies=cookie, headers=headers, timeout=30) as laptop,
    ):
        answers = await asyncio.gather(
            phone.post("/api/sync/push", json={"mutations": [change(record_id, base=1)]}),
            laptop.post("/api/sync/push", json={"mutations": [change(record_id, base=1)]}),
        )
    statuses = sorted(a.json()["results"][0]["status"] for a in answers)
    assert statuses == ["applied", "conflict"]
    changes, _ = await pull_all(worker)
    assert [c["version"] for c in changes] == [2]
