"""Accounts made from inside the page with the PWA's own modules: the keys are derived and
wrapped in the browser exactly as the set-up and join screens do it."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Browser, BrowserContext, Page, expect

DEFAULT_PASSWORD = "a calm walk by the river"

_CREATE_ACCOUNT = """async ({root, endpoint, body, account, password}) => {
    const session = await import(`${root}/js/session.js`);
    const api = await import(`${root}/js/api.js`);
    const recoveryCode = await session.createAccount(
        password,
        (keys) => api.post(endpoint, {...body, account: {...account, ...keys}}),
    );
    return {me: session.current().me, recovery_code: recoveryCode};
}"""


ACCOUNT_ID = "async () => (await (await fetch('/api/account')).json()).id"


class Phones:
    """For a module's cast of people: each gets a phone of her own (a browser context at
    the phone size, on the live server), and all are closed together."""

    def __init__(self, browser: Browser, phone_context_args: dict, live_server) -> None:
        self.contexts: list[BrowserContext] = []
        self.args = {**phone_context_args, "base_url": live_server.url}
        self.browser = browser

    def new_context(self) -> BrowserContext:
        context = self.browser.new_context(**self.args)
        self.contexts.append(context)
        return context

    def new_page(self) -> Page:
        return self.new_context().new_page()

    @staticmethod
    def account_id(page: Page) -> str:
        return page.evaluate(ACCOUNT_ID)

    def cast(self, live_server, email: Callable[[str], str]) -> None:
        """Priya sets up an organisation; Claire (supervisor, and a worker too) and Jade (a
        worker Claire supervises) join by invitation, each on a phone of her own."""
        self.priya = self.new_page()
        create_organisation(self.priya, live_server, email=email("priya"))
        self.claire = self.new_page()
        roles = ["supervisor", "worker"]
        join_by_link(self.claire, invite(self.priya, roles), name="Claire", email=email("claire"))
        self.claire_id = self.account_id(self.claire)
        self.jade = self.new_page()
        self.jade_email = email("jade")
        link = invite(self.priya, ["worker"], [self.claire_id])
        join_by_link(self.jade, link, name="Jade", email=self.jade_email)
        self.jade_id = self.account_id(self.jade)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def asset_root(page: Page) -> str:
    """Where this page's own build lives: ``/v/<build>`` from its stylesheet's URL."""
    href = page.locator("link[rel=stylesheet]").get_attribute("href")
    assert href is not None
    assert href.endswith("/css/app.css"), href
    return href.removesuffix("/css/app.css")


def _create_account(
    page: Page, endpoint: str, body: dict, *, name: str, email: str, password: str
) -> dict:
    page.goto("/")
    expect(page.locator("html[data-ready]")).to_have_count(1)
    result = page.evaluate(
        _CREATE_ACCOUNT,
        {
            "root": asset_root(page),
            "endpoint": endpoint,
            "body": body,
            "account": {"display_name": name, "email": email},
            "password": password,
        },
    )
    page.reload()
    expect(page.locator("html[data-ready]")).to_have_count(1)
    return {**result, "email": email, "password": password}


def create_organisation(
    page: Page,
    live_server,
    *,
    email: str,
    password: str = DEFAULT_PASSWORD,
    organisation: str = "Harbour Care",
    teams: tuple[str, ...] = ("Oak House", "Elm Lodge"),
    name: str = "Priya Shah",
) -> dict:
    """Set up a new organisation with its first admin (also a worker), signed in on `page`."""
    token = live_server.setup_link().split("#", 1)[1]
    body = {
        "token": token,
        "organisation_name": organisation,
        "teams": list(teams),
        "also_worker": True,
    }
    return _create_account(page, "/api/setup", body, name=name, email=email, password=password)


def join_by_link(
    page: Page, link: str, *, name: str, email: str, password: str = DEFAULT_PASSWORD
) -> dict:
    """Accept an invitation link as a new person, signed in on `page`."""
    token = link.split("#", 1)[1]
    return _create_account(
        page,
        "/api/invitations/accept",
        {"token": token},
        name=name,
        email=email,
        password=password,
    )


_INVITE = """async ({root, body}) => {
    const api = await import(`${root}/js/api.js`);
    return (await api.post('/api/admin/invitations', body)).link;
}"""


def invite(page: Page, roles: list[str], supervisors: list[str] = ()) -> str:
    """An invitation link made by the admin signed in on `page`, through the PWA's API."""
    return page.evaluate(
        _INVITE,
        {"root": asset_root(page), "body": {"roles": roles, "supervisor_ids": list(supervisors)}},
    )


def supervised_worker(priya: Page, phone, live_server, email) -> tuple[Page, Page]:
    """Priya sets up an organisation on `priya`; Claire (a supervisor) and Jade (a worker
    Claire supervises) join on phones of their own. Returns (jade, claire)."""
    create_organisation(priya, live_server, email=email("priya"))
    claire = phone()
    join_by_link(claire, invite(priya, ["supervisor"]), name="Claire", email=email("claire"))
    claire_id = claire.evaluate(ACCOUNT_ID)
    jade = phone()
    join_by_link(jade, invite(priya, ["worker"], [claire_id]), name="Jade", email=email("jade"))
    return jade, claire
