"""Jade's self-care plan, on her phone: a guided first fill with ideas to tap, edited a
section at a time, one-tap Call and Text for the people she can talk to, a half-filled plan
that comes back, all of it without signal, nothing readable leaving her device, and two
devices that each made a plan offline ending with one plan that keeps both."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.accounts import asset_root, create_organisation
from tests.browser.axe import serious_violations
from tests.browser.pages import TendApp
from tests.browser.privacy import DUMP_INDEXEDDB, database_contents
from tests.browser.test_sync import sign_in_second_device

pytestmark = pytest.mark.browser

PLAN_LINK = "My self-care plan: what helps me, and who I can talk to"
MERGED = "You changed your plan on two devices, so both versions are kept together here."


def sign_up_jade(page: Page, live_server) -> dict:
    return create_organisation(
        page, live_server, email=f"jade.{uuid.uuid4().hex[:8]}@example.org", name="Jade"
    )


def run(page: Page, body: str, arg=None):
    """Run `body` in the page with the app's own modules as plan, sync, api."""
    return page.evaluate(
        f"""async ({{root, arg}}) => {{
            const plan = await import(`${{root}}/js/plan.js`);
            const sync = await import(`${{root}}/js/sync.js`);
            const api = await import(`${{root}}/js/api.js`);
            {body}
        }}""",
        {"root": asset_root(page), "arg": arg},
    )


def sync_now(page: Page) -> dict:
    return run(page, "return sync.syncNow();")


def server_records(page: Page) -> dict[str, dict]:
    """Everything the server holds for her, by id (the last state of each)."""
    return run(
        page,
        """let cursor = '';
        const records = {};
        for (;;) {
            const page = await api.get(`/api/sync/changes?cursor=${cursor}`);
            for (const change of page.changes) records[change.record_id] = change;
            cursor = page.cursor;
            if (!page.more) return records;
        }""",
    )


def keep_plan(page: Page, **fields) -> dict:
    return run(page, "return plan.saveFirstPlan(arg);", fields)


def step(page: Page, number: int, title: str) -> None:
    expect(page.get_by_text(f"Step {number} of 6")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name=title)).to_be_focused()


def section(page: Page, title: str) -> Locator:
    return page.get_by_role("region", name=title)


def tab_to(page: Page, target: Locator, limit: int = 40) -> None:
    """Press Tab until `target` has the focus, as someone with a keyboard would."""

    def focused() -> bool:
        return target.evaluate("(el) => el === document.activeElement")

    for _ in range(limit):
        if focused():
            return
        page.keyboard.press("Tab")
    assert focused(), f"{limit} presses of Tab never reached it"


def at_least_44px(locator: Locator) -> None:
    box = locator.bounding_box()
    assert box is not None
    assert box["height"] >= 44, box
    assert box["width"] >= 44, box


