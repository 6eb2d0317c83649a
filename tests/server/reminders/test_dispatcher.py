"""The dispatcher, sending real Web Push messages to a local push service that checks the
VAPID signature and decrypts each message with an independent library (http_ece)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from server.reminders.dispatcher import BATCH, Dispatcher
from server.reminders.push import topic_for
from server.reminders.tables import PushDevice, ReminderDue, ReminderPlanRow
from tests.conftest import REPO
from tests.server.reminders.test_reminders_api import device_body


def _now() -> datetime:
    return datetime.now(UTC)


async def _devices(person, pushes, count: int = 1) -> list:
    subscriptions = [pushes.subscribe() for _ in range(count)]
    for subscription in subscriptions:
        added = await person.post("/api/reminders/devices", json=device_body(subscription))
        assert added.status_code == 201, added.text
    return subscriptions


async def _due(person, kind="checkin", late=timedelta(minutes=1), key=None) -> ReminderDue:
    at = _now() - late
    row = ReminderDue(
        person=person.me["id"],
        kind=kind,
        key=key or f"{kind}:{at.isoformat()}",
        due_at=at,
        next_at=at,
    )
    await ReminderDue.insert(row)
    return row


def _dispatcher(app, pushes, clock=_now) -> Dispatcher:
    return Dispatcher(app.state.settings.push, verify=pushes.ssl_context(), clock=clock)


def _payload(message) -> dict:
    return json.loads(message.payload)


async def _state(row) -> str:
    found = await ReminderDue.select(ReminderDue.state).where(ReminderDue.id == row.id).first()
    return found["state"]


async def test_a_due_check_in_reaches_each_of_her_devices_once(app, worker, pushes):
    phone, laptop = await _devices(worker, pushes, 2)
    due = await _due(worker)
    async with _dispatcher(app, pushes) as dispatcher:
        assert await dispatcher.tick() == 1
        assert await dispatcher.tick() == 0
    for subscription in (phone, laptop):
        [message] = pushes.received_for(subscription.id)
        assert _payload(message) == {"kind": "checkin", "id": str(due.id), "wording": "discreet"}
        assert message.ttl == 4 * 3600
        assert message.urgency == "low"
        assert message.topic == topic_for(due.key)
    assert await _state(due) == "sent"
    assert await PushDevice.count().where(PushDevice.last_sent_at.is_not_null()) == 2
    health = (await worker.get("/api/reminders")).json()
    assert all(d["last_sent_at"] for d in health["devices"])


async def test_named_wording_is_only_a_flag_the_phone_turns_into_words(app, worker, pushes):
    [phone] = await _devices(worker, pushes)
    await worker.put("/api/reminders/settings", json={"wording": "named"})
    due = await _due(worker, kind="follow-up")
    async with _dispatcher(app, pushes) as dispatcher:
        await dispatcher.tick()
    [message] = pushes.received_for(phone.id)
    assert _payload(message) == {"kind": "follow-up", "id": str(due.id), "wording": "named"}
    assert (message.ttl, message.urgency) == (12 * 3600, "normal")


async def test_a_reminder_found_too_late_is_skipped_but_a_little_late_is_sent(app, worker, pushes):
    [phone] = await _devices(worker, pushes)
    stale = await _due(worker, late=timedelta(hours=3))
    late = await _due(worker, late=timedelta(minutes=40))
    async with _dispatcher(app, pushes) as dispatcher:
        await dispatcher.tick()
    assert await _state(stale) == "missed"
    assert await _state(late) == "sent"
    assert [_payload(m)["id"] for m in pushes.received_for(phone.id)] == [str(late.id)]


async def test_a_paused_person_or_one_without_a_device_gets_nothing(
    app, worker, supervisor, pushes
):
    [phone] = await _devices(worker, pushes)
    today = datetime.now(UTC).date().isoformat()
    await worker.put("/api/reminders/settings", json={"time_zone": "UTC", "paused_until": today})
    paused = await _due(worker)
    no_device = await _due(supervisor)
    async with _dispatcher(app, pushes) as dispatcher:
        await dispatcher.tick()
    assert (await _state(paused), await _state(no_device)) == ("skipped", "skipped")
    assert pushes.received_for(phone.id) == []


async def test_a_gone_subscription_is_deleted_and_counted(app, admin, worker, pushes):
    *phones, old = await _devices(worker, pushes, 6)
    pushes.respond(old.id, [410])
    due = await _due(worker)
    async with _dispatcher(app, pushes) as dispatcher:
        await dispatcher.tick()
    assert await _state(due) == "sent"
    assert await PushDevice.count() == 5
    assert all(len(pushes.received_for(phone.id)) == 1 for phone in phones)
    health = (await admin.get("/api/admin/reminders")).json()
    assert health["services"] == [
        {"service": pushes.origin, "delivered": 5, "gone": 1, "retry": 0, "rejected": 0}
    ]
    assert health["devices"] == 5
    # Under five devices, a push service's counts are not shown: they would be one person's.
    await worker.delete(
        f"/api/reminders/devices/{(await worker.get('/api/reminders')).json()['devices'][0]['id']}"
    )
    assert (await admin.get("/api/admin/reminders")).json()["services"] == []


async def test_a_push_service_that_asks_to_wait_gets_the_message_later_and_once(
    app, worker, pushes
):
    phone, busy = await _devices(worker, pushes, 2)
    pushes.respond(busy.id, [(429, {"Retry-After": "120"})])
    due = await _due(worker)
    later = [_now()]
    async with _dispatcher(app, pushes, clock=lambda: later[0]) as dispatcher:
        await dispatcher.tick()
        row = await ReminderDue.select().where(ReminderDue.id == due.id).first()
        assert row["state"] == "due"
        assert row["next_at"] >= later[0] + timedelta(seconds=119)
        assert await dispatcher.tick() == 0  # not before it asked
        later[0] += timedelta(seconds=121)
        assert await dispatcher.tick() == 1
    assert len(pushes.received_for(phone.id)) == 1  # never twice to the one that had it
    assert len(pushes.received_for(busy.id)) == 1
    assert await _state(due) == "sent"


async def test_the_schedule_is_extended_as_time_passes(app, worker, pushes):
    await worker.put(
        "/api/reminders/settings", json={"time_zone": "UTC", "checkin_times": ["09:00"]}
    )
    first = await ReminderDue.count()
    assert first in (1, 2)  # the next 48 hours
    three_days_on = _now() + timedelta(days=3)
    async with _dispatcher(app, pushes, clock=lambda: three_days_on) as dispatcher:
        await dispatcher.extend(three_days_on)
        await dispatcher.extend(three_days_on)  # twice: still one reminder per moment
    keys = [r["key"] for r in await ReminderDue.select(ReminderDue.key)]
    assert len(keys) == len(set(keys))
    assert len(keys) >= first + 2


async def test_two_dispatchers_at_once_send_each_reminder_once(app, admin, worker, pushes):
    people = [worker, admin]
    subscriptions = {p.me["id"]: await _devices(p, pushes, 2) for p in people}
    dues = [await _due(p, key=f"checkin:{n}") for n in range(150) for p in people]
    async with _dispatcher(app, pushes) as one, _dispatcher(app, pushes) as two:
        while await ReminderDue.exists().where(ReminderDue.state.is_in(["due", "sending"])):
            await asyncio.gather(one.tick(), two.tick())
    assert len(pushes.received) == len(dues) * 2
    for person, subs in subscriptions.items():
        expected = sorted(str(d.id) for d in dues if str(d.person) == person)
        for subscription in subs:
            got = sorted(_payload(m)["id"] for m in pushes.received_for(subscription.id))
            assert got == expected


# Separate processes: `tend worker`, as operators run it.


def _worker(app, pushes, tmp_path, name: str) -> subprocess.Popen:
    settings = app.state.settings
    env = {
        **os.environ,
        "TEND_DATABASE_URL": settings.database.url,
        "TEND_DATA_DIR": str(settings.paths.data_dir),
        "TEND_LOG_FORMAT": "json",
        "SSL_CERT_FILE": str(pushes.ca_path),
    }
    log = (tmp_path / f"{name}.log").open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "server.cli", "worker"], env=env, cwd=REPO, stdout=log, stderr=log
    )


async def _until(condition, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    while not await condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def _all_done() -> bool:
    return not await ReminderDue.exists().where(ReminderDue.state.is_in(["due", "sending"]))


async def _many_due(app, worker, pushes, count: int):
    [phone] = await _devices(worker, pushes)
    dues = [await _due(worker, key=f"checkin:{n}") for n in range(count)]
    return phone, dues


async def test_two_worker_processes_send_each_reminder_once(app, worker, pushes, tmp_path):
    phone, dues = await _many_due(app, worker, pushes, 400)
    workers = [_worker(app, pushes, tmp_path, f"w{n}") for n in range(2)]
    try:
        await _until(_all_done)
    finally:
        for process in workers:
            process.send_signal(signal.SIGTERM)
        for process in workers:
            assert process.wait(timeout=30) == 0
    ids = [_payload(m)["id"] for m in pushes.received_for(phone.id)]
    assert sorted(ids) == sorted(str(d.id) for d in dues)


async def _interrupted(app, worker, pushes, tmp_path, stop, after: int):
    """300 reminders; a first worker is stopped (``stop``) once ``after`` have arrived, and a
    second one sends the rest. Returns her phone's subscription and the reminders."""
    pushes.latency = 0.02  # slow answers, so that the stop lands mid-batch
    phone, dues = await _many_due(app, worker, pushes, 300)
    first = _worker(app, pushes, tmp_path, "first")
    await _until(lambda: _received_at_least(pushes, phone, after))
    await stop(first)
    second = _worker(app, pushes, tmp_path, "second")
    try:
        await _until(_all_done)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
    return phone, dues


