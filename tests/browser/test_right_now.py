"""Jade's "Right now" tools on her phone: the breathing pacer, 5-4-3-2-1 grounding, leaving
work at work and the short explainers. After one visit with signal they all work without it;
the pacer announces each phase, shows no animation with reduced motion, stops when she
leaves; everything can be done by keyboard alone; nothing on the page is sent anywhere."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.accounts import create_organisation
from tests.browser.axe import serious_violations
from tests.browser.pages import TendApp

pytestmark = pytest.mark.browser

HOME_LINK = "Right now: breathe, ground yourself, leave work at work"

# Every vibration the page asks for, kept where the test can read it.
RECORD_VIBRATIONS = """
    window.__vibrations = [];
    Object.defineProperty(Navigator.prototype, 'vibrate', {
        configurable: true,
        value: (pattern) => { window.__vibrations.push(pattern); return true; },
    });
"""


def sign_up_jade(page: Page, live_server) -> None:
    create_organisation(
        page, live_server, email=f"jade.{uuid.uuid4().hex[:8]}@example.org", name="Jade"
    )


def section(page: Page, name: str) -> Locator:
    return page.get_by_role("region", name=name)


def said(page: Page) -> Locator:
    """The pacer's polite live region."""
    return page.locator(".pacer [role=status]")


def toggle(page: Page) -> Locator:
    return section(page, "Breathe").locator(".pacer-toggle")


def circle(page: Page) -> Locator:
    return page.locator(".pacer-circle")


def transition(locator: Locator) -> str:
    return locator.evaluate("el => getComputedStyle(el).transitionDuration")


def no_serious_violations(page: Page) -> bool:
    """axe-core needs time to run: let the page's clock go while it looks, then hold it again."""
    page.clock.resume()
    found = serious_violations(page)
    now = page.evaluate("Date.now()") / 1000
    page.clock.pause_at(datetime.fromtimestamp(now + 1))
    assert found == []
    return True


def vibrations(page: Page) -> list:
    return page.evaluate("() => window.__vibrations.filter((p) => p !== 0)")