def test_jade_fills_her_plan_for_the_first_time(page, live_server, screenshot, page_errors):
    sign_up_jade(page, live_server)
    app = TendApp(page).open("/")
    page.get_by_role("link", name=PLAN_LINK).click()
    expect(app.heading).to_have_text("Your self-care plan")
    expect(page.get_by_text("Only you can read it.")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Start my plan").click()

    step(page, 1, "Signs I'm running low")
    page.get_by_role("checkbox", name="Not sleeping").check()
    page.get_by_role("checkbox", name="Replaying a shift in my head").check()
    page.get_by_label("A sign of your own").fill("Going quiet in handover")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("checkbox", name="Going quiet in handover")).to_be_checked()
    at_least_44px(page.get_by_role("button", name="Next"))
    screenshot(page, "plan-step-1")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Next").click()

    step(page, 2, "What helps me")
    page.get_by_role("checkbox", name="A walk before I go in").check()
    expect(page.get_by_text(re.compile(r"Kept on this device at \d\d:\d\d"))).to_be_visible()
    # The app closes half-way through: nothing chosen is lost.
    page.reload()
    expect(page.get_by_text("We kept your plan where you left it.")).to_be_visible()
    expect(page.get_by_text("Step 2 of 6")).to_be_visible()
    expect(page.get_by_role("checkbox", name="A walk before I go in")).to_be_checked()
    page.get_by_role("button", name="Next").click()

    step(page, 3, "What I'll try to avoid")
    page.get_by_role("button", name="Skip").click()  # an empty step says Skip

    step(page, 4, "People I can talk to")
    page.get_by_label("Name").fill("Sam")
    page.get_by_label("Phone number (optional)").fill("07700-900123")
    page.get_by_label("A note (optional)").fill("Best after 6pm")
    page.get_by_role("button", name="Add this person").click()
    phone = page.get_by_label("Phone number (optional)")
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("A phone number can have digits and spaces")).to_be_visible()
    phone.fill("07700 900123")
    page.get_by_role("button", name="Add this person").click()
    expect(page.get_by_role("status").filter(has_text="Sam is in your plan.")).to_be_visible()
    # Someone typed in but not added yet comes along when she moves on.
    page.get_by_label("Name").fill("My sister")
    page.get_by_label("Phone number (optional)").fill("+44 7700 900456")
    screenshot(page, "plan-step-people")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Next").click()

    step(page, 5, "After a hard shift, I will")
    page.get_by_role("button", name="Back").click()
    step(page, 4, "People I can talk to")
    people = page.get_by_role("list", name="People in your plan")
    expect(people.get_by_role("listitem")).to_have_count(2)
    page.get_by_role("button", name="Next").click()
    step(page, 5, "After a hard shift, I will")
    page.get_by_role("checkbox", name="Have a shower").check()
    page.get_by_role("button", name="Next").click()

    step(page, 6, "My reasons")
    page.get_by_role("button", name="I matter as well.").click()
    reasons = page.get_by_label("In your own words")
    expect(reasons).to_have_value("I matter as well.")
    reasons.press("End")
    reasons.press_sequentially(" And Sunday lunches.")
    page.get_by_role("button", name="Finish").click()

    expect(app.heading).to_have_text("Your plan is ready")
    page.get_by_role("link", name="See my plan").click()
    expect(app.heading).to_have_text("Your self-care plan")
    signs = section(page, "Signs I'm running low")
    for sign in ("Not sleeping", "Replaying a shift in my head", "Going quiet in handover"):
        expect(signs.get_by_role("listitem").filter(has_text=sign)).to_be_visible()
    expect(section(page, "What helps me")).to_contain_text("A walk before I go in")
    expect(section(page, "What I'll try to avoid")).to_contain_text("Nothing here yet.")
    expect(section(page, "After a hard shift, I will")).to_contain_text("Have a shower")
    expect(section(page, "My reasons")).to_contain_text("I matter as well. And Sunday lunches.")
    talk = section(page, "People I can talk to")
    expect(talk).to_contain_text("Best after 6pm")
    call_sam = talk.get_by_role("link", name="Call Sam")
    expect(call_sam).to_have_attribute("href", "tel:07700900123")
    expect(talk.get_by_role("link", name="Text Sam")).to_have_attribute("href", "sms:07700900123")
    call_sister = talk.get_by_role("link", name="Call My sister")
    expect(call_sister).to_have_attribute("href", "tel:+447700900456")
    for link in (call_sam, talk.get_by_role("link", name="Text Sam"), call_sister):
        at_least_44px(link)
    expect(page.get_by_role("link", name=re.compile("^Right now"))).to_have_attribute(
        "href", "/right-now"
    )
    expect(page.get_by_role("link", name="Get support now").first).to_have_attribute(
        "href", "/support"
    )
    assert page.url.endswith("/plan"), "nothing she writes is ever in the address"
    screenshot(page, "plan-overview")
    assert serious_violations(page) == []
    # Nothing is left half-written once it is saved.
    assert run(page, "return plan.loadPlanDraft();") is None

    # One tap from the check-in, too.
    TendApp(page).open("/checkin")
    page.get_by_role("link", name="Your self-care plan").click()
    expect(app.heading).to_have_text("Your self-care plan")
    expect(section(page, "What helps me")).to_contain_text("A walk before I go in")
    assert page_errors == []


