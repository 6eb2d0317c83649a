"""The app shell, as a person on a small phone meets it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.axe import serious_violations
from tests.browser.pages import TendApp

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_welcome_renders_calmly_at_360_by_740(page, page_errors, screenshot, scheme):
    page.emulate_media(color_scheme=scheme)
    app = TendApp(page).open()
    expect(app.heading).to_have_text("Welcome to Tend")
    expect(page).to_have_title("Tend")
    expect(app.sign_in).to_be_visible()
    expect(app.get_support).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "no sideways scrolling"
    for target in (app.sign_in, app.get_support):
        box = target.bounding_box()
        assert box["height"] >= 44, "comfortable tap targets"
        assert box["width"] >= 44
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui")
    screenshot(page, f"welcome-{scheme}")
    assert serious_violations(page) == []
    assert page_errors == []


def test_the_shell_loads_nothing_from_anywhere_else(page, live_server):
    origins = set()
    page.on("request", lambda request: origins.add(request.url.split("/")[2]))
    TendApp(page).open()
    page.wait_for_load_state("networkidle")
    assert origins == {live_server.url.split("/")[2]}


def test_keyboard_alone_reaches_sign_in_with_a_visible_focus(page, page_errors):
    app = TendApp(page).open()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Sign in":
            break
    expect(app.sign_in).to_be_focused()
    outline = app.sign_in.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline not in ("none", "")
    page.keyboard.press("Enter")
    expect(app.heading).to_have_text("Sign in")
    expect(app.heading).to_be_focused()
    expect(page).to_have_title("Sign in — Tend")
    assert serious_violations(page) == []
    assert page_errors == []


def test_support_is_one_tap_away_and_back_returns(page, screenshot, page_errors):
    app = TendApp(page).open()
    app.get_support.tap()
    expect(app.heading).to_have_text("Get support now")
    expect(page).to_have_url(f"{page.url.split('/support')[0]}/support")
    expect(
        page.get_by_role("link", name="Samaritans Call 116 123, free, day or night")
    ).to_have_attribute("href", "tel:116123")
    expect(page.get_by_role("link", name="Shout Text SHOUT to 85258")).to_have_attribute(
        "href", "sms:85258?&body=SHOUT"
    )
    expect(page.get_by_role("link", name="Emergency Call 999 if a life is at risk")).to_be_visible()
    screenshot(page, "support")
    assert serious_violations(page) == []
    page.go_back()
    expect(app.heading).to_have_text("Welcome to Tend")
    assert page_errors == []


def test_an_unknown_page_says_so_kindly(page):
    app = TendApp(page).open("/no/such/page")
    expect(app.heading).to_have_text("There's nothing here")
    page.get_by_role("link", name="Go to the start").click()
    expect(app.heading).to_have_text("Welcome to Tend")