def test_every_tool_works_offline_after_one_visit(page, context, live_server, screenshot):
    context.add_init_script(RECORD_VIBRATIONS)
    sign_up_jade(page, live_server)
    app = TendApp(page).open("/")
    page.get_by_role("link", name=HOME_LINK).click()
    expect(app.heading).to_have_text("Right now")
    expect(page).to_have_title("Right now — Tend")
    app.wait_until_ready_offline()

    # No signal: the page reloads from the phone alone, with the pacer's time in our hands.
    context.set_offline(True)
    start = datetime.now()
    page.clock.install(time=start)
    page.reload()
    expect(app.heading).to_have_text("Right now")
    expect(app.offline_note).to_be_visible()
    page.clock.pause_at(start + timedelta(seconds=30))

    # Box breathing, with a gentle vibration at each change.
    breathe = section(page, "Breathe")
    expect(breathe.get_by_role("radio", name="Box breathing")).to_be_checked()
    breathe.get_by_label("Gentle vibration when it's time to change").check()
    toggle(page).click()
    expect(toggle(page)).to_have_text("Stop")
    expect(said(page)).to_have_text("Breathe in… 4")
    expect(breathe.locator(".pacer-count")).to_have_text("4")
    expect(circle(page)).to_have_attribute("data-size", "full")
    assert transition(circle(page)) == "4s"
    page.clock.run_for(1000)
    expect(breathe.locator(".pacer-count")).to_have_text("3")
    expect(said(page)).to_have_text("Breathe in… 4")  # counts are shown, not announced
    page.clock.run_for(3000)
    expect(said(page)).to_have_text("Hold… 4")
    expect(circle(page)).to_have_attribute("data-size", "full")
    page.clock.run_for(4000)
    expect(said(page)).to_have_text("Breathe out… 4")
    expect(circle(page)).to_have_attribute("data-size", "empty")
    page.clock.run_for(4000)
    expect(said(page)).to_have_text("Hold… 4")
    page.clock.run_for(4000)
    expect(said(page)).to_have_text("Breathe in… 4")
    assert vibrations(page) == [40] * 5
    screenshot(page, "right-now-breathing-offline")
    assert no_serious_violations(page)

    # A longer out-breath, chosen while it runs: it starts again with the new pattern.
    breathe.get_by_role("radio", name="Longer out-breath").click()
    expect(breathe.get_by_text("In for 4, out for 6:", exact=False)).to_be_visible()
    expect(said(page)).to_have_text("Breathe in… 4")
    page.clock.run_for(4000)
    expect(said(page)).to_have_text("Breathe out… 6")
    assert transition(circle(page)) == "6s"
    page.clock.run_for(6000)
    expect(said(page)).to_have_text("Breathe in… 4")

    # Stop means stop.
    toggle(page).click()
    expect(toggle(page)).to_have_text("Start")
    expect(said(page)).to_have_text("Stopped. Start again whenever you like.")
    buzzed = len(vibrations(page))
    page.clock.run_for(20_000)
    expect(said(page)).to_have_text("Stopped. Start again whenever you like.")
    assert len(vibrations(page)) == buzzed

    # The tab hidden (the phone locked, another app opened): it stops by itself.
    toggle(page).click()
    expect(said(page)).to_have_text("Breathe in… 4")
    page.evaluate(
        """() => {
            Object.defineProperty(document, 'visibilityState', {
                configurable: true, get: () => 'hidden',
            });
            document.dispatchEvent(new Event('visibilitychange'));
            delete document.visibilityState;
        }"""
    )
    expect(toggle(page)).to_have_text("Start")
    expect(said(page)).to_have_text("Stopped. Start again whenever you like.")

    # 5-4-3-2-1, one step at a time, forwards and back.
    ground = section(page, "Ground yourself: 5-4-3-2-1")
    next_step = ground.get_by_role("button", name="Next")
    expect(ground.get_by_role("heading", level=3)).to_have_text("5 things you can see")
    expect(ground.get_by_role("button", name="Back")).to_be_hidden()
    for want in ("4 things you can touch", "3 things you can hear", "2 things you can smell"):
        next_step.click()
        expect(ground.get_by_role("heading", level=3)).to_have_text(want)
    ground.get_by_role("button", name="Back").click()
    expect(ground.get_by_role("heading", level=3)).to_have_text("3 things you can hear")
    expect(ground.get_by_text("Step 3 of 5")).to_be_visible()
    next_step.click()
    next_step.click()
    expect(ground.get_by_role("heading", level=3)).to_have_text("1 thing you can taste")
    screenshot(page, "right-now-grounding-offline")
    assert no_serious_violations(page)
    ground.get_by_role("button", name="Finish").click()
    expect(ground.get_by_role("heading", level=3)).to_have_text("You're here, right now")
    ground.get_by_role("button", name="Start again").click()
    expect(ground.get_by_role("heading", level=3)).to_have_text("5 things you can see")
    assert ground.locator("input, textarea").count() == 0, "nothing to type"

    # Leaving work at work, step by step.
    home = section(page, "Leaving work at work")
    expect(home.get_by_role("heading", level=3)).to_have_text("Notice what you're carrying")
    steps = ["Notice what you're carrying"]
    for _ in range(5):
        home.get_by_role("button", name="Next").click()
        expect(home.get_by_text(f"Step {len(steps) + 1} of 6")).to_be_visible()
        steps.append(home.get_by_role("heading", level=3).inner_text())
    assert steps[1:] == [
        "Name one thing that went OK",
        "Put down what can wait",
        "One breath for the shift",
        "Mark the change",
        "Something kind for the evening",
    ]
    home.get_by_role("button", name="Finish").click()
    expect(home.get_by_role("heading", level=3)).to_have_text("Work is done for now")

    # The explainers open in place, and say plainly what they are not.
    understand = section(page, "Making sense of it")
    for topic in ("Secondary trauma", "Moral distress", "Blocked care", "Why recovery matters"):
        understand.get_by_text(topic, exact=True).click()
        body = understand.locator("details[open]", has_text=topic).locator(".explainer-body")
        expect(body).to_be_visible()
        words = len(body.inner_text().split())
        assert 120 <= words <= 200, (topic, words)
    expect(understand.get_by_text("They are not a diagnosis.")).to_be_visible()
    assert no_serious_violations(page)

    # Leaving the page stops a running pacer: no more vibrations once she has gone.
    toggle(page).click()
    expect(said(page)).to_have_text("Breathe in… 4")
    understand.get_by_role("link", name="Get support").click()
    expect(app.heading).to_have_text("Get support now")
    buzzed = len(vibrations(page))
    page.clock.run_for(30_000)
    assert len(vibrations(page)) == buzzed
    context.set_offline(False)


