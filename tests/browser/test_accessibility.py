"""WCAG 2.2 AA across Tend, on a 360x740 phone: axe on every screen and state in light and
dark, target sizes, text at 200%, the journeys by keyboard alone with a visible focus that
nothing covers, status messages announced, and form errors tied to their fields.

Three people share one organisation for the whole module (Priya the admin, Claire who
supervises, Jade who shares with her), so the sweep costs one set-up, not one per screen."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.a11y import SWEEP, Keyboard, reflow_problems, resize_text, target_sizes
from tests.browser.accounts import (
    Phones,
    asset_root,
    invite,
)
from tests.browser.axe import serious_violations
from tests.browser.conftest import ARTIFACTS
from tests.browser.pages import TendApp

pytestmark = [pytest.mark.browser, SWEEP]

SEED = """async ({root, checkins, entry}) => {
    const module = await import(`${root}/js/checkins.js`);
    for (const c of checkins) await module.saveCheckin(c, new Date(`${c.day}T12:00:00`));
    const journal = await import(`${root}/js/journal.js`);
    await journal.saveEntry(entry);
    return (await journal.listEntries())[0].id;
}"""
SIZES: dict[str, dict] = {}


def email(name: str) -> str:
    return f"{name}.{uuid.uuid4().hex[:8]}@example.org"


def week_of_checkins() -> list[dict]:
    today = date.today()
    return [
        {
            "day": (today - timedelta(days=back)).isoformat(),
            "stress": 2 + back % 3,
            "energy": 3,
            "sleep": 3,
            "context": "on-shift",
        }
        for back in range(8, 0, -1)
    ]


class People(Phones):
    """Priya (admin, also a worker), Claire (supervisor) and Jade (worker), each on a phone
    of their own, and a stranger who is signed out."""

    def __init__(self, browser, phone_context_args, live_server) -> None:
        super().__init__(browser, phone_context_args, live_server)
        self.cast(live_server, email)
        self.entry_id = self.jade.evaluate(
            SEED,
            {
                "root": asset_root(self.jade),
                "checkins": week_of_checkins(),
                "entry": {"title": "After the handover", "body": "Sat in the car a while."},
            },
        )
        self.stranger = self.new_page()


@pytest.fixture(scope="module")
def people(browser, phone_context_args, live_server) -> Iterator[People]:
    group = People(browser, phone_context_args, live_server)
    yield group
    group.close()
    out = ARTIFACTS / "a11y" / "target-sizes.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(SIZES, indent=2))


SIGNED_OUT = [
    "/",
    "/sign-in",
    "/support",
    "/setup",
    "/join",
    "/recover",
    "/goodbye",
    "/journal",
    "/no/such/page",
]
WORKER = [
    "/",
    "/checkin",
    "/right-now",
    "/plan",
    "/after-difficult",
    "/journal",
    "/journal/write",
    "/journal/entry?id={entry}",
    "/journal/entry?id={entry}&edit=1",
    "/journal/entry?id=00000000-0000-4000-8000-000000000000",
    "/trends",
    "/reflection",
    "/sharing",
    "/supervision",
    "/privacy",
    "/reminders",
    "/reminders/shifts",
    "/settings",
    "/your-data",
    "/support",
    "/admin",
]
SUPERVISOR = ["/supervisees", "/supervisees/prepare?id={jade}"]
ADMIN = ["/admin", "/admin/support", "/admin/insights"]
SCREENS = (
    [("stranger", p) for p in SIGNED_OUT]
    + [("jade", p) for p in WORKER]
    + [("claire", p) for p in SUPERVISOR]
    + [("priya", p) for p in ADMIN]
)


def show(people: People, who: str, path: str) -> Page:
    page = getattr(people, who)
    page.evaluate("() => { document.documentElement.style.fontSize = ''; }")
    TendApp(page).open(path.format(entry=people.entry_id, jade=people.jade_id))
    page.wait_for_load_state("networkidle")
    return page


def check_screen(page: Page, name: str) -> None:
    """axe in light and dark, and target sizes; both themes, the same screen."""
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert serious_violations(page) == [], f"{name} ({scheme})"
    page.emulate_media(color_scheme="light")
    sizes = target_sizes(page)
    SIZES[name] = sizes
    assert sizes["under24"] == [], f"{name}: targets under 24x24 px without room around them"


@pytest.mark.parametrize(("who", "path"), SCREENS, ids=[f"{w}:{p}" for w, p in SCREENS])
def test_every_screen_passes_axe_in_light_and_dark_with_big_enough_targets(people, who, path):
    page = show(people, who, path)
    check_screen(page, f"{who}:{path}")


MAIN_SCREENS = [
    ("stranger", "/"),
    ("stranger", "/sign-in"),
    ("stranger", "/support"),
    ("jade", "/"),
    ("jade", "/checkin"),
    ("jade", "/journal"),
    ("jade", "/journal/write"),
    ("jade", "/right-now"),
    ("jade", "/after-difficult"),
    ("jade", "/plan"),
    ("jade", "/trends"),
    ("jade", "/sharing"),
    ("jade", "/supervision"),
    ("jade", "/reminders"),
    ("jade", "/settings"),
    ("jade", "/your-data"),
    ("claire", "/supervisees"),
    ("claire", "/supervisees/prepare?id={jade}"),
    ("priya", "/admin"),
    ("priya", "/admin/support"),
    ("priya", "/admin/insights"),
]


@pytest.mark.parametrize(("who", "path"), MAIN_SCREENS, ids=[f"{w}:{p}" for w, p in MAIN_SCREENS])
def test_text_at_200_percent_reflows_without_clipping(people, who, path):
    page = show(people, who, path)
    resize_text(page, 200)
    problems = reflow_problems(page)
    page.evaluate("() => { document.documentElement.style.fontSize = ''; }")
    assert not problems, "\n".join(problems)


# ── states: errors, confirmations, previews, offline, update ─────────────────────────


def test_sign_in_errors_are_announced_and_tied_to_the_fields(people):
    page = show(people, "stranger", "/sign-in")
    email_input = page.get_by_label("Email")
    page.get_by_role("button", name="Sign in").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Please enter your email and password.")
    expect(email_input).to_be_focused()
    expect(email_input).to_have_attribute("aria-invalid", "true")
    described = email_input.get_attribute("aria-describedby") or ""
    said = " ".join(page.locator(f"#{i}").inner_text() for i in described.split())
    assert "Please enter your email" in said
    check_screen(page, "stranger:/sign-in (empty)")

    email_input.fill(people.jade_email)
    page.get_by_label("Password", exact=True).fill("not the right one at all")
    page.get_by_role("button", name="Sign in").click()
    expect(alert).to_contain_text("That email or password is wrong")
    expect(email_input).to_have_attribute("aria-invalid", "true")
    check_screen(page, "stranger:/sign-in (wrong password)")


def test_join_validation_ties_each_error_to_its_field(people):
    """A real invitation, opened by a newcomer who submits the form empty."""
    page = people.new_page()
    token = invite(people.priya, ["worker"]).split("#", 1)[1]
    TendApp(page).open(f"/join#{token}")
    page.get_by_role("button", name="Create my account").click()
    invalid = page.locator("[aria-invalid=true]")
    expect(invalid.first).to_be_focused()
    assert invalid.count() >= 3, "name, email and password each say what is missing"
    for i in range(invalid.count()):
        field = invalid.nth(i)
        ids = (field.get_attribute("aria-describedby") or "").split()
        texts = [page.locator(f"#{x}").inner_text() for x in ids if page.locator(f"#{x}").count()]
        assert any(t.strip() for t in texts), "an invalid field names its problem"
    check_screen(page, "newcomer:/join (errors)")


def test_confirmations_and_previews_pass_axe(people):
    jade = show(people, "jade", "/sharing")
    TendApp(jade).preview_weekly_summary("Claire")
    check_screen(jade, "jade:/sharing (preview)")

    # Delete account, unconfirmed: the errors, tied and announced.
    jade = show(people, "jade", "/your-data")
    delete = jade.locator("form", has=jade.get_by_role("button", name="Delete my account"))
    delete.get_by_role("button", name="Delete my account").click()
    password = delete.locator("input[type=password]")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(jade.get_by_role("alert").filter(has_text="Please enter your password")).to_have_count(1)
    check_screen(jade, "jade:/your-data (delete errors)")

    priya = show(people, "priya", "/admin/support")
    priya.evaluate(
        """async (root) => (await import(`${root}/js/api.js`)).post(
            '/api/admin/support-resources',
            {name: 'Employee Assistance Programme', description: 'Free counselling.',
             phone: '0800 123 4567', text: null, web: null, hours: 'Any time', team_ids: []})""",
        asset_root(priya),
    )
    priya = show(people, "priya", "/admin/support")
    delete_buttons = priya.get_by_role("button", name=re.compile("^Delete "))
    expect(delete_buttons.first).to_be_visible()
    delete_buttons.first.click()
    expect(priya.get_by_role("button", name="Yes, delete it")).to_be_visible()
    check_screen(priya, "priya:/admin/support (confirm delete)")


def test_the_offline_note_is_announced_and_passes_axe(people):
    jade = show(people, "jade", "/")
    status = jade.locator("#status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_be_empty()
    jade.context.set_offline(True)
    try:
        expect(status).to_have_text("You're offline. Tend still works on this device.")
        check_screen(jade, "jade:/ (offline)")
    finally:
        jade.context.set_offline(False)
    expect(status).to_be_empty()


# ── keyboard alone ────────────────────────────────────────────────────────────────────


FOCUS_STYLES = {
    # A 2 px ring in a colour close to the page's: there, but hard to see.
    "faint ring": "button:focus-visible { outline: 2px solid #e4ddcc; outline-offset: 2px }",
    # A strong line along the bottom edge only: far less than a 2 px perimeter.
    "underline only": "button:focus-visible { outline: none; box-shadow: inset 0 -2px #1f5f5b }",
    "Tend's ring": "button:focus-visible { outline: 3px solid #1f5f5b; outline-offset: 2px }",
}


@pytest.mark.parametrize("style", FOCUS_STYLES)
def test_the_focus_check_compares_focused_with_unfocused(people, style):
    """The keyboard journeys' focus check can fail: a style too faint, or too small a change
    against the unfocused control, is reported; Tend's ring is not."""
    page = people.new_page()
    page.set_content(
        "<meta name=viewport content='width=device-width'>"
        "<body style='background:#f3efe4;font:16px sans-serif;padding:40px'>"
        f"<style>{FOCUS_STYLES[style]}</style>"
        "<button style='padding:12px 20px;border:1px solid #888;background:#fff'>Save</button>"
    )
    keys = Keyboard(page, style)
    keys.tab_to("Save")
    assert page.evaluate("document.activeElement.textContent") == "Save", "focus is kept"
    if style == "Tend's ring":
        keys.done()
    else:
        with pytest.raises(AssertionError, match="under a 2 px perimeter"):
            keys.done()


