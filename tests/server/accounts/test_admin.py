"""Administering people: roles, teams, supervisors, closing accounts, the audit log."""

from __future__ import annotations

from tests.server.accounts.helpers import Browser, team_id


async def test_roles_and_team_can_change(app, admin, worker):
    elm = await team_id(admin, "Elm Lodge")
    response = await admin.patch(
        f"/api/admin/people/{worker.me['id']}",
        json={"roles": ["worker", "supervisor"], "team_id": elm},
    )
    assert response.status_code == 200
    assert response.json()["roles"] == ["worker", "supervisor"]
    assert response.json()["team"]["name"] == "Elm Lodge"
    cleared = await admin.patch(f"/api/admin/people/{worker.me['id']}", json={"clear_team": True})
    assert cleared.json()["team"] is None
    assert (await worker.get("/api/supervision/supervisees")).status_code == 200
    events = [e["event"] for e in (await admin.get("/api/admin/audit")).json()]
    assert "roles_changed" in events
    assert "team_changed" in events


async def test_supervisors_are_many_to_many_and_visible_to_the_worker(
    app, admin, supervisor, worker
):
    from tests.server.accounts.helpers import join

    amir = await join(app, admin, "Amir", "amir@example.org", ("supervisor", "worker"))
    response = await admin.put(
        f"/api/admin/people/{worker.me['id']}/supervisors",
        json={"supervisor_ids": [supervisor.me["id"], amir.me["id"]]},
    )
    assert sorted(s["display_name"] for s in response.json()["supervisors"]) == ["Amir", "Claire"]
    mine = (await worker.get("/api/account/supervisors")).json()
    assert sorted(s["display_name"] for s in mine) == ["Amir", "Claire"]
    assert [p["display_name"] for p in (await amir.get("/api/supervision/supervisees")).json()] == [
        "Jade"
    ]
    themselves = await admin.put(
        f"/api/admin/people/{amir.me['id']}/supervisors", json={"supervisor_ids": [amir.me["id"]]}
    )
    assert themselves.status_code == 422


async def test_closing_an_account_ends_its_sessions_at_once(app, admin, worker):
    assert (await worker.get("/api/account")).status_code == 200
    response = await admin.post(f"/api/admin/people/{worker.me['id']}/deactivate")
    assert response.json()["active"] is False
    assert (await worker.get("/api/account")).status_code == 401
    again = Browser(app)
    again.keys = worker.keys
    refused = await again.sign_in("jade@example.org")
    assert refused.status_code == 403
    assert refused.json()["code"] == "account_closed"
    await admin.post(f"/api/admin/people/{worker.me['id']}/reactivate")
    assert (await again.sign_in("jade@example.org")).status_code == 200
    events = [e["event"] for e in (await admin.get("/api/admin/audit")).json()]
    assert {"account_deactivated", "account_reactivated"} <= set(events)


async def test_the_last_admin_cannot_be_removed_or_closed(app, admin):
    me = admin.me["id"]
    demote = await admin.patch(f"/api/admin/people/{me}", json={"roles": ["worker"]})
    assert demote.status_code == 409
    assert demote.json()["code"] == "last_admin"
    close = await admin.post(f"/api/admin/people/{me}/deactivate")
    assert close.status_code == 409


async def test_teams_can_be_added_and_renamed_without_clashes(app, admin):
    added = await admin.post("/api/admin/teams", json={"name": "Birch House"})
    assert added.status_code == 201
    clash = await admin.post("/api/admin/teams", json={"name": "Oak House"})
    assert clash.status_code == 409
    renamed = await admin.patch(f"/api/admin/teams/{added.json()['id']}", json={"name": "Birch"})
    assert renamed.json()["name"] == "Birch"
    assert (await admin.patch("/api/admin/organisation", json={"name": "Harbour"})).json()[
        "name"
    ] == "Harbour"


async def test_the_audit_log_holds_events_not_content(app, admin, worker):
    log = (await admin.get("/api/admin/audit")).json()
    assert {"organisation_set_up", "invitation_created", "invitation_accepted"} <= {
        e["event"] for e in log
    }
    text = str(log)
    for secret in (worker.keys.auth_key, worker.keys.wrapped_data_key, worker.keys.salt):
        assert secret not in text


async def test_people_outside_the_role_are_refused(app, admin, worker, supervisor):
    assert (await worker.get("/api/admin/people")).status_code == 403
    assert (await worker.get("/api/supervision/supervisees")).status_code == 403
    assert (await admin.get("/api/supervision/supervisees")).status_code == 403