def test_a_section_is_edited_and_an_unsaved_change_comes_back(page, live_server, page_errors):
    sign_up_jade(page, live_server)
    TendApp(page).open("/")
    keep_plan(page, helps=["A walk before I go in"], reasons="For me.")
    app = TendApp(page).open("/plan")
    page.get_by_role("button", name="Edit what helps me").click()
    expect(app.heading).to_have_text("What helps me")
    page.get_by_role("checkbox", name="A walk before I go in").uncheck()
    page.get_by_role("checkbox", name="Music on the way home").check()
    page.get_by_label("Something else that helps").fill("Cold water on my face")
    expect(page.get_by_text(re.compile(r"Kept on this device at \d\d:\d\d"))).to_be_visible()

    page.reload()
    expect(app.heading).to_have_text("What helps me")
    expect(page.get_by_text("We kept the changes you hadn't saved yet.")).to_be_visible()
    expect(page.get_by_role("checkbox", name="A walk before I go in")).not_to_be_checked()
    expect(page.get_by_role("checkbox", name="Music on the way home")).to_be_checked()
    expect(page.get_by_label("Something else that helps")).to_have_value("Cold water on my face")

    # Meanwhile her other device added something to the same section: it stays.
    run(page, "return plan.saveSection('helps', ['A walk before I go in'], arg);",
        ["A walk before I go in", "Swimming"])  # fmt: skip
    page.get_by_role("button", name="Save changes").click()
    expect(app.heading).to_have_text("Your self-care plan")
    expect(page.get_by_text("Your plan is saved.")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="What helps me")).to_be_focused()
    helps = section(page, "What helps me").get_by_role("listitem")
    expect(helps).to_have_text(["Music on the way home", "Cold water on my face", "Swimming"])

    page.reload()
    expect(app.heading).to_have_text("Your self-care plan")
    expect(page.get_by_text("We kept the changes")).to_have_count(0)

    # Changing her mind leaves the plan as it was.
    page.get_by_role("button", name="Edit my reasons").click()
    page.get_by_label("In your own words").fill("Something else entirely")
    page.get_by_role("button", name="Cancel").click()
    expect(section(page, "My reasons")).to_contain_text("For me.")
    assert page_errors == []


def test_the_plan_opens_offline_and_an_offline_edit_syncs_once(page, context, live_server):
    sign_up_jade(page, live_server)
    TendApp(page).open("/")
    keep_plan(
        page, warningSigns=["Not sleeping"], people=[{"name": "Sam", "phone": "07700 900123"}]
    )
    assert sync_now(page)["error"] is None
    plan_id = run(page, "return plan.planRecordId();")
    assert server_records(page)[plan_id]["version"] == 1

    app = TendApp(page).open("/plan")
    app.wait_until_ready_offline()
    context.set_offline(True)
    page.reload()
    expect(app.heading).to_have_text("Your self-care plan")
    expect(app.offline_note).to_be_visible()
    expect(section(page, "Signs I'm running low")).to_contain_text("Not sleeping")
    expect(page.get_by_role("link", name="Call Sam")).to_be_visible()

    page.get_by_role("button", name="Add my reasons").click()
    page.get_by_label("In your own words").fill("So I still enjoy my days off.")
    page.get_by_role("button", name="Save changes").click()
    expect(
        page.get_by_text("Saved on this device. It will sync when you're back online.")
    ).to_be_visible()
    assert run(page, "return sync.pendingCount();") == 1
    page.reload()
    expect(section(page, "My reasons")).to_contain_text("So I still enjoy my days off.")

    pushed: list[str] = []
    page.on(
        "request",
        lambda r: pushed.append(r.post_data or "") if r.url.endswith("/api/sync/push") else None,
    )
    with page.expect_response("**/api/sync/push"):
        context.set_offline(False)
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
    sync_now(page)
    assert run(page, "return sync.pendingCount();") == 0
    held = server_records(page)[plan_id]
    assert (held["type"], held["version"], held["deleted"]) == ("plan", 2, False)
    assert sum(body.count(plan_id) for body in pushed) == 1, "pushed exactly once"


