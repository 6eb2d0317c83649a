"""Signing in and out, sessions, CSRF and brute-force protection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from server.accounts.sessions import TOUCH_EVERY
from server.accounts.tables import AuditEvent, Session
from tests.server.accounts.helpers import Browser, b64, hours_ago


async def test_params_are_real_for_people_and_stable_decoys_for_everyone_else(app, worker):
    stranger = Browser(app)
    real = (await stranger.post("/api/auth/params", json={"email": "JADE@example.org "})).json()
    assert real == {"salt": worker.keys.salt, "iterations": 600_000}
    first = await stranger.post("/api/auth/params", json={"email": "nobody@example.org"})
    again = await stranger.post("/api/auth/params", json={"email": "nobody@example.org"})
    other = await stranger.post("/api/auth/params", json={"email": "someone@example.org"})
    assert first.status_code == 200
    assert first.json() == again.json()
    assert first.json()["salt"] != other.json()["salt"]
    assert len(first.json()["salt"]) == len(real["salt"])
    assert first.json()["iterations"] == real["iterations"]
    recovery = await stranger.post(
        "/api/auth/recovery/params", json={"email": "nobody@example.org"}
    )
    assert recovery.status_code == 200
    assert recovery.json()["salt"] != first.json()["salt"]


async def test_sign_in_starts_a_session_with_a_strict_cookie(app, worker):
    browser = Browser(app)
    browser.keys = worker.keys
    response = await browser.sign_in("jade@example.org")
    assert response.status_code == 200
    assert response.json()["keys"]["wrapped_data_key"] == worker.keys.wrapped_data_key
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("tend-session=")
    for attribute in ("httponly", "samesite=lax", "path=/"):
        assert attribute in cookie.lower()
    assert "secure" not in cookie.lower(), "plain-HTTP localhost, in development only"
    assert response.headers["cache-control"] == "no-store"
    session = (await browser.get("/api/session")).json()
    assert session["me"]["display_name"] == "Jade"
    assert await AuditEvent.exists().where(AuditEvent.event == "sign_in")


async def test_a_wrong_key_or_unknown_email_gets_the_same_generic_answer(app, worker):
    browser = Browser(app)
    wrong = await browser.sign_in("jade@example.org", b64(32))
    unknown = await browser.sign_in("nobody@example.org", b64(32))
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert response.json()["message"] == (
            "That email or password is wrong. Please check them and try again."
        )
        assert "set-cookie" not in response.headers
    assert await AuditEvent.count().where(AuditEvent.event == "sign_in_failed") == 2


async def test_an_account_pauses_after_five_failures_and_says_when_to_retry(app, worker):
    attacker = Browser(app)
    for _ in range(5):
        assert (await attacker.sign_in("jade@example.org", b64(32))).status_code == 401
    locked = await attacker.sign_in("jade@example.org", worker.keys.auth_key)
    assert locked.status_code == 429
    # A 15-minute sliding window: the wait can reach into the next window.
    assert 0 < int(locked.headers["retry-after"]) <= 2 * 15 * 60
    assert "try again in" in locked.json()["message"]
    assert await AuditEvent.exists().where(AuditEvent.event == "sign_in_locked")
    # Another account from the same address is unaffected.
    other = await Browser(app).sign_in("nobody@example.org", b64(32))
    assert other.status_code == 401


async def test_one_address_cannot_try_endless_accounts(app, client):
    browser = Browser(app)
    answers = [
        (await browser.sign_in(f"guess{i}@example.org", b64(32))).status_code for i in range(31)
    ]
    assert answers[:30] == [401] * 30
    assert answers[30] == 429


async def test_sign_out_ends_the_session_and_clears_the_browser(app, worker):
    response = await worker.post("/api/auth/sign-out")
    assert response.status_code == 204
    assert response.headers["clear-site-data"] == '"cache", "cookies", "storage"'
    assert "Max-Age=0" in response.headers["set-cookie"]
    assert (await worker.get("/api/session")).json() == {
        "me": None,
        "csrf_token": None,
        "ended": None,
    }
    assert (await worker.get("/api/account")).status_code == 401


async def test_no_or_a_tampered_cookie_is_401_in_the_one_error_shape(app, worker):
    stranger = Browser(app)
    response = await stranger.get("/api/account")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorised"
    token = worker.client.cookies["tend-session"]
    forged = Browser(app)
    forged.client.cookies.set("tend-session", token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    assert (await forged.get("/api/account")).status_code == 401
    assert (await worker.get("/api/account")).status_code == 200


async def test_changes_need_the_csrf_token(app, worker):
    body = {"display_name": "Someone else"}
    missing = await worker.client.patch("/api/account", json=body)
    wrong = await worker.client.patch("/api/account", json=body, headers={"x-csrf-token": "x"})
    for response in (missing, wrong):
        assert response.status_code == 403
        assert response.json()["code"] == "csrf_failed"
    assert (await worker.get("/api/account")).json()["display_name"] == "Jade"
    assert (await worker.patch("/api/account", json=body)).status_code == 200


async def test_requests_another_site_makes_are_refused(app, worker):
    for headers in ({"origin": "https://evil.example"}, {"sec-fetch-site": "cross-site"}):
        response = await worker.patch("/api/account", json={"display_name": "X"}, headers=headers)
        assert response.status_code == 403
        assert response.json()["code"] == "cross_origin"
    signed_out = Browser(app)
    response = await signed_out.post(
        "/api/auth/sign-in",
        json={"email": "jade@example.org", "auth_key": worker.keys.auth_key},
        headers={"origin": "https://evil.example"},
    )
    assert response.status_code == 403
    same_site = await worker.patch(
        "/api/account",
        json={"display_name": "Jade"},
        headers={"origin": "http://testserver.local", "sec-fetch-site": "same-origin"},
    )
    assert same_site.status_code == 200


async def test_an_idle_session_expires(app, worker):
    await (
        Session.update({Session.last_seen_at: hours_ago(24 * 7 + 1)})
        .where(Session.person == worker.me["id"])
        .run()
    )
    assert (await worker.get("/api/account")).status_code == 401
    assert await Session.count().where(Session.person == worker.me["id"]) == 0


async def test_a_session_ends_at_its_absolute_limit_however_busy(app, worker):
    await (
        Session.update({Session.expires_at: datetime.now(UTC) - timedelta(seconds=1)})
        .where(Session.person == worker.me["id"])
        .run()
    )
    assert (await worker.get("/api/account")).status_code == 401


async def test_use_keeps_a_session_alive(app, worker):
    seen = hours_ago(1)
    await (
        Session.update({Session.last_seen_at: seen}).where(Session.person == worker.me["id"]).run()
    )
    assert (await worker.get("/api/account")).status_code == 200
    row = (
        await Session.select(Session.last_seen_at).where(Session.person == worker.me["id"]).first()
    )
    assert row["last_seen_at"].replace(tzinfo=UTC) - seen > TOUCH_EVERY


async def test_sessions_survive_a_restart(app, worker):
    from server.app import create_app
    from tests.server.asgi import asgi_client, running

    again = create_app(app.state.settings)
    async with running(again), asgi_client(again) as other:
        other.cookies.set("tend-session", worker.client.cookies["tend-session"])
        assert (await other.get("/api/account")).json()["display_name"] == "Jade"


async def test_over_https_the_cookie_is_secure_and_host_prefixed(make_settings):
    from server.app import create_app
    from tests.server.accounts.helpers import set_up
    from tests.server.asgi import running

    app = create_app(make_settings(TEND_PUBLIC_URL="https://tend.example.org"))
    async with running(app):
        admin = await set_up(app)
        admin.client.base_url = "https://tend.example.org"
        response = await admin.sign_in()
        cookie = response.headers["set-cookie"].lower()
        assert cookie.startswith("__host-tend-session=")
        assert "; secure" in cookie
        assert "domain=" not in cookie


async def test_signing_in_again_in_the_same_browser_replaces_its_session(app, worker):
    old_token = worker.client.cookies["tend-session"]
    assert (await worker.sign_in("jade@example.org")).status_code == 200
    assert worker.client.cookies["tend-session"] != old_token
    assert await Session.count().where(Session.person == worker.me["id"]) == 1
    stale = Browser(app)
    stale.client.cookies.set("tend-session", old_token)
    assert (await stale.get("/api/account")).status_code == 401