async def test_a_worker_stopped_mid_batch_finishes_what_it_was_sending(
    app, worker, pushes, tmp_path
):
    """SIGTERM (a deploy, a restart): nothing is left half-sent and nothing is sent twice."""

    async def terminate(process):
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert not await ReminderDue.exists().where(ReminderDue.state == "sending")

    phone, dues = await _interrupted(app, worker, pushes, tmp_path, terminate, after=20)
    ids = [_payload(m)["id"] for m in pushes.received_for(phone.id)]
    assert sorted(ids) == sorted(str(d.id) for d in dues)  # each once


async def test_a_worker_killed_mid_batch_loses_nothing_and_the_phone_sees_each_once(
    app, worker, pushes, tmp_path
):
    """SIGKILL (a crash): what was recorded is never sent again; the few messages that were
    in flight go again with the same Topic, which the push service replaces."""

    async def kill(process):
        process.kill()
        process.wait(timeout=30)
        # Five minutes later, its claims have lapsed (the lease): moved on here.
        await ReminderDue.update({ReminderDue.lease_until: _now() - timedelta(seconds=1)}).where(
            ReminderDue.state == "sending"
        )

    phone, dues = await _interrupted(app, worker, pushes, tmp_path, kill, after=60)
    received = pushes.received_for(phone.id)
    expected = sorted(str(d.id) for d in dues)
    assert sorted({_payload(m)["id"] for m in received}) == expected  # nothing lost
    assert len(received) - len(expected) <= BATCH  # only what was in flight went twice
    inbox = pushes.inbox(phone.id)
    assert sorted(_payload(m)["id"] for m in inbox) == expected  # the phone gets each once


