"""The journeys not walked in test_accessibility, by keyboard alone on a 360x740 phone: after
something difficult, the self-care plan, supervision (agenda and pulse), the admin's invite
and support lines, and deleting a journal entry. Every Tab stop shows its focus and nothing
covers it (WCAG 2.1.1, 2.4.3, 2.4.7, 2.4.11); whenever an action takes the focused control
away, focus lands somewhere sensible, never on <body>.

One organisation serves the module: Priya (admin, also a worker), Claire (supervisor) and
Jade (a worker Claire supervises, with one journal entry and one recorded supervision)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.browser.a11y import SWEEP, Keyboard, focus_state
from tests.browser.accounts import (
    Phones,
    asset_root,
)
from tests.browser.pages import TendApp

pytestmark = [pytest.mark.browser, SWEEP]

ENTRY = {"title": "After the handover", "body": "Sat in the car a while."}
GET_JSON = "async (path) => (await fetch(path)).json()"


def email(name: str) -> str:
    return f"{name}.{uuid.uuid4().hex[:8]}@example.org"


def run(page: Page, body: str, arg=None):
    """Run `body` in the page, with `load(name)` importing the app's own module `name`."""
    return page.evaluate(
        f"""async ({{root, arg}}) => {{
            const load = (name) => import(`${{root}}/js/${{name}}.js`);
            {body}
        }}""",
        {"root": asset_root(page), "arg": arg},
    )


class People(Phones):
    """Priya, Claire and Jade, each on a phone of their own."""

    def __init__(self, browser, phone_context_args, live_server) -> None:
        super().__init__(browser, phone_context_args, live_server)
        self.cast(live_server, email)
        self.entry_id = run(
            self.jade,
            """const journal = await load('journal');
            await journal.saveEntry(arg);
            return (await journal.listEntries())[0].id;""",
            ENTRY,
        )
        # Claire records that supervision happened today: Jade is asked how it felt.
        run(
            self.claire,
            "return (await load('api')).post('/api/supervision/sessions', arg);",
            {"worker_id": self.jade_id, "held_on": date.today().isoformat()},
        )


@pytest.fixture(scope="module")
def people(browser, phone_context_args, live_server) -> Iterator[People]:
    group = People(browser, phone_context_args, live_server)
    yield group
    group.close()


def show(page: Page, path: str) -> TendApp:
    app = TendApp(page).open(path)
    page.wait_for_load_state("networkidle")
    return app


# ── after something difficult ───────────────────────────────────────────────────────


def test_by_keyboard_jade_steadies_herself_after_something_difficult_then_goes_home(people):
    page = people.jade
    app = show(page, "/")
    keys = Keyboard(page, "after something difficult")
    keys.tab_to(re.compile(r'^a "After something difficult'))
    keys.press("Enter")
    expect(app.heading).to_have_text("After something difficult")
    keys.assert_focus_kept('h1 "After something difficult"')
    expect(page.get_by_role("heading", name="What might help now")).to_be_hidden()

    # Grounding first; when she is ready the next step's heading takes her focus.
    keys.tab_to(re.compile(r"^button \"I'm ready for what's next\""))
    keys.press("Enter")
    keys.assert_focus_kept(re.compile(r'^h2 "What happened, if you\'d like to say"'))
    expect(page.get_by_role("button", name="I'm ready for what's next")).to_be_hidden()

    # What happened: the arrow keys choose among the answers.
    keys.tab_to(re.compile(r"\[what-happened\]$"))
    keys.press("ArrowDown")
    keys.check()
    chosen = page.locator("input[name=what-happened]:checked")
    expect(chosen).to_have_count(1)
    expect(page.locator(".after-difficult-words")).not_to_be_empty()

    # A debrief with Claire: her note, then the request; the answer takes the focus.
    keys.tab_to(re.compile(r'^textarea "Your note"'))
    keys.press("ControlOrMeta+a")
    keys.type("Could we talk on Thursday?")
    keys.tab_to(re.compile(r'^button "Ask for a debrief"'))
    keys.press("Enter")
    keys.assert_focus_kept(re.compile(r'^p "Sent\. Claire will see'))
    asked = page.evaluate(GET_JSON, "/api/sharing/talk")
    assert [a["note"] for a in asked] == ["Could we talk on Thursday?"]

    # Gentle follow-ups: the button gives way to what was done, which takes the focus.
    keys.tab_to(re.compile(r'^button "Check in with me tomorrow and in 3 days"'))
    keys.press("Enter")
    keys.assert_focus_kept(re.compile(r'^p "Done\. Tend will check in gently'))
    upcoming = page.evaluate(GET_JSON, "/api/reminders")["upcoming"]
    assert [i["kind"] for i in upcoming].count("follow-up") == 2

    keys.tab_to(re.compile(r'^a "See who can help now"'))
    keys.tab_to(re.compile(r'^a "Tend"$'), back=True)
    keys.press("Enter")
    expect(app.heading).not_to_have_text("After something difficult")
    expect(page).to_have_url(re.compile(r"/$"))
    keys.assert_focus_kept(re.compile("^h1 "))
    keys.done()