def test_the_plan_never_reaches_the_server_readable(page, live_server):
    sign_up_jade(page, live_server)
    marker = f"MARKER{uuid.uuid4().hex}"
    digits = f"{uuid.uuid4().int % 10**12:012d}"
    phone = f"+44 7{digits}"
    sent: list[str] = []
    page.on("request", lambda r: sent.append(f"{r.url}\n{r.post_data or ''}"))
    TendApp(page).open("/")
    keep_plan(
        page,
        warningSigns=[f"sign {marker}"],
        helps=[f"help {marker}"],
        avoid=[f"avoid {marker}"],
        afterHardShift=[f"after {marker}"],
        people=[{"name": f"name {marker}", "phone": phone, "note": f"note {marker}"}],
        reasons=f"reasons {marker}",
    )
    app = TendApp(page).open("/plan")
    expect(page.get_by_role("link", name=f"Call name {marker}")).to_be_visible()
    # An edit through the page, and a half-written one left as a draft.
    page.get_by_role("button", name="Edit what I'll try to avoid").click()
    page.get_by_label("Something of your own to avoid").fill(f"typed {marker}")
    page.get_by_role("button", name="Save changes").click()
    expect(app.heading).to_have_text("Your self-care plan")
    page.get_by_role("button", name="Edit my reasons").click()
    page.get_by_label("In your own words").fill(f"draft {marker}")
    expect(page.get_by_text(re.compile(r"Kept on this device at"))).to_be_visible()
    assert sync_now(page)["error"] is None

    plan_id = run(page, "return plan.planRecordId();")
    held = server_records(page)[plan_id]
    assert held["type"] == "plan"
    assert held["ciphertext"]
    opened = run(page, "return (await plan.loadPlan()).plan;")
    assert f"typed {marker}" in opened["avoid"], "it is there, decrypted, in memory only"

    dump = page.evaluate(DUMP_INDEXEDDB)
    assert dump["tend-data/drafts"] != "[]"
    for rows in dump.values():
        assert marker not in rows
        assert digits not in rows
    assert any("/api/sync/push" in request for request in sent)
    for request in sent:
        assert marker not in request
        assert digits not in request
    assert marker not in live_server.log.read_text()
    stored = database_contents(live_server.env["TEND_DATABASE_URL"])
    assert any(b"@example.org" in contents for _, contents in stored), "the dump is readable"
    for where, contents in stored:
        for secret in (marker, digits):
            assert secret.encode() not in contents, where
            assert secret.encode("utf-16-le") not in contents, where
            assert secret.encode().hex().encode() not in contents, where


def test_the_first_fill_works_by_keyboard_alone(page, live_server, page_errors):
    sign_up_jade(page, live_server)
    app = TendApp(page).open("/plan")
    expect(app.heading).to_have_text("Your self-care plan")
    tab_to(page, page.get_by_role("button", name="Start my plan"))
    page.keyboard.press("Enter")
    step(page, 1, "Signs I'm running low")
    tab_to(page, page.get_by_role("checkbox", name="Dreading the next shift"))
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="Dreading the next shift")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Next"))
    page.keyboard.press("Enter")

    step(page, 2, "What helps me")
    tab_to(page, page.get_by_label("Something else that helps"))
    page.keyboard.type("Cup of tea in the garden")
    page.keyboard.press("Enter")
    expect(page.get_by_role("checkbox", name="Cup of tea in the garden")).to_be_checked()
    expect(page.get_by_label("Something else that helps")).to_be_focused()
    tab_to(page, page.get_by_role("button", name="Next"))
    page.keyboard.press("Enter")

    step(page, 3, "What I'll try to avoid")
    tab_to(page, page.get_by_role("button", name="Skip"))
    page.keyboard.press("Enter")
    step(page, 4, "People I can talk to")
    tab_to(page, page.get_by_label("Name"))
    page.keyboard.type("Alex")
    tab_to(page, page.get_by_label("Phone number (optional)"), limit=1)
    page.keyboard.type("07700 900789")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Alex is in your plan.")).to_be_visible()
    tab_to(page, page.get_by_role("button", name="Next"))
    page.keyboard.press("Enter")
    step(page, 5, "After a hard shift, I will")
    tab_to(page, page.get_by_role("button", name="Skip"))
    page.keyboard.press("Enter")
    step(page, 6, "My reasons")
    tab_to(page, page.get_by_label("In your own words"))
    page.keyboard.type("Because I'm worth it too.")
    tab_to(page, page.get_by_role("button", name="Finish"))
    page.keyboard.press("Enter")

    expect(app.heading).to_have_text("Your plan is ready")
    tab_to(page, page.get_by_role("link", name="See my plan"))
    page.keyboard.press("Enter")
    expect(app.heading).to_have_text("Your self-care plan")
    expect(section(page, "What helps me")).to_contain_text("Cup of tea in the garden")
    expect(page.get_by_role("link", name="Call Alex")).to_have_attribute("href", "tel:07700900789")
    tab_to(page, page.get_by_role("link", name="Text Alex"))
    assert page_errors == []


