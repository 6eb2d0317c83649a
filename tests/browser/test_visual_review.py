"""A visual review of every main screen on a 360 by 740 phone, in light and dark themes, with
realistic content: Jade (a worker with check-ins, entries, a plan and a shared summary),
Claire (her supervisor) and Priya (the admin). Each screen is saved as a full-page
screenshot under test-artifacts/visual-review/<theme>/ for a person to look at, and checked
for what a machine can see: no sideways scrolling, no clipped text, no page errors and no
serious colour-contrast problem. Then motion and sensory care: with reduced motion nothing
moves, and the phone never vibrates unless she turned vibration on."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.a11y import SWEEP
from tests.browser.accounts import ACCOUNT_ID, asset_root, create_organisation, invite, join_by_link
from tests.browser.axe import AXE_SOURCE, SERIOUS
from tests.browser.conftest import ARTIFACTS, PHONE
from tests.browser.pages import TendApp

pytestmark = [pytest.mark.browser, SWEEP]

REVIEW = ARTIFACTS / "visual-review"
THEMES = ("light", "dark")

SEED = """async ({root, checkins, entries, plan, agenda}) => {
    const c = await import(`${root}/js/checkins.js`);
    const journal = await import(`${root}/js/journal.js`);
    const plans = await import(`${root}/js/plan.js`);
    const agendas = await import(`${root}/js/agenda.js`);
    for (const one of checkins) await c.saveCheckin(one, new Date(`${one.day}T12:00:00`));
    for (const entry of entries) await journal.saveEntry(entry);
    await plans.saveFirstPlan(plan);
    await agendas.saveAgenda({id: null, ...agenda});
}"""
# She asks to talk, and has already shared her recovery balance, so Claire's screens show
# what a supervisor sees whichever test runs first (the weekly summary is shared on screen).
ASK_TO_TALK = """async ({root, supervisor}) => {
    const sharing = await import(`${root}/js/sharing.js`);
    await sharing.askToTalk(supervisor, 'this-week', 'After Tuesday, if there is time.');
    const checkins = await (await import(`${root}/js/checkins.js`)).listCheckins();
    await sharing.shareWith(supervisor, sharing.recoveryShare(checkins));
}"""

# Visible elements that hide their overflow but hold more text than fits.
CLIPPED = """() => [...document.querySelectorAll('body *')].filter((el) => {
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    if (rect.width <= 2 || rect.height <= 2 || style.visibility === 'hidden') return false;
    const hides = ['hidden', 'clip'].includes(style.overflowX) || style.textOverflow === 'ellipsis';
    const text = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    return hides && text && el.scrollWidth > el.clientWidth + 1;
}).map((el) => `${el.tagName.toLowerCase()}.${el.className}: `
    + el.textContent.trim().slice(0, 40))"""
CONTRAST = """async () => (await axe.run(document, {
    runOnly: {type: 'rule', values: ['color-contrast']}, resultTypes: ['violations'],
})).violations.map((v) => ({
    impact: v.impact,
    nodes: v.nodes.map((n) => [n.target, n.any.map((a) => a.message)]),
}))"""


def email(name: str) -> str:
    return f"{name}.{uuid.uuid4().hex[:8]}@example.org"


def checkins(today: date) -> list[dict]:
    """Three weeks with a few days missed, shifts and days off, and a hard last few days."""
    days = []
    for back in range(21, 0, -1):
        if back % 5 == 2:
            continue
        days.append(
            {
                "day": (today - timedelta(days=back)).isoformat(),
                "stress": 4 if back < 5 else 2 + back % 2,
                "energy": 1 + back % 4,
                "sleep": 2 + back % 3,
                "helped": ["time outside"] if back % 3 == 0 else [],
                "feelings": ["tired"] if back % 4 == 0 else ["calm"],
                "context": "day-off" if back % 6 == 0 else "on-shift",
                "difficult": back == 3,
                "note": "",
            }
        )
    return days


ENTRIES = [
    {
        "title": "After the restraint",
        "body": "Sat in the car for ten minutes before driving home. Rang my mum.",
        "tags": ["shift", "hard day"],
    },
    {
        "title": "A good evening",
        "body": "Baked with the kids at Oak House. Everyone laughed for once.",
        "tags": ["good day"],
    },
    {"title": "", "body": "Tired. Bed early.", "tags": []},
]
PLAN = {
    "warningSigns": ["Snapping at people I love", "Not sleeping after a late"],
    "helps": ["A walk by the river", "Music on the drive home"],
    "avoid": ["Scrolling in bed"],
    "afterHardShift": ["Shower, then tea", "Text Sam"],
    "people": [{"name": "Sam", "phone": "07700 900123", "note": "Friend, any time"}],
    "reasons": "My niece, and the kids who need someone steady.",
}
AGENDA = {
    "items": ["The restraint on Tuesday", "Feeling stretched on nights"],
    "reflection": "I want to talk about how I handled it.",
}


class Reviewer:
    """Takes each screen in both themes and notes anything a machine can see is wrong."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.errors: dict[str, list[str]] = {}

    def watch(self, page: Page, who: str) -> Page:
        errors = self.errors.setdefault(who, [])

        def console(message) -> None:
            # Chromium logs each request the offline screen's cut-off network refuses, as
            # test_journal and test_reminders allow; anything else is a page error.
            if message.type == "error" and "ERR_INTERNET_DISCONNECTED" not in message.text:
                errors.append(message.text)

        page.on("console", console)
        page.on("pageerror", lambda e: errors.append(str(e)))
        return page

    def review(self, page: Page, name: str) -> None:
        for theme in THEMES:
            page.emulate_media(color_scheme=theme, reduced_motion="reduce")
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                self.problems.append(f"{theme} {name}: scrolls sideways ({width} px wide)")
            for clipped in page.evaluate(CLIPPED):
                self.problems.append(f"{theme} {name}: text clipped: {clipped}")
            if not page.evaluate("() => typeof window.axe === 'object'"):
                page.evaluate(AXE_SOURCE)
            for violation in page.evaluate(CONTRAST):
                if violation["impact"] in SERIOUS:
                    self.problems.append(f"{theme} {name}: low contrast {violation['nodes']}")
            path = REVIEW / theme / f"{name}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(path), full_page=True, animations="disabled")
        page.emulate_media(color_scheme="light")

    def assert_clean(self) -> None:
        assert self.problems == []
        assert {who: errors for who, errors in self.errors.items() if errors} == {}