# ── the self-care plan ──────────────────────────────────────────────────────────────


def step(page: Page, keys: Keyboard, number: int, title: str) -> None:
    expect(page.get_by_text(f"Step {number} of 6", exact=True)).to_be_visible()
    keys.assert_focus_kept(f'h2 "{title}"')


def test_by_keyboard_jade_fills_in_her_plan_moving_back_and_on_then_changes_a_part(people):
    page = people.jade
    app = show(page, "/plan")
    expect(app.heading).to_have_text("Your self-care plan")
    keys = Keyboard(page, "self-care plan")
    keys.tab_to('button "Start my plan"')
    keys.press("Enter")
    step(page, keys, 1, "Signs I'm running low")

    keys.tab_to(re.compile(r'^input "Not sleeping" \[warningSigns\]'))
    keys.press("Space")
    keys.check()
    expect(page.get_by_role("checkbox", name="Not sleeping")).to_be_checked()
    keys.tab_to(re.compile(r'^input "A sign of your own"'))
    keys.type("Tight shoulders")
    keys.press("Enter")
    expect(page.get_by_role("checkbox", name="Tight shoulders")).to_be_checked()
    keys.assert_focus_kept(re.compile(r'^input "A sign of your own"'))
    keys.tab_to(re.compile(r'^button "Next"'))
    keys.press("Enter")
    step(page, keys, 2, "What helps me")

    keys.tab_to(re.compile(r'^input "Something else that helps"'))
    keys.type("Cup of tea in the garden")
    keys.press("Enter")
    expect(page.get_by_role("checkbox", name="Cup of tea in the garden")).to_be_checked()
    # Back a step: what she chose there is still chosen.
    keys.tab_to(re.compile(r'^button "Back"'))
    keys.press("Enter")
    step(page, keys, 1, "Signs I'm running low")
    expect(page.get_by_role("checkbox", name="Tight shoulders")).to_be_checked()
    keys.tab_to(re.compile(r'^button "Next"'))
    keys.press("Enter")
    step(page, keys, 2, "What helps me")
    expect(page.get_by_role("checkbox", name="Cup of tea in the garden")).to_be_checked()

    for number, title in ((3, "What I'll try to avoid"), (4, "People I can talk to")):
        keys.tab_to(re.compile(r'^button "(Next|Skip)"'))
        keys.press("Enter")
        step(page, keys, number, title)
    keys.tab_to(re.compile(r'^input "Name"'))
    keys.type("Alex")
    keys.tab_to(re.compile(r'^input "Phone number'))
    keys.type("07700 900789")
    keys.tab_to(re.compile(r'^button "Add this person"'))
    keys.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Alex is in your plan.")).to_be_visible()
    keys.assert_focus_kept(re.compile(r'^input "Name"'))
    for number, title in ((5, "After a hard shift, I will"), (6, "My reasons")):
        keys.tab_to(re.compile(r'^button "(Next|Skip)"'))
        keys.press("Enter")
        step(page, keys, number, title)

    # An idea to start from, then her own words after it.
    keys.tab_to('button "I matter as well."')
    keys.press("Enter")
    keys.tab_to(re.compile(r'^textarea "In your own words"'))
    keys.press("ControlOrMeta+End")
    keys.type(" So do the people at home.")
    keys.tab_to(re.compile(r'^button "Finish"'))
    keys.press("Enter")
    expect(app.heading).to_have_text("Your plan is ready")
    keys.assert_focus_kept('h1 "Your plan is ready"')
    keys.tab_to('a "See my plan"')
    keys.press("Enter")
    expect(app.heading).to_have_text("Your self-care plan")

    def part(title: str):
        return page.get_by_role("region", name=title, exact=True)

    expect(part("Signs I'm running low")).to_contain_text("Tight shoulders")
    expect(part("Signs I'm running low")).to_contain_text("Not sleeping")
    expect(part("What helps me")).to_contain_text("Cup of tea in the garden")
    expect(part("People I can talk to")).to_contain_text("Alex")
    expect(part("My reasons")).to_contain_text("I matter as well. So do the people at home.")

    saved = run(page, "return (await (await load('plan')).loadPlan()).plan;")
    assert saved["warningSigns"] == ["Not sleeping", "Tight shoulders"]
    assert saved["helps"] == ["Cup of tea in the garden"]
    assert [(p["name"], p["phone"]) for p in saved["people"]] == [("Alex", "07700 900789")]
    assert saved["reasons"] == "I matter as well. So do the people at home."
    keys.done()


