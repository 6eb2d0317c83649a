"""The organisation's own journal prompts and feeling words: Priya adds them, everyone is
offered them after their next sync beside Tend's own, and retiring one stops it being
offered while an entry written from it keeps its prompt."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.accounts import create_organisation, join_by_link
from tests.browser.axe import serious_violations
from tests.browser.pages import TendApp
from tests.browser.test_support import SupportAdmin, invite, sync_now, unique_email

pytestmark = pytest.mark.browser

PROMPT = "What would you tell a new colleague about today?"
BODY = "That the quiet moments count too."


def section(page: Page, name: str) -> Locator:
    return page.get_by_role("region", name=name, exact=True)


def open_disclosure(page: Page, name: str) -> None:
    summary = page.locator("summary", has_text=name)
    summary.click()
    expect(summary.locator("xpath=..")).to_have_attribute("open", "")


def prompt_picker_links(page: Page) -> Locator:
    """Every prompt offered under "After a shift" in the journal's picker."""
    TendApp(page).open("/journal")
    open_disclosure(page, "Start from a prompt")
    open_disclosure(page, "After a shift")
    return page.locator(".prompt-picker").get_by_role("link")


def offered_feeling(page: Page, word: str) -> Locator:
    return page.get_by_role("group", name="Feelings").get_by_role("checkbox", name=word, exact=True)


def test_organisation_prompts_and_words_reach_everyone_and_retire_gently(
    page, phone, live_server, screenshot, page_errors
):
    create_organisation(page, live_server, email=unique_email("priya"))
    jade = phone()
    join_by_link(jade, invite(page, "Oak House"), name="Jade Okafor", email=unique_email("jade"))

    SupportAdmin(page).open()
    prompts = section(page, "Journal prompts")
    tends = prompts.locator("details", has_text="Tend's own prompts")
    expect(tends).not_to_have_attribute("open", "")
    expect(prompts.get_by_text("What do you need in the next hour?")).to_be_hidden()
    expect(prompts.get_by_role("button", name=re.compile("^Retire"))).to_have_count(0)

    # A prompt for after a shift, and a feeling word.
    prompts.get_by_label("When it suits").select_option(label="After a shift")
    prompts.get_by_label("Prompt", exact=True).fill(PROMPT)
    prompts.get_by_role("button", name="Add prompt").click()
    expect(prompts.get_by_role("status").filter(has_text="Prompt added")).to_be_visible()
    mine = prompts.get_by_role("listitem").filter(has_text=PROMPT)
    expect(mine).to_contain_text("After a shift")
    expect(prompts.get_by_label("Prompt", exact=True)).to_have_value("")

    feelings = section(page, "Feeling words")
    feelings.get_by_label("Add a feeling word").fill("Drained")
    feelings.get_by_role("button", name="Add word").click()
    drained = feelings.get_by_role("listitem").filter(has_text="drained")
    expect(drained).to_be_visible()
    # The same word twice is explained on the field.
    feelings.get_by_label("Add a feeling word").fill("drained")
    feelings.get_by_role("button", name="Add word").click()
    word_box = feelings.get_by_label("Add a feeling word")
    expect(word_box).to_have_attribute("aria-invalid", "true")
    expect(word_box).to_be_focused()
    expect(drained).to_have_count(1)

    # Jade's phone picks them up at its next sync.
    TendApp(jade).open("/")
    sync_now(jade)
    links = prompt_picker_links(jade)
    expect(links.last).to_have_text(PROMPT)
    expect(links).to_have_count(6)  # Tend's five, then the organisation's
    links.last.click()
    expect(jade.get_by_role("heading", level=1)).to_have_text("Write")
    expect(jade.get_by_text(PROMPT)).to_be_visible()
    jade.get_by_label("Your words").fill(BODY)
    feeling_words = jade.get_by_role("group", name="How are you feeling? (optional)")
    expect(feeling_words.get_by_role("checkbox").last).to_have_accessible_name("drained")
    feeling_words.get_by_role("checkbox", name="drained").check()
    jade.get_by_role("button", name="Save entry").click()
    expect(jade.get_by_text("Your entry is saved.")).to_be_visible()

    TendApp(jade).open("/checkin")
    expect(offered_feeling(jade, "drained")).to_be_visible()
    expect(offered_feeling(jade, "tired")).to_be_visible()

    # Priya retires both; the buttons say what they would do now, and keep focus.
    retire = mine.get_by_role("button", name=f"Retire “{PROMPT}”")
    retire.click()
    bring_back = mine.get_by_role("button", name=f"Bring back “{PROMPT}”")
    expect(bring_back).to_be_focused()
    expect(mine).to_contain_text("Retired: no longer offered.")
    drained.get_by_role("button", name="Retire drained").click()
    expect(drained.get_by_role("button", name="Bring back drained")).to_be_focused()

    # Jade is offered neither any more, and her entry still shows the prompt it came from.
    TendApp(jade).open("/")
    sync_now(jade)
    links = prompt_picker_links(jade)
    expect(links).to_have_count(5)
    expect(links.filter(has_text=PROMPT)).to_have_count(0)
    entry = jade.get_by_role("link", name=re.compile(re.escape(PROMPT)))
    expect(entry).to_contain_text("drained")
    entry.click()
    expect(jade.get_by_role("heading", level=1)).to_have_text(PROMPT)
    expect(jade.locator(".prompt-quote")).to_have_text(PROMPT)
    expect(jade.get_by_text(BODY)).to_be_visible()
    TendApp(jade).open("/checkin")
    expect(offered_feeling(jade, "tired")).to_be_visible()
    expect(offered_feeling(jade, "drained")).to_have_count(0)

    # Brought back, it is offered again.
    drained.get_by_role("button", name="Bring back drained").click()
    expect(drained.get_by_role("button", name="Retire drained")).to_be_focused()
    TendApp(jade).open("/")
    sync_now(jade)
    TendApp(jade).open("/checkin")
    expect(offered_feeling(jade, "drained")).to_be_visible()

    open_disclosure(page, "Tend's own prompts")
    expect(prompts.get_by_text("What do you need in the next hour?")).to_be_visible()
    open_disclosure(page, "Tend's own feeling words")
    assert serious_violations(page) == []
    prompts.scroll_into_view_if_needed()
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        screenshot(page, f"admin-library-{scheme}")
    assert [e for e in page_errors if not e.startswith("Failed to load resource")] == []


def test_a_prompt_needs_words(page, live_server, page_errors):
    create_organisation(page, live_server, email=unique_email("priya"))
    SupportAdmin(page).open()
    prompts = section(page, "Journal prompts")
    box = prompts.get_by_label("Prompt", exact=True)
    box.fill("Why?")
    prompts.get_by_role("button", name="Add prompt").click()
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(box).to_have_accessible_description(re.compile("Write a prompt of 5 to 300 characters"))
    expect(box).to_be_focused()
    expect(prompts.get_by_role("listitem")).to_have_count(0)
    assert [e for e in page_errors if not e.startswith("Failed to load resource")] == []
