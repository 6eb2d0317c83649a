"""A new build is offered, never forced: "A new version of Tend is ready — Reload"."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.axe import serious_violations
from tests.browser.pages import TendApp

pytestmark = pytest.mark.browser


def test_a_changed_file_brings_a_new_version_and_the_update_prompt(
    browser, phone_context_args, server_with_own_pwa, screenshot
):
    context = browser.new_context(**phone_context_args, base_url=server_with_own_pwa.url)
    try:
        page = context.new_page()
        app = TendApp(page).open()
        app.wait_until_ready_offline()
        first_version = app.service_worker_version()
        expect(app.update_prompt).to_be_hidden()

        css = server_with_own_pwa.pwa_dir / "css" / "app.css"
        css.write_text(css.read_text() + "\n/* a calmer shade, one day */\n")

        page.reload()  # a navigation makes the browser check sw.js for changes
        expect(app.update_prompt).to_be_visible()
        expect(app.reload_button).to_be_visible()
        assert app.service_worker_version() == first_version, "nothing changes under the user"
        screenshot(page, "update-prompt")
        assert serious_violations(page) == []

        app.reload_button.click()
        expect(app.update_prompt).to_be_hidden()  # the page reloaded under the new worker
        app.wait_until_ready_offline()
        new_version = app.service_worker_version()
        assert new_version != first_version
        expect(app.heading).to_have_text("Welcome to Tend")
        assert app.cache_names() == [f"tend-precache-{new_version}"], "old caches removed"
    finally:
        context.close()
