"""The reminders API: her plan, shifts, devices and follow-ups; other people's are 404;
bad input is a clear 422 that changes nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from server.reminders.tables import PushDevice, ReminderDue

LONDON = ZoneInfo("Europe/London")


def device_body(subscription, server_key: str | None = None) -> dict:
    body = {**subscription.to_json(), "server_key": server_key}
    body.pop("expirationTime")
    return {k: v for k, v in body.items() if v is not None}


async def test_nothing_is_on_until_she_chooses(worker):
    read = (await worker.get("/api/reminders")).json()
    assert len(read["public_key"]) == 87  # an uncompressed P-256 point, base64url
    assert read["plan"]["settings"]["checkin_times"] == []
    assert read["plan"]["settings"]["wording"] == "discreet"
    assert read["devices"] == []
    assert read["upcoming"] == []


async def test_a_daily_check_in_time_gives_the_next_reminders_in_her_time_zone(worker):
    response = await worker.put(
        "/api/reminders/settings",
        json={"time_zone": "Europe/London", "checkin_times": ["19:30"], "never_during_shift": True},
    )
    assert response.status_code == 200, response.text
    upcoming = response.json()["upcoming"]
    assert upcoming
    assert {u["kind"] for u in upcoming} == {"checkin"}
    for item in upcoming:
        local = datetime.fromisoformat(item["due_at"]).astimezone(LONDON)
        assert (local.hour, local.minute) == (19, 30)
    # Saving the same plan again makes no second reminder for the same moment.
    again = await worker.put(
        "/api/reminders/settings", json={"time_zone": "Europe/London", "checkin_times": ["19:30"]}
    )
    moments = [(u["kind"], u["due_at"]) for u in upcoming]
    assert [(u["kind"], u["due_at"]) for u in again.json()["upcoming"]] == moments


async def test_a_wrong_plan_says_what_is_wrong_and_changes_nothing(worker):
    await worker.put("/api/reminders/settings", json={"checkin_times": ["08:00"]})
    for body, field in [
        ({"quiet_start": "22:00"}, "body.quiet_end"),
        ({"time_zone": "Mars/Olympus"}, "body.time_zone"),
        ({"checkin_times": ["25:00"]}, "body.checkin_times[0]"),
        ({"checkin_times": ["08:00", "08:00"]}, "body.checkin_times[1]"),
        ({"wording": "loud"}, "body.wording"),
        ({"surprise": True}, "body"),  # "Object contains unknown field `surprise`"
    ]:
        response = await worker.put("/api/reminders/settings", json=body)
        assert response.status_code == 422, (body, response.text)
        error = response.json()
        assert error["code"] == "validation_error"
        assert [d["field"] for d in error["details"]][:1] == [field], error
    read = (await worker.get("/api/reminders")).json()
    assert read["plan"]["settings"]["checkin_times"] == ["08:00"]


async def test_shifts_and_a_rota_make_after_shift_reminders(worker):
    today = datetime.now(LONDON).date()
    pattern = {
        "starts_on": today.isoformat(),
        "days": [{"kind": "long-day", "start": "07:30", "end": "20:00"}] * 4 + [None] * 4,
    }
    assert (await worker.put("/api/reminders/pattern", json=pattern)).status_code == 200
    read = await worker.put(
        "/api/reminders/settings", json={"after_shift_minutes": 30, "checkin_times": []}
    )
    after = [u for u in read.json()["upcoming"] if u["kind"] == "after-shift"]
    assert after
    for item in after:
        local = datetime.fromisoformat(item["due_at"]).astimezone(LONDON)
        assert (local.hour, local.minute) == (20, 30)
    assert read.json()["plan"]["pattern"] == pattern

    shift = await worker.post(
        "/api/reminders/shifts",
        json={"kind": "sleep-in", "starts_at": "2030-03-01T21:00", "ends_at": "2030-03-02T09:00"},
    )
    assert shift.status_code == 201, shift.text
    shift_id = shift.json()["plan"]["shifts"][0]["id"]
    backwards = await worker.post(
        "/api/reminders/shifts",
        json={"kind": "late", "starts_at": "2030-03-05T22:00", "ends_at": "2030-03-05T14:00"},
    )
    assert backwards.status_code == 422
    assert backwards.json()["details"][0]["field"] == "body.ends_at"
    assert (await worker.delete(f"/api/reminders/shifts/{shift_id}")).status_code == 204
    assert (await worker.delete(f"/api/reminders/shifts/{shift_id}")).status_code == 404
    assert (await worker.delete("/api/reminders/pattern")).status_code == 204
    read = (await worker.get("/api/reminders")).json()
    assert read["plan"]["pattern"] is None
    assert read["plan"]["shifts"] == []
    assert [u for u in read["upcoming"] if u["kind"] == "after-shift"] == []


async def test_devices_are_hers_alone(worker, supervisor, pushes):
    subscription = pushes.subscribe()
    added = await worker.post("/api/reminders/devices", json=device_body(subscription))
    assert added.status_code == 201, added.text
    device = added.json()
    assert device["this_device"] is True
    assert device["endpoint_origin"] == pushes.origin
    assert subscription.endpoint not in added.text  # the endpoint is a secret: never echoed
    # The same browser subscribing again is the same device.
    again = await worker.post("/api/reminders/devices", json=device_body(subscription))
    assert again.json()["id"] == device["id"]
    assert await PushDevice.count() == 1
    # Claire cannot see, test or remove it.
    assert (await supervisor.get("/api/reminders")).json()["devices"] == []
    assert (await supervisor.delete(f"/api/reminders/devices/{device['id']}")).status_code == 404
    assert (await supervisor.post(f"/api/reminders/devices/{device['id']}/test")).status_code == 404
    assert (await worker.post(f"/api/reminders/devices/{device['id']}/test")).status_code == 202
    assert (await worker.delete(f"/api/reminders/devices/{device['id']}")).status_code == 204
    assert (await worker.get("/api/reminders")).json()["devices"] == []


async def test_a_subscription_must_be_a_real_one(worker, pushes):
    subscription = pushes.subscribe()
    body = device_body(subscription)
    for broken, field in [
        ({**body, "endpoint": body["endpoint"].replace("https", "http")}, "body.endpoint"),
        ({**body, "keys": {"p256dh": "short", "auth": body["keys"]["auth"]}}, "body.keys.p256dh"),
        # Not a push service Tend sends to: the server must not be made to call any address.
        ({**body, "endpoint": "https://10.0.0.7/admin"}, "body.endpoint"),
        ({**body, "endpoint": "https://fcm.googleapis.com.evil.example/x"}, "body.endpoint"),
    ]:
        response = await worker.post("/api/reminders/devices", json=broken)
        assert response.status_code == 422
        assert response.json()["details"][0]["field"] == field
    stale = await worker.post(
        "/api/reminders/devices", json=device_body(subscription, server_key="B" + "A" * 86)
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_server_key"
    assert await PushDevice.count() == 0


async def test_the_service_worker_renews_a_subscription_with_the_old_secret(worker, pushes):
    old, new = pushes.subscribe(), pushes.subscribe()
    await worker.post("/api/reminders/devices", json=device_body(old))
    renewal = {
        "old_endpoint": old.endpoint,
        "old_auth": new.auth,  # not the old one's secret
        "subscription": device_body(new),
    }
    anonymous = worker.__class__(worker.client._transport.app)
    assert (await anonymous.post("/api/reminders/renew", json=renewal)).status_code == 404
    renewal["old_auth"] = old.auth
    assert (await anonymous.post("/api/reminders/renew", json=renewal)).status_code == 204
    row = await PushDevice.select(PushDevice.endpoint, PushDevice.auth).first()
    assert row == {"endpoint": new.endpoint, "auth": new.auth}


async def test_follow_ups_come_after_quiet_hours_and_can_be_cancelled(worker):
    await worker.put(
        "/api/reminders/settings",
        json={"time_zone": "UTC", "quiet_start": "00:00", "quiet_end": "23:59"},
    )
    before = datetime.now(UTC)
    made = await worker.post("/api/reminders/follow-ups", json={"after_hours": [24, 72]})
    assert made.status_code == 201, made.text
    follow_ups = made.json()
    assert [f["kind"] for f in follow_ups] == ["follow-up", "follow-up"]
    for item, hours in zip(follow_ups, (24, 72), strict=True):
        due = datetime.fromisoformat(item["due_at"])
        assert due >= before + timedelta(hours=hours)
        assert (due.hour, due.minute) == (23, 59)  # moved to the end of her quiet hours
    rows = await ReminderDue.select(ReminderDue.key).where(ReminderDue.kind == "follow-up")
    assert all(r["key"].startswith("follow-up:") and len(r["key"]) == 42 for r in rows)
    assert (
        await worker.delete(f"/api/reminders/follow-ups/{follow_ups[0]['id']}")
    ).status_code == 204
    assert (
        await worker.delete(f"/api/reminders/follow-ups/{follow_ups[0]['id']}")
    ).status_code == 404
    assert [u["id"] for u in (await worker.get("/api/reminders")).json()["upcoming"]] == [
        follow_ups[1]["id"]
    ]
    # Asked for again (after a check-in, then on "after something difficult"): the day
    # that still has one keeps just that one; the cancelled one comes back.
    again = await worker.post("/api/reminders/follow-ups", json={"after_hours": [24, 72]})
    assert again.status_code == 201
    assert again.json()[1]["id"] == follow_ups[1]["id"]
    assert await ReminderDue.count().where(ReminderDue.kind == "follow-up") == 2
    # Five waiting on other days and one tomorrow make six: no more.
    far = datetime.now(UTC) + timedelta(days=10)
    person = (await worker.get("/api/account")).json()["id"]
    await ReminderDue.insert(
        *(
            ReminderDue(
                person=person,
                kind="follow-up",
                key=f"follow-up:{uuid.uuid4().hex}",
                due_at=far + timedelta(days=n),
                next_at=far + timedelta(days=n),
            )
            for n in range(5)
        )
    )
    for row in again.json():
        await worker.delete(f"/api/reminders/follow-ups/{row['id']}")
    await worker.post("/api/reminders/follow-ups", json={"after_hours": [24]})
    too_many = await worker.post("/api/reminders/follow-ups", json={"after_hours": [72]})
    assert too_many.status_code == 409
    assert await ReminderDue.count().where(ReminderDue.kind == "follow-up") == 6
    bad = await worker.post("/api/reminders/follow-ups", json={"after_hours": [12]})
    assert bad.status_code == 422


async def test_a_request_to_talk_queues_a_discreet_push_for_a_supervisor_with_a_device(
    worker, supervisor, pushes
):
    asked = await worker.post("/api/sharing/talk", json={"supervisor_id": supervisor.me["id"]})
    assert asked.status_code == 201
    assert await ReminderDue.count() == 0  # Claire has no device: nothing to send
    await supervisor.post("/api/reminders/devices", json=device_body(pushes.subscribe()))
    await worker.post("/api/sharing/talk", json={"supervisor_id": supervisor.me["id"]})
    rows = await ReminderDue.select(ReminderDue.person, ReminderDue.kind, ReminderDue.key)
    assert [(str(r["person"]), r["kind"]) for r in rows] == [(supervisor.me["id"], "talk-request")]
    assert worker.me["display_name"] not in rows[0]["key"]


async def test_admins_see_push_health_as_counts_only(admin, worker):
    health = await admin.get("/api/admin/reminders")
    assert health.status_code == 200
    assert health.json() == {
        "days": 14,
        "services": [],
        "devices": 0,
        "waiting": 0,
        "oldest_waiting_since": None,
    }
    assert (await worker.get("/api/admin/reminders")).status_code == 403


async def test_without_quiet_hours_of_her_own_a_follow_up_never_comes_in_the_night(worker):
    # A zone where it is about 3 in the morning now, so 24 and 72 hours on are too.
    offset = (3 - datetime.now(UTC).hour) % 24
    offset = offset - 24 if offset > 12 else offset
    zone = f"Etc/GMT{-offset:+d}"  # POSIX signs: Etc/GMT-3 is three hours ahead of UTC
    await worker.put("/api/reminders/settings", json={"time_zone": zone})
    made = await worker.post("/api/reminders/follow-ups", json={"after_hours": [24, 72]})
    assert made.status_code == 201, made.text
    for item in made.json():
        local = datetime.fromisoformat(item["due_at"]).astimezone(ZoneInfo(zone))
        assert (local.hour, local.minute) == (8, 0), local


async def test_dates_far_from_now_are_refused_not_a_server_error(worker):
    for body, field in [
        ({"paused_until": "9999-12-31"}, "body.paused_until"),
        ({"next_supervision": "0001-01-01T10:00"}, "body.next_supervision"),
    ]:
        response = await worker.put("/api/reminders/settings", json=body)
        assert response.status_code == 422, response.text
        assert response.json()["details"][0]["field"] == field
    far_rota = await worker.put(
        "/api/reminders/pattern", json={"starts_on": "0001-01-01", "days": [None]}
    )
    assert far_rota.status_code == 422
    assert far_rota.json()["details"][0]["field"] == "body.starts_on"


async def test_devices_are_limited_and_odd_endpoints_and_keys_refused(worker, pushes):
    broken = await worker.post(
        "/api/reminders/devices",
        json={**device_body(pushes.subscribe()), "endpoint": "https://[x/push"},
    )
    assert broken.status_code == 422
    for _ in range(10):
        added = await worker.post("/api/reminders/devices", json=device_body(pushes.subscribe()))
        assert added.status_code == 201
    eleventh = await worker.post("/api/reminders/devices", json=device_body(pushes.subscribe()))
    assert eleventh.status_code == 409
    assert eleventh.json()["code"] == "too_many_devices"
    # Renewing with a key the server never had is refused (pushes to it could never work).
    old = await PushDevice.select(PushDevice.endpoint, PushDevice.auth).first()
    renewal = {
        "old_endpoint": old["endpoint"],
        "old_auth": old["auth"],
        "subscription": device_body(pushes.subscribe(), server_key="B" + "A" * 86),
    }
    renewed = await worker.post("/api/reminders/renew", json=renewal)
    assert renewed.status_code == 409


async def test_a_closed_account_gets_no_more_pushes(admin, worker, pushes):
    await worker.post("/api/reminders/devices", json=device_body(pushes.subscribe()))
    await worker.put("/api/reminders/settings", json={"checkin_times": ["09:00", "21:00"]})
    assert await ReminderDue.count() > 0
    closed = await admin.post(f"/api/admin/people/{worker.me['id']}/deactivate")
    assert closed.status_code == 200
    assert await PushDevice.count() == 0
    assert await ReminderDue.count() == 0


async def test_a_withdrawn_or_answered_request_sends_no_push(worker, supervisor, pushes):
    await supervisor.post("/api/reminders/devices", json=device_body(pushes.subscribe()))
    for answer in ("withdraw", "acknowledge"):
        asked = await worker.post("/api/sharing/talk", json={"supervisor_id": supervisor.me["id"]})
        request_id = asked.json()["id"]
        assert await ReminderDue.count().where(ReminderDue.state == "due") == 1
        if answer == "withdraw":
            response = await worker.delete(f"/api/sharing/talk/{request_id}")
        else:
            response = await supervisor.post(f"/api/supervision/requests/{request_id}/acknowledge")
        assert response.status_code in (200, 204), response.text
        assert await ReminderDue.count().where(ReminderDue.state == "due") == 0