def listen_for_conflicts(device: Page) -> None:
    """Count the clashes the sync settles in this page, in window.conflicts."""
    run(
        device,
        """window.conflicts = [];
        sync.syncEvents.addEventListener('conflict', (e) => window.conflicts.push(e.detail));""",
    )


def fill_quickly(device: Page, *, sign: str, person: str | None = None, reasons: str = "") -> None:
    """A first fill through the page: one sign, maybe a person and reasons, the rest skipped."""
    device.get_by_role("button", name="Start my plan").click()
    device.get_by_role("checkbox", name=sign).check()
    device.get_by_role("button", name="Next").click()
    for _ in range(2):
        device.get_by_role("button", name="Skip").click()
    if person:
        device.get_by_label("Name").fill(person)
        device.get_by_role("button", name="Next").click()
    else:
        device.get_by_role("button", name="Skip").click()
    device.get_by_role("button", name="Skip").click()
    device.get_by_label("In your own words").fill(reasons)
    device.get_by_role("button", name="Finish").click()
    expect(device.get_by_role("heading", level=1)).to_have_text("Your plan is ready")


def test_two_devices_each_make_a_plan_offline_and_nothing_is_lost(
    page, context, browser, phone_context_args, live_server
):
    account = sign_up_jade(page, live_server)
    laptop = sign_in_second_device(browser, phone_context_args, live_server, account["email"])
    for device in (page, laptop):
        TendApp(device).open("/plan")
        expect(device.get_by_role("button", name="Start my plan")).to_be_visible()
    assert run(page, "return plan.planRecordId();") == run(laptop, "return plan.planRecordId();")

    listen_for_conflicts(laptop)
    context.set_offline(True)
    laptop.context.set_offline(True)
    fill_quickly(page, sign="Not sleeping", reasons="For my kids.")
    fill_quickly(laptop, sign="Skipping meals", person="Sam", reasons="To enjoy my days off.")

    context.set_offline(False)
    assert sync_now(page)["error"] is None
    laptop.context.set_offline(False)
    assert sync_now(laptop)["error"] is None
    assert len(laptop.evaluate("window.conflicts")) == 1

    # The laptop lost the race: its plan comes back merged with the phone's, and she is told.
    laptop.get_by_role("link", name="See my plan").click()
    expect(laptop.get_by_text(MERGED)).to_be_visible()
    signs = section(laptop, "Signs I'm running low").get_by_role("listitem")
    expect(signs).to_have_text(["Not sleeping", "Skipping meals"])
    expect(section(laptop, "People I can talk to")).to_contain_text("Sam")
    expect(section(laptop, "My reasons")).to_contain_text("For my kids.")
    expect(section(laptop, "My reasons")).to_contain_text("To enjoy my days off.")
    assert serious_violations(laptop) == []
    assert sync_now(laptop)["error"] is None

    # The phone gets the same plan, and the same word about it, until she says OK.
    assert sync_now(page)["error"] is None
    page.get_by_role("link", name="See my plan").click()
    expect(page.get_by_text(MERGED)).to_be_visible()
    expect(section(page, "Signs I'm running low").get_by_role("listitem")).to_have_text(
        ["Not sleeping", "Skipping meals"]
    )

    # She says OK on both devices before they sync. Saying OK twice is itself a clash, but
    # it brings nothing new, so the word about two versions does not come back.
    TendApp(laptop).open("/plan")
    expect(laptop.get_by_text(MERGED)).to_be_visible()
    listen_for_conflicts(laptop)
    context.set_offline(True)
    laptop.context.set_offline(True)
    for device in (page, laptop):
        device.get_by_role("button", name="OK, thanks").click()
        expect(device.get_by_text(MERGED)).to_have_count(0)
    context.set_offline(False)
    assert sync_now(page)["error"] is None
    laptop.context.set_offline(False)
    assert sync_now(laptop)["error"] is None
    assert len(laptop.evaluate("window.conflicts")) == 1
    for device in (laptop, page):
        TendApp(device).open("/plan")
        expect(section(device, "Signs I'm running low")).to_contain_text("Skipping meals")
        expect(section(device, "People I can talk to")).to_contain_text("Sam")
        assert sync_now(device)["error"] is None
    for device in (laptop, page):
        TendApp(device).open("/plan")
        expect(section(device, "Signs I'm running low")).to_contain_text("Skipping meals")
        expect(device.get_by_text(MERGED)).to_have_count(0)
        assert run(device, "return (await plan.loadPlan()).plan.mergedAt;") is None

    plans = [r for r in server_records(page).values() if r["type"] == "plan"]
    assert len([r for r in plans if not r["deleted"]]) == 1, "one plan, the copy deleted"
    assert run(page, "return sync.pendingCount();") == 0
    assert run(laptop, "return sync.pendingCount();") == 0
    laptop.context.close()


