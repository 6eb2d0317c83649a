"""What a determined attacker or an unlucky moment might try: guesses sent all at once,
two admins removing each other, one invitation used to probe emails, odd characters."""

from __future__ import annotations

import asyncio

import pytest

from server.accounts.tables import Person
from tests.server.accounts.helpers import Browser, Keys, b64, invite, join


async def test_guesses_sent_at_once_still_stop_at_five(app, worker):
    attacker = Browser(app)
    statuses = await asyncio.gather(
        *(attacker.sign_in("jade@example.org", b64(32)) for _ in range(12))
    )
    codes = sorted(response.status_code for response in statuses)
    assert codes == [401] * 5 + [429] * 7


async def test_successful_sign_ins_do_not_use_up_the_address_allowance(app, worker):
    for _ in range(32):
        assert (await Browser(app).sign_in("jade@example.org", worker.keys.auth_key)).is_success


async def test_two_admins_removing_each_other_at_once_leave_one(app, admin):
    other = await join(app, admin, "Femi", "femi@example.org", ("admin", "worker"))
    first, second = await asyncio.gather(
        admin.patch(f"/api/admin/people/{other.me['id']}", json={"roles": ["worker"]}),
        other.patch(f"/api/admin/people/{admin.me['id']}", json={"roles": ["worker"]}),
    )
    # Whichever lands second finds either no other admin left (409) or that it is no
    # longer an admin itself (403).
    assert sorted([first.status_code, second.status_code]) in ([200, 403], [200, 409])
    admins = await Person.count().where(Person.is_admin == True)  # noqa: E712
    assert admins == 1


async def test_one_invitation_cannot_be_used_to_probe_many_emails(app, admin, worker, supervisor):
    _, token = await invite(admin)
    person = Browser(app)
    for email in ("jade@example.org", "claire@example.org", "priya@example.org"):
        response = await person.post(
            "/api/invitations/accept", json={"token": token, "account": Keys().account("X", email)}
        )
        assert response.status_code == 409
    fourth = await person.post(
        "/api/invitations/accept",
        json={"token": token, "account": Keys().account("X", "new@example.org")},
    )
    assert fourth.status_code == 429
    assert "ask whoever invited you" in fourth.json()["message"]


async def test_the_same_email_through_two_invitations_at_once_makes_one_account(app, admin):
    (_, first), (_, second) = await invite(admin), await invite(admin)
    a, b = Browser(app), Browser(app)
    responses = await asyncio.gather(
        a.post(
            "/api/invitations/accept",
            json={"token": first, "account": a.keys.account("A", "same@example.org")},
        ),
        b.post(
            "/api/invitations/accept",
            json={"token": second, "account": b.keys.account("B", "same@example.org")},
        ),
    )
    assert sorted(r.status_code for r in responses) == [201, 409]
    assert await Person.count().where(Person.email == "same@example.org") == 1


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/auth/params", {"email": "a\u0000b@example.org"}),
        ("/api/auth/sign-in", {"email": "a@exam\u0000ple.org", "auth_key": b64(32)}),
        ("/api/auth/recovery/params", {"email": "\u0000@x.org"}),
    ],
)
async def test_control_characters_are_a_clear_422(app, client, path, body):
    response = await Browser(app).post(path, json=body)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


async def test_names_with_control_characters_are_refused(app, admin, worker):
    for path, body in (
        ("/api/account", {"display_name": "Jade\u0000"}),
        ("/api/admin/organisation", {"name": "Harbour\u0007"}),
    ):
        client = worker if path == "/api/account" else admin
        assert (await client.patch(path, json=body)).status_code == 422
    assert (await admin.post("/api/admin/teams", json={"name": "Oak\u0000"})).status_code == 422


async def test_a_recovery_cannot_finish_once_the_account_is_closed(app, admin, worker):
    stranger = Browser(app)
    grant = await stranger.post(
        "/api/auth/recovery",
        json={"email": "jade@example.org", "auth_key": worker.keys.recovery_auth_key},
    )
    await admin.post(f"/api/admin/people/{worker.me['id']}/deactivate")
    done = await stranger.post(
        "/api/auth/recovery/complete",
        json={"recovery_token": grant.json()["recovery_token"], "password": Keys().password()},
    )
    assert done.status_code == 403
    assert "set-cookie" not in done.headers
    keys = await Person.select(Person.kdf_salt).where(Person.id == worker.me["id"]).first()
    assert keys["kdf_salt"] == worker.keys.salt, "nothing half-written"


async def test_admins_see_security_events_but_not_when_people_sign_in(app, admin, worker):
    await Browser(app).sign_in("jade@example.org", b64(32))
    assert (await Browser(app).sign_in("jade@example.org", worker.keys.auth_key)).is_success
    events = [e["event"] for e in (await admin.get("/api/admin/audit")).json()]
    assert "sign_in_failed" in events
    assert "sign_in" not in events
    own = [e["event"] for e in (await worker.get("/api/account/sign-ins")).json()]
    assert own[:2] == ["sign_in", "sign_in_failed"]