def test_keyboard_alone_starts_and_stops_the_pacer_and_walks_grounding(
    page, live_server, page_errors
):
    sign_up_jade(page, live_server)
    app = TendApp(page).open("/right-now")
    expect(app.heading).to_have_text("Right now")

    def tab_to(locator: Locator, limit: int = 40) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if locator.evaluate("el => el === document.activeElement"):
                return
        raise AssertionError("never reached by Tab")

    tab_to(toggle(page))
    outline = toggle(page).evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline not in ("none", "")
    page.keyboard.press("Enter")
    expect(said(page)).to_have_text("Breathe in… 4")
    expect(toggle(page)).to_be_focused()
    page.keyboard.press("Space")
    expect(said(page)).to_have_text("Stopped. Start again whenever you like.")
    expect(toggle(page)).to_have_text("Start")

    ground = section(page, "Ground yourself: 5-4-3-2-1")
    next_step = ground.get_by_role("button", name="Next")
    tab_to(next_step)
    page.keyboard.press("Enter")
    expect(ground.get_by_text("Step 2 of 5")).to_be_visible()
    expect(next_step).to_be_focused()
    page.keyboard.press("Space")
    expect(ground.get_by_text("Step 3 of 5")).to_be_visible()
    page.keyboard.press("Shift+Tab")
    expect(ground.get_by_role("button", name="Back")).to_be_focused()
    page.keyboard.press("Enter")
    expect(ground.get_by_text("Step 2 of 5")).to_be_visible()
    page.keyboard.press("Enter")
    expect(ground.get_by_text("Step 1 of 5")).to_be_visible()
    # Back has gone on the first step: focus is on Next, not lost.
    expect(next_step).to_be_focused()

    # An explainer opens from the keyboard too.
    summary = page.locator("summary", has_text="Blocked care")
    tab_to(summary)
    page.keyboard.press("Enter")
    expect(page.locator("details", has_text="Blocked care")).to_have_attribute("open", "")
    assert serious_violations(page) == []
    assert page_errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_with_reduced_motion_the_pacer_is_words_and_a_count(
    page, live_server, screenshot, page_errors, scheme
):
    page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
    sign_up_jade(page, live_server)
    app = TendApp(page).open("/right-now")
    expect(app.heading).to_have_text("Right now")
    toggle(page).click()
    expect(said(page)).to_have_text("Breathe in… 4")
    expect(page.locator(".pacer-words")).to_have_text("Breathe in")
    expect(page.locator(".pacer-count")).to_have_text("4")
    expect(circle(page)).to_have_count(0)
    moving = page.evaluate(
        """() => [...document.querySelectorAll('.pacer, .pacer *')].filter((el) => {
            const style = getComputedStyle(el);
            return el.getAnimations().length > 0 || style.animationName !== 'none'
                || style.transitionDuration.split(',').some((d) => parseFloat(d) > 0);
        }).map((el) => el.className)"""
    )
    assert moving == []
    screenshot(page, f"right-now-reduced-motion-{scheme}")
    assert serious_violations(page) == []

    # Motion welcome again while the page is open: the circle comes back.
    page.emulate_media(reduced_motion="no-preference")
    expect(circle(page)).to_have_count(1)
    toggle(page).click()
    assert page_errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_right_now_is_calm_at_360_by_740(page, live_server, screenshot, page_errors, scheme):
    page.emulate_media(color_scheme=scheme)
    sign_up_jade(page, live_server)
    app = TendApp(page).open("/right-now")
    expect(app.heading).to_have_text("Right now")
    for target in [toggle(page), *page.locator(".toolkit-jumps a").all()]:
        box = target.bounding_box()
        assert box["height"] >= 44, "comfortable tap targets"

    # Back and Next stay where her thumb is, whatever the length of the step.
    for name, count in (("Ground yourself: 5-4-3-2-1", 5), ("Leaving work at work", 6)):
        routine = section(page, name)
        buttons = routine.locator(".step-buttons")
        where = set()
        for _ in range(count + 1):
            where.add(
                buttons.evaluate(
                    "el => el.getBoundingClientRect().top"
                    " - el.closest('section').getBoundingClientRect().top"
                )
            )
            routine.locator(".step-buttons .button:not(.secondary)").click()
        assert len(where) == 1, (name, where)

    toggle(page).click()
    expect(said(page)).to_have_text("Breathe in… 4")
    section(page, "Ground yourself: 5-4-3-2-1").get_by_role("button", name="Next").click()
    section(page, "Leaving work at work").get_by_role("button", name="Next").click()
    page.locator("summary", has_text="Secondary trauma").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "no sideways scrolling"
    screenshot(page, f"right-now-{scheme}")
    assert serious_violations(page) == []
    toggle(page).click()
    assert page_errors == []


def test_nothing_on_the_page_is_sent_anywhere(page, live_server):
    sign_up_jade(page, live_server)
    TendApp(page).open("/right-now")
    page.wait_for_load_state("networkidle")
    sent = []
    # (A quiet sync may look for news meanwhile; nothing may be sent.)
    page.on("request", lambda r: sent.append(r.url) if r.method != "GET" else None)
    toggle(page).click()
    section(page, "Ground yourself: 5-4-3-2-1").get_by_role("button", name="Next").click()
    section(page, "Leaving work at work").get_by_role("button", name="Next").click()
    page.locator("summary", has_text="Moral distress").click()
    toggle(page).click()
    expect(said(page)).to_have_text("Stopped. Start again whenever you like.")
    assert sent == []