@pytest.fixture(scope="module")
def people(browser, phone_context_args, live_server) -> Iterator[dict]:
    """Priya (admin and worker), Claire (supervisor) and Jade (worker), each on a phone of
    their own, with Jade's few weeks of check-ins, entries, plan, agenda and shares."""
    contexts = [
        browser.new_context(**phone_context_args, base_url=live_server.url) for _ in range(3)
    ]
    priya, claire, jade = (context.new_page() for context in contexts)
    create_organisation(priya, live_server, email=email("priya"))
    join_by_link(claire, invite(priya, ["supervisor"]), name="Claire", email=email("claire"))
    claire_id = claire.evaluate(ACCOUNT_ID)
    join_by_link(jade, invite(priya, ["worker"], [claire_id]), name="Jade", email=email("jade"))
    jade_id = jade.evaluate(ACCOUNT_ID)
    jade.evaluate(
        SEED,
        {
            "root": asset_root(jade),
            "checkins": checkins(date.today()),
            "entries": ENTRIES,
            "plan": PLAN,
            "agenda": AGENDA,
        },
    )
    jade.evaluate(ASK_TO_TALK, {"root": asset_root(jade), "supervisor": claire_id})
    yield {"priya": priya, "claire": claire, "jade": jade, "jade_id": jade_id}
    for context in contexts:
        context.close()


def test_jade_s_screens_look_calm_in_light_and_dark(people):
    jade: Page = people["jade"]
    reviewer = Reviewer()
    reviewer.watch(jade, "jade")
    app = TendApp(jade)
    look = reviewer.review

    app.open("/")
    expect(app.heading).to_be_visible()
    look(jade, "10-home-worker")
    app.open("/journal")
    expect(jade.get_by_text("After the restraint")).to_be_visible()
    look(jade, "11-journal")
    app.open("/journal/write")
    jade.get_by_label(re.compile("^Title")).first.fill("Thinking about Tuesday")
    look(jade, "12-journal-write")
    app.open("/journal")
    jade.get_by_role("link", name=re.compile("After the restraint")).first.click()
    expect(jade.get_by_text("Rang my mum.", exact=False)).to_be_visible()
    look(jade, "13-journal-entry")
    app.open("/checkin")
    expect(app.heading).to_have_text("Check in")
    look(jade, "14-checkin")
    jade.get_by_role("group", name="Stress").get_by_role("radio", name="Low", exact=True).click()
    jade.get_by_role("button", name="Save check-in").click()
    expect(app.heading).to_have_text("Thank you for checking in")
    look(jade, "15-checkin-saved")
    app.open("/right-now")
    look(jade, "16-right-now")
    breathe = jade.get_by_role("region", name="Breathe")
    breathe.get_by_role("button", name="Start").click()
    look(jade, "17-breathing")
    breathe.get_by_role("button", name="Stop").click()
    app.open("/plan")
    expect(jade.get_by_text("A walk by the river")).to_be_visible()
    look(jade, "18-plan")
    app.open("/after-difficult")
    look(jade, "19-after-difficult")
    app.open("/trends")
    expect(app.heading).to_have_text("Your patterns")
    look(jade, "20-trends")
    app.open("/reflection")
    look(jade, "21-reflection")
    app.open("/sharing")
    expect(app.heading).to_have_text("Sharing")
    look(jade, "22-sharing")
    preview = app.preview_weekly_summary("Claire")
    look(jade, "23-sharing-preview")
    preview.get_by_role("button", name="Share with Claire").click()
    expect(jade.get_by_text("Shared with Claire.")).to_be_visible()
    look(jade, "24-sharing-shared")
    app.open("/supervision")
    look(jade, "25-before-supervision")
    app.open("/privacy")
    look(jade, "26-privacy")
    app.open("/reminders")
    look(jade, "27-reminders")
    app.open("/reminders/shifts")
    look(jade, "28-shifts")
    app.open("/settings")
    look(jade, "29-settings")
    app.open("/your-data")
    look(jade, "30-your-data")
    app.open("/support")
    look(jade, "31-support")
    app.open("/")
    jade.context.set_offline(True)
    try:
        expect(app.offline_note).to_be_visible()
        look(jade, "32-offline-home")
    finally:
        jade.context.set_offline(False)
    app.open("/nowhere-at-all")
    look(jade, "33-not-found")
    reviewer.assert_clean()


