"""Every API route, for every role, against another organisation's resources: nothing leaks.

Routes come from the app's own route table, so a new route is covered as soon as it
exists; a route whose path parameter or body this file cannot fill fails the test
until someone teaches it how (``RESOURCES`` and ``SAMPLE_BODIES``).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

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
    }


def mentions_other(body: object, other: dict) -> bool:
    text = msgspec.json.encode(body).decode()
    return any(str(other[k]) in text for k in ("person_id", "team_id", "record_id"))


def fill(path: str, other: dict) -> str:
    resources = {
        "person_id": other["person_id"],
        "team_id": other["team_id"],
        "invitation_id": other["invitation_id"],
        "session_id": other["session_id"],
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
    other = {
        "email": "olu@other.example",
        "person_id": outsider.me["id"],
        "team_id": created["invitation"]["team"]["id"],
        "invitation_id": created["invitation"]["id"],
        "session_id": olu_session,
        "record_id": olu_record,
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
    marks = ("Olu Outsider", "olu@other.example", "Other Org", "Other Team", olu_ciphertext)

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
    assert [p["active"] for p in people] == [True]
    assert people[0]["roles"] == ["worker", "admin"]
    records = (await outsider.get("/api/sync/changes")).json()["changes"]
    assert [(r["version"], r["ciphertext"]) for r in records] == [(1, olu_ciphertext)]