def keep_plan_as_before_marks(page: Page, **fields) -> None:
    """Her plan as Tend saved it before sections carried marks: the content alone."""
    run(
        page,
        """const vault = await import(`${root}/js/vault.js`);
        const dataKey = await vault.unlockedKey();
        const now = new Date().toISOString();
        const kept = {warningSigns: [], helps: [], avoid: [], afterHardShift: [], people: [],
            reasons: '', ...arg, createdAt: now, updatedAt: now, mergedAt: null};
        await vault.change(dataKey, 'plan', await plan.planRecordId(), () => kept);""",
        fields,
    )


def keep_conflicting_copy(page: Page, **fields) -> None:
    """What sync.js keeps when this device's push of the plan loses: another plan record
    holding the losing device's whole plan."""
    run(
        page,
        """const vault = await import(`${root}/js/vault.js`);
        const dataKey = await vault.unlockedKey();
        const copy = {warningSigns: [], helps: [], avoid: [], afterHardShift: [], people: [],
            reasons: '', ...arg, title: '(conflicting copy)',
            conflictOf: await plan.planRecordId(), updatedAt: new Date().toISOString()};
        await vault.change(dataKey, 'plan', crypto.randomUUID(), () => copy);""",
        fields,
    )


def save_changes(device: Page) -> None:
    device.get_by_role("button", name="Save changes").click()
    expect(device.get_by_role("heading", level=1)).to_have_text("Your self-care plan")


@pytest.mark.parametrize("saved_before_marks", [False, True], ids=["marked", "older-plan"])
def test_a_merge_never_brings_back_what_she_removed(
    page, context, browser, phone_context_args, live_server, saved_before_marks
):
    account = sign_up_jade(page, live_server)
    TendApp(page).open("/")
    first = {
        "helps": ["A walk before I go in"],
        "people": [
            {"name": "Sam (ex)", "phone": "07700 900111", "note": ""},
            {"name": "My sister", "phone": "07700 900222", "note": ""},
        ],
        "reasons": "old reasons",
    }
    if saved_before_marks:
        keep_plan_as_before_marks(page, **first)
    else:
        keep_plan(page, **first)
    assert sync_now(page)["error"] is None
    laptop = sign_in_second_device(browser, phone_context_args, live_server, account["email"])
    assert sync_now(laptop)["error"] is None
    TendApp(laptop).open("/plan")
    expect(laptop.get_by_role("link", name="Call Sam (ex)")).to_be_visible()
    listen_for_conflicts(laptop)
    laptop.context.set_offline(True)

    # On her phone she takes Sam out of her plan and rewrites her reasons.
    TendApp(page).open("/plan")
    page.get_by_role("button", name="Edit people I can talk to").click()
    page.get_by_role("button", name="Remove Sam (ex)").click()
    save_changes(page)
    page.get_by_role("button", name="Edit my reasons").click()
    page.get_by_label("In your own words").fill("new reasons")
    save_changes(page)
    assert sync_now(page)["error"] is None

    # Meanwhile the laptop, offline, adds one thing to what helps her.
    laptop.get_by_role("button", name="Edit what helps me").click()
    laptop.get_by_role("checkbox", name="Time outside").check()
    save_changes(laptop)
    expect(
        laptop.get_by_text("Saved on this device. It will sync when you're back online.")
    ).to_be_visible()
    laptop.context.set_offline(False)
    assert sync_now(laptop)["error"] is None
    assert len(laptop.evaluate("window.conflicts")) == 1

    TendApp(laptop).open("/plan")
    assert sync_now(laptop)["error"] is None
    assert sync_now(page)["error"] is None
    for device in (laptop, page):
        TendApp(device).open("/plan")
        helps = section(device, "What helps me").get_by_role("listitem")
        expect(helps).to_have_text(["A walk before I go in", "Time outside"])
        talk = section(device, "People I can talk to")
        expect(talk.get_by_role("link", name="Call My sister")).to_be_visible()
        expect(talk).not_to_contain_text("Sam (ex)")
        expect(device.get_by_role("link", name=re.compile("Sam"))).to_have_count(0)
        expect(section(device, "My reasons").locator(".plan-reasons")).to_have_text("new reasons")
        # Nothing clashed within a section, so there is nothing for her to tidy.
        expect(device.get_by_text(MERGED)).to_have_count(0)
    plans = [r for r in server_records(page).values() if r["type"] == "plan"]
    assert len([r for r in plans if not r["deleted"]]) == 1, "one plan, the copy deleted"
    laptop.context.close()


