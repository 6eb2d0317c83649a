"""Journeys through accounts, as people walk them on a phone: set up, join, sign in and
out, lock and unlock, change the password, and recover a forgotten one."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from tests.browser.accounts import DEFAULT_PASSWORD, asset_root, create_organisation
from tests.browser.axe import serious_violations
from tests.browser.pages import TendApp

NEW_PASSWORD = "kettle on after a long night"


def unique_email(name: str) -> str:
    return f"{name}.{uuid.uuid4().hex[:8]}@example.org"


def invite_link(page: Page, roles=("worker",)) -> str:
    """An admin, signed in on `page`, makes an invitation through the API."""
    return page.evaluate(
        """async ({root, roles}) => {
            const api = await import(`${root}/js/api.js`);
            const created = await api.post('/api/admin/invitations', {roles});
            return created.link;
        }""",
        {"root": asset_root(page), "roles": list(roles)},
    )


def keystore_state(page: Page) -> dict:
    """What IndexedDB holds: whether a data key is there, and that it cannot be exported."""
    return page.evaluate(
        """async (root) => {
            const keystore = await import(`${root}/js/keystore.js`);
            const unlocked = await keystore.loadUnlocked();
            const wrapped = await keystore.loadWrapped();
            return {
                unlocked: Boolean(unlocked),
                extractable: unlocked ? unlocked.dataKey.extractable : null,
                wrapped: Boolean(wrapped),
            };
        }""",
        asset_root(page),
    )


def fill_password(page: Page, label: str, value: str) -> None:
    page.get_by_label(label, exact=True).fill(value)


def sign_in(page: Page, email: str, password: str) -> None:
    page.get_by_label("Email").fill(email)
    fill_password(page, "Password", password)
    page.get_by_role("button", name="Sign in").click()


def test_priya_sets_up_tend_from_the_one_time_link(page, live_server, screenshot, page_errors):
    link = live_server.setup_link()
    app = TendApp(page).open(link.removeprefix(live_server.url))
    expect(app.heading).to_have_text("Set up Tend")
    assert "#" not in page.url, "the token leaves the address bar at once"
    page.get_by_label("Your organisation's name").fill("Harbour Care")
    page.get_by_label("Team 1").fill("Oak House")
    page.get_by_role("button", name="Add another team").click()
    page.get_by_label("Team 2").fill("Elm Lodge")
    page.get_by_label("Your name").fill("Priya")
    page.get_by_label("Email").fill(unique_email("priya"))
    fill_password(page, "Choose a password", "short")
    page.get_by_role("button", name="Set up Tend").click()
    expect(page.get_by_text("Use at least 10 characters")).to_be_visible()
    fill_password(page, "Choose a password", DEFAULT_PASSWORD)
    expect(page.get_by_text("Use at least 10 characters.", exact=False)).to_have_count(1)
    screenshot(page, "setup-form")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Set up Tend").click()

    expect(app.heading).to_have_text("Save your recovery code")
    code = page.get_by_test_id("recovery-code").inner_text()
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}", code)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as a file").click()
    assert code in download.value.path().read_text()
    screenshot(page, "recovery-code")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Continue").click()
    expect(
        page.get_by_text("Please tick the box once your recovery code is saved.")
    ).to_be_visible()
    page.get_by_label("I've saved my recovery code somewhere safe").check()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/admin$"))
    assert keystore_state(page) == {"unlocked": True, "extractable": False, "wrapped": True}
    assert page_errors == []

    used = TendApp(page).open(link.removeprefix(live_server.url))
    expect(used.heading).to_have_text("This set-up link can't be used")


def test_jade_joins_by_invitation_and_lands_in_tend(
    page, browser, phone_context_args, live_server, screenshot, page_errors
):
    create_organisation(page, live_server, email=unique_email("priya"))
    link = invite_link(page)
    context = browser.new_context(**phone_context_args, base_url=live_server.url)
    jade = context.new_page()
    app = TendApp(jade).open(link.removeprefix(live_server.url))
    expect(app.heading).to_have_text("Welcome to Tend")
    expect(
        jade.get_by_text("Harbour Care has invited you to join Tend as a team member")
    ).to_be_visible()
    jade.get_by_label("Your name").fill("Jade")
    jade.get_by_label("Email").fill(unique_email("jade"))
    fill_password(jade, "Choose a password", "password123")
    expect(jade.get_by_text("one of the most common passwords")).to_be_visible()
    fill_password(jade, "Choose a password", DEFAULT_PASSWORD)
    expect(jade.get_by_text("one of the most common passwords")).to_be_hidden()
    screenshot(jade, "join-form")
    assert serious_violations(jade) == []
    jade.get_by_role("button", name="Create my account").click()
    expect(app.heading).to_have_text("Save your recovery code")
    jade.get_by_label("I've saved my recovery code somewhere safe").check()
    jade.get_by_role("button", name="Continue").click()
    expect(app.heading).to_have_text(re.compile(r"^Good (morning|afternoon|evening), Jade$"))
    screenshot(jade, "home-signed-in")
    assert serious_violations(jade) == []
    assert page_errors == []

    again = TendApp(jade).open(link.removeprefix(live_server.url))
    expect(again.heading).to_have_text("This invitation can't be used")
    expect(jade.get_by_text("already been used")).to_be_visible()
    context.close()


def test_lock_and_unlock_and_reopening_does_not_ask_again(page, live_server, page_errors):
    create_organisation(page, live_server, email=unique_email("priya"), name="Priya")
    app = TendApp(page).open("/")
    expect(app.heading).to_have_text(re.compile(r"^Good (morning|afternoon|evening), Priya$"))
    page.reload()
    (
        expect(app.heading).to_have_text(re.compile(r"^Good (morning|afternoon|evening), Priya$")),
        "no password on reopening",
    )
    page.get_by_role("button", name="Lock now").click()
    expect(app.heading).to_have_text("Welcome back, Priya")
    assert keystore_state(page) == {"unlocked": False, "extractable": None, "wrapped": True}
    fill_password(page, "Password", "not my password at all")
    page.get_by_role("button", name="Unlock").click()
    expect(page.get_by_text("That password isn't right. Please try again.")).to_be_visible()
    assert serious_violations(page) == []
    fill_password(page, "Password", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Unlock").click()
    expect(app.heading).to_have_text(re.compile(r"^Good (morning|afternoon|evening), Priya$"))
    assert keystore_state(page)["unlocked"]
    assert page_errors == []


def test_a_locked_phone_unlocks_offline(page, context, live_server):
    create_organisation(page, live_server, email=unique_email("priya"), name="Priya")
    app = TendApp(page).open("/")
    app.wait_until_ready_offline()
    page.get_by_role("button", name="Lock now").click()
    expect(app.heading).to_have_text("Welcome back, Priya")
    context.set_offline(True)
    page.reload()
    expect(app.heading).to_have_text("Welcome back")
    fill_password(page, "Password", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Unlock").click()
    expect(app.heading).to_have_text(re.compile("^Good "))
    expect(app.offline_note).to_be_visible()
    context.set_offline(False)


def test_sign_out_clears_the_device_and_sign_in_brings_her_back(page, live_server, page_errors):
    email = unique_email("priya")
    create_organisation(page, live_server, email=email, name="Priya")
    app = TendApp(page).open("/settings")
    app.wait_until_ready_offline()
    expect(app.heading).to_have_text("Settings")
    with page.expect_response("**/api/auth/sign-out") as signed_out:
        page.get_by_role("button", name="Sign out", exact=True).click()
    assert signed_out.value.all_headers()["clear-site-data"] == '"cache", "cookies", "storage"'
    expect(app.heading).to_have_text("Welcome to Tend")
    assert keystore_state(page) == {"unlocked": False, "extractable": None, "wrapped": False}
    cached = page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                for (const request of await (await caches.open(name)).keys()) {
                    urls.push(name + ' ' + new URL(request.url).pathname);
                }
            }
            return urls;
        }"""
    )
    assert all(url.startswith("tend-precache-") and "/api/" not in url for url in cached)
    assert page.evaluate("() => fetch('/api/session').then(r => r.json())")["me"] is None

    app.sign_in.click()
    sign_in(page, email, "the wrong password here")
    expect(page.get_by_text("That email or password is wrong.")).to_be_visible()
    assert serious_violations(page) == []
    sign_in(page, email, DEFAULT_PASSWORD)
    expect(app.heading).to_have_text(re.compile(r"^Good (morning|afternoon|evening), Priya$"))
    assert keystore_state(page) == {"unlocked": True, "extractable": False, "wrapped": True}
    assert page_errors == [
        "Failed to load resource: the server responded with a status of 401 (Unauthorized)"
    ]