async def _received_at_least(pushes, subscription, count: int) -> bool:
    return len(pushes.received_for(subscription.id)) >= count


@pytest.fixture(autouse=True)
def _no_stray_latency(pushes):
    yield
    pushes.latency = 0.0


async def test_one_plan_that_cannot_be_worked_out_does_not_stop_the_others(
    app, admin, worker, pushes
):
    await worker.put(
        "/api/reminders/settings", json={"time_zone": "UTC", "checkin_times": ["09:00"]}
    )
    await admin.put(
        "/api/reminders/settings", json={"time_zone": "UTC", "checkin_times": ["09:00"]}
    )
    # A plan stored before a check existed: a time zone this server does not know.
    await ReminderPlanRow.update(
        {ReminderPlanRow.plan: {"settings": {"time_zone": "Nowhere/Else"}}}
    ).where(ReminderPlanRow.person == admin.me["id"])
    later = _now() + timedelta(days=3)
    async with _dispatcher(app, pushes, clock=lambda: later) as dispatcher:
        await dispatcher.tick()
    mine = await ReminderDue.count().where(ReminderDue.person == worker.me["id"])
    assert mine >= 3  # her schedule was extended all the same


async def test_a_dispatcher_whose_claim_lapsed_records_nothing_over_the_new_owner(
    app, worker, pushes
):
    [phone] = await _devices(worker, pushes)
    due = await _due(worker)
    async with _dispatcher(app, pushes) as slow, _dispatcher(app, pushes) as other:
        lapsed = uuid.uuid4()
        claimed = await slow.claim(_now(), lapsed)
        assert [c.id for c in claimed] == [due.id]
        await ReminderDue.update({ReminderDue.lease_until: _now() - timedelta(seconds=1)}).where(
            ReminderDue.id == due.id
        )
        assert await other.tick() == 1  # takes it over, sends and records it
        await slow._deliver(claimed, lapsed)  # the slow one finally gets round to it
    row = await ReminderDue.select().where(ReminderDue.id == due.id).first()
    assert row["state"] == "sent"
    assert row["claim"] != lapsed
    assert len(pushes.inbox(phone.id)) == 1  # same Topic: the phone still sees it once
