"""Tend's performance budget, measured as a phone on a cold cache would download it.

The rule for "first load": everything the page itself fetches from ``page.goto`` until the
app is ready (``html[data-ready]``) *and* the network has gone quiet — HTML, CSS, JS, icons,
fonts and the manifest, counted as the bytes that crossed the wire (response headers plus
the compressed body: Playwright's ``request.sizes()``, which is CDP's ``encodedDataLength``).
Calls to ``/api`` are reported beside it but are not part of the shell. The service worker's
precache is not counted: Tend registers the worker only after the app is ready (checked
below), so it never delays first paint; the measuring pages block service workers so that
every byte comes from the network, with the HTTP cache turned off (a cold start).

A screen's JS is what the browser fetches when someone moves to that screen from home
inside the app (the router's lazy ``import()``): scripts only, compressed, headers included.
Figures are printed and written to ``test-artifacts/budget.json``; see docs/performance.md.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import BrowserContext, Page, Request, Response, expect

from tests.browser.a11y import SWEEP
from tests.browser.accounts import create_organisation, invite, join_by_link
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, SWEEP]

KB = 1024
# The whole app shell on a cold first load, signed out or signed in (issue 12).
FIRST_LOAD_BUDGET = 100 * KB
# What one screen may add in JS: gzipped module bodies, as the server sends them. The
# heaviest screen ("Your data": backup, export, password) measured 26.5 KB in 2026-11; 32 KB
# leaves room to grow yet fails if a chart library or the password dictionary slips in.
SCREEN_JS_BUDGET = 32 * KB
SHELL_TYPES = {"document", "stylesheet", "script", "image", "font", "manifest"}
TEXT_TYPES = ("text/", "application/json", "application/manifest+json", "image/svg+xml")

SCREENS = {
    "journal": "/journal",
    "write entry": "/journal/write",
    "check-in": "/checkin",
    "right now": "/right-now",
    "after something difficult": "/after-difficult",
    "plan": "/plan",
    "trends": "/trends",
    "reflection": "/reflection",
    "sharing": "/sharing",
    "before supervision": "/supervision",
    "privacy": "/privacy",
    "reminders": "/reminders",
    "settings": "/settings",
    "your data": "/your-data",
    "supervisees": "/supervisees",
    "admin": "/admin",
    "admin insights": "/admin/insights",
}

# Records whether the service worker is registered only once the app is ready.
WATCH_REGISTRATION = """
(() => {
    const register = ServiceWorkerContainer.prototype.register;
    ServiceWorkerContainer.prototype.register = function (...args) {
        window.__swRegisteredWhenReady = document.documentElement.dataset.ready === "true";
        return register.apply(this, args);
    };
})();
"""
# Notes the moment the app says it is ready, to tell what came before it from what after.
WATCH_READY = """
new MutationObserver((_, observer) => {
    if (document.documentElement?.dataset.ready !== "true") return;
    window.__readyAt = performance.now();
    observer.disconnect();
}).observe(document, {attributes: true, subtree: true, attributeFilter: ["data-ready"]});
"""
BEFORE_READY = """() => performance.getEntriesByType("resource")
    .filter((entry) => entry.responseEnd <= window.__readyAt).map((entry) => entry.name)"""
MEASURED: dict[str, dict] = {}


@dataclass
class Traffic:
    """Every response a page receives, and the requests still in flight."""

    page: Page
    responses: list[Response] = field(default_factory=list)
    inflight: set[Request] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.page.on("request", self._started)
        self.page.on("requestfinished", self._ended)
        self.page.on("requestfailed", self._ended)
        self.page.on("response", self._received)

    def _started(self, request: Request) -> None:
        self.inflight.add(request)

    def _ended(self, request: Request) -> None:
        self.inflight.discard(request)

    def _received(self, response: Response) -> None:
        self.responses.append(response)

    def wait_until_quiet(self, quiet_ms: int = 500, timeout_ms: int = 20_000) -> None:
        """Until nothing has been in flight for ``quiet_ms`` (lazy imports run after a render)."""
        quiet = waited = 0
        while quiet < quiet_ms:
            self.page.wait_for_timeout(50)
            waited += 50
            quiet = 0 if self.inflight else quiet + 50
            assert waited < timeout_ms, f"still loading: {[r.url for r in self.inflight]}"

    def take(self) -> list[Response]:
        taken, self.responses[:] = list(self.responses), []
        return taken


def transferred(response: Response) -> int:
    sizes = response.request.sizes()
    return sizes["responseHeadersSize"] + sizes["responseBodySize"]


def body_size(response: Response) -> int:
    return response.request.sizes()["responseBodySize"]


def path_of(response: Response) -> str:
    return "/" + response.url.split("/", 3)[3]


def cold_page(context: BrowserContext) -> tuple[Page, Traffic]:
    """A new page whose HTTP cache is off, so every file comes over the network."""
    page = context.new_page()
    page.add_init_script(WATCH_READY)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    return page, Traffic(page)


def first_load(context: BrowserContext, name: str) -> dict:
    """Open Tend at ``/`` cold and return the figures (also kept for the report)."""
    page, traffic = cold_page(context)
    page.goto("/")
    expect(page.locator("html[data-ready]")).to_have_count(1)
    traffic.wait_until_quiet()
    before_ready = {page.url, *page.evaluate(BEFORE_READY)}
    responses = traffic.take()
    shell = [r for r in responses if r.request.resource_type in SHELL_TYPES]
    api = [r for r in responses if path_of(r).startswith("/api/")]
    assert shell
    assert shell[0].request.resource_type == "document"
    assert "gzip" in shell[0].request.all_headers()["accept-encoding"]
    for response in shell:
        content_type = response.header_value("content-type") or ""
        if content_type.startswith(TEXT_TYPES):
            assert response.header_value("content-encoding") == "gzip", response.url
    figures = {
        "total_bytes": sum(transferred(r) for r in shell),
        "body_bytes": sum(body_size(r) for r in shell),
        "until_ready_bytes": sum(transferred(r) for r in shell if r.url in before_ready),
        "api_bytes": sum(transferred(r) for r in api),
        "files": {path_of(r): transferred(r) for r in shell},
    }
    page.close()
    MEASURED[f"first load, {name}"] = figures
    return figures


def report(name: str, figures: dict) -> None:
    total, ready = figures["total_bytes"], figures["until_ready_bytes"]
    print(f"\n{name}: {total} B ({total / KB:.1f} KB), {ready} B until ready")
    for path, size in sorted(figures["files"].items(), key=lambda item: -item[1]):
        print(f"  {size:7d}  {path}")


@pytest.fixture(scope="module", autouse=True)
def written_figures() -> Iterator[None]:
    yield
    if MEASURED:
        out = ARTIFACTS / "budget.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(MEASURED, indent=2))


@pytest.fixture(scope="module")
def amir(browser, phone_context_args, live_server) -> Iterator[BrowserContext]:
    """Amir, who works, supervises and administers (so every screen is his to open), signed
    in with his key unlocked on a phone that blocks service workers."""
    priya = browser.new_context(**phone_context_args, base_url=live_server.url)
    suffix = uuid.uuid4().hex[:8]
    create_organisation(priya.new_page(), live_server, email=f"priya-{suffix}@example.org")
    link = invite(priya.pages[0], ["worker", "supervisor", "admin"])
    context = browser.new_context(
        **phone_context_args, base_url=live_server.url, service_workers="block"
    )
    join_by_link(context.new_page(), link, name="Amir", email=f"amir-{suffix}@example.org")
    context.pages[0].close()
    priya.close()
    yield context
    context.close()


def test_the_welcome_page_loads_within_budget_and_registers_the_worker_after(
    browser, phone_context_args, live_server
):
    context = browser.new_context(
        **phone_context_args, base_url=live_server.url, service_workers="block"
    )
    figures = first_load(context, "signed out")
    context.close()
    report("first load, signed out", figures)
    assert figures["total_bytes"] <= FIRST_LOAD_BUDGET
    assert not any("zxcvbn" in path for path in figures["files"]), "the dictionary waits"

    # With the service worker allowed, its registration (and so its precache) starts
    # only once the app is ready: it cannot hold up the first paint.
    context = browser.new_context(**phone_context_args, base_url=live_server.url)
    context.add_init_script(WATCH_REGISTRATION)
    page = context.new_page()
    page.goto("/")
    expect(page.locator("html[data-ready]")).to_have_count(1)
    page.wait_for_function("() => window.__swRegisteredWhenReady !== undefined")
    assert page.evaluate("window.__swRegisteredWhenReady") is True
    context.close()


def test_home_signed_in_loads_within_budget(amir):
    figures = first_load(amir, "signed in")
    report("first load, signed in", figures)
    assert figures["total_bytes"] <= FIRST_LOAD_BUDGET
    heavy = ("zxcvbn", "charts.js", "export.js", "backup.js")
    assert not any(name in path for path in figures["files"] for name in heavy)


def test_each_screen_adds_little_javascript(amir):
    page, traffic = cold_page(amir)
    added: dict[str, int] = {}  # compressed JS bodies
    on_the_wire: dict[str, int] = {}  # the same with response headers
    for name, path in SCREENS.items():
        page.goto("/")
        expect(page.locator("html[data-ready]")).to_have_count(1)
        home_title = page.title()
        traffic.wait_until_quiet()
        traffic.take()
        # Moving inside the app, as a tap on a link does (no reload).
        page.evaluate(
            "(path) => { history.pushState({}, '', path);"
            " dispatchEvent(new PopStateEvent('popstate')); }",
            path,
        )
        expect(page.locator("main h1")).to_be_visible()
        expect(page).not_to_have_title(home_title)
        traffic.wait_until_quiet()
        scripts = [r for r in traffic.take() if r.request.resource_type == "script"]
        assert scripts, f"{name}: its module loads when first shown"
        assert all(r.header_value("content-encoding") == "gzip" for r in scripts), name
        added[name] = sum(body_size(r) for r in scripts)
        on_the_wire[name] = sum(transferred(r) for r in scripts)
        MEASURED[f"screen, {name}"] = {
            "js_bytes": added[name],
            "transferred_bytes": on_the_wire[name],
            "modules": {path_of(r).split("/", 3)[3]: body_size(r) for r in scripts},
        }
    page.close()
    print("\nJS each screen adds: gzipped bodies / with headers")
    for name, size in sorted(added.items(), key=lambda item: -item[1]):
        print(f"  {size:7d}  {on_the_wire[name]:7d}  {name}")
    over = {name: size for name, size in added.items() if size > SCREEN_JS_BUDGET}
    assert over == {}, f"over {SCREEN_JS_BUDGET} B: {over}"
