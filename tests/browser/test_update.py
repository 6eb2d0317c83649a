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
        said = page.get_by_role("status").filter(has_text="Reload when it suits you")
        expect(said).to_have_text(
            "A new version of Tend is ready. Reload when it suits you: the button is at the bottom."
        )
        # Nothing changes under the person: page and worker both stay on the first build.
        assert app.service_worker_version() == first_version
        assert app.page_build() == first_version
        screenshot(page, "update-prompt")
        assert serious_violations(page) == []

        app.reload_button.click()
        expect(app.update_prompt).to_be_hidden()  # the page reloaded under the new worker
        app.wait_until_ready_offline()
        new_version = app.service_worker_version()
        assert new_version != first_version
        assert app.page_build() == new_version
        expect(app.heading).to_have_text("Welcome to Tend")
        assert app.cache_names() == [f"tend-precache-{new_version}"], "old caches removed"
    finally:
        context.close()


def test_another_open_tab_is_offered_the_new_version_not_forced(
    browser, phone_context_args, server_with_own_pwa
):
    context = browser.new_context(**phone_context_args, base_url=server_with_own_pwa.url)
    try:
        first = TendApp(context.new_page()).open()
        first.wait_until_ready_offline()
        second = TendApp(context.new_page()).open("/support")
        old_version = second.page_build()

        js = server_with_own_pwa.pwa_dir / "js" / "views" / "home.js"
        js.write_text(js.read_text() + "\n// reworded, one day\n")
        first.page.reload()
        first.reload_button.click()
        expect(first.update_prompt).to_be_hidden()
        first.wait_until_ready_offline()
        assert first.page_build() != old_version

        # The second tab was not reloaded under the person; it is offered the new version.
        expect(second.heading).to_have_text("Get support now")
        assert second.page_build() == old_version
        expect(second.update_prompt).to_be_visible()
        second.reload_button.click()
        expect(second.update_prompt).to_be_hidden()
        second.wait_until_ready_offline()
        assert second.page_build() == first.page_build()
    finally:
        context.close()