def test_by_keyboard_claire_changes_one_part_of_her_plan(people):
    page = people.claire
    run(
        page,
        """const plan = await load('plan');
        await plan.saveFirstPlan({...plan.emptyPlan(), helps: ['Cup of tea in the garden']});""",
    )
    app = show(page, "/plan")
    expect(app.heading).to_have_text("Your self-care plan")
    keys = Keyboard(page, "self-care plan, one part")

    def part(title: str):
        return page.get_by_role("region", name=title, exact=True)

    # The part's own page opens on its heading; saving puts focus back on its heading in
    # the plan, and says so.
    keys.tab_to(re.compile(r'^button "Edit what helps me"'))
    keys.press("Enter")
    expect(app.heading).to_have_text("What helps me")
    keys.assert_focus_kept('h1 "What helps me"')
    keys.tab_to(re.compile(r'^input "Time outside" \[helps\]'))
    keys.press("Space")
    keys.tab_to(re.compile(r'^input "Something else that helps"'))
    keys.type("Band practice")
    keys.tab_to(re.compile(r'^button "Save changes"'))
    keys.press("Enter")
    expect(page.get_by_text("Your plan is saved.")).to_be_visible()
    keys.assert_focus_kept('h2 "What helps me"')
    expect(part("What helps me")).to_contain_text("Time outside")
    expect(part("What helps me")).to_contain_text("Band practice")
    saved = run(page, "return (await (await load('plan')).loadPlan()).plan;")
    assert sorted(saved["helps"]) == ["Band practice", "Cup of tea in the garden", "Time outside"]
    keys.done()


# ── supervision ─────────────────────────────────────────────────────────────────────


