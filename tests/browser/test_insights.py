"""Priya reads her organisation's anonymous figures on her phone: a team's figure where
enough people are behind it, "Fewer than 5 people" where not."""

from __future__ import annotations

import asyncio
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from piccolo.querystring import QueryString
from playwright.sync_api import Page, expect

from server.lib.db import close_engine, create_engine, open_engine
from server.settings import DatabaseSettings
from server.sharing.insights import months_before
from tests.browser.accounts import create_organisation
from tests.browser.axe import serious_violations
from tests.browser.pages import TendApp

pytestmark = pytest.mark.browser

PERSON = (
    "INSERT INTO person (id, organisation, team, email, display_name, is_worker, active) "
    "VALUES ({}, {}, {}, {}, {}, {}, {})"
)
OPTED_IN = "INSERT INTO org_sharing (id, worker) VALUES ({}, {})"
CONTRIBUTION = (
    "INSERT INTO contribution (id, worker, month, team_id, checkin_days, stress, energy, sleep) "
    "VALUES ({}, {}, {}, {}, {}, {}, {}, {})"
)


def insert(database_url: str, statements: list[tuple]) -> None:
    """Write rows straight into the live server's database (the endpoints that write them
    are tested elsewhere), in a loop of its own: Playwright's is running in this thread."""

    async def run() -> None:
        engine = create_engine(DatabaseSettings(url=database_url))
        await open_engine(engine)
        try:
            for sql, *args in statements:
                await engine.run_querystring(QueryString(sql, *args))
        finally:
            await close_engine(engine)

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run()).result()


def opted_in_workers(organisation_id: str, team_id: str, month: str, bands: list[tuple]) -> list:
    """Statements for one opted-in worker per (stress, energy, sleep) with that month."""
    statements = []
    organisation, team = uuid.UUID(organisation_id), uuid.UUID(team_id)
    for stress, energy, sleep in bands:
        person = uuid.uuid4()
        email = f"w-{person.hex[:12]}@example.org"
        statements += [
            (PERSON, person, organisation, team, email, "W", True, True),
            (OPTED_IN, uuid.uuid4(), person),
            (CONTRIBUTION, uuid.uuid4(), person, month, team, 4, stress, energy, sleep),
        ]
    return statements


def test_priya_sees_team_figures_and_what_is_held_back(page: Page, live_server, screenshot):
    email = f"priya-{uuid.uuid4().hex[:12]}@example.org"
    create_organisation(page, live_server, email=email)
    organisation = page.evaluate("() => fetch('/api/admin/organisation').then((r) => r.json())")
    teams = {team["name"]: team["id"] for team in organisation["teams"]}
    month = months_before(datetime.now(UTC).date())[-1]
    # Oak House: six people, every band. Elm Lodge: five people, three of whom rated sleep.
    insert(
        live_server.env["TEND_DATABASE_URL"],
        opted_in_workers(
            organisation["id"], teams["Oak House"], month, [(4, 2, 3), (4, 3, 3), (3, 2, 2)] * 2
        )
        + opted_in_workers(
            organisation["id"],
            teams["Elm Lodge"],
            month,
            [(2, 4, 4), (2, 4, 4), (1, 3, 5), (2, 4, None), (3, 4, None)],
        ),
    )

    TendApp(page).open("/admin")
    page.get_by_role("link", name="Anonymous figures for your organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisation figures")
    expect(page.get_by_text("Nobody's own answers can be seen here")).to_be_visible()

    def latest(table: str, team: str):
        """The newest month's cell in one team's row (the newest month comes first)."""
        region = page.get_by_role("region", name=table, exact=True)
        row = region.get_by_role("row").filter(
            has=page.get_by_role("rowheader", name=team, exact=True)
        )
        return row.get_by_role("cell").first

    expect(latest("Stress", "Oak House")).to_have_text("3.7")
    expect(latest("Stress", "Elm Lodge")).to_have_text("2.0")
    expect(latest("Stress", "Whole organisation")).to_have_text("2.9")
    # Three sleep bands in Elm Lodge: hidden. Shown beside the whole organisation, Oak
    # House's would give Elm Lodge's away by subtraction, so it is held back too.
    expect(latest("Sleep", "Elm Lodge")).to_have_text("Fewer than 5 people")
    expect(latest("Sleep", "Oak House")).to_have_text("Fewer than 5 people")
    expect(latest("Sleep", "Whole organisation")).to_have_text("3.2")
    expect(latest("Checked in at least once", "Oak House")).to_have_text("100%")

    # Wide tables scroll inside a labelled region that takes keyboard focus.
    stress = page.get_by_role("region", name="Stress", exact=True)
    stress.focus()
    expect(stress).to_be_focused()
    scroll = stress.evaluate("(el) => [el.scrollWidth, el.clientWidth]")
    assert scroll[0] > scroll[1]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    text = page.locator("main").inner_text()
    assert "@example.org" not in text
    assert re.search(r"\b[0-9a-f]{8}-[0-9a-f]{4}-", text) is None

    assert serious_violations(page) == []
    screenshot(page, "insights-light")
    page.emulate_media(color_scheme="dark")
    assert serious_violations(page) == []
    screenshot(page, "insights-dark")
    page.emulate_media(color_scheme="light")
