"""After one visit with signal, Tend opens with none."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.axe import serious_violations
from tests.browser.pages import TendApp

pytestmark = pytest.mark.browser


def test_after_one_online_visit_the_shell_reloads_offline(page, context, screenshot):
    app = TendApp(page).open()
    app.wait_until_ready_offline()

    context.set_offline(True)
    page.reload()
    expect(app.heading).to_have_text("Welcome to Tend")
    expect(app.offline_note).to_be_visible()
    screenshot(page, "welcome-offline")
    assert serious_violations(page) == []

    page.goto("/support")
    expect(app.heading).to_have_text("Get support now")

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(app.offline_note).to_be_hidden()


def test_offline_fallback_page_is_precached(page, context):
    app = TendApp(page).open()
    app.wait_until_ready_offline()
    context.set_offline(True)
    html = page.evaluate("async () => (await (await caches.match('/offline.html')).text())")
    assert "You're offline" in html
    assert "tel:116123" in html


def test_a_file_lost_on_the_way_while_installing_is_fetched_again(page, context):
    """A patchy signal: the first request for one precached file is dropped and the next
    answered with a server error; the service worker asks again and Tend still installs
    for use offline."""
    troubles = ["abort", 503]

    def flaky(route):
        if troubles:
            trouble = troubles.pop(0)
            if trouble == "abort":
                route.abort("connectionreset")
            else:
                route.fulfill(status=trouble, body="busy")
            return
        route.continue_()

    context.route("**/js/views/plan.js", flaky)
    app = TendApp(page).open()
    app.wait_until_ready_offline()
    assert troubles == []  # both troubles happened, to the service worker's requests
    context.set_offline(True)
    assert page.evaluate(
        "async () => !!(await caches.match(new URL('js/views/plan.js', "
        "document.querySelector('link[rel=stylesheet]').href.replace("
        "'css/app.css', ''))))"
    )
