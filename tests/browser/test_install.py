"""Chromium considers Tend installable: manifest and service worker criteria are met."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM_ARGS
from tests.browser.pages import TendApp

pytestmark = pytest.mark.browser


def test_chromium_reports_tend_installable(
    playwright, chromium_path, live_server, phone_context_args, tmp_path
):
    # An ordinary Playwright context is incognito-like, and incognito is never installable.
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=chromium_path,
        args=CHROMIUM_ARGS,
        headless=True,
        base_url=live_server.url,
        **phone_context_args,
    )
    try:
        page = context.pages[0] if context.pages else context.new_page()
        app = TendApp(page).open()
        expect(app.heading).to_have_text("Welcome to Tend")
        app.wait_until_ready_offline()
        cdp = context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["url"] == f"{live_server.url}/manifest.webmanifest"
        assert manifest["errors"] == []
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    finally:
        context.close()