def test_by_keyboard_jade_answers_the_pulse_and_builds_her_agenda(people):
    page = people.jade
    app = show(page, "/supervision")
    expect(app.heading).to_have_text("Supervision")
    keys = Keyboard(page, "supervision")

    # How it felt: three scales, each chosen with the arrow keys.
    for question, steps in (("heard", 3), ("checked_in", 4), ("useful", 2)):
        keys.tab_to(re.compile(rf"\[{question}-[\w-]+\]$"))
        for _ in range(steps):
            keys.press("ArrowRight")
        keys.check()
    pulse = page.get_by_role("form", name=re.compile("^Your one-to-one with Claire on "))
    expect(
        pulse.get_by_role("group", name="I felt heard").get_by_role("radio", name="Mostly")
    ).to_be_checked()
    expect(
        pulse.get_by_role("group", name="It was useful").get_by_role("radio", name="Partly")
    ).to_be_checked()
    keys.tab_to(re.compile(r'^button "Send my answers"'))
    keys.press("Enter")
    expect(page.get_by_text("Thank you. Your answers were kept without your name.")).to_be_visible()
    expect(pulse).to_have_count(0)
    keys.assert_focus_kept('h2 "How did supervision feel?"')
    sessions = page.evaluate(GET_JSON, "/api/sharing/sessions")
    assert [s["pulse_given"] for s in sessions] == [True]

    # Her agenda: two things to bring, one taken off again.
    keys.tab_to(re.compile(r'^input "Something to bring"'))
    keys.type("The restraint on Tuesday")
    keys.press("Enter")
    expect(page.get_by_text("Added to your agenda.")).to_be_visible()
    keys.assert_focus_kept(re.compile(r'^input "Something to bring"'))
    keys.type("Sleep after nights")
    keys.tab_to(re.compile(r'^button "Add"'))
    keys.press("Enter")
    agenda = page.locator("ol.agenda-items")
    expect(agenda.get_by_role("listitem")).to_have_count(2)
    keys.assert_focus_kept(re.compile(r'^input "Something to bring"'))
    keys.tab_to(re.compile(r'^button "Remove “Sleep after nights”"'), back=True)
    keys.press("Enter")
    expect(page.get_by_text("Removed from your agenda.")).to_be_visible()
    expect(agenda.get_by_role("listitem")).to_have_count(1)
    keys.assert_focus_kept(re.compile(r'^input "Something to bring"'))
    keys.tab_to(re.compile(r'^textarea "A reflection before the session'))
    keys.type("I'd like to talk about nights.")
    keys.tab_to(re.compile(r'^button "Save"'))
    keys.press("Enter")
    expect(page.get_by_text("Saved on this device.")).to_be_visible()
    keys.assert_focus_kept(re.compile(r'^button "Save"'))
    kept = run(page, "return (await load('agenda')).loadAgenda();")
    assert kept["items"] == ["The restraint on Tuesday"]
    assert kept["reflection"] == "I'd like to talk about nights."

    page.reload()
    expect(agenda).to_contain_text("The restraint on Tuesday")
    expect(page.get_by_role("heading", name="How did supervision feel?")).to_have_count(0)
    keys.done()


# ── the admin: invitations and support lines ────────────────────────────────────────


def test_by_keyboard_priya_invites_someone_and_withdraws_the_invitation(people):
    page = people.priya
    app = show(page, "/admin")
    expect(app.heading).to_have_text("Admin")
    keys = Keyboard(page, "admin invite")
    form = page.get_by_role("region", name="Invite someone")
    keys.tab_to(re.compile(r'^input "Supervisor" \[invite_roles\]'))
    keys.press("Space")
    expect(form.get_by_label("Supervisor", exact=True)).to_be_checked()
    keys.tab_to(re.compile(r'^select "Team"'))
    keys.press("ArrowDown")
    expect(form.get_by_label("Team", exact=True)).to_have_value(re.compile(r"\S"))
    keys.tab_to(re.compile(r'^input "Claire" \[invite_supervisors\]'))
    keys.press("Space")
    keys.tab_to(re.compile(r'^input "Who is it for\?'))
    keys.type("Sam, nights")
    keys.tab_to(re.compile(r'^button "Create invitation"'))
    keys.press("Enter")
    keys.assert_focus_kept('h3 "Your invitation is ready"')
    keys.tab_to(re.compile(r'^input "Invitation link"'))
    link = page.evaluate("() => document.activeElement.value")
    assert re.search(r"/join#[A-Za-z0-9_-]{20,}$", link), link

    invitation = page.locator("li.admin-item", has=page.get_by_role("heading", name="Sam, nights"))
    expect(invitation).to_contain_text("Waiting to be used")
    expect(invitation).to_contain_text("Team member and supervisor")
    expect(invitation).to_contain_text("Supervisor: Claire")

    # Withdraw it: asked first, "Keep it" puts things back, "Yes" does it.
    keys.tab_to(re.compile(r'^button "Withdraw"'))
    assert invitation.evaluate("(li) => li.contains(document.activeElement)")
    keys.press("Enter")
    keys.assert_focus_kept('button "Keep it"')
    keys.press("Enter")
    keys.assert_focus_kept('button "Withdraw"')
    keys.press("Enter")
    keys.tab_to(re.compile(r'^button "Yes, withdraw it"'), back=True)
    keys.press("Enter")
    expect(invitation).to_contain_text("Withdrawn")
    expect(invitation.get_by_role("button", name="Withdraw")).to_have_count(0)
    keys.assert_focus_kept('h3 "Sam, nights"')
    withdrawn = [
        i["status"] for i in page.evaluate(GET_JSON, "/api/admin/invitations") if i["label"]
    ]
    assert withdrawn == ["revoked"]
    keys.done()


