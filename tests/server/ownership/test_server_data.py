"""What the server holds about me: every section, no secret's value, nobody else's data."""

from __future__ import annotations

import re

from server.accounts.tables import Person, Session
from server.sync.tables import Record
from tests.server.accounts.helpers import join
from tests.server.ownership.seed import seed_worker

MARKER = "Wrenfield"
SECTIONS = {
    "account",
    "organisation",
    "supervision",
    "sessions",
    "security_log",
    "records",
    "sync",
    "shares",
    "shared_with_you",
    "views",
    "talk_requests",
    "supervision_sessions",
    "organisation_figures",
    "reminders",
    "push_devices",
    "reminders_due",
    "invitations",
    "one_time_tokens",
    "rate_limits",
}


async def test_the_keys_carry_the_recovery_copy_for_backups(worker):
    keys = (await worker.get("/api/account/keys")).json()
    assert keys == {
        "salt": worker.keys.salt,
        "iterations": 600_000,
        "wrapped_data_key": worker.keys.wrapped_data_key,
        "recovery_salt": worker.keys.recovery_salt,
        "recovery_wrapped_data_key": worker.keys.recovery_wrapped_key,
    }


async def test_the_download_holds_every_section_about_her(app, admin, supervisor, worker):
    await seed_worker(app, worker, supervisor, MARKER)
    response = await worker.get("/api/account/data")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert re.fullmatch(
        r'attachment; filename="tend-server-data-\d{4}-\d{2}-\d{2}\.json"',
        response.headers["content-disposition"],
    )
    held = response.json()
    assert held["format"] == "tend-server-data"
    assert held["version"] == 1
    assert set(held) >= SECTIONS
    for name in SECTIONS:
        assert len(held[name]["about"]) > 40, f"{name} says what it is"

    me = worker.me["id"]
    account = held["account"]
    assert (account["id"], account["email"]) == (me, "jade@example.org")
    assert account["display_name"] == f"Jade {MARKER}"
    assert account["roles"] == ["worker"]
    assert any("Argon2id hash" in line for line in account["secrets_held"])
    assert held["organisation"]["organisation"]["name"] == "Harbour Care"
    assert held["organisation"]["team"]["name"] == "Oak House"
    assert held["supervision"]["supervised_by"] == [
        {"id": supervisor.me["id"], "display_name": "Claire"}
    ]
    assert [s["this_device"] for s in held["sessions"]["items"]] == [True]
    events = {e["event"] for e in held["security_log"]["events"]}
    assert {"invitation_accepted", "sign_in_failed"} <= events

    records = held["records"]
    stored = await Record.select().where(Record.owner == me)
    assert records["count"] == len(stored) == 2
    assert sorted((r["deleted"], r["size_bytes"] > 0) for r in records["items"]) == [
        (False, True),
        (True, False),
    ]
    for row in stored:
        if row["ciphertext"]:
            assert row["ciphertext"] not in response.text, "records are listed, not given"
    assert held["sync"]["used_bytes"] > 0
    assert held["sync"]["changes_numbered"] == 3

    shares = held["shares"]["items"]
    assert sorted(s["kind"] for s in shares) == ["agenda", "entry"]
    assert any(s["content"].get("reflection") == f"{MARKER}-shared" for s in shares)
    views = held["views"]
    assert len(views["of_what_you_share"]) == 2
    assert views["by_you"] == []
    [sent] = held["talk_requests"]["sent"]
    assert sent["note"] == f"{MARKER}-note"
    assert held["talk_requests"]["received"] == []
    [session] = held["supervision_sessions"]["items"]
    assert (session["your_part"], session["pulse_given"]) == ("supervisee", True)
    figures = held["organisation_figures"]
    assert figures["adding_check_ins"] is True
    assert [(m["checkin_days"], m["stress"]) for m in figures["months"]] == [(9, 3)]
    plan = held["reminders"]["plan"]
    assert plan["settings"]["checkin_times"] == ["19:30"]
    assert [s["kind"] for s in plan["shifts"]] == ["night"]
    assert plan["pattern"] is not None
    [device] = held["push_devices"]["items"]
    assert device["endpoint_host"] == "push.example.org"
    assert "endpoint" not in device
    kinds = {r["kind"] for r in held["reminders_due"]["items"]}
    assert {"follow-up", "checkin"} <= kinds
    assert [t["purpose"] for t in held["one_time_tokens"]["items"]] == ["recovery"]
    counters = {c["name"]: c["count"] for c in held["rate_limits"]["items"]}
    assert counters["sign-in-account"] >= 1
    assert held["invitations"]["yours"][0]["roles"] == ["worker"]


async def test_the_download_holds_no_secret_and_nobody_elses_data(app, admin, supervisor, worker):
    await seed_worker(app, worker, supervisor, MARKER)
    amir = await join(
        app, admin, "Amir", "amir@example.org", ("worker",), "Elm Lodge", [supervisor.me["id"]]
    )
    await amir.put(
        "/api/sharing/shares",
        json={
            "supervisor_id": supervisor.me["id"],
            "content": {"kind": "agenda", "items": ["Amir's own agenda"]},
        },
    )
    await amir.post(
        "/api/sharing/talk",
        json={"supervisor_id": supervisor.me["id"], "note": "Amir's own note"},
    )
    text = (await worker.get("/api/account/data")).text

    person = await Person.select().where(Person.id == worker.me["id"]).first()
    sessions = await Session.select().where(Session.person == worker.me["id"])
    secrets = [
        person["auth_hash"],
        person["recovery_auth_hash"],
        person["kdf_salt"],
        person["wrapped_data_key"],
        person["recovery_salt"],
        person["recovery_wrapped_key"],
        worker.keys.auth_key,
        worker.keys.recovery_auth_key,
        worker.client.cookies["tend-session"],
        *(s["token_hash"] for s in sessions),
        *(s["csrf_token"] for s in sessions),
    ]
    for secret in secrets:
        assert secret not in text
    for someone_else in (
        "amir@example.org",
        "Amir",
        "Amir's own agenda",
        "Amir's own note",
        "claire@example.org",
        "priya@example.org",
        "Priya",
    ):
        assert someone_else not in text, someone_else


async def test_a_supervisor_sees_what_she_was_given_named_not_shown(app, admin, supervisor, worker):
    await seed_worker(app, worker, supervisor, MARKER)
    held = (await supervisor.get("/api/account/data")).json()
    text = str(held)
    for hers in (f"{MARKER}-shared", f"{MARKER}-note", "jade@example.org"):
        assert hers not in text, "what Jade shares and asks is named, not shown"
    assert held["supervision"]["supervises"] == [
        {"id": worker.me["id"], "display_name": f"Jade {MARKER}"}
    ]
    assert sorted(s["kind"] for s in held["shared_with_you"]["items"]) == ["agenda", "entry"]
    assert len(held["views"]["by_you"]) == 2
    [received] = held["talk_requests"]["received"]
    assert received["has_note"] is True
    [session] = held["supervision_sessions"]["items"]
    assert (session["your_part"], session["pulse_given"]) == ("supervisor", None)
    assert "talk-request" in {r["kind"] for r in held["reminders_due"]["items"]}


async def test_the_download_needs_a_session(app, client):
    response = await client.get("/api/account/data")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorised"