def test_claire_and_priya_s_screens_look_calm_in_light_and_dark(people):
    claire: Page = people["claire"]
    priya: Page = people["priya"]
    reviewer = Reviewer()
    reviewer.watch(claire, "claire")
    reviewer.watch(priya, "priya")
    look = reviewer.review

    app = TendApp(claire).open("/")
    look(claire, "40-home-supervisor")
    app.open("/supervisees")
    expect(claire.get_by_role("link", name="Jade")).to_be_visible()
    look(claire, "41-supervisees")
    app.open(f"/supervisees/prepare?id={people['jade_id']}")
    expect(claire.get_by_text("Recovery balance", exact=False).first).to_be_visible()
    look(claire, "42-supervisees-prepare")

    app = TendApp(priya).open("/")
    look(priya, "50-home-admin")
    app.open("/admin")
    expect(app.heading).to_have_text("Admin")
    look(priya, "51-admin-people")
    app.open("/admin/support")
    look(priya, "52-admin-support")
    app.open("/admin/insights")
    look(priya, "53-admin-insights")
    reviewer.assert_clean()


def test_signed_out_screens_look_calm_in_light_and_dark(browser, phone_context_args, live_server):
    context = browser.new_context(**phone_context_args, base_url=live_server.url)
    try:
        page = context.new_page()
        reviewer = Reviewer()
        reviewer.watch(page, "someone new")
        look = reviewer.review
        app = TendApp(page).open("/")
        look(page, "01-welcome")
        app.open("/sign-in")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text("Please enter your email and password.")).to_be_visible()
        look(page, "02-sign-in-error")
        app.open("/setup")
        look(page, "03-setup")
        app.open("/join")
        look(page, "04-join")
        app.open("/recover")
        look(page, "05-recover")
        app.open("/support")
        look(page, "06-support")
        app.open("/goodbye")
        look(page, "07-goodbye")
        reviewer.assert_clean()
    finally:
        context.close()


# ── motion and sensory care ─────────────────────────────────────────────────────────────

RECORD_VIBRATION = """(() => {
    window.__vibrations = [];
    navigator.vibrate = (pattern) => { window.__vibrations.push(pattern); return true; };
})()"""
MOVING = """() => [...document.querySelectorAll('*')].flatMap((el) => {
    const seconds = (value) => Math.max(...value.split(',').map(
        (v) => parseFloat(v) * (v.trim().endsWith('ms') ? 0.001 : 1)));
    const style = getComputedStyle(el);
    const animated = style.animationName !== 'none' && seconds(style.animationDuration) > 0.01;
    const transition = seconds(style.transitionDuration) > 0.01;
    return animated || transition
        ? [`${el.tagName.toLowerCase()}.${el.className}: ${style.animationName} `
           + `${style.animationDuration} / ${style.transitionDuration}`]
        : [];
})"""


def test_with_reduced_motion_nothing_moves_and_nothing_vibrates_unasked(people):
    jade: Page = people["jade"]
    jade.context.add_init_script(RECORD_VIBRATION)
    jade.emulate_media(reduced_motion="reduce")
    app = TendApp(jade)
    moving = {}
    for path in ("/", "/checkin", "/journal", "/right-now", "/trends", "/plan", "/sharing"):
        app.open(path)
        moving[path] = jade.evaluate(MOVING)
    app.open("/right-now")
    breathe = jade.get_by_role("region", name="Breathe")
    breathe.get_by_role("button", name="Start").click()
    # The exercise still leads her through it, in words, without anything moving.
    expect(breathe.locator(".pacer-count")).to_have_text(re.compile(r"^\d$"))
    expect(breathe).to_contain_text(re.compile("Breathe in|Hold|Breathe out"))
    moving["/right-now (breathing)"] = jade.evaluate(MOVING)
    expect(breathe.locator(".pacer-count")).not_to_have_text(
        breathe.locator(".pacer-count").inner_text(), timeout=3000
    )
    assert {path: found for path, found in moving.items() if found} == {}
    assert jade.evaluate("() => window.__vibrations") == []

    # Turned on, a gentle buzz at each change; nothing before she asked.
    breathe.get_by_role("button", name="Stop").click()
    breathe.get_by_label("Gentle vibration when it's time to change").check()
    breathe.get_by_role("button", name="Start").click()
    jade.wait_for_function("() => window.__vibrations.length > 0")
    breathe.get_by_role("button", name="Stop").click()