def test_by_keyboard_a_stranger_signs_in_and_finds_support(people):
    page = people.new_page()
    app = TendApp(page).open("/")
    keys = Keyboard(page, "sign in")
    keys.tab_to("Get support")
    keys.press("Enter")
    expect(app.heading).to_have_text("Get support now")
    keys.tab_to("Samaritans")
    page.go_back()
    expect(app.heading).to_have_text("Welcome to Tend")
    keys.tab_to(re.compile(r'^a "Sign in"'))
    keys.press("Enter")
    expect(app.heading).to_have_text("Sign in")
    keys.tab_to("input")
    keys.type(people.jade_email)
    keys.tab_to(re.compile("^input"))
    keys.type("a calm walk by the river")
    keys.tab_to(re.compile(r'^button "Sign in'))
    keys.press("Enter")
    expect(app.heading).not_to_have_text("Sign in", timeout=15000)
    keys.done()


def test_by_keyboard_jade_checks_in_and_writes_in_her_journal(people):
    page = show(people, "jade", "/")
    app = TendApp(page)
    keys = Keyboard(page, "check in")
    keys.tab_to("Check in")
    keys.press("Enter")
    expect(app.heading).to_have_text("Check in")
    keys.tab_to(re.compile(r"\[stress\]"))
    keys.press("ArrowRight")
    keys.check()
    keys.tab_to(re.compile(r'^button "Save'))
    keys.press("Enter")
    expect(app.heading).to_have_text("Thank you for checking in")

    keys = Keyboard(page, "write")
    keys.tab_to("Back to your home")
    keys.press("Enter")
    keys.tab_to("Journal")
    keys.press("Enter")
    expect(app.heading).to_contain_text("journal")
    keys.tab_to(re.compile("Write"))
    keys.press("Enter")
    expect(app.heading).to_have_text("Write")
    keys.tab_to("textarea")
    keys.type("A quiet evening after a long shift.")
    keys.tab_to(re.compile(r'^button "Save'))
    keys.press("Enter")
    expect(page.get_by_text("A quiet evening after a long shift.")).to_be_visible()
    keys.done()


