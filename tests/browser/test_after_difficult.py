"""After something difficult: Jade marks a difficult check-in and is led to grounding first;
then, none of it required, she can say what happened (answered with care, kept nowhere),
write privately, ask Claire for a debrief, let Tend check in later and see who can help.
Straight from home it works too, by keyboard alone and without signal."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accounts import create_organisation, supervised_worker
from tests.browser.axe import serious_violations
from tests.browser.pages import TendApp
from tests.browser.privacy import DUMP_INDEXEDDB

pytestmark = pytest.mark.browser

HOME_LINK = "After something difficult: steady yourself, then choose what helps"
DEATH = "The death or serious harm of a child or young person"
CHEERFUL = re.compile(r"!|\b(great|awesome|well done|congratulations|yay)\b", re.IGNORECASE)
GET_JSON = "async (path) => (await fetch(path)).json()"


def email(name: str) -> str:
    return f"{name}.{uuid.uuid4().hex[:8]}@example.org"


def choices_shown(page: Page):
    return page.get_by_role("heading", name="What might help now")


def test_from_a_difficult_check_in_grounding_comes_first_then_each_choice(
    page, phone, live_server, screenshot, page_errors
):
    jade, claire = supervised_worker(page, phone, live_server, email)
    sent: list[str] = []
    jade.on("request", lambda r: sent.append(f"{r.url} {r.post_data or ''}"))
    app = TendApp(jade).open("/checkin")
    jade.get_by_text("Something difficult happened").click()
    jade.get_by_role("button", name="Save check-in").click()
    card = jade.get_by_role("region", name="Something difficult happened")
    card.get_by_role("link", name="Take a moment, then choose what might help").click()

    # Grounding first: the choices wait until she is ready (or skips on).
    expect(app.heading).to_have_text("After something difficult")
    expect(jade).to_have_url(re.compile(r"/after-difficult$"))
    ground = jade.get_by_role("region", name="First, steady yourself")
    expect(ground.get_by_role("radio", name="Box breathing")).to_be_checked()
    expect(choices_shown(jade)).to_be_hidden()
    jade.clock.install()
    ground.get_by_role("button", name="Start").click()
    expect(ground.get_by_text("Breathe in", exact=True)).to_be_visible()
    jade.clock.run_for(5000)
    expect(ground.get_by_text("Hold", exact=True)).to_be_visible()
    ground.get_by_role("button", name="I'm ready for what's next").click()
    # Moving on stops the pacer, so its spoken phases don't talk over what comes next.
    expect(ground.get_by_role("button", name="Start")).to_be_visible()
    expect(jade.get_by_role("heading", name="What happened, if you'd like to say")).to_be_focused()
    expect(choices_shown(jade)).to_be_visible()
    jade.clock.resume()

    # A serious incident is met with care, never cheerfulness; a debrief today is suggested.
    debrief = jade.get_by_role("region", name="Ask for a debrief")
    expect(debrief.get_by_role("radio", name="This week")).to_be_checked()
    jade.get_by_role("radio", name=DEATH).check()
    words = jade.locator(".after-difficult-words")
    expect(words).to_contain_text("one of the hardest things anyone in this work can face")
    expect(words).to_contain_text("it's right to ask for a debrief")
    assert not CHEERFUL.search(jade.locator("main").inner_text())
    expect(debrief.get_by_role("radio", name="Today, if you can")).to_be_checked()
    # Changing her answer to something less serious takes the suggestion back.
    jade.get_by_role("radio", name="A young person went missing").check()
    expect(debrief.get_by_role("radio", name="This week")).to_be_checked()
    jade.get_by_role("radio", name=DEATH).check()
    expect(debrief.get_by_role("radio", name="Today, if you can")).to_be_checked()
    screenshot(jade, "after-difficult")
    assert serious_violations(jade) == []

    # A debrief: the note she can read and change is all Claire gets besides her name.
    note = debrief.get_by_label("Your note")
    expect(note).to_have_value("Could we have a debrief? Something difficult happened.")
    note.fill("Could we have a debrief tomorrow morning?")
    debrief.get_by_role("button", name="Ask for a debrief").click()
    expect(jade.get_by_text("Sent. Claire will see that you'd like a debrief.")).to_be_focused()
    asked = jade.evaluate(GET_JSON, "/api/sharing/talk")
    assert [(a["how_soon"], a["note"]) for a in asked] == [
        ("today", "Could we have a debrief tomorrow morning?")
    ]
    claire_view = claire.evaluate(GET_JSON, "/api/supervision/overview")
    assert "debrief tomorrow morning" in str(claire_view)

    # Later on: two gentle follow-ups, which say nothing of why.
    later = jade.get_by_role("region", name="Later on")
    later.get_by_role("button", name="Check in with me tomorrow and in 3 days").click()
    expect(later.get_by_text(re.compile("^Done. Tend will check in gently"))).to_be_visible()
    upcoming = jade.evaluate(GET_JSON, "/api/reminders")["upcoming"]
    assert [i["kind"] for i in upcoming].count("follow-up") == 2

    # What she said happened was kept on the page only: not sent, not stored anywhere on
    # the phone (every IndexedDB store, web storage, every cached response).
    dump = jade.evaluate(DUMP_INDEXEDDB)
    assert dump["tend-data/records"] != "[]", "the dump reads her stores"
    cached = jade.evaluate(
        """async () => {
            const texts = [];
            // The precache holds Tend's own code, words included; anything else is data.
            for (const name of await caches.keys()) {
                if (name.startsWith('tend-precache-')) continue;
                const cache = await caches.open(name);
                for (const request of await cache.keys()) {
                    texts.push(await (await cache.match(request)).text());
                }
            }
            return JSON.stringify({texts, local: {...localStorage}, session: {...sessionStorage}});
        }"""
    )
    for said in (DEATH, "death"):
        assert not any(said in line for line in sent), said
        assert not any(said in rows for rows in dump.values()), said
        assert said not in cached, said

    # Who can help now, then back, then writing it down privately.
    jade.get_by_role("link", name="See who can help now").click()
    expect(app.heading).to_have_text("Get support now")
    jade.go_back()
    expect(app.heading).to_have_text("After something difficult")
    jade.get_by_role("button", name="I'm ready for what's next").click()
    jade.get_by_role("link", name="Write privately").click()
    expect(jade).to_have_url(re.compile(r"/journal/write\?prompt=difficult-what-happened$"))
    expect(jade.get_by_text("You don't have to write it all.", exact=False)).to_be_visible()
    assert page_errors == []


def test_straight_from_home_by_keyboard_and_without_signal(page, context, live_server, screenshot):
    create_organisation(page, live_server, email=email("jade"), name="Jade")
    app = TendApp(page).open("/")
    app.wait_until_ready_offline()
    page.get_by_role("link", name=HOME_LINK).focus()
    page.keyboard.press("Enter")
    expect(app.heading).to_have_text("After something difficult")
    # Nobody supervises her: the debrief card says who to ask instead.
    expect(page.get_by_text("Ask whoever is in charge on shift, or your manager")).to_be_attached()

    context.set_offline(True)
    page.reload()
    expect(app.heading).to_have_text("After something difficult")
    expect(page.get_by_text("You're offline just now. When you're back online")).to_be_attached()
    ready = page.get_by_role("button", name="I'm ready for what's next")
    for _ in range(30):
        if ready.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(ready).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="What happened, if you'd like to say")).to_be_focused()
    page.keyboard.press("Tab")  # into the choices: the arrow keys move between them
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="A restraint or physical intervention")).to_be_checked()
    expect(page.locator(".after-difficult-words")).to_contain_text("Holding a young person")

    later = page.get_by_role("region", name="Later on")
    later.get_by_role("button", name="Check in with me tomorrow and in 3 days").click()
    expect(later.get_by_role("alert")).to_contain_text("You're offline just now.")
    page.emulate_media(color_scheme="dark")
    screenshot(page, "after-difficult-offline-dark")
    page.emulate_media(color_scheme="light")
    assert serious_violations(page) == []