def test_a_merge_keeps_everything_she_wrote(page, live_server, page_errors):
    sign_up_jade(page, live_server)
    TendApp(page).open("/")
    phone_reasons = " ".join(f"Phone reason {i}." for i in range(200))
    laptop_reasons = " ".join(f"Laptop reason {i}." for i in range(200))
    assert len(phone_reasons) + len(laptop_reasons) > 4000
    keep_plan(
        page,
        helps=[f"Phone idea {i}" for i in range(30)],
        people=[{"name": f"Phone friend {i}"} for i in range(15)],
        reasons=phone_reasons,
    )
    # The other device's version, made from nothing: every part differs from this one.
    keep_conflicting_copy(
        page,
        helps=[f"Laptop idea {i}" for i in range(30)],
        people=[{"name": f"Laptop friend {i}", "phone": "", "note": ""} for i in range(15)],
        reasons=laptop_reasons,
    )
    app = TendApp(page).open("/plan")
    expect(app.heading).to_have_text("Your self-care plan")
    expect(page.get_by_text(MERGED)).to_be_visible()
    expect(section(page, "What helps me").get_by_role("listitem")).to_have_count(60)
    expect(section(page, "People I can talk to").get_by_role("listitem")).to_have_count(30)
    merged = run(page, "return (await plan.loadPlan()).plan;")
    assert merged["reasons"] == f"{phone_reasons}\n\n{laptop_reasons}"
    assert len(merged["helps"]) == 60
    assert len(merged["people"]) == 30
    plans = run(
        page,
        """const store = await import(`${root}/js/store.js`);
        return (await store.allRecords('plan')).filter((r) => !r.deleted).length;""",
    )
    assert plans == 1, "the copy is gone only once all of it is in the plan"

    # Saving a section of the bigger plan keeps all of it too.
    page.get_by_role("button", name="Edit what helps me").click()
    page.get_by_role("checkbox", name="Laptop idea 29").uncheck()
    save_changes(page)
    expect(section(page, "What helps me").get_by_role("listitem")).to_have_count(59)
    page.get_by_role("button", name="Edit my reasons").click()
    reasons = page.get_by_label("In your own words")
    reasons.press("Control+End")
    reasons.press("Backspace")
    save_changes(page)
    saved = run(page, "return (await plan.loadPlan()).plan;")
    assert saved["reasons"] == f"{phone_reasons}\n\n{laptop_reasons}"[:-1]
    assert len(saved["people"]) == 30
    assert page_errors == []