def test_changing_the_password_keeps_the_notes_key_and_retires_the_old_password(
    page, live_server, screenshot
):
    email = unique_email("priya")
    create_organisation(page, live_server, email=email, name="Priya")
    before = page.evaluate(
        """async (root) => {
            const keystore = await import(`${root}/js/keystore.js`);
            const { dataKey } = await keystore.loadUnlocked();
            const iv = new Uint8Array(12);
            const sealed = await crypto.subtle.encrypt({name: 'AES-GCM', iv}, dataKey,
                new TextEncoder().encode('a private note'));
            return Array.from(new Uint8Array(sealed));
        }""",
        asset_root(page),
    )
    app = TendApp(page).open("/settings")
    fill_password(page, "Current password", DEFAULT_PASSWORD)
    fill_password(page, "New password", NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password is changed.")).to_be_visible()
    screenshot(page, "settings")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(app.heading).to_have_text("Welcome to Tend")
    app.sign_in.click()
    sign_in(page, email, DEFAULT_PASSWORD)
    expect(page.get_by_text("That email or password is wrong.")).to_be_visible()
    sign_in(page, email, NEW_PASSWORD)
    expect(app.heading).to_have_text(re.compile(r"^Good (morning|afternoon|evening), Priya$"))
    opened = page.evaluate(
        """async ({root, sealed}) => {
            const keystore = await import(`${root}/js/keystore.js`);
            const { dataKey } = await keystore.loadUnlocked();
            const plain = await crypto.subtle.decrypt({name: 'AES-GCM', iv: new Uint8Array(12)},
                dataKey, new Uint8Array(sealed));
            return new TextDecoder().decode(plain);
        }""",
        {"root": asset_root(page), "sealed": before},
    )
    assert opened == "a private note", "the same data key, wrapped by the new password"


def test_a_forgotten_password_is_recovered_with_the_recovery_code(page, live_server, screenshot):
    email = unique_email("priya")
    account = create_organisation(page, live_server, email=email, name="Priya")
    page.evaluate(
        "async (root) => (await import(`${root}/js/session.js`)).signOut()", asset_root(page)
    )
    app = TendApp(page).open("/sign-in")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(app.heading).to_have_text("Forgotten your password?")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Recovery code").fill("UUUU-0000")
    fill_password(page, "New password", NEW_PASSWORD)
    page.get_by_role("button", name="Set new password").click()
    expect(
        page.get_by_text(re.compile("recovery code .*(length|characters|letters)", re.I))
    ).to_be_visible()
    typed = account["recovery_code"].lower().replace("-", " ")
    page.get_by_label("Recovery code").fill(typed)
    screenshot(page, "recover")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Set new password").click()
    expect(app.heading).to_have_text("Your password is changed")
    page.get_by_role("link", name="Continue").click()
    expect(app.heading).to_have_text(re.compile(r"^Good (morning|afternoon|evening), Priya$"))
    assert keystore_state(page)["unlocked"]


def test_an_unknown_invitation_link_says_so_and_creates_nothing(page):
    app = TendApp(page).open("/join#" + "x" * 43)
    expect(app.heading).to_have_text("This invitation can't be used")
    expect(page.get_by_text("ask for a new one")).to_be_visible()
    assert serious_violations(page) == []


def test_after_several_wrong_passwords_sign_in_pauses_and_says_when(page, live_server):
    email = unique_email("priya")
    create_organisation(page, live_server, email=email, name="Priya")
    page.evaluate(
        "async (root) => (await import(`${root}/js/session.js`)).signOut()", asset_root(page)
    )
    app = TendApp(page).open("/sign-in")
    for attempt in range(5):
        sign_in(page, email, f"not the password {attempt}")
        expect(page.get_by_text("That email or password is wrong.")).to_be_visible()
    sign_in(page, email, DEFAULT_PASSWORD)
    expect(page.get_by_role("alert").filter(has_text="try again in")).to_contain_text(
        re.compile(r"Please try again in (a minute|\d+ minutes)\.")
    )
    expect(app.heading).to_have_text("Sign in")
    assert serious_violations(page) == []


def test_a_phone_signed_out_from_another_device_puts_its_key_away(
    page, browser, phone_context_args, live_server
):
    email = unique_email("jade")
    create_organisation(page, live_server, email=email, name="Jade")
    laptop_context = browser.new_context(**phone_context_args, base_url=live_server.url)
    laptop = laptop_context.new_page()
    TendApp(laptop).open("/sign-in")
    sign_in(laptop, email, DEFAULT_PASSWORD)
    expect(laptop.get_by_role("heading", level=1)).to_have_text(re.compile("^Good "))
    TendApp(laptop).open("/settings")
    laptop.get_by_role("button", name=re.compile(r"^Sign out .*, last used")).click()
    expect(laptop.get_by_text(re.compile(r"is signed out\.$"))).to_be_visible()
    laptop_context.close()

    app = TendApp(page).open("/")
    expect(app.heading).to_have_text("Welcome to Tend")
    assert keystore_state(page) == {"unlocked": False, "extractable": None, "wrapped": True}


def test_a_new_recovery_code_replaces_the_old_one(page, live_server):
    email = unique_email("amir")
    account = create_organisation(page, live_server, email=email, name="Amir")
    app = TendApp(page).open("/settings")
    fill_password(page, "Your password", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Make a new recovery code").click()
    expect(app.heading).to_have_text("Save your recovery code")
    expect(page.get_by_text("Your old one no longer works.")).to_be_visible()
    new_code = page.get_by_test_id("recovery-code").inner_text()
    assert new_code != account["recovery_code"]
    page.get_by_label("I've saved my recovery code somewhere safe").check()
    page.get_by_role("button", name="Continue").click()
    expect(app.heading).to_have_text("Settings")
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(app.heading).to_have_text("Welcome to Tend")

    TendApp(page).open("/recover")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Recovery code").fill(account["recovery_code"])
    fill_password(page, "New password", NEW_PASSWORD)
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_text("That email or recovery code is wrong.")).to_be_visible()
    page.get_by_label("Recovery code").fill(new_code)
    page.get_by_role("button", name="Set new password").click()
    expect(app.heading).to_have_text("Your password is changed")
