"""Choosing a password: a strength meter, a kind word, and a bundled common-password list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import serious_violations
from tests.browser.pages import TendApp

pytestmark = pytest.mark.browser

CHECKER = "/vendor/zxcvbn-ts/"
EMAIL = "jade.smith@oakhouse.example"
HINT = "At least 10 characters. A few unrelated words are strong and easy to remember."

ASSESS = """async ([module, password, inputs]) => {
    const { assessPassword } = await import(module);
    return await assessPassword(password, inputs);
}"""

MOUNT = """async ([module, options]) => {
    const { passwordField } = await import(module);
    window.field = passwordField({ ...options, userInputs: () => options.inputs || [] });
    document.getElementById('main').replaceChildren(window.field.element);
}"""


def password_module(app: TendApp) -> str:
    return f"/v/{app.page_build()}/js/password.js"


def mount(app: TendApp, **options) -> None:
    app.page.evaluate(MOUNT, [password_module(app), options])


@pytest.mark.parametrize(
    ("password", "inputs", "acceptable", "label"),
    [
        ("password123", [], False, "Too common"),
        ("qwertyuiop", [], False, "Too common"),
        ("PASSWORD123", [], False, "Too common"),
        ("short", [], False, "Too short"),
        ("correct horse battery staple", [], True, re.compile("Good|Strong")),
        ("Oak House night shift kettle", [], True, re.compile("Good|Strong")),
        (EMAIL, ["Jade Smith", EMAIL], False, "Weak"),
    ],
)
def test_passwords_are_assessed_kindly(page, page_errors, password, inputs, acceptable, label):
    app = TendApp(page).open()
    result = page.evaluate(ASSESS, [password_module(app), password, inputs])
    assert result["acceptable"] is acceptable
    if isinstance(label, str):
        assert result["label"] == label
    else:
        assert label.fullmatch(result["label"])
    assert result["message"]
    assert 0 <= result["score"] <= 4
    assert page_errors == []


def test_the_same_password_is_fine_for_someone_else(page):
    """Her own name and email count as guessable, not the words themselves."""
    app = TendApp(page).open()
    module = password_module(app)
    assert page.evaluate(ASSESS, [module, EMAIL, []])["acceptable"] is True
    assert page.evaluate(ASSESS, [module, EMAIL, [EMAIL]])["acceptable"] is False


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_choosing_a_password_on_a_small_phone(page: Page, page_errors, screenshot, scheme):
    page.emulate_media(color_scheme=scheme)
    app = TendApp(page).open()
    mount(app, id="new-password", label="Choose a password", hint=HINT, inputs=["Jade Smith"])
    password = page.get_by_label("Choose a password")
    meter = page.get_by_role("meter", name="Password strength")
    show = page.get_by_role("button", name="Show password")
    expect(password).to_have_attribute("type", "password")
    expect(password).to_have_attribute("autocomplete", "new-password")
    expect(meter).to_be_visible()

    password.fill("password123")
    expect(password).to_have_accessible_description(re.compile(r"Too common\. .*common passwords"))
    expect(meter).to_have_attribute("aria-valuetext", "Too common")
    expect(password).not_to_have_attribute("aria-invalid", "true")  # not while she's typing

    password.press_sequentially("!")  # as typed; the meter follows
    expect(password).to_have_accessible_description(re.compile(r"^At least 10 .*Weak\. "))

    password.fill("Oak House night shift kettle")
    message = page.locator("#" + password.get_attribute("aria-describedby").split()[-1])
    expect(message).to_have_text(re.compile(r"^Strong\. "))
    expect(message).to_have_attribute("aria-live", "polite")
    expect(meter).to_have_js_property("value", 4)

    expect(show).to_have_attribute("aria-pressed", "false")
    show.tap()
    expect(password).to_have_attribute("type", "text")
    expect(show).to_have_attribute("aria-pressed", "true")
    expect(password).to_have_value("Oak House night shift kettle")
    box = show.bounding_box()
    assert box["width"] >= 44, "comfortable tap target"
    assert box["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "no sideways scrolling"
    screenshot(page, f"password-strong-{scheme}")
    assert serious_violations(page) == []

    password.fill("london2024!")
    expect(message).to_have_text(re.compile(r"^Fair\. "))
    screenshot(page, f"password-fair-{scheme}")

    show.tap()
    expect(password).to_have_attribute("type", "password")
    expect(show).to_have_attribute("aria-pressed", "false")

    password.fill("short")
    result = page.evaluate("() => window.field.check()")
    assert result["acceptable"] is False
    assert result["label"] == "Too short"
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(message).to_have_text(re.compile(r"^Too short\. Use at least 10 characters"))
    screenshot(page, f"password-too-short-{scheme}")
    assert serious_violations(page) == []

    password.fill("correct horse battery staple")
    expect(password).not_to_have_attribute("aria-invalid", "true")
    assert page.evaluate("() => window.field.check()")["acceptable"] is True
    assert page_errors == []


def test_a_current_password_field_has_no_meter_and_loads_no_checker(page, page_errors):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    app = TendApp(page).open()
    page.wait_for_load_state("networkidle")
    assert [url for url in requested if CHECKER in url] == [], "the shell alone loads no checker"

    mount(app, id="current", label="Password", autocomplete="current-password", meter=False)
    password = page.get_by_label("Password", exact=True)
    expect(page.get_by_role("meter")).to_have_count(0)
    assert page.evaluate("() => window.field.check()")["acceptable"] is False
    expect(password).to_have_accessible_description("Please enter your password.")
    password.fill("password123")  # an old password is hers to use; it isn't judged here
    expect(password).not_to_have_attribute("aria-invalid", "true")
    assert page.evaluate("() => window.field.check()")["acceptable"] is True
    page.get_by_role("button", name="Show password").tap()
    expect(password).to_have_attribute("type", "text")
    assert serious_violations(page) == []
    assert [url for url in requested if CHECKER in url] == []

    with page.expect_request(re.compile(re.escape(CHECKER) + "core\\.js$")):
        mount(app, id="new-password", label="New password")
        page.get_by_label("New password").focus()
    assert page_errors == []


def test_fast_typing_is_announced_once_she_pauses(page, page_errors):
    app = TendApp(page).open()
    mount(app, id="new-password", label="Choose a password")
    password = page.get_by_label("Choose a password")
    password.focus()
    page.evaluate(
        """() => {
            window.announcements = 0;
            const region = document.querySelector('[aria-live=polite]#new-password-message');
            new MutationObserver(() => window.announcements++)
                .observe(region, {childList: true, subtree: true, characterData: true});
        }"""
    )
    password.press_sequentially("correct horse battery staple", delay=15)
    expect(password).to_have_accessible_description(re.compile(r"^Strong\. "))
    assert 1 <= page.evaluate("window.announcements") <= 3, "not one per keystroke"
    assert page_errors == []
