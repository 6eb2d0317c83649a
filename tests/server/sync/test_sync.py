"""Push and pull of encrypted records: exactly once, conflicts surfaced, tombstones
pulled, limits clear, and never anyone else's records."""

from __future__ import annotations

import asyncio
import base64
import os
import uuid

import pytest

from server.sync.tables import AppliedMutation, Record
from tests.server.accounts.helpers import Browser


def envelope(size: int = 300) -> str:
    """Looks like a record envelope to the server: it cannot tell the difference."""
    return base64.urlsafe_b64encode(b"\x01" + os.urandom(size)).rstrip(b"=").decode()


def change(record_id=None, base=0, *, deleted=False, ciphertext=None, mutation_id=None) -> dict:
    body = {
        "mutation_id": str(mutation_id or uuid.uuid4()),
        "record_id": str(record_id or uuid.uuid4()),
        "type": "journal",
        "base_version": base,
        "deleted": deleted,
    }
    if not deleted:
        body["ciphertext"] = ciphertext or envelope()
    return body


async def push(browser: Browser, *mutations):
    return await browser.post("/api/sync/push", json={"mutations": list(mutations)})


async def pull_all(browser: Browser, cursor: str = "", limit: int = 200) -> tuple[list, str]:
    everything = []
    while True:
        response = await browser.get(f"/api/sync/changes?cursor={cursor}&limit={limit}")
        assert response.status_code == 200, response.text
        page = response.json()
        everything += page["changes"]
        cursor = page["cursor"]
        if not page["more"]:
            return everything, cursor


async def test_a_record_is_created_updated_and_deleted_and_every_step_pulls(app, worker):
    record_id = uuid.uuid4()
    first = await push(worker, change(record_id))
    assert first.status_code == 200
    assert first.json()["results"][0]["status"] == "applied"
    assert first.json()["results"][0]["version"] == 1
    changes, cursor = await pull_all(worker)
    assert [(c["record_id"], c["version"]) for c in changes] == [(str(record_id), 1)]

    edited = envelope()
    await push(worker, change(record_id, 1, ciphertext=edited))
    changes, cursor = await pull_all(worker, cursor)
    assert [(c["version"], c["ciphertext"]) for c in changes] == [(2, edited)]

    await push(worker, change(record_id, 2, deleted=True))
    changes, cursor = await pull_all(worker, cursor)
    assert changes[0]["deleted"] is True
    assert changes[0]["ciphertext"] is None
    assert (await pull_all(worker, cursor))[0] == []


async def test_a_retried_batch_changes_nothing_twice(app, worker):
    batch = [change(), change(), change()]
    first = await push(worker, *batch)
    again = await push(worker, *batch)
    assert [r["status"] for r in first.json()["results"]] == ["applied"] * 3
    assert [r["status"] for r in again.json()["results"]] == ["duplicate"] * 3
    assert [r["version"] for r in again.json()["results"]] == [1, 1, 1]
    assert await Record.count() == 3
    assert await AppliedMutation.count() == 3
    changes, _ = await pull_all(worker)
    assert len(changes) == 3


async def test_the_same_batch_sent_twice_at_once_is_applied_once(app, worker):
    batch = [change() for _ in range(5)]
    first, second = await asyncio.gather(push(worker, *batch), push(worker, *batch))
    statuses = sorted(
        r["status"] for response in (first, second) for r in response.json()["results"]
    )
    assert statuses == ["applied"] * 5 + ["duplicate"] * 5
    assert await Record.count() == 5


async def test_two_devices_editing_one_version_conflict_and_nothing_is_lost(app, worker):
    record_id = uuid.uuid4()
    await push(worker, change(record_id))
    phone, laptop = envelope(), envelope()
    first = await push(worker, change(record_id, 1, ciphertext=phone))
    second = await push(worker, change(record_id, 1, ciphertext=laptop))
    assert first.json()["results"][0]["status"] == "applied"
    conflict = second.json()["results"][0]
    assert conflict["status"] == "conflict"
    assert conflict["version"] == 2
    assert conflict["current"]["ciphertext"] == phone, "the device gets what won, to merge"
    retried = await push(worker, change(record_id, 1, ciphertext=laptop))
    assert retried.json()["results"][0]["status"] == "conflict"


async def test_pull_pages_through_in_order(app, worker):
    ids = [uuid.uuid4() for _ in range(7)]
    for record_id in ids:
        await push(worker, change(record_id))
    changes, _ = await pull_all(worker, limit=3)
    assert [c["record_id"] for c in changes] == [str(i) for i in ids]
    bad = await worker.get("/api/sync/changes?cursor=not-a-cursor")
    assert bad.status_code == 400
    assert bad.json()["code"] == "bad_cursor"