def test_by_keyboard_priya_adds_changes_and_deletes_a_support_line(people):
    page = people.priya
    app = show(page, "/admin/support")
    expect(app.heading).to_have_text("Support and prompts")
    keys = Keyboard(page, "admin support")
    keys.tab_to(re.compile(r'^input "Name" \[name\]'))
    keys.type("Employee Assistance Programme")
    keys.tab_to(re.compile(r'^textarea "What they offer'))
    keys.type("Free, confidential counselling.")
    keys.tab_to(re.compile(r'^input "Phone number" \[phone\]'))
    keys.type("0800 123 4567")
    keys.tab_to(re.compile(r'^button "Add resource"'))
    keys.press("Enter")
    expect(page.get_by_text("Employee Assistance Programme added.")).to_be_visible()
    keys.assert_focus_kept(re.compile(r'^button "Add resource"'))
    line = page.locator("li.library-resource")
    expect(line).to_have_count(1)
    expect(line).to_contain_text("Phone: 0800 123 4567")

    # Change it: the form opens on its name; saving puts focus back on Edit.
    keys.tab_to('button "Edit Employee Assistance Programme"', back=True)
    keys.press("Enter")
    keys.assert_focus_kept(re.compile(r'^input "Name" \[name\]'))
    keys.press("ControlOrMeta+a")
    keys.type("Staff counselling line")
    keys.tab_to(re.compile(r'^input "When they\'re available'))
    keys.type("Any time, day or night")
    keys.tab_to(re.compile(r'^button "Save changes"'))
    keys.press("Enter")
    expect(line.get_by_role("heading")).to_have_text("Staff counselling line")
    expect(line).to_contain_text("When: Any time, day or night")
    keys.assert_focus_kept('button "Edit Staff counselling line"')

    # Delete it, after saying yes; focus goes to the list's heading, not to nowhere.
    keys.tab_to('button "Delete Staff counselling line"')
    keys.press("Enter")
    keys.assert_focus_kept('button "Keep it"')
    keys.tab_to(re.compile(r'^button "Yes, delete it"'), back=True)
    keys.press("Enter")
    expect(line).to_have_count(0)
    expect(page.get_by_text("Staff counselling line deleted.")).to_be_visible()
    keys.assert_focus_kept('h2 "Support resources"')
    assert page.evaluate(GET_JSON, "/api/admin/support-resources") in ([], {"resources": []})
    keys.tab_to(re.compile("."))
    keys.done()


# ── deleting a journal entry ────────────────────────────────────────────────────────


def test_by_keyboard_jade_deletes_a_journal_entry_and_can_undo_it(people):
    page = people.jade
    app = show(page, "/journal")
    keys = Keyboard(page, "delete an entry")
    entry_link = re.compile(r'^a "After the handover')

    def open_and_delete() -> None:
        """From the list, her focus before (or on) the entry's link."""
        if not entry_link.search(focus_state(page)["name"]):
            keys.tab_to(entry_link)
        keys.press("Enter")
        expect(app.heading).to_have_text("After the handover")
        keys.assert_focus_kept('h1 "After the handover"')
        keys.tab_to(re.compile(r'^button "Delete"'))
        keys.press("Enter")
        expect(app.heading).to_have_text("Your journal")
        expect(page.get_by_text("Entry deleted.")).to_be_visible()
        expect(page.get_by_role("link", name=re.compile("^After the handover"))).to_have_count(0)
        keys.assert_focus_kept('h1 "Your journal"')

    open_and_delete()
    # Undo is the next stop after the page's heading; using it brings the entry back.
    keys.tab_to(re.compile(r'^button "Undo"'), limit=3)
    keys.press("Enter")
    expect(page.get_by_text("Your entry is back.")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^After the handover"))).to_have_count(1)
    keys.assert_focus_kept(entry_link)

    # And this time it goes for good.
    open_and_delete()
    ids = run(page, "return (await (await load('journal')).listEntries()).map((e) => e.id);")
    assert people.entry_id not in ids
    keys.done()