def test_by_keyboard_jade_shares_after_a_preview_sees_views_and_revokes(people):
    page = show(people, "jade", "/sharing")
    keys = Keyboard(page, "share")
    keys.tab_to("Preview your recovery")
    keys.press("Enter")
    preview = page.get_by_role("region", name="Preview: what Claire will see")
    expect(preview).to_be_visible()
    keys.tab_to("Share with Claire")
    # A status message says it went, in a live region that was there before.
    keys.press("Enter")
    expect(page.get_by_text("Shared with Claire.")).to_be_visible()
    message = page.get_by_text("Shared with Claire.")
    assert message.evaluate(
        "el => Boolean(el.closest('[role=status], [aria-live=polite], [role=alert]'))"
    ), "the confirmation is announced"

    claire = show(people, "claire", "/supervisees")
    ckeys = Keyboard(claire, "supervisor reads")
    ckeys.tab_to('a "Jade"')
    ckeys.press("Enter")
    expect(TendApp(claire).heading).to_have_text("Prepare supervision with Jade")
    expect(claire.get_by_role("button", name="Record this session")).to_be_visible()
    claire.wait_for_load_state("networkidle")
    ckeys.tab_to(re.compile("."))
    ckeys.done()

    page.reload()
    expect(page.get_by_role("region", name="Who has looked")).to_contain_text("Claire saw")
    keys.tab_to(re.compile("Stop sharing .*recovery", re.I))
    keys.press("Enter")
    expect(page.get_by_text(re.compile("Claire can no longer see"))).to_be_visible()
    keys.done()


def test_status_regions_are_in_the_page_before_their_message(people):
    """Every polite or assertive region on the main screens exists, empty, on arrival."""
    for path in ("/checkin", "/journal/write", "/sharing", "/settings", "/your-data"):
        page = show(people, "jade", path)
        regions = page.locator("main [role=status], main [role=alert], main [aria-live]")
        assert regions.count() > 0, path
        assert all(not t.strip() for t in regions.all_inner_texts()), f"{path}: empty on arrival"
