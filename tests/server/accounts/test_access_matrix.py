"""Every API route, for every role, against another organisation's resources: nothing leaks.

Routes come from the app's own route table, so a new route is covered as soon as it
exists; a route whose path parameter or body this file cannot fill fails the test
until someone teaches it how (``RESOURCES`` and ``SAMPLE_BODIES``).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date

import msgspec

from server.accounts.tables import Invitation, Session
from tests.server.accounts.helpers import Browser, Keys, b64, invite, join, set_up

PERSONAS = ("anonymous", "worker", "supervisor", "admin")


@dataclass
class Operation:
    path: str
    method: str
    public: bool
    role: str | None
    body_type: type | None


def operations(app) -> list[Operation]:
    found = []
    for route in app.routes:
        if not route.path.startswith("/api/"):
            continue
        for handler in route.route_handlers:
            guards = [guard.func.__name__ for guard in handler.resolve_guards()]
            roles = [g.removeprefix("requires_") for g in guards if g.startswith("requires_")]
            data = handler.parsed_fn_signature.parameters.get("data")
            for method in sorted(handler.http_methods - {"OPTIONS", "HEAD"}):
                found.append(
                    Operation(
                        path=route.path,
                        method=method,
                        public=bool(handler.opt.get("exclude_from_auth")),
                        role=roles[0] if roles else None,
                        body_type=data.annotation if data else None,
                    )
                )
    # Signing out ends the persona's session: keep it for last.
    return sorted(found, key=lambda op: op.path.endswith("/sign-out"))


def sample_bodies(other: dict) -> dict[str, dict]:
    keys = Keys()
    return {
        "KdfParamsRequest": {"email": other["email"]},
        "SignIn": {"email": other["email"], "auth_key": b64(32)},
        "RecoveryStart": {"email": other["email"], "auth_key": b64(32)},
        "RecoveryFinish": {"recovery_token": b64(32), "password": keys.password()},
        "PasswordChange": {"current_auth_key": b64(32), "password": keys.password()},
        "RecoveryChange": {"current_auth_key": b64(32), "recovery": keys.recovery()},
        "AccountDeletion": {"auth_key": b64(32)},
        "ProfileUpdate": {"display_name": "Renamed"},
        "TokenBody": {"token": b64(32)},
        "Acceptance": {"token": b64(32), "account": keys.account("X", "x@example.org")},
        "SetupRequest": {
            "token": b64(32),
            "organisation_name": "X",
            "teams": [],
            "account": keys.account("X", "x@example.org"),
        },
        "OrganisationUpdate": {"name": "Renamed"},
        "TeamWrite": {"name": "Renamed"},
        "InvitationCreate": {
            "roles": ["worker"],
            "team_id": other["team_id"],
            "supervisor_ids": [other["person_id"]],
        },
        "PersonUpdate": {"roles": ["worker"], "team_id": other["team_id"]},
        "SupervisorsUpdate": {"supervisor_ids": [other["person_id"]]},
        "PushRequest": {
            "mutations": [
                {
                    "mutation_id": str(uuid.uuid4()),
                    "record_id": other["record_id"],
                    "type": "journal",
                    "base_version": 1,
                    "deleted": True,
                }
            ]
        },
        "ShareWrite": {
            "supervisor_id": other["supervisor_id"],
            "content": {"kind": "agenda", "items": ["Mine"]},
        },
        "ShareUpdate": {"content": {"kind": "agenda", "items": ["Mine"]}},
        "TalkWrite": {"supervisor_id": other["supervisor_id"]},
        "PulseWrite": {"heard": 3, "checked_in": 3, "useful": 3},
        "OrganisationSharing": {"share": False},
        "Contributions": {"months": []},
        "SessionWrite": {"worker_id": other["person_id"], "held_on": date.today().isoformat()},
        "ReminderSettings": {"time_zone": "Europe/London", "checkin_times": ["19:30"]},
        "ShiftPattern": {
            "starts_on": date.today().isoformat(),
            "days": [{"kind": "early", "start": "07:00", "end": "15:00"}, None],
        },
        "ShiftWrite": {
            "kind": "late",
            "starts_at": "2030-01-01T14:00",
            "ends_at": "2030-01-01T22:00",
        },
        # A subscription of the caller's own browser (an endpoint is the browser's secret).
        "DeviceWrite": {
            "endpoint": f"https://push.example.org/{uuid.uuid4()}",
            "keys": {"p256dh": "B" + "A" * 86, "auth": "A" * 22},
        },
        "DeviceRenewal": {
            "old_endpoint": other["device_endpoint"],
            "old_auth": "A" * 22,
            "subscription": {
                "endpoint": f"https://push.example.org/{uuid.uuid4()}",
                "keys": {"p256dh": "B" + "A" * 86, "auth": "A" * 22},
            },
        },
        "FollowUpWrite": {"after_hours": [24]},
        "ResourceWrite": {
            "name": "Our helpline",
            "phone": "0800 123 4567",
            "team_ids": [other["team_id"]],
        },
        "ResourceOrder": {"ids": [other["resource_id"]]},
        "PromptWrite": {"moment": "after-shift", "text": "What helped today?"},
        "FeelingWrite": {"word": "steady"},
    }


def mentions_other(body: object, other: dict) -> bool:
    text = msgspec.json.encode(body).decode()
    keys = ("person_id", "team_id", "record_id", "supervisor_id")
    return any(str(other[k]) in text for k in keys)


def fill(path: str, other: dict) -> str:
    resources = {
        "person_id": other["person_id"],
        "team_id": other["team_id"],
        "invitation_id": other["invitation_id"],
        "session_id": other["session_id"],
        "share_id": other["share_id"],
        "request_id": other["request_id"],
        "supervision_id": other["supervision_id"],
        "worker_id": other["person_id"],
        "shift_id": other["shift_id"],
        "device_id": other["device_id"],
        "due_id": other["follow_up_id"],
        "resource_id": other["resource_id"],
        "item_id": other["feeling_id"] if "/feelings/" in path else other["prompt_id"],
    }

    def value(match: re.Match) -> str:
        name = match.group(1)
        assert name in resources, f"teach the access matrix about {{{name}}} in {path}"
        return str(resources[name])

    return re.sub(r"\{(\w+):\w+\}", value, path)


async def test_no_route_lets_anyone_reach_another_organisations_data(
    app, admin, supervisor, worker
):
    # Another organisation, with an admin, a team, an invitation and a session.
    outsider = await set_up(
        app, organisation="Other Org", teams=("Other Team",), email="olu@other.example"
    )
    await outsider.patch("/api/account", json={"display_name": "Olu Outsider"})
    created, _ = await invite(outsider, ("worker",), "Other Team")
    olu_session = (await outsider.get("/api/account/sessions")).json()[0]["id"]
    olu_record, olu_ciphertext = str(uuid.uuid4()), "A" + b64(400)
    pushed = await outsider.post(
        "/api/sync/push",
        json={
            "mutations": [
                {
                    "mutation_id": str(uuid.uuid4()),
                    "record_id": olu_record,
                    "type": "journal",
                    "base_version": 0,
                    "ciphertext": olu_ciphertext,
                }
            ]
        },
    )
    assert pushed.status_code == 200
    # Olu shares with, and asks to talk to, Ola, who supervises Olu and recorded a session.
    ola = await join(app, outsider, "Ola Other", "ola@other.example", ("supervisor",), "Other Team")
    linked = await outsider.put(
        f"/api/admin/people/{outsider.me['id']}/supervisors",
        json={"supervisor_ids": [ola.me["id"]]},
    )
    assert linked.status_code == 200, linked.text
    olu_agenda = {"kind": "agenda", "items": ["Olu's own agenda"]}
    shared = await outsider.put(
        "/api/sharing/shares", json={"supervisor_id": ola.me["id"], "content": olu_agenda}
    )
    assert shared.status_code == 200, shared.text
    asked = await outsider.post("/api/sharing/talk", json={"supervisor_id": ola.me["id"]})
    assert asked.status_code == 201, asked.text
    held = await ola.post(
        "/api/supervision/sessions",
        json={"worker_id": outsider.me["id"], "held_on": date.today().isoformat()},
    )
    assert held.status_code == 201, held.text
    # Olu's reminders: a shift, a device and a follow-up.
    shift = await outsider.post(
        "/api/reminders/shifts",
        json={"kind": "early", "starts_at": "2030-01-02T07:00", "ends_at": "2030-01-02T15:00"},
    )
    assert shift.status_code == 201, shift.text
    olu_endpoint = f"https://push.example.org/olu-{uuid.uuid4()}"
    device = await outsider.post(
        "/api/reminders/devices",
        json={"endpoint": olu_endpoint, "keys": {"p256dh": "B" + "C" * 86, "auth": "C" * 22}},
    )
    assert device.status_code == 201, device.text
    follow_up = await outsider.post("/api/reminders/follow-ups", json={"after_hours": [72]})
    assert follow_up.status_code == 201, follow_up.text
    # Olu's organisation's support resource, prompt and feeling word.
    olu_resource = await outsider.post(
        "/api/admin/support-resources",
        json={"name": "Olu's own helpline", "web": "https://other.example/help"},
    )
    assert olu_resource.status_code == 201, olu_resource.text
    olu_prompt = await outsider.post(
        "/api/admin/library/prompts", json={"moment": "day-off", "text": "Olu's own prompt"}
    )
    assert olu_prompt.status_code == 201, olu_prompt.text
    olu_feeling = await outsider.post("/api/admin/library/feelings", json={"word": "oluwistful"})
    assert olu_feeling.status_code == 201, olu_feeling.text
    other = {
        "resource_id": olu_resource.json()["id"],
        "prompt_id": olu_prompt.json()["id"],
        "feeling_id": olu_feeling.json()["id"],
        "shift_id": shift.json()["plan"]["shifts"][0]["id"],
        "device_id": device.json()["id"],
        "device_endpoint": olu_endpoint,
        "follow_up_id": follow_up.json()[0]["id"],
        "email": "olu@other.example",
        "person_id": outsider.me["id"],
        "team_id": created["invitation"]["team"]["id"],
        "invitation_id": created["invitation"]["id"],
        "session_id": olu_session,
        "record_id": olu_record,
        "supervisor_id": ola.me["id"],
        "share_id": shared.json()["id"],
        "request_id": asked.json()["id"],
        "supervision_id": held.json()["id"],
    }
    # Jade's own supervisor sees her; a second worker in Harbour Care is someone else's.
    await join(app, admin, "Sam", "sam@example.org", ("worker",), "Elm Lodge")
    personas = {
        "anonymous": Browser(app),
        "worker": worker,
        "supervisor": supervisor,
        "admin": admin,
    }
    bodies = sample_bodies(other)
    marks = (
        "Olu Outsider",
        "olu@other.example",
        "Other Org",
        "Other Team",
        olu_ciphertext,
        "Ola Other",
        "Olu's own agenda",
        "Olu's own helpline",
        "Olu's own prompt",
        "oluwistful",
    )

    checked = 0
    for op in operations(app):
        url = fill(op.path, other)
        body = None
        if op.body_type is not None:
            name = op.body_type.__name__
            assert name in bodies, f"teach the access matrix a sample {name} for {op.path}"
            body = msgspec.to_builtins(msgspec.convert(bodies[name], op.body_type))
        for persona in PERSONAS:
            browser = personas[persona]
            kwargs = {"json": body} if op.method in ("POST", "PUT", "PATCH") else {}
            response = await getattr(browser, op.method.lower())(url, **kwargs)
            where = f"{persona} {op.method} {op.path}: {response.status_code} {response.text[:200]}"
            assert response.status_code < 500, where
            for mark in marks:
                assert mark not in response.text, f"leaked {mark!r} to {where}"
            if op.public:
                continue
            if persona == "anonymous":
                assert response.status_code == 401, where
            elif op.role and op.role not in browser.me["roles"]:
                assert response.status_code == 403, where
            elif "{" in op.path or mentions_other(body, other):
                # Someone else's resource: as if it did not exist.
                assert response.status_code in (404, 422), where
            checked += 1
    assert checked > 50

    # Nothing of the other organisation changed.
    assert (await outsider.get("/api/account")).json()["display_name"] == "Olu Outsider"
    assert await Session.exists().where(Session.id == olu_session)
    row = (
        await Invitation.select(Invitation.revoked_at)
        .where(Invitation.id == other["invitation_id"])
        .first()
    )
    assert row["revoked_at"] is None
    organisation = (await outsider.get("/api/admin/organisation")).json()
    assert organisation["name"] == "Other Org"
    assert [t["name"] for t in organisation["teams"]] == ["Other Team"]
    people = (await outsider.get("/api/admin/people")).json()
    assert {p["display_name"]: (p["active"], p["roles"]) for p in people} == {
        "Olu Outsider": (True, ["worker", "admin"]),
        "Ola Other": (True, ["supervisor"]),
    }
    sharing = (await outsider.get("/api/sharing")).json()
    assert [s["content"] for s in sharing["shares"]] == [olu_agenda]
    assert [r["acknowledged_at"] for r in (await outsider.get("/api/sharing/talk")).json()] == [
        None
    ]
    assert [s["pulse_given"] for s in (await outsider.get("/api/sharing/sessions")).json()] == [
        False
    ]
    assert (await outsider.get("/api/sharing/views")).json() == []
    reminders = (await outsider.get("/api/reminders")).json()
    assert [s["id"] for s in reminders["plan"]["shifts"]] == [other["shift_id"]]
    assert [d["id"] for d in reminders["devices"]] == [other["device_id"]]
    assert other["follow_up_id"] in [u["id"] for u in reminders["upcoming"]]
    assert (await outsider.get("/api/admin/support-resources")).json() == [olu_resource.json()]
    assert (await outsider.get("/api/admin/library")).json() == {
        "prompts": [olu_prompt.json()],
        "feelings": [olu_feeling.json()],
    }
    records = (await outsider.get("/api/sync/changes")).json()["changes"]
    assert [(r["version"], r["ciphertext"]) for r in records] == [(1, olu_ciphertext)]
