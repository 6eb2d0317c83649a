"""Jade's journal, as she uses it on her phone: write from a prompt with tags and feelings,
find it again, change it, delete it and change her mind, lose nothing when the app closes
mid-sentence, and do all of it without signal."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accounts import asset_root, create_organisation
from tests.browser.axe import serious_violations
from tests.browser.pages import TendApp

pytestmark = pytest.mark.browser

FIRST_BODY = "Long shift. Sat in the car for ten minutes before driving home."
SECOND_BODY = "Quiet day off. Walked by the river and didn't check my phone."


def sign_up_jade(page: Page, live_server) -> None:
    create_organisation(
        page, live_server, email=f"jade.{uuid.uuid4().hex[:8]}@example.org", name="Jade"
    )


def entry_link(page: Page, name: str):
    return page.get_by_role("link", name=re.compile(re.escape(name)))


def open_disclosure(page: Page, name: str) -> None:
    summary = page.locator("summary", has_text=name)
    summary.click()
    expect(summary.locator("xpath=..")).to_have_attribute("open", "")


def write(page: Page, body: str, *, title: str = "", tags=(), feelings=()) -> None:
    """Fill in the editor that is open, and save."""
    if title:
        page.get_by_label("Title (optional)").fill(title)
    page.get_by_role("textbox", name=re.compile("Your words|What's on your mind")).fill(body)
    for word in feelings:
        page.get_by_role("checkbox", name=word, exact=True).check()
    for tag in tags:
        page.get_by_role("checkbox", name=tag, exact=True).check()
    page.get_by_role("button", name="Save entry").click()


def test_jade_writes_from_a_prompt_then_finds_edits_deletes_and_undoes(
    page, live_server, screenshot, page_errors
):
    sign_up_jade(page, live_server)
    app = TendApp(page).open("/journal")
    expect(app.heading).to_have_text("Your journal")
    expect(page.get_by_text("Nothing here yet, and that's fine.")).to_be_visible()
    expect(page.get_by_text("Search happens only on this device.")).to_be_visible()

    open_disclosure(page, "Start from a prompt")
    open_disclosure(page, "After something difficult")
    page.get_by_role("link", name="What would help you feel a little steadier tonight?").click()
    expect(app.heading).to_have_text("Write")
    assert page.url.endswith("/journal/write?prompt=difficult-steadier")
    expect(page.get_by_text("What would help you feel a little steadier tonight?")).to_be_visible()
    page.get_by_label("Title (optional)").fill("After the restraint")
    page.get_by_label("Your words").fill(FIRST_BODY)
    page.get_by_role("checkbox", name="shaken").check()
    page.get_by_role("checkbox", name="tired").check()
    page.get_by_role("checkbox", name="restraint").check()
    page.get_by_label("Add your own tag").fill("Oak House")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("checkbox", name="oak house")).to_be_checked()
    screenshot(page, "journal-editor")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Save entry").click()

    expect(app.heading).to_have_text("Your journal")
    expect(page.get_by_text("Your entry is saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    expect(entry_link(page, "After the restraint")).to_contain_text("shaken")
    assert page.url.endswith("/journal"), "nothing she wrote is ever in the address"

    page.get_by_role("link", name="Write", exact=True).click()
    expect(app.heading).to_have_text("Write")
    write(page, SECOND_BODY, tags=["rest", "day off"], feelings=["calm"])
    expect(entry_link(page, "Quiet day off.")).to_be_visible()
    screenshot(page, "journal-list")
    assert serious_violations(page) == []

    search = page.get_by_role("searchbox", name="Search your journal")
    search.fill("car")
    expect(entry_link(page, "After the restraint")).to_be_visible()
    expect(entry_link(page, "Quiet day off.")).to_be_hidden()
    expect(page.get_by_text("1 entry found.")).to_be_attached()
    search.fill("")
    page.get_by_role("group", name="Show only entries tagged").get_by_role(
        "button", name="rest", exact=True
    ).click()
    expect(entry_link(page, "Quiet day off.")).to_be_visible()
    expect(entry_link(page, "After the restraint")).to_be_hidden()
    page.get_by_role("button", name="rest", exact=True, pressed=True).click()
    expect(entry_link(page, "After the restraint")).to_be_visible()

    entry_link(page, "After the restraint").click()
    expect(app.heading).to_have_text("After the restraint")
    expect(page.get_by_text(FIRST_BODY)).to_be_visible()
    page.get_by_role("link", name="Edit").click()
    expect(app.heading).to_have_text("Edit entry")
    page.go_back()
    expect(app.heading).to_have_text("After the restraint")
    page.get_by_role("link", name="Edit").click()
    expect(app.heading).to_have_text("Edit entry")
    body = page.get_by_label("Your words")
    expect(body).to_have_value(FIRST_BODY)
    body.fill(FIRST_BODY + " Felt better after a cup of tea.")
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_text("Your changes are saved.")).to_be_visible()
    entry_link(page, "After the restraint").click()
    expect(page.get_by_text("Felt better after a cup of tea.")).to_be_visible()

    page.get_by_role("button", name="Delete").click()
    expect(app.heading).to_have_text("Your journal")
    expect(page.get_by_text("Entry deleted.")).to_be_visible()
    expect(entry_link(page, "After the restraint")).to_have_count(0)
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("Your entry is back.")).to_be_visible()
    expect(entry_link(page, "After the restraint")).to_be_visible()
    page.reload()
    expect(entry_link(page, "After the restraint")).to_be_visible()
    assert page_errors == []


def test_a_draft_survives_the_app_closing_mid_sentence(page, live_server, page_errors):
    sign_up_jade(page, live_server)
    app = TendApp(page).open("/journal/write")
    expect(app.heading).to_have_text("Write")
    page.get_by_role("textbox", name="What's on your mind?").press_sequentially(
        "Handover ran late and I never"
    )
    expect(page.get_by_text(re.compile(r"Kept on this device at \d\d:\d\d"))).to_be_visible()
    page.reload()
    expect(app.heading).to_have_text("Write")
    expect(page.get_by_text("We kept what you were writing.")).to_be_visible()
    expect(page.get_by_role("textbox", name="What's on your mind?")).to_have_value(
        "Handover ran late and I never"
    )

    TendApp(page).open("/journal")
    page.get_by_role("link", name="Carry on with what you were writing").click()
    expect(page.get_by_role("textbox", name="What's on your mind?")).to_have_value(
        "Handover ran late and I never"
    )
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_text("Your entry is saved.")).to_be_visible()
    expect(page.get_by_role("link", name="Carry on with what you were writing")).to_have_count(0)
    page.get_by_role("link", name="Write", exact=True).click()
    expect(page.get_by_text("We kept what you were writing.")).to_have_count(0)
    expect(page.get_by_role("textbox", name="What's on your mind?")).to_have_value("")
    assert page_errors == []


def test_the_journal_works_without_signal(page, context, live_server, page_errors):
    sign_up_jade(page, live_server)
    app = TendApp(page).open("/journal")
    app.wait_until_ready_offline()
    context.set_offline(True)
    page.reload()
    expect(app.heading).to_have_text("Your journal")
    expect(app.offline_note).to_be_visible()
    page.get_by_role("link", name="Write", exact=True).click()
    write(page, "Sleep-in. Signal's gone again, writing anyway.", tags=["sleep-in"])
    expect(page.get_by_text("Your entry is saved.")).to_be_visible()
    expect(entry_link(page, "Sleep-in. Signal's gone again")).to_be_visible()
    expect(page.get_by_text("Saved here; will sync when online.")).to_be_visible()
    page.get_by_role("searchbox", name="Search your journal").fill("signal")
    expect(entry_link(page, "Sleep-in. Signal's gone again")).to_be_visible()
    context.set_offline(False)
    assert [e for e in page_errors if "ERR_INTERNET_DISCONNECTED" not in e] == []


def test_a_second_copy_is_marked_and_an_entry_that_wont_open_spoils_nothing(page, live_server):
    sign_up_jade(page, live_server)
    TendApp(page).open("/journal")
    page.evaluate(
        """async (root) => {
            const journal = await import(`${root}/js/journal.js`);
            const store = await import(`${root}/js/store.js`);
            const first = await journal.saveEntry({title: 'Handover', body: 'Ran late.',
                                                   tags: [], feelings: [], prompt: null});
            // The same entry changed on another device meanwhile: this text becomes a copy.
            await journal.saveEntry({id: first.id, version: first.version - 1,
                                     title: 'Handover', body: 'Ran late, then fine.',
                                     tags: [], feelings: [], prompt: null});
            await journal.listEntries();
            await store.transaction(['records'], 'readwrite', (s) => store.done(s.records.put({
                id: crypto.randomUUID(), type: 'journal', version: 1, deleted: false,
                envelope: 'AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
                updatedAt: new Date().toISOString(),
            })));
        }""",
        asset_root(page),
    )
    page.reload()
    unreadable = page.get_by_role("link", name=re.compile("^This entry couldn't be opened"))
    expect(unreadable).to_be_visible()
    copy = page.get_by_role("link", name=re.compile("^Second copy"))
    expect(copy).to_contain_text("Handover (conflicting copy)")
    expect(page.get_by_role("link", name=re.compile("^Handover Ran late\\."))).to_be_visible()
    assert serious_violations(page) == []
    copy.click()
    expect(page.get_by_text("This entry was changed on two devices")).to_be_visible()
    page.get_by_role("link", name="Open the other version").click()
    expect(page.get_by_text("Ran late.", exact=True)).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_journal_screens_on_a_small_phone(page, live_server, screenshot, scheme):
    page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
    sign_up_jade(page, live_server)
    app = TendApp(page).open("/journal")
    page.get_by_role("link", name="Write", exact=True).click()
    write(page, FIRST_BODY, title="After the restraint", tags=["restraint"], feelings=["shaken"])
    expect(page.get_by_text("Your entry is saved.")).to_be_visible()
    open_disclosure(page, "Start from a prompt")
    open_disclosure(page, "After a shift")
    screenshot(page, f"journal-list-{scheme}")
    assert serious_violations(page) == []
    prompt = "What's one moment from this shift that's still with you?"
    page.get_by_role("link", name=prompt).click()
    expect(app.heading).to_have_text("Write")
    page.get_by_role("checkbox", name="tired").check()
    page.get_by_role("checkbox", name="tired").focus()
    screenshot(page, f"journal-editor-{scheme}")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Back").click()
    entry_link(page, "After the restraint").click()
    expect(app.heading).to_have_text("After the restraint")
    screenshot(page, f"journal-entry-{scheme}")
    assert serious_violations(page) == []
