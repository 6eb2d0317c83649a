"""WCAG 4.1.3 for saving and syncing: every message that says something was saved, synced,
kept offline, failed, or needs her attention reaches a screen reader. Its words must
arrive in a live region (role=status/alert, aria-live) that was already in the page, and
rendered, before they came: a region shown together with its words is often not read.

The recorder (`a11y.record_announcements`) watches the document from before the app
loads, so each test clicks and types as a person would and then asks what was said.

Inventory (message → screen → how it comes):

  Said by Tend as a whole
  | "You're offline. Tend still works on this device."  | any     | connection drops       |
  | "A new version of Tend is ready. Reload when …"      | any     | new service worker     |
  |   (test_update.py covers it; #update-said is in index.html from the start)             |
  Check-in and reflection (a new page takes focus; the news is said through #said)
  | "Your check-in is saved."                            | /checkin | Save check-in, online |
  | "Your check-in is saved on this device. It will sync when you're back online."        |
  |                                                      | /checkin | Save check-in, offline|
  | "Your reflection is saved."                          | /reflection | See my reflection  |
  Journal (entry.js, journal.js)
  | "Your entry is saved." / "Your changes are saved."   | /journal | Save entry           |
  | "Saved here; will sync when online."                 | /journal | saved offline         |
  | "Saved here; will try again soon."                   | /journal | sync 503              |
  | "N changes waiting to sync." / the server's refusal  | /journal | outbox not yet empty  |
  |   (same line as the two above; once synced the line simply empties: nothing is said)   |
  | "Kept on this device." (on screen: "… at HH:MM.")    | /journal/write, /plan | autosave |
  | "We kept what you were writing."                     | /journal/write | draft restored: |
  |   part of the page, which takes focus on its heading: not a status message              |
  | "Your entry is back." (Undo)                         | /journal | after deleting       |
  Plan, agenda, sharing
  | "Your plan is saved."                                | /plan    | Save changes          |
  | "Added to your agenda." / "Removed from your agenda."| /supervision | Add / Remove      |
  | "Shared with Claire."                                | /sharing | Share with Claire     |
  | "Claire can no longer see your …"                    | /sharing | Stop sharing          |
  Reminders and shifts
  | "Saved."                                             | /reminders | any section's Save  |
  | "Saved. Your rota repeats every 8 days."             | /reminders/shifts | Save rota    |
  Settings and your data
  | "Your name is saved."                                | /settings | Save name            |
  | "Your password is changed. Other devices have been signed out." | /settings | Change  |
  | "Saved a backup of N items. …"                       | /settings/data | Save a backup   |
  | "Saved: …. Keep the file somewhere only you can open." | /settings/data | a copy       |
  Every form's errors use the same notice() (ui.js): an empty status and an empty alert
  region are in the form from the start, so its problems are announced just like its news.

Not covered here: admin screens (another helper owns them), push and device messages
(they need a push service), the new-version prompt (test_update.py)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.a11y import SWEEP, announcements, expect_announced, record_announcements
from tests.browser.accounts import (
    DEFAULT_PASSWORD,
    Phones,
    asset_root,
    create_organisation,
    invite,
    join_by_link,
)
from tests.browser.pages import TendApp

pytestmark = [pytest.mark.browser, SWEEP]


def email(name: str) -> str:
    return f"{name}.{uuid.uuid4().hex[:8]}@example.org"


class People(Phones):
    """Priya (admin), Claire (supervisor) and Jade (a worker Claire supervises), each on a
    phone of their own whose every page records what it announces."""

    def __init__(self, browser, phone_context_args, live_server) -> None:
        super().__init__(browser, phone_context_args, live_server)
        priya = self.new_context().new_page()
        create_organisation(priya, live_server, email=email("priya"))
        self.claire = self.new_context()
        claire = self.claire.new_page()
        join_by_link(claire, invite(priya, ["supervisor"]), name="Claire", email=email("claire"))
        claire_id = self.account_id(claire)
        self.jade = self.new_context()
        jade = self.jade.new_page()
        join_by_link(jade, invite(priya, ["worker"], [claire_id]), name="Jade", email=email("jade"))
        jade.evaluate(
            """async (root) => {
                const plan = await import(`${root}/js/plan.js`);
                await plan.saveFirstPlan({helps: ['A walk before I go in'], reasons: 'For me.'});
            }""",
            asset_root(jade),
        )
        TendApp(jade).wait_until_ready_offline()

    def new_context(self) -> BrowserContext:
        context = super().new_context()
        record_announcements(context)
        return context


@pytest.fixture(scope="module")
def people(browser, phone_context_args, live_server) -> Iterator[People]:
    group = People(browser, phone_context_args, live_server)
    yield group
    group.close()


@pytest.fixture
def jade(people) -> Iterator[Page]:
    """A fresh page on Jade's phone (so a fresh record of what was said), online again
    and with no routes left behind when the test ends."""
    page = people.jade.new_page()
    yield page
    people.jade.set_offline(False)
    page.close()


def open_at(page: Page, path: str) -> TendApp:
    return TendApp(page).open(path)


def save_an_entry(page: Page, body: str) -> None:
    open_at(page, "/journal/write")
    page.get_by_role("textbox", name="What's on your mind?").fill(body)
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your journal")


# ── the recorder itself ──────────────────────────────────────────────────────────────────


def test_the_recorder_tells_a_region_there_before_from_one_shown_with_its_words(jade):
    open_at(jade, "/")
    jade.evaluate(
        """() => {
            const late = document.createElement('div');
            late.setAttribute('role', 'status');
            late.textContent = 'shown together';
            document.body.append(late);
            const early = document.createElement('div');
            early.setAttribute('role', 'alert');
            early.id = 'early';
            document.body.append(early);
        }"""
    )
    jade.evaluate(
        "() => new Promise((r) => setTimeout(() => {"
        " document.getElementById('early').textContent = 'there before'; r(); }))"
    )
    said = {a["text"]: a for a in announcements(jade) if a["in_region"]}
    assert said["shown together"]["region_was_there"] is False
    assert said["there before"] == {
        "text": "there before",
        "politeness": "assertive",
        "in_region": True,
        "region_was_there": True,
    }
    with pytest.raises(AssertionError, match="shown together"):
        expect_announced(jade, "shown together", timeout=500)


# ── Tend as a whole ──────────────────────────────────────────────────────────────────────


def test_going_offline_is_announced(jade, people):
    open_at(jade, "/")
    people.jade.set_offline(True)
    said = expect_announced(jade, "You're offline. Tend still works on this device.")
    assert said["politeness"] == "polite"


# ── check-in and reflection ─────────────────────────────────────────────────────────────


def check_in(page: Page) -> None:
    open_at(page, "/checkin")
    page.get_by_role("group", name="Stress").get_by_role("radio", name="Low", exact=True).click()
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for checking in")


def test_a_check_in_saved_online_is_announced(jade):
    check_in(jade)
    expect_announced(jade, "Your check-in is saved.")


def test_a_check_in_saved_offline_is_announced_with_what_happens_next(jade, people):
    open_at(jade, "/")
    people.jade.set_offline(True)
    expect_announced(jade, "You're offline. Tend still works on this device.")
    jade.get_by_role("link", name=re.compile("Check in")).first.click()
    jade.get_by_role("group", name="Stress").get_by_role("radio", name="Low", exact=True).click()
    jade.get_by_role("button", name="Save check-in").click()
    expect(jade.get_by_role("heading", level=1)).to_have_text("Thank you for checking in")
    expect_announced(
        jade, "Your check-in is saved on this device. It will sync when you're back online."
    )


def test_a_kept_reflection_is_announced(jade):
    open_at(jade, "/reflection")
    statements = jade.locator("form.reflection fieldset")
    expect(statements.first).to_be_visible()
    jade.get_by_role("button", name="See my reflection").click()
    expect_announced(jade, "Answer at least one statement first, or come back another time.")
    for n in range(statements.count()):
        statements.nth(n).get_by_role("radio", name="Often", exact=True).click()
    jade.get_by_role("button", name="See my reflection").click()
    expect(jade.get_by_role("heading", level=1)).to_have_text("Your reflection")
    expect_announced(jade, "Your reflection is saved.")


# ── journal ─────────────────────────────────────────────────────────────────────────────


def test_a_saved_journal_entry_is_announced(jade):
    save_an_entry(jade, "A quiet shift for once.")
    expect_announced(jade, "Your entry is saved.", timeout=3_000)


def test_an_entry_saved_offline_says_it_will_sync_and_is_announced(jade, people):
    open_at(jade, "/")
    people.jade.set_offline(True)
    jade.get_by_role("link", name=re.compile("^Journal")).first.click()
    jade.get_by_role("link", name=re.compile("^Write")).first.click()
    jade.get_by_role("textbox", name="What's on your mind?").fill("Written on the night bus.")
    jade.get_by_role("button", name="Save entry").click()
    expect(jade.get_by_text("Saved here; will sync when online.")).to_be_visible()
    expect_announced(jade, "Saved here; will sync when online.", timeout=3_000)


def test_a_refused_sync_is_announced_calmly(jade):
    # On the whole phone: Jade's other open page would otherwise sync the entry itself.
    unavailable = "**/api/sync/**"
    jade.context.route(
        unavailable,
        lambda route: route.fulfill(
            status=503,
            content_type="application/json",
            body='{"error": {"code": "unavailable", "message": "Tend is resting."}}',
        ),
    )
    try:
        save_an_entry(jade, "The server is having a rest.")
        expect(jade.get_by_text("Saved here; will try again soon.")).to_be_visible()
        expect_announced(jade, "Saved here; will try again soon.", timeout=3_000)
    finally:
        jade.context.unroute(unavailable)


def test_an_autosaved_draft_is_announced(jade):
    open_at(jade, "/journal/write")
    jade.get_by_role("textbox", name="What's on your mind?").press_sequentially("Half a thought")
    expect(jade.get_by_text(re.compile(r"^Kept on this device at \d\d:\d\d\.$"))).to_be_visible()
    expect_announced(jade, "Kept on this device.", timeout=3_000)


# ── plan, agenda and sharing ────────────────────────────────────────────────────────────


def test_a_saved_plan_is_announced(jade):
    open_at(jade, "/plan")
    jade.get_by_role("button", name="Edit what helps me").click()
    # A click, not check(): it is a change whatever an earlier test left there.
    jade.get_by_role("checkbox", name="Music on the way home").click()
    # Kept as a draft first, and said so; the note's region stays rendered while waiting.
    expect(jade.get_by_text(re.compile(r"^Kept on this device at \d\d:\d\d\.$"))).to_be_visible()
    expect_announced(jade, "Kept on this device.", timeout=3_000)
    jade.get_by_role("button", name="Save changes").click()
    expect(jade.get_by_role("heading", level=1)).to_have_text("Your self-care plan")
    expect_announced(jade, "Your plan is saved.")


def test_an_agenda_item_added_and_removed_is_announced(jade):
    open_at(jade, "/supervision")
    jade.get_by_label("Something to bring").fill("The handover on Friday")
    jade.get_by_role("button", name="Add", exact=True).click()
    expect_announced(jade, "Added to your agenda.")
    jade.get_by_role("button", name="Remove “The handover on Friday”").click()
    expect_announced(jade, "Removed from your agenda.")


def test_sharing_and_stopping_are_announced(jade):
    app = open_at(jade, "/sharing")
    with_claire = jade.get_by_role("region", name="With Claire")
    preview = app.preview_weekly_summary("Claire")
    preview.get_by_role("button", name="Share with Claire").click()
    expect_announced(jade, "Shared with Claire.")
    with_claire.get_by_role(
        "button", name="Stop sharing Weekly wellbeing summary with Claire"
    ).click()
    expect_announced(jade, "Claire can no longer see your weekly wellbeing summary.")


# ── reminders and shifts ────────────────────────────────────────────────────────────────


def test_saved_reminders_and_a_saved_rota_are_announced(jade):
    open_at(jade, "/reminders")
    quiet = jade.get_by_role("region", name="Quiet times", exact=True)
    quiet.get_by_label("From").fill("22:00")
    quiet.get_by_label("To").fill("07:00")
    quiet.get_by_role("button", name="Save quiet times").click()
    expect_announced(jade, "Saved.")

    jade.get_by_role("link", name=re.compile("(Add|Change) your shifts")).click()
    rota = jade.get_by_role("region", name="A rota that repeats")
    rota.get_by_role("radio", name="4 on, 4 off (long days)").check()
    rota.get_by_role("button", name="Save rota").click()
    expect_announced(jade, "Saved. Your rota repeats every 8 days.")


# ── settings and her data ───────────────────────────────────────────────────────────────


def test_a_saved_name_and_a_changed_password_are_announced(people):
    page = people.claire.new_page()
    try:
        open_at(page, "/settings")
        page.get_by_label("Your name").fill("Claire B")
        page.get_by_role("button", name="Save name").click()
        expect_announced(page, "Your name is saved.")
        page.get_by_role("button", name="Change password").click()
        expect_announced(page, "Please enter your current password.")
        page.get_by_label("Current password", exact=True).fill(DEFAULT_PASSWORD)
        page.get_by_label("New password", exact=True).fill("a slow swim in the cold sea")
        page.get_by_role("button", name="Change password").click()
        expect_announced(page, "Your password is changed. Other devices have been signed out.")
    finally:
        page.close()


def test_a_copy_and_a_backup_are_announced_when_done(jade):
    open_at(jade, "/settings")
    jade.get_by_role("link", name="Your data").click()
    copy = jade.get_by_role("region", name="Keep a copy")
    copy.get_by_label("Your password").fill(DEFAULT_PASSWORD)
    with jade.expect_download():
        copy.get_by_role("button", name="Save as data (JSON)").click()
    expect_announced(jade, re.compile(r"Saved: .*\. Keep the file somewhere only you can open\."))
    with jade.expect_download():
        jade.get_by_role("button", name="Save a backup").click()
    expect_announced(jade, re.compile(r"Saved a backup of \d+ items?\. It opens with .*"))