async def test_a_position_from_another_database_or_beyond_the_last_change_starts_again(app, worker):
    """After a restore the device's position may name numbers this database never gave
    out: it is refused (and the device pulls from the start) rather than skipping any."""
    from server.sync.services import encode_cursor, sync_epoch

    await push(worker, change(uuid.uuid4()))
    _, cursor = await pull_all(worker)
    assert (await worker.get(f"/api/sync/changes?cursor={cursor}")).status_code == 200
    epoch = await sync_epoch()
    for position in (
        encode_cursor(1, "0" * 16),  # another database (or one restored by tend restore)
        encode_cursor(2, epoch),  # past the last change here (a pg_restore from before)
        "djE6MQ",  # an old v1 cursor
    ):
        answer = await worker.get(f"/api/sync/changes?cursor={position}")
        assert answer.status_code == 400, position
        assert answer.json()["code"] == "bad_cursor"


async def test_no_one_reaches_anyone_elses_records(app, worker, supervisor):
    record_id = uuid.uuid4()
    secret = envelope()
    await push(worker, change(record_id, ciphertext=secret))
    assert (await pull_all(supervisor))[0] == []
    overwrite = await push(supervisor, change(record_id, 1))
    assert overwrite.status_code == 404
    delete = await push(supervisor, change(record_id, 1, deleted=True))
    assert delete.status_code == 404
    row = (
        await Record.select(Record.ciphertext, Record.version).where(Record.id == record_id).first()
    )
    assert row == {"ciphertext": secret, "version": 1}
    assert (await Browser(app).get("/api/sync/changes")).status_code == 401


async def test_bad_changes_are_422_and_nothing_of_the_batch_is_applied(app, worker):
    for bad in (
        {**change(), "type": "secret"},
        {**change(), "ciphertext": "short"},
        {**change(), "ciphertext": None},
        {**change(deleted=True), "ciphertext": envelope()},
        {**change(), "base_version": -1},
    ):
        response = await push(worker, change(), bad)
        assert response.status_code == 422, bad
        assert response.json()["details"]
    too_many = await worker.post("/api/sync/push", json={"mutations": [change()] * 101})
    assert too_many.status_code == 422
    assert await Record.count() == 0


async def test_a_record_over_the_size_limit_is_refused_clearly(make_settings):
    from server.app import create_app
    from tests.server.accounts.helpers import set_up
    from tests.server.asgi import running

    app = create_app(make_settings(TEND_SYNC_MAX_RECORD_BYTES="2048"))
    async with running(app):
        admin = await set_up(app)
        response = await push(admin, change(), change(ciphertext=envelope(4096)))
        assert response.status_code == 422
        assert response.json()["details"][0]["field"] == "body.mutations[1].ciphertext"
        assert "2048 bytes" in response.json()["details"][0]["message"]
        assert "still safe on this device" in response.json()["message"]
        assert await Record.count() == 0


async def test_a_full_quota_is_413_and_saves_nothing(make_settings):
    from server.app import create_app
    from tests.server.accounts.helpers import set_up
    from tests.server.asgi import running

    app = create_app(make_settings(TEND_SYNC_QUOTA_BYTES="65536"))
    async with running(app):
        admin = await set_up(app)
        fits = await push(admin, *[change(ciphertext=envelope(16000)) for _ in range(3)])
        assert fits.status_code == 200
        assert fits.json()["used_bytes"] > 48000
        full = await push(
            admin, change(ciphertext=envelope(16000)), change(ciphertext=envelope(16000))
        )
        assert full.status_code == 413
        assert full.json()["code"] == "quota_exceeded"
        assert "still safe on this device" in full.json()["message"]
        assert await Record.count() == 3
        usage = (await admin.get("/api/sync/usage")).json()
        assert usage["used_bytes"] == fits.json()["used_bytes"]
        # Deleting frees space.
        first = fits.json()["results"][0]["record_id"]
        await push(admin, change(first, 1, deleted=True))
        assert (await push(admin, change(ciphertext=envelope(16000)))).status_code == 200


@pytest.mark.parametrize("limit", [0, 501])
async def test_page_size_is_bounded(app, worker, limit):
    response = await worker.get(f"/api/sync/changes?limit={limit}")
    assert response.status_code in (400, 422)


async def test_a_record_made_and_changed_in_one_batch_ends_at_its_last_version(app, worker):
    record_id, last = uuid.uuid4(), envelope()
    response = await push(
        worker, change(record_id), change(record_id, 1), change(record_id, 2, ciphertext=last)
    )
    assert [r["version"] for r in response.json()["results"]] == [1, 2, 3]
    changes, _ = await pull_all(worker)
    assert [(c["version"], c["ciphertext"]) for c in changes] == [(3, last)]


def test_the_app_and_the_server_agree_on_which_record_types_sync():
    """A backup restores only kinds the server stores (pwa/js/records.js SYNCED_TYPES)."""
    import re
    import typing
    from pathlib import Path

    from server.sync.schemas import RecordType

    source = (Path(__file__).parents[3] / "pwa" / "js" / "records.js").read_text()
    listed = re.search(r"SYNCED_TYPES = Object\.freeze\(\[([^\]]*)\]", source)
    assert listed is not None
    assert set(re.findall(r'"([^"]+)"', listed.group(1))) == set(typing.get_args(RecordType))
