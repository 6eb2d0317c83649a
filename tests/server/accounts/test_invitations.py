"""Invitations: single use, expiring, revocable; joining creates nothing when it fails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.accounts.tables import Invitation, Person
from tests.server.accounts.helpers import Browser, invite


async def _accept(app, token: str, name="Jade", email="jade@example.org") -> tuple[Browser, object]:
    person = Browser(app)
    response = await person.post(
        "/api/invitations/accept",
        json={"token": token, "account": person.keys.account(name, email)},
    )
    return person, response


async def test_an_invitation_shows_what_it_is_for_then_creates_the_account(app, admin, supervisor):
    created, token = await invite(
        admin, ("worker",), "Oak House", [supervisor.me["id"]], label="Jade, new starter"
    )
    assert created["link"] == f"http://127.0.0.1:{app.state.settings.server.port}/join#{token}"
    assert created["qr_svg"].startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert created["invitation"]["status"] == "pending"
    assert created["invitation"]["label"] == "Jade, new starter"
    preview = await Browser(app).post("/api/invitations/preview", json={"token": token})
    assert preview.json()["organisation"] == "Harbour Care"
    assert preview.json()["roles"] == ["worker"]
    assert preview.json()["team"] == "Oak House"
    assert preview.json()["supervisors"] == ["Claire"]
    jade, response = await _accept(app, token)
    assert response.status_code == 201
    me = jade.signed_in(response)["me"]
    assert me["team"]["name"] == "Oak House"
    assert [s["display_name"] for s in (await jade.get("/api/account/supervisors")).json()] == [
        "Claire"
    ]
    assert (await supervisor.get("/api/supervision/supervisees")).json() == [
        {"id": me["id"], "display_name": "Jade"}
    ]
    listed = (await admin.get("/api/admin/invitations")).json()
    assert listed[0]["status"] == "accepted"


@pytest.mark.parametrize("state", ["accepted", "revoked", "expired"])
async def test_a_used_withdrawn_or_expired_invitation_says_so_and_creates_nothing(
    app, admin, state
):
    created, token = await invite(admin)
    invitation_id = created["invitation"]["id"]
    if state == "accepted":
        assert (await _accept(app, token, "First", "first@example.org"))[1].status_code == 201
    elif state == "revoked":
        assert (await admin.delete(f"/api/admin/invitations/{invitation_id}")).status_code == 200
    else:
        await (
            Invitation.update({Invitation.expires_at: datetime.now(UTC) - timedelta(minutes=1)})
            .where(Invitation.id == invitation_id)
            .run()
        )
    people = await Person.count()
    preview = await Browser(app).post("/api/invitations/preview", json={"token": token})
    _, accepted = await _accept(app, token)
    for response in (preview, accepted):
        assert response.status_code == 410
        assert response.json()["code"] == f"invitation_{state}"
    assert await Person.count() == people


async def test_an_unknown_invitation_is_404_with_a_kind_message(app, client):
    response = await Browser(app).post("/api/invitations/preview", json={"token": "x" * 43})
    assert response.status_code == 404
    assert "ask for a new one" in response.json()["message"]


async def test_a_duplicate_email_is_refused_and_the_invitation_stays_usable(app, admin, worker):
    _, token = await invite(admin)
    _, response = await _accept(app, token, "Another Jade", "JADE@example.org")
    assert response.status_code == 409
    assert response.json()["code"] == "email_taken"
    _, retry = await _accept(app, token, "Another Jade", "jade2@example.org")
    assert retry.status_code == 201


async def test_bad_fields_are_422_and_nothing_is_written(app, admin):
    _, token = await invite(admin)
    people = await Person.count()
    person = Browser(app)
    for account in (
        person.keys.account("x" * 81, "long@example.org"),
        person.keys.account("Jade", "not-an-email"),
        {**person.keys.account("Jade", "j@example.org"), "password": {"salt": "short"}},
    ):
        response = await person.post(
            "/api/invitations/accept", json={"token": token, "account": account}
        )
        assert response.status_code == 422
        assert response.json()["details"]
    blank = person.keys.account("   ", "blank@example.org")
    response = await person.post("/api/invitations/accept", json={"token": token, "account": blank})
    assert response.status_code == 422
    assert await Person.count() == people
    assert (await Browser(app).post("/api/invitations/preview", json={"token": token})).is_success


async def test_a_new_link_replaces_the_old_one(app, admin):
    created, old = await invite(admin)
    resent = await admin.post(f"/api/admin/invitations/{created['invitation']['id']}/resend")
    assert resent.status_code == 200
    new = resent.json()["link"].split("#")[1]
    assert new != old
    assert (
        await Browser(app).post("/api/invitations/preview", json={"token": old})
    ).status_code == 404
    assert (await _accept(app, new))[1].status_code == 201
    again = await admin.post(f"/api/admin/invitations/{created['invitation']['id']}/resend")
    assert again.status_code == 409


async def test_invitation_links_are_rate_limited_per_address(app, client):
    stranger = Browser(app)
    answers = [
        (await stranger.post("/api/invitations/preview", json={"token": f"{i:0>43}"})).status_code
        for i in range(31)
    ]
    assert answers[:30] == [404] * 30
    assert answers[30] == 429


async def test_a_whole_team_can_join_from_one_office_address(app, admin):
    """Only wrong links use up the address's allowance: twenty people opening their
    invitations twice and joining (60 link requests) from one address all get in, and a
    guesser from that address is still stopped after 30 wrong links."""
    for n in range(20):
        _, token = await invite(admin)
        for _ in range(2):
            preview = await Browser(app).post("/api/invitations/preview", json={"token": token})
            assert preview.status_code == 200
        assert (await _accept(app, token, f"Person {n}", f"p{n}@example.org"))[1].status_code == 201
    stranger = Browser(app)
    answers = [
        (await stranger.post("/api/invitations/preview", json={"token": f"{i:0>43}"})).status_code
        for i in range(31)
    ]
    assert answers == [404] * 30 + [429]


async def test_supervisors_must_be_supervisors_in_the_same_organisation(app, admin, worker):
    response = await admin.post(
        "/api/admin/invitations", json={"roles": ["worker"], "supervisor_ids": [worker.me["id"]]}
    )
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "body.supervisor_ids"
    no_roles = await admin.post("/api/admin/invitations", json={"roles": []})
    assert no_roles.status_code == 422


async def test_a_supervisor_who_left_before_she_joined_is_left_out_not_the_others(
    app, admin, supervisor
):
    from tests.server.accounts.helpers import join

    amir = await join(app, admin, "Amir", "amir@example.org", ("supervisor",))
    _, token = await invite(admin, ("worker",), None, [supervisor.me["id"], amir.me["id"]])
    await admin.post(f"/api/admin/people/{amir.me['id']}/deactivate")
    jade, response = await _accept(app, token)
    assert response.status_code == 201
    jade.signed_in(response)
    mine = (await jade.get("/api/account/supervisors")).json()
    assert [s["display_name"] for s in mine] == ["Claire"]
