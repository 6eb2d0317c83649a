"""Deleting an account: everything that names her goes in one transaction, whoever asks;
her other devices are told; other people's data stays; a plain note is all that is left."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from server.accounts.tables import AuditEvent, Invitation, Person, Session, Supervision
from server.lib.tokens import hash_token
from server.ownership import deletion
from server.piccolo_conf import APP_REGISTRY
from server.sharing.tables import PulseTally, Share, TalkRequest
from server.sync.tables import Record
from tests.server.accounts.helpers import Browser, b64, invite, join, set_up, team_id
from tests.server.ownership.seed import (
    add_push_device,
    join_labelled,
    push_records,
    second_device,
    seed_worker,
)

MARKER = "Quillonby"


async def everything_stored() -> dict[str, str]:
    """Every row of every table of every Tend app, as text, by table."""
    dump = {}
    for app_config in APP_REGISTRY.app_configs.values():
        for table in app_config.table_classes:
            name = table._meta.tablename
            dump[name] = repr(await table.raw(f"SELECT * FROM {name}"))
    return dump


def traces(person: Browser, marker: str) -> list[str]:
    """What would name her: her id (with and without hyphens), her email (and its hash,
    which rate limits use), and the marker in her name and what she wrote."""
    person_id, email = person.me["id"], person.me["email"]
    return [person_id, uuid.UUID(person_id).hex, email, hash_token(email), marker]


def found(dump: dict[str, str], needles: list[str]) -> list[tuple[str, str]]:
    return [
        (table, needle)
        for table, text in dump.items()
        for needle in needles
        if needle.lower() in text.lower()
    ]


async def deletion_notes() -> list[dict]:
    return await AuditEvent.select().where(AuditEvent.event == "account_deleted")


async def amir_with_data(app, admin, supervisors: list[str]) -> tuple[Browser, dict]:
    """Another worker, with records, a share and a request of his own."""
    amir = await join(app, admin, "Amir", "amir@example.org", ("worker",), "Elm Lodge", supervisors)
    records = await push_records(amir, 3)
    for supervisor_id in supervisors:
        shared = await amir.put(
            "/api/sharing/shares",
            json={
                "supervisor_id": supervisor_id,
                "content": {"kind": "agenda", "items": ["Amir's agenda"]},
            },
        )
        assert shared.status_code == 200, shared.text
    asked = await amir.post("/api/sharing/talk", json={"supervisor_id": supervisors[-1]})
    assert asked.status_code == 201, asked.text
    return amir, {"records": records}


async def amirs_things(amir: Browser) -> dict:
    me = uuid.UUID(amir.me["id"])
    return {
        "records": sorted(
            str(r["id"]) for r in await Record.select(Record.id).where(Record.owner == me)
        ),
        "shares": await Share.count().where(Share.worker == me),
        "talk": await TalkRequest.count().where(TalkRequest.worker == me),
        "sessions": await Session.count().where(Session.person == me),
        "account": (await amir.get("/api/account")).status_code,
    }


async def test_she_deletes_her_account_and_nothing_that_names_her_remains(app, admin, supervisor):
    jade = await join_labelled(
        app,
        admin,
        "Jade",
        "jade@example.org",
        ("worker",),
        "Oak House",
        [supervisor.me["id"]],
        label=f"For {MARKER}, Oak House",
    )
    amir, _ = await amir_with_data(app, admin, [supervisor.me["id"]])
    await seed_worker(app, jade, supervisor, MARKER)
    moved = await admin.patch(
        f"/api/admin/people/{jade.me['id']}", json={"team_id": await team_id(admin, "Elm Lodge")}
    )
    assert moved.status_code == 200, moved.text
    laptop = await second_device(app, jade)
    # A wrong password after that: a rate-limit counter against her account.
    assert (await Browser(app).sign_in("jade@example.org", b64(32))).status_code == 401
    needles = traces(jade, MARKER)
    before = found(await everything_stored(), needles)
    for needle in (jade.me["id"], "jade@example.org", hash_token("jade@example.org"), MARKER):
        assert any(n == needle for _, n in before), f"the scan can see {needle!r} before"
    amir_before = await amirs_things(amir)
    tallies_before = await PulseTally.select(PulseTally.answers, PulseTally.people)

    response = await jade.post("/api/account/delete", json={"auth_key": jade.keys.auth_key})

    assert response.status_code == 204, response.text
    assert response.headers["clear-site-data"] == '"cache", "cookies", "storage"'
    assert response.headers["cache-control"] == "no-store"
    assert "tend-session=" in response.headers["set-cookie"]
    assert "Max-Age=0" in response.headers["set-cookie"]
    left = found(await everything_stored(), needles)
    assert left == [], f"still stored: {left}"
    [note] = await deletion_notes()
    assert note["organisation_id"] == uuid.UUID(admin.me["organisation"]["id"])
    assert (note["actor_id"], note["subject_id"], note["ip"], note["device"]) == (
        None,
        None,
        "",
        "",
    )
    assert deletion.json_value(note["detail"]) == {"by": "self"}
    # Everyone else's data is as it was; anonymous totals of 5 or more stay.
    assert await amirs_things(amir) == amir_before
    assert await Supervision.count().where(Supervision.worker == amir.me["id"]) == 1
    assert (await supervisor.get("/api/account")).status_code == 200
    assert await PulseTally.select(PulseTally.answers, PulseTally.people) == tallies_before
    # She cannot sign in again; this browser is signed out and told nothing more.
    again = await Browser(app).sign_in("jade@example.org", jade.keys.auth_key)
    assert again.status_code == 401
    assert (await jade.get("/api/session")).json() == {
        "me": None,
        "csrf_token": None,
        "ended": None,
    }
    # Her laptop learns at its next contact, and wipes itself.
    assert (await laptop.get("/api/session")).json() == {
        "me": None,
        "csrf_token": None,
        "ended": "account_deleted",
    }
    refused = await laptop.get("/api/account")
    assert refused.status_code == 401
    assert refused.json()["code"] == "account_deleted"
    assert set(refused.json()) >= {"status", "code", "message", "request_id"}
    pushed = await laptop.post("/api/sync/push", json={"mutations": []})
    assert pushed.status_code == 401
    assert pushed.json()["code"] == "account_deleted"


async def test_an_admin_deletes_a_supervisor_who_has_left(app, admin, supervisor):
    claire = supervisor
    sam = await join(app, admin, "Sam", "sam@example.org", ("supervisor",), "Elm Lodge")
    jade = await join(
        app, admin, "Jade", "jade@example.org", ("worker",), "Oak House", [claire.me["id"]]
    )
    amir, _ = await amir_with_data(app, admin, [sam.me["id"], claire.me["id"]])
    # Claire is an admin too, and acts as one: an invitation naming her, a team change.
    made_admin = await admin.patch(
        f"/api/admin/people/{claire.me['id']}", json={"roles": ["supervisor", "worker", "admin"]}
    )
    assert made_admin.status_code == 200, made_admin.text
    pending, _ = await invite(claire, ("worker",), "Oak House", [claire.me["id"], sam.me["id"]])
    moved = await claire.patch(
        f"/api/admin/people/{amir.me['id']}", json={"team_id": await team_id(admin, "Oak House")}
    )
    assert moved.status_code == 200, moved.text
    # Her own life in Tend, and Jade's sharing with her.
    await claire.patch("/api/account", json={"display_name": f"Claire {MARKER}"})
    await push_records(claire)
    await claire.put("/api/reminders/settings", json={"checkin_times": ["08:00"]})
    await seed_worker(app, jade, claire, "JadesOwn")
    await add_push_device(claire)
    jades_records = sorted(
        str(r["id"]) for r in await Record.select().where(Record.owner == jade.me["id"])
    )
    amir_before = await amirs_things(amir)
    needles = traces(claire, MARKER)

    response = await admin.delete(f"/api/admin/people/{claire.me['id']}")

    assert response.status_code == 204, response.text
    left = found(await everything_stored(), needles)
    assert left == [], f"still stored: {left}"
    [note] = await deletion_notes()
    assert note["actor_id"] == uuid.UUID(admin.me["id"])
    assert note["subject_id"] is None
    assert deletion.json_value(note["detail"]) == {"by": "admin"}
    # What she did as an admin stays in the log, without her name or where she was.
    created = await AuditEvent.select().where(AuditEvent.event == "invitation_created")
    [hers] = [
        e
        for e in created
        if deletion.json_value(e["detail"])["invitation"] == pending["invitation"]["id"]
    ]
    assert (hers["actor_id"], hers["ip"], hers["device"]) == (None, "", "")
    assert any(e["actor_id"] == uuid.UUID(admin.me["id"]) for e in created), "Priya's stay hers"
    # The invitation she sent stays, no longer naming her.
    row = await Invitation.select().where(Invitation.id == pending["invitation"]["id"]).first()
    assert row["created_by"] is None
    assert deletion.json_value(row["supervisor_ids"], []) == [sam.me["id"]]
    # Jade keeps her own records; what she shared with and asked of Claire is gone.
    assert (
        sorted(str(r["id"]) for r in await Record.select().where(Record.owner == jade.me["id"]))
        == jades_records
    )
    sharing = (await jade.get("/api/sharing")).json()
    assert sharing["shares"] == []
    assert sharing["supervisors"] == []
    assert (await jade.get("/api/sharing/talk")).json() == []
    assert (await jade.get("/api/sharing/sessions")).json() == []
    assert sharing["organisation"] is True, "her choice about organisation figures is hers"
    # Amir keeps what he shares with Sam, and his other request; what was Claire's is gone.
    after = await amirs_things(amir)
    assert after["records"] == amir_before["records"]
    assert after["shares"] == amir_before["shares"] - 1
    assert (await sam.get(f"/api/supervision/supervisees/{amir.me['id']}")).status_code == 200
    # Her phone is told.
    told = (await claire.get("/api/session")).json()
    assert told["ended"] == "account_deleted"
    people = (await admin.get("/api/admin/people")).json()
    assert claire.me["id"] not in {p["id"] for p in people}


async def test_a_wrong_password_deletes_nothing(app, worker, supervisor):
    await push_records(worker)
    wrong = await worker.post("/api/account/delete", json={"auth_key": b64(32)})
    change = await worker.put(
        "/api/account/password",
        json={"current_auth_key": b64(32), "password": worker.keys.password()},
    )
    assert wrong.status_code == change.status_code == 401
    assert wrong.json()["code"] == change.json()["code"] == "wrong_password"
    assert wrong.json()["message"] == change.json()["message"]
    assert await Person.exists().where(Person.id == worker.me["id"])
    assert await Record.count().where(Record.owner == worker.me["id"]) == 2
    assert (await worker.get("/api/account")).status_code == 200
    assert await deletion_notes() == []


async def test_guessing_the_password_here_is_rate_limited_like_a_sign_in(worker):
    statuses = [
        (await worker.post("/api/account/delete", json={"auth_key": b64(32)})).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    right = await worker.post("/api/account/delete", json={"auth_key": worker.keys.auth_key})
    assert right.status_code == 429, "the right key waits its turn too"
    assert await Person.exists().where(Person.id == worker.me["id"])


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"auth_key": "short"},
        {"auth_key": 42},
        {"auth_key": b64(32), "also": "this"},
        [],
    ],
)
async def test_a_malformed_request_is_a_clear_422(worker, body):
    response = await worker.post("/api/account/delete", json=body)
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["code"] == "validation_error"
    assert set(error) >= {"status", "code", "message", "request_id"}
    assert await Person.exists().where(Person.id == worker.me["id"])


async def test_not_json_at_all_is_a_400_in_the_same_shape(worker):
    response = await worker.client.post(
        "/api/account/delete",
        content=b"{nope",
        headers={"x-csrf-token": worker.csrf, "content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"


async def test_the_last_admin_must_hand_over_first(app, admin, worker):
    response = await admin.post("/api/account/delete", json={"auth_key": admin.keys.auth_key})
    assert response.status_code == 409
    assert response.json()["code"] == "last_admin"
    assert "Make someone else an admin first" in response.json()["message"]
    assert await Person.exists().where(Person.id == admin.me["id"])
    # Once someone else is an admin, she can go.
    promoted = await admin.patch(
        f"/api/admin/people/{worker.me['id']}", json={"roles": ["worker", "admin"]}
    )
    assert promoted.status_code == 200
    gone = await admin.post("/api/account/delete", json={"auth_key": admin.keys.auth_key})
    assert gone.status_code == 204, gone.text


async def test_the_admin_route_is_for_admins_and_their_own_organisation(
    app, admin, supervisor, worker
):
    outsider = await set_up(app, organisation="Other Org", teams=("Other Team",), email="o@x.org")
    for who, person_id, status, code in [
        (worker, supervisor.me["id"], 403, "forbidden"),
        (supervisor, worker.me["id"], 403, "forbidden"),
        (admin, outsider.me["id"], 404, "not_found"),
        (outsider, worker.me["id"], 404, "not_found"),
        (admin, str(uuid.uuid4()), 404, "not_found"),
        (admin, admin.me["id"], 409, "self"),
    ]:
        response = await who.delete(f"/api/admin/people/{person_id}")
        assert (response.status_code, response.json()["code"]) == (status, code), response.text
    assert (await admin.delete("/api/admin/people/not-a-uuid")).status_code in (400, 404)
    for person in (admin, supervisor, worker, outsider):
        assert (await person.get("/api/account")).status_code == 200
    assert await deletion_notes() == []


async def test_two_admins_deleting_each_other_at_once_leave_one(app, admin, worker):
    promoted = await admin.patch(
        f"/api/admin/people/{worker.me['id']}", json={"roles": ["worker", "admin"]}
    )
    assert promoted.status_code == 200
    first, second = await asyncio.gather(
        admin.delete(f"/api/admin/people/{worker.me['id']}"),
        worker.delete(f"/api/admin/people/{admin.me['id']}"),
    )
    statuses = sorted([first.status_code, second.status_code])
    assert statuses[0] == 204, (first.text, second.text)
    assert statuses[1] in (401, 404, 409), (first.text, second.text)
    admins = await Person.count().where(Person.is_admin == True)  # noqa: E712
    assert admins == 1
    assert len(await deletion_notes()) == 1


async def test_a_failure_part_way_leaves_everything_as_it_was(app, worker, monkeypatch):
    await push_records(worker)

    async def fail(*_args, **_kwargs):
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr(deletion, "_erase_security_events", fail)
    response = await worker.post("/api/account/delete", json={"auth_key": worker.keys.auth_key})
    assert response.status_code == 500
    assert await Record.count().where(Record.owner == worker.me["id"]) == 2
    assert await Session.count().where(Session.person == worker.me["id"]) == 1
    assert (await worker.get("/api/account")).status_code == 200
    assert (await worker.get("/api/session")).json()["ended"] is None
