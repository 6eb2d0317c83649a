"""Jade's check-ins and patterns, on her phone: a check-in in a handful of taps (offline
too), trends with the right numbers for a seeded 90-day history, the "seems to go with"
pattern only past its threshold, a gentle suggestion she can put away, the monthly
reflection, and no check-in value reaching the server readable."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accounts import asset_root, create_organisation
from tests.browser.axe import serious_violations
from tests.browser.pages import TendApp
from tests.browser.privacy import DUMP_INDEXEDDB, database_contents

pytestmark = pytest.mark.browser


def sign_up_jade(page: Page, live_server) -> None:
    create_organisation(
        page, live_server, email=f"jade.{uuid.uuid4().hex[:8]}@example.org", name="Jade"
    )


def run(page: Page, body: str, arg=None):
    return page.evaluate(
        f"""async ({{root, arg}}) => {{
            const checkins = await import(`${{root}}/js/checkins.js`);
            const sync = await import(`${{root}}/js/sync.js`);
            const api = await import(`${{root}}/js/api.js`);
            {body}
        }}""",
        {"root": asset_root(page), "arg": arg},
    )


def server_types(page: Page) -> list[str]:
    """The type of each live record the server holds for her."""
    return run(
        page,
        """const all = [];
           let cursor = '';
           for (;;) {
             const page = await api.get(`/api/sync/changes?cursor=${cursor}`);
             all.push(...page.changes.filter((c) => !c.deleted).map((c) => c.type));
             cursor = page.cursor;
             if (!page.more) return all;
           }""",
    )


def scale(page: Page, legend: str, word: str):
    return page.get_by_role("group", name=legend).get_by_role("radio", name=word, exact=True)


def test_jade_checks_in_with_a_few_taps_and_is_offered_support(
    page, live_server, screenshot, page_errors
):
    sign_up_jade(page, live_server)
    app = TendApp(page).open("/")
    taps = 0

    def tap(locator) -> None:
        nonlocal taps
        locator.click()
        taps += 1

    tap(page.get_by_role("link", name="Check in: how are you right now?"))
    expect(app.heading).to_have_text("Check in")
    tap(scale(page, "Stress", "High"))
    tap(scale(page, "Work today", "Just finished a shift"))
    tap(page.get_by_text("Something difficult happened"))
    tap(page.get_by_role("button", name="Save check-in"))
    expect(app.heading).to_have_text("Thank you for checking in")
    assert taps == 5
    expect(page.get_by_text("That sounds like a lot.")).to_be_visible()
    difficult = page.get_by_role("region", name="Something difficult happened")
    expect(difficult.get_by_role("link", name="Get support now")).to_be_visible()
    expect(difficult.get_by_role("link", name=re.compile("Write about it"))).to_have_attribute(
        "href", "/journal/write?prompt=difficult-what-happened"
    )
    screenshot(page, "checkin-thanks")
    assert serious_violations(page) == []

    saved = run(page, "return checkins.listCheckins();")
    assert len(saved) == 1
    assert saved[0]["stress"] == 4
    assert saved[0]["context"] == "after-shift"
    assert saved[0]["difficult"] is True
    assert (saved[0]["energy"], saved[0]["sleep"], saved[0]["helped"]) == (None, None, [])

    # Nothing chosen: a gentle word, and nothing saved.
    page.get_by_role("link", name="Back to your home").click()
    page.get_by_role("link", name="Check in: how are you right now?").click()
    scale(page, "Stress", "Very high").click()
    page.get_by_role("button", name="Clear my answers").click()  # a tap she didn't mean
    expect(scale(page, "Stress", "Very high")).not_to_be_checked()
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_role("alert")).to_contain_text("Tap at least one thing")
    assert len(run(page, "return checkins.listCheckins();")) == 1

    # Her own words join the choices next time.
    page.get_by_label("Add something that helped").fill("Swimming")
    page.get_by_role("button", name="Add").nth(1).click()
    page.get_by_role("checkbox", name="calm", exact=True).check()
    page.get_by_role("button", name="Save check-in").click()
    expect(app.heading).to_have_text("Thank you for checking in")
    expect(page.get_by_text("Something difficult happened")).to_have_count(0)
    page.get_by_role("link", name="Back to your home").click()
    page.get_by_role("link", name="Check in: how are you right now?").click()
    expect(page.get_by_role("checkbox", name="swimming", exact=True)).not_to_be_checked()

    assert run(page, "return (await sync.syncNow()).error;") is None
    assert sorted(server_types(page)) == ["checkin", "checkin"]
    assert page_errors == []


def test_a_check_in_without_signal_syncs_when_it_returns(page, context, live_server):
    sign_up_jade(page, live_server)
    app = TendApp(page).open("/checkin")
    app.wait_until_ready_offline()
    context.set_offline(True)
    page.reload()
    expect(app.heading).to_have_text("Check in")
    scale(page, "Energy", "Very low").click()
    scale(page, "Last night's sleep", "Poor").click()
    page.get_by_role("button", name="Save check-in").click()
    expect(app.heading).to_have_text("Thank you for checking in")
    assert run(page, "return sync.pendingCount();") == 1
    page.get_by_role("link", name="See your patterns").click()
    expect(page.locator("[data-measure=energy] .trend-summary")).to_have_text(
        "Average 1 out of 5, over 1 day you rated it."
    )
    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    # It syncs by itself once back online: wait for the sync status to say nothing waits.
    waiting = run(
        page,
        """if (await sync.pendingCount() === 0) return 0;
           return new Promise((resolve) => {
             sync.syncEvents.addEventListener('status', ({detail}) => {
               if (detail.pending === 0) resolve(0);
             });
             setTimeout(() => resolve(-1), 10000);
           });""",
    )
    assert waiting == 0, "still waiting to sync after 10 s"
    assert server_types(page) == ["checkin"]


# ── a seeded 90-day history, and the numbers the trends page must show for it ──────────


def history(today: date) -> list[dict]:
    """90 days ending today: a few missed days, shifts with a day off every sixth day,
    stress lower on days with time outside, and the last three days hard."""
    checkins = []
    for ago in range(89, -1, -1):
        if ago % 7 == 3:
            continue  # missed: no check-in, no nagging
        outside = ago % 3 == 0
        day_off = ago % 6 == 5
        shift = "night-shift" if ago % 10 == 1 else "on-shift"
        checkins.append(
            {
                "day": (today - timedelta(days=ago)).isoformat(),
                "stress": 5 if ago < 3 else (2 if outside else 3 + ago % 2),
                "energy": 1 + ago % 5,
                "sleep": 1 + (ago * 2) % 5,
                "helped": ["time outside"] if outside else [],
                "context": "day-off" if day_off else shift,
                "difficult": ago % 11 == 0,
                "feelings": [],
                "note": "",
            }
        )  # fmt: skip
    return checkins


def expected(checkins: list[dict], today: date, length: int) -> dict:
    start = (today - timedelta(days=length - 1)).isoformat()
    shown = [c for c in checkins if c["day"] >= start]

    def average(measure):
        values = [c[measure] for c in shown]
        return round(sum(values) / len(values), 1), len(values)

    demanding = sum(
        c["stress"] >= 4 or c["difficult"] or c["context"] == "night-shift" for c in shown
    )
    recovery = sum(c["context"] == "day-off" or bool(c["helped"]) for c in shown)
    return {
        "stress": average("stress"),
        "energy": average("energy"),
        "sleep": average("sleep"),
        "balance": f"{demanding}/{recovery}",
    }


def seed(page: Page, checkins: list[dict]) -> None:
    run(
        page,
        """for (const c of arg) await checkins.saveCheckin(c, new Date(`${c.day}T12:00:00`));""",
        checkins,
    )


def summary_average(page: Page, measure: str) -> tuple[float, int]:
    text = page.locator(f"[data-measure={measure}] .trend-summary").inner_text()
    found = re.fullmatch(r"Average ([\d.]+) out of 5, over (\d+) days you rated it\.", text)
    assert found, text
    return float(found[1]), int(found[2])


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_trends_show_the_right_numbers_for_ninety_days(page, live_server, screenshot, scheme):
    page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
    sign_up_jade(page, live_server)
    app = TendApp(page).open("/")
    today = date.fromisoformat(
        run(page, "return (await import(`${arg}/js/trends.js`)).dayKey();", asset_root(page))
    )
    checkins = history(today)
    seed(page, checkins)
    app.open("/trends")
    expect(app.heading).to_have_text("Your patterns")

    for length in (7, 30, 90):
        page.get_by_role("radio", name=f"{length} days").click()
        want = expected(checkins, today, length)
        for measure in ("stress", "energy", "sleep"):
            expect(page.locator(f"[data-measure={measure}] .trend-summary")).to_contain_text(
                f"over {want[measure][1]} days"
            )
            assert summary_average(page, measure) == want[measure], (length, measure)
            dots = page.locator(f"[data-measure={measure}] svg circle.chart-dot")
            expect(dots).to_have_count(want[measure][1])
        expect(page.locator("[data-balance]")).to_have_attribute("data-balance", want["balance"])

    # The table alternative has each day's value, in words too.
    stress = page.locator("[data-measure=stress]")
    stress.locator("summary").click()
    yesterday = (today - timedelta(days=1)).isoformat()
    expect(stress.locator(f"tr[data-day='{yesterday}'] td")).to_have_text("5 (very high)")
    first = checkins[0]
    expect(stress.locator(f"tr[data-day='{first['day']}'] td")).to_contain_text(
        str(first["stress"])
    )
    expect(stress.get_by_role("img")).to_have_attribute(
        "aria-label", re.compile("Stress over the last 90 days")
    )

    # Shifts and days off: the last day off was 5 days ago (ago % 6 == 5); the run of
    # shifts since is 3 days, not 4, because she did not check in 3 days ago (ago % 7 == 3).
    expect(page.locator("[data-since-day-off]")).to_contain_text(
        "5 days since the last day off you marked ("
    )
    expect(page.locator("[data-shift-run]")).to_have_attribute("data-shift-run", "3")

    # Time outside: enough days with and without, and lower stress with it.
    goes_with = page.locator("li[data-activity='time outside']")
    expect(goes_with).to_contain_text("Days with time outside seem to go with lower stress")
    # The last three days were hard: a quiet suggestion, put away for a week when asked.
    insight = page.get_by_role("region", name="The last few days sound hard")
    expect(insight).to_contain_text("3 hard days in a row")
    screenshot(page, f"trends-{scheme}")
    assert serious_violations(page) == []
    insight.get_by_role("button", name="Not now").click()
    expect(insight).to_have_count(0)
    page.reload()
    expect(app.heading).to_have_text("Your patterns")
    expect(page.get_by_role("region", name="The last few days sound hard")).to_have_count(0)


def test_seems_to_go_with_appears_only_past_five_days_each(page, live_server):
    sign_up_jade(page, live_server)
    app = TendApp(page).open("/")
    today = date.fromisoformat(
        run(page, "return (await import(`${arg}/js/trends.js`)).dayKey();", asset_root(page))
    )
    days = [(today - timedelta(days=n)).isoformat() for n in range(10)]
    walks = [{"day": d, "stress": 2, "helped": ["a walk"]} for d in days[:4]]
    others = [{"day": d, "stress": 4, "helped": []} for d in days[5:10]]
    seed(page, walks + others)
    app.open("/trends")
    expect(page.locator(".goes-with-none")).to_have_text("Nothing to show yet.")
    expect(page.get_by_text("at least 5 days with something and 5 without")).to_be_visible()
    seed(page, [{"day": days[4], "stress": 1, "helped": ["a walk"]}])
    app.open("/trends")
    expect(page.locator("li[data-activity='a walk']")).to_have_text(
        "Days with a walk seem to go with lower stress: 1.8 on average, against 4 on other "
        "days (5 days with, 5 without)."
    )


def test_the_monthly_reflection_is_scored_on_the_device_and_kept_sealed(
    page, live_server, screenshot, page_errors
):
    sign_up_jade(page, live_server)
    app = TendApp(page).open("/trends")
    page.get_by_role("link", name="Start a reflection").click()
    expect(app.heading).to_have_text("How work is sitting with you")
    expect(page.get_by_text("This is a reflection, not a diagnosis").first).to_be_visible()
    statements = page.locator("form.reflection fieldset")
    expect(statements).to_have_count(12)
    statements.first.get_by_role("radio", name="Often", exact=True).click()
    page.get_by_role("button", name="See my reflection").click()
    told = page.locator("main").get_by_role("status")
    expect(told).to_contain_text("11 statements are unanswered")
    expect(app.heading).to_have_text("How work is sitting with you")
    for n in range(12):
        statements.nth(n).get_by_role("radio", name="Often", exact=True).click()
    # Reversed: "My work felt pointless" never; "able to switch off" very often.
    scale(page, "4. My work felt pointless.", "Never").click()
    scale(page, "7. I was able to switch off after work.", "Very often").click()
    screenshot(page, "reflection-form")
    assert serious_violations(page) == []
    page.get_by_role("button", name="See my reflection").click()
    expect(app.heading).to_have_text("Your reflection")
    satisfaction = page.locator("[data-subscale=satisfaction]")
    expect(satisfaction.locator(".result-band")).to_have_text(
        "Higher this month (17, on a scale from 4 to 20)"
    )
    expect(page.locator("[data-subscale=worn-out] .result-band")).to_have_text(
        "In the middle (13, on a scale from 4 to 20)"
    )
    expect(page.locator("[data-subscale=carrying] .result-band")).to_have_text(
        "Higher this month (16, on a scale from 4 to 20)"
    )
    expect(
        page.get_by_text("In research this is called secondary traumatic stress.")
    ).to_be_visible()
    screenshot(page, "reflection-result")
    assert serious_violations(page) == []

    page.get_by_role("link", name="See this next to your check-ins").click()
    table = page.locator("table.reflections")
    expect(table).to_contain_text("Higher this month (17 of 20)")
    expect(page.get_by_role("link", name="Reflect again")).to_be_visible()
    assert run(page, "return (await sync.syncNow()).error;") is None
    assert server_types(page) == ["reflection"]
    assert page_errors == []


def test_no_check_in_value_reaches_the_server_readable(page, live_server):
    sign_up_jade(page, live_server)
    app = TendApp(page).open("/checkin")
    marker = f"marker{uuid.uuid4().hex}"
    bodies: list[str] = []
    page.on("request", lambda request: bodies.append(request.post_data or ""))
    scale(page, "Stress", "Very high").click()
    page.get_by_label("Add something that helped").fill(marker)
    page.get_by_role("button", name="Add").nth(1).click()
    page.get_by_label("Add a feeling word").fill(f"feeling{marker}")
    page.get_by_role("button", name="Add").first.click()
    page.locator("summary", has_text="Add a private note").click()
    page.get_by_label("A private note (optional)").fill(f"Note {marker}")
    page.get_by_role("button", name="Save check-in").click()
    expect(app.heading).to_have_text("Thank you for checking in")
    assert run(page, "return (await sync.syncNow()).error;") is None
    assert marker in run(page, "return JSON.stringify(await checkins.listCheckins());")

    assert any("ciphertext" in body for body in bodies)
    assert all(marker not in body for body in bodies)
    assert all(marker not in rows for rows in page.evaluate(DUMP_INDEXEDDB).values())
    assert marker not in live_server.log.read_text()
    stored = database_contents(live_server.env["TEND_DATABASE_URL"])
    for where, contents in stored:
        assert marker.encode() not in contents, where
        assert marker.encode().hex().encode() not in contents, where
    assert "stress" not in " ".join(bodies).replace('"type":"checkin"', "")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_check_in_on_a_small_phone(page, live_server, screenshot, scheme):
    page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
    sign_up_jade(page, live_server)
    app = TendApp(page).open("/checkin")
    expect(app.heading).to_have_text("Check in")
    scale(page, "Stress", "Some").click()
    scale(page, "Energy", "Good").click()
    page.get_by_role("checkbox", name="time outside", exact=True).check()
    page.get_by_role("checkbox", name="time outside", exact=True).focus()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    save = page.get_by_role("button", name="Save check-in")
    expect(save).to_be_in_viewport()  # sticky: within a thumb's reach while she scrolls
    screenshot(page, f"checkin-{scheme}")
    assert serious_violations(page) == []