def test_the_editors_show_their_limits_and_stop_there_calmly(
    page, live_server, screenshot, page_errors
):
    sign_up_jade(page, live_server)
    TendApp(page).open("/")
    long_reasons = " ".join(["I matter."] * 399)
    keep_plan(
        page,
        helps=[f"Help {i}" for i in range(39)],
        people=[{"name": f"Friend {i}"} for i in range(19)],
        reasons=long_reasons,
    )
    app = TendApp(page).open("/plan")

    page.get_by_role("button", name="Edit what helps me").click()
    expect(page.get_by_text("up to 40", exact=False)).to_be_visible()
    page.get_by_role("checkbox", name="Time outside").check()
    music = page.get_by_role("checkbox", name="Music on the way home")
    music.click()
    expect(music).not_to_be_checked()
    full = page.get_by_role("status").filter(has_text="as many as this part can hold")
    expect(full).to_be_visible()
    screenshot(page, "plan-edit-list-full")
    assert serious_violations(page) == []
    page.get_by_label("Something else that helps").fill("Cold water on my face")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("checkbox", name="Cold water on my face")).to_have_count(0)
    expect(page.get_by_label("Something else that helps")).to_have_value("Cold water on my face")
    page.get_by_role("button", name="Save changes").click()
    expect(full).to_be_visible()  # the words typed would be lost: it waits for her
    expect(app.heading).to_have_text("What helps me")
    page.get_by_role("checkbox", name="Help 0", exact=True).uncheck()
    expect(full).to_have_count(0)
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("checkbox", name="Cold water on my face")).to_be_checked()
    save_changes(page)
    helps = section(page, "What helps me").get_by_role("listitem")
    expect(helps).to_have_count(40)
    expect(helps.filter(has_text="Cold water on my face")).to_have_count(1)

    page.get_by_role("button", name="Edit people I can talk to").click()
    expect(page.get_by_text("up to 20 people", exact=False)).to_be_visible()
    page.get_by_label("Name").fill("Friend 19")
    page.get_by_role("button", name="Add this person").click()
    people = page.get_by_role("list", name="People in your plan").get_by_role("listitem")
    expect(people).to_have_count(20)
    page.get_by_label("Name").fill("One more")
    page.get_by_role("button", name="Add this person").click()
    expect(page.get_by_role("status").filter(has_text="remove someone first")).to_be_visible()
    screenshot(page, "plan-edit-people-full")
    expect(people).to_have_count(20)
    expect(page.get_by_label("Name")).to_have_value("One more")
    page.get_by_role("button", name="Remove Friend 0", exact=True).click()
    page.get_by_role("button", name="Add this person").click()
    expect(people).to_have_count(20)
    save_changes(page)
    talk = section(page, "People I can talk to")
    expect(talk.get_by_role("listitem")).to_have_count(20)
    expect(talk).to_contain_text("One more")

    page.get_by_role("button", name="Edit my reasons").click()
    expect(page.get_by_text("4,000 characters", exact=False)).to_be_visible()
    reasons = page.get_by_label("In your own words")
    expect(reasons).to_have_value(long_reasons)
    page.get_by_role("button", name="I matter as well.").click()
    expect(page.get_by_role("status").filter(has_text="won't fit")).to_be_visible()
    expect(reasons).to_have_value(long_reasons)
    save_changes(page)
    assert run(page, "return (await plan.loadPlan()).plan.reasons;") == long_reasons
    assert page_errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_plan_screens_on_a_small_phone(page, live_server, screenshot, scheme):
    page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
    sign_up_jade(page, live_server)
    app = TendApp(page).open("/plan")
    screenshot(page, f"plan-intro-{scheme}")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Start my plan").click()
    page.get_by_role("checkbox", name="Not sleeping").check()
    page.get_by_role("checkbox", name="Not sleeping").focus()
    screenshot(page, f"plan-step-1-{scheme}")
    assert serious_violations(page) == []
    for _ in range(5):
        page.get_by_role("button", name=re.compile("^(Next|Skip)$")).click()
    page.get_by_role("button", name="The children need me steady, and so do I.").click()
    screenshot(page, f"plan-step-6-{scheme}")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Finish").click()
    expect(app.heading).to_have_text("Your plan is ready")
    screenshot(page, f"plan-finished-{scheme}")
    keep_plan(
        page,
        helps=["Music on the way home", "Time outside"],
        avoid=["Taking on extra shifts when I'm running on empty"],
        people=[{"name": "Sam from work", "phone": "07700 900123", "note": "Best after 6pm"}],
        afterHardShift=["Sit in the car for five minutes before driving home"],
    )
    run(page, "return plan.saveSection('reasons', '', 'A second version, from the laptop.');")
    page.get_by_role("link", name="See my plan").click()
    expect(app.heading).to_have_text("Your self-care plan")
    expect(page.get_by_text(MERGED)).to_be_visible()
    screenshot(page, f"plan-overview-{scheme}")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Edit people I can talk to").click()
    expect(app.heading).to_have_text("People I can talk to")
    screenshot(page, f"plan-edit-people-{scheme}")
    assert serious_violations(page) == []
    TendApp(page).open("/checkin")
    expect(page.get_by_role("link", name="Your self-care plan")).to_be_visible()
    at_least_44px(page.get_by_role("link", name="Your self-care plan"))
    screenshot(page, f"checkin-plan-link-{scheme}")
