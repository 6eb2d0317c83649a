"""A person's own account: password, recovery code, devices, sign-in history."""

from __future__ import annotations

from server.accounts.tables import Person
from tests.server.accounts.helpers import Browser, Keys, b64


async def _second_device(app, person: Browser) -> Browser:
    other = Browser(app)
    other.keys = person.keys
    assert (await other.sign_in(person.me["email"])).status_code == 200
    return other


async def test_changing_the_password_rewraps_and_signs_out_other_devices(app, worker):
    laptop = await _second_device(app, worker)
    new = Keys()
    response = await worker.put(
        "/api/account/password",
        json={"current_auth_key": worker.keys.auth_key, "password": new.password()},
    )
    assert response.status_code == 204
    assert (await worker.get("/api/account")).status_code == 200, "this device stays signed in"
    assert (await laptop.get("/api/account")).status_code == 401, "others are signed out"
    keys = (await worker.get("/api/account/keys")).json()
    assert keys == {
        "salt": new.salt,
        "iterations": 600_000,
        "wrapped_data_key": new.wrapped_data_key,
        "recovery_salt": worker.keys.recovery_salt,
        "recovery_wrapped_data_key": worker.keys.recovery_wrapped_key,
    }
    old = await Browser(app).sign_in("jade@example.org", worker.keys.auth_key)
    assert old.status_code == 401
    assert (await Browser(app).sign_in("jade@example.org", new.auth_key)).status_code == 200


async def test_a_wrong_current_password_changes_nothing(app, worker):
    response = await worker.put(
        "/api/account/password",
        json={"current_auth_key": b64(32), "password": Keys().password()},
    )
    assert response.status_code == 401
    assert response.json()["code"] == "wrong_password"
    assert (await worker.get("/api/account/keys")).json()["salt"] == worker.keys.salt


async def test_recovery_sets_a_new_password_and_ends_every_session(app, worker):
    laptop = await _second_device(app, worker)
    stranger = Browser(app)
    params = await stranger.post("/api/auth/recovery/params", json={"email": "jade@example.org"})
    assert params.json()["salt"] == worker.keys.recovery_salt
    grant = await stranger.post(
        "/api/auth/recovery",
        json={"email": "jade@example.org", "auth_key": worker.keys.recovery_auth_key},
    )
    assert grant.status_code == 200
    assert grant.json()["wrapped_data_key"] == worker.keys.recovery_wrapped_key
    new = Keys()
    body = {"recovery_token": grant.json()["recovery_token"], "password": new.password()}
    done = await stranger.post("/api/auth/recovery/complete", json=body)
    stranger.signed_in(done)
    assert (await worker.get("/api/account")).status_code == 401
    assert (await laptop.get("/api/account")).status_code == 401
    assert (await stranger.get("/api/account")).json()["email"] == "jade@example.org"
    reused = await Browser(app).post("/api/auth/recovery/complete", json=body)
    assert reused.status_code == 410
    history = (await stranger.get("/api/account/sign-ins")).json()
    assert history[0]["event"] == "recovery_used"


async def test_a_wrong_recovery_code_is_refused_and_limited(app, worker):
    stranger = Browser(app)
    for _ in range(5):
        response = await stranger.post(
            "/api/auth/recovery", json={"email": "jade@example.org", "auth_key": b64(32)}
        )
        assert response.status_code == 401
    locked = await stranger.post(
        "/api/auth/recovery",
        json={"email": "jade@example.org", "auth_key": worker.keys.recovery_auth_key},
    )
    assert locked.status_code == 429
    assert "retry-after" in locked.headers


async def test_a_new_recovery_code_replaces_the_old(app, worker):
    new = Keys()
    response = await worker.put(
        "/api/account/recovery",
        json={"current_auth_key": worker.keys.auth_key, "recovery": new.recovery()},
    )
    assert response.status_code == 204
    old = await Browser(app).post(
        "/api/auth/recovery",
        json={"email": "jade@example.org", "auth_key": worker.keys.recovery_auth_key},
    )
    assert old.status_code == 401
    fresh = await Browser(app).post(
        "/api/auth/recovery", json={"email": "jade@example.org", "auth_key": new.recovery_auth_key}
    )
    assert fresh.json()["wrapped_data_key"] == new.recovery_wrapped_key


async def test_devices_can_be_listed_and_signed_out_but_only_ones_own(app, worker, supervisor):
    laptop = await _second_device(app, worker)
    sessions = (await worker.get("/api/account/sessions")).json()
    assert len(sessions) == 2
    assert sum(s["current"] for s in sessions) == 1
    other = next(s for s in sessions if not s["current"])
    claires = (await supervisor.get("/api/account/sessions")).json()[0]
    assert (await worker.delete(f"/api/account/sessions/{claires['id']}")).status_code == 404
    assert (await supervisor.get("/api/account")).status_code == 200
    assert (await worker.delete(f"/api/account/sessions/{other['id']}")).status_code == 204
    assert (await laptop.get("/api/account")).status_code == 401


async def test_sign_in_history_shows_ones_own_attempts_only(app, worker, supervisor):
    await Browser(app).sign_in("jade@example.org", b64(32))
    history = (await worker.get("/api/account/sign-ins")).json()
    assert [h["event"] for h in history][:1] == ["sign_in_failed"]
    claire = (await supervisor.get("/api/account/sign-ins")).json()
    assert all(h["event"] != "sign_in_failed" for h in claire)


async def test_the_display_name_can_change_but_not_to_nothing(app, worker):
    assert (await worker.patch("/api/account", json={"display_name": " Jade  R "})).json()[
        "display_name"
    ] == "Jade R"
    assert (await worker.patch("/api/account", json={"display_name": "   "})).status_code == 422
    assert (await worker.patch("/api/account", json={"display_name": "x" * 81})).status_code == 422
    row = await Person.select(Person.display_name).where(Person.id == worker.me["id"]).first()
    assert row["display_name"] == "Jade R"
