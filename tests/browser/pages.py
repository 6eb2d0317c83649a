"""Page objects: what a person sees and does in Tend, by role and label."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


class TendApp:
    """The app shell and whatever page it shows."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def open(self, path: str = "/") -> TendApp:
        self.page.goto(path)
        expect(self.page.locator("html[data-ready]")).to_have_count(1)
        return self

    def preview_weekly_summary(self, supervisor: str) -> Locator:
        """On the sharing page: ask to preview the weekly summary for ``supervisor``; the
        preview region, once shown."""
        self.page.get_by_role("region", name=f"With {supervisor}").get_by_role(
            "button", name=f"Preview your weekly wellbeing summary for {supervisor}"
        ).click()
        preview = self.page.get_by_role("region", name=f"Preview: what {supervisor} will see")
        expect(preview).to_be_visible()
        return preview

    @property
    def heading(self) -> Locator:
        return self.page.get_by_role("heading", level=1)

    @property
    def sign_in(self) -> Locator:
        return self.page.get_by_role("link", name="Sign in")

    @property
    def get_support(self) -> Locator:
        return self.page.get_by_role("link", name="Get support")

    @property
    def offline_note(self) -> Locator:
        return self.page.get_by_text("You're offline. Tend still works on this device.")

    @property
    def update_prompt(self) -> Locator:
        return self.page.locator("#update").get_by_text("A new version of Tend is ready.")

    @property
    def reload_button(self) -> Locator:
        return self.page.get_by_role("button", name="Reload")

    def wait_until_ready_offline(self) -> None:
        """Wait until the service worker controls the page and has precached the shell."""
        self.page.evaluate(
            """async () => {
                const deadline = Date.now() + 45000;
                while (Date.now() < deadline) {
                    const keys = await caches.keys();
                    if (navigator.serviceWorker.controller
                        && keys.some((name) => name.startsWith('tend-precache-'))) return;
                    await new Promise((resolve) => setTimeout(resolve, 50));
                }
                const r = await navigator.serviceWorker.getRegistration();
                const state = (w) => (w ? w.state : 'none');
                throw new Error('the service worker never took control: installing '
                    + `${state(r?.installing)}, waiting ${state(r?.waiting)}, active `
                    + `${state(r?.active)}, caches ${(await caches.keys()).join(' ')}`);
            }"""
        )

    def service_worker_version(self) -> str:
        return self.page.evaluate(
            """() => new Promise((resolve) => {
                const channel = new MessageChannel();
                channel.port1.onmessage = (event) => resolve(event.data.version);
                const worker = navigator.serviceWorker.controller;
                worker.postMessage({type: 'GET_VERSION'}, [channel.port2]);
            })"""
        )

    def page_build(self) -> str:
        """The build this page's own files came from (its stylesheet's /v/<build>/ URL)."""
        href = self.page.locator("link[rel=stylesheet]").get_attribute("href")
        return href.split("/")[2]

    def cache_names(self) -> list[str]:
        return self.page.evaluate("() => caches.keys()")
