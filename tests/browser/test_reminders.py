"""Jade chooses when Tend may nudge her, on her phone: check-in times, a rota from a preset,
quiet hours, a pause; she sees what is coming up in words, in her own time; the server's
words for a mistake appear by the field; after a difficult check-in she can ask Tend to
check in with her later; and without a connection the page says so calmly."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.accounts import asset_root, create_organisation, invite, join_by_link
from tests.browser.axe import serious_violations
from tests.browser.pages import TendApp

pytestmark = pytest.mark.browser

LONDON = ZoneInfo("Europe/London")  # the phone fixtures' time zone
PLAN = "async () => (await (await fetch('/api/reminders')).json())"


def email(name: str) -> str:
    return f"{name}.{uuid.uuid4().hex[:8]}@example.org"


@pytest.fixture
def jade(phone, live_server) -> Page:
    """Jade, a team member, signed in on her own phone (Priya set up the organisation)."""
    priya = phone()
    create_organisation(priya, live_server, email=email("priya"))
    link = invite(priya, ["worker"])
    page = phone()
    join_by_link(page, link, name="Jade", email=email("jade"))
    return page


def today() -> date:
    return datetime.now(LONDON).date()


def day_words(day: date) -> str:
    """A day as the page words it: "Today", "Tomorrow", or "Friday 5 December" (with the
    year when it isn't this one)."""
    if day == today():
        return "Today"
    if day == today() + timedelta(days=1):
        return "Tomorrow"
    year = "" if day.year == today().year else f" {day.year}"
    return f"{day:%A} {day.day} {day:%B}{year}"


def section(page: Page, name: str) -> Locator:
    return page.get_by_role("region", name=name, exact=True)


def said(region: Locator, role: str = "status") -> Locator:
    """The live region of that role in `region` which has something to say."""
    return region.get_by_role(role).filter(has_text=re.compile(r"\S"))


def coming_up(page: Page) -> Locator:
    return section(page, "Coming up").get_by_role("listitem")


def looks_right(page: Page, screenshot: Callable, name: str) -> None:
    """Screenshots in light and dark, no sideways scrolling, no serious axe violations."""
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360, name
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
        screenshot(page, f"reminders-{name}-{scheme}")
        assert serious_violations(page) == [], (name, scheme)
    page.emulate_media(color_scheme="light")


def test_jade_chooses_times_a_rota_and_quiet_hours_and_sees_what_is_coming(
    jade, screenshot, page_errors
):
    page = jade
    app = TendApp(page).open("/")
    page.get_by_role("link", name=re.compile("^Reminders")).click()
    expect(app.heading).to_have_text("Reminders")
    expect(page.get_by_text("Tend can nudge you now and then. You choose when")).to_be_visible()
    expect(page.get_by_text("Times here are in UK time.")).to_be_visible()
    expect(section(page, "Coming up")).to_contain_text("Nothing in the next day or two.")
    looks_right(page, screenshot, "new")

    # A check-in at half past seven, and one half an hour after each shift.
    checkins = section(page, "Check-in reminders")
    checkins.get_by_role("button", name="Add a time").click()
    expect(checkins.get_by_label("Time 1", exact=True)).to_be_focused()
    checkins.get_by_label("Time 1", exact=True).fill("19:30")
    checkins.get_by_role("group", name="After a shift").get_by_role(
        "radio", name="30 minutes"
    ).check()
    checkins.get_by_role("button", name="Save check-in reminders").click()
    expect(said(checkins)).to_have_text("Saved.")

    # Quiet from ten at night until seven.
    quiet = section(page, "Quiet times")
    quiet.get_by_label("From").fill("22:00")
    quiet.get_by_label("To").fill("07:00")
    expect(quiet.get_by_role("checkbox", name="Never during a shift")).to_be_checked()
    quiet.get_by_role("button", name="Save quiet times").click()
    expect(said(quiet)).to_have_text("Saved.")

    # Her rota: four long days on, four off, from today.
    section(page, "Your shifts").get_by_role("link", name="Add your shifts").click()
    expect(app.heading).to_have_text("Your shifts")
    rota = section(page, "A rota that repeats")
    rota.get_by_role("radio", name="4 on, 4 off (long days)").check()
    expect(rota.get_by_label("First day of the pattern")).to_have_value(today().isoformat())
    days = rota.get_by_role("group", name=re.compile(r"^Day \d"))
    expect(days).to_have_count(8)
    first = days.first
    expect(first).to_have_accessible_name(f"Day 1: {today():%A} {today().day} {today():%B}")
    expect(first.get_by_label("Shift")).to_have_value("long-day")
    expect(first.get_by_label("Starts")).to_have_value("08:00")
    expect(first.get_by_label("Ends")).to_have_value("20:00")
    expect(days.nth(4).get_by_label("Shift")).to_have_value("off")
    expect(days.nth(4).get_by_label("Starts")).to_be_hidden()
    looks_right(page, screenshot, "rota")
    rota.get_by_role("button", name="Save rota").click()
    expect(said(rota)).to_have_text("Saved. Your rota repeats every 8 days.")

    # Working today and the next three days: no check-ins during a shift, one after each.
    page.get_by_role("link", name="Back to Reminders").first.click()
    expect(app.heading).to_have_text("Reminders")
    tomorrow = day_words(today() + timedelta(days=1))
    expect(
        coming_up(page).filter(has_text=f"{tomorrow}, 20:30 — check-in after your shift")
    ).to_have_count(1)
    expect(coming_up(page).filter(has_text="19:30 — check-in")).to_have_count(0)
    expect(section(page, "Your shifts")).to_contain_text("4 on, 4 off (long days), from")

    # Her block of long days began four days ago: today and tomorrow are days off.
    page.get_by_role("link", name="Change your shifts").click()
    rota = section(page, "A rota that repeats")
    rota.get_by_label("First day of the pattern").fill((today() - timedelta(days=4)).isoformat())
    rota.get_by_role("button", name="Save rota").click()
    expect(said(rota)).to_have_text("Saved. Your rota repeats every 8 days.")
    page.get_by_role("link", name="Back to Reminders").first.click()
    expect(coming_up(page).filter(has_text=f"{tomorrow}, 19:30 — check-in")).to_have_count(1)
    expect(coming_up(page).filter(has_text="after your shift")).to_have_count(0)
    looks_right(page, screenshot, "set")

    # The server keeps exactly what she chose, in her time zone.
    settings = page.evaluate(PLAN)["plan"]["settings"]
    assert settings["checkin_times"] == ["19:30"]
    assert settings["after_shift_minutes"] == 30
    assert (settings["quiet_start"], settings["quiet_end"]) == ("22:00", "07:00")
    assert settings["time_zone"] == "Europe/London"
    assert page_errors == []


def test_the_servers_words_for_a_mistake_appear_by_the_field(jade, screenshot):
    page = jade
    app = TendApp(page).open("/reminders")
    expect(app.heading).to_have_text("Reminders")

    # Quiet hours that start but never end.
    quiet = section(page, "Quiet times")
    quiet.get_by_label("From").fill("22:00")
    quiet.get_by_role("button", name="Save quiet times").click()
    to = quiet.get_by_label("To")
    expect(to).to_have_accessible_description("Choose when quiet hours end, too.")
    expect(to).to_have_attribute("aria-invalid", "true")
    expect(to).to_be_focused()
    expect(said(quiet, "alert")).to_have_text("Not saved yet. Choose when quiet hours end, too.")
    looks_right(page, screenshot, "quiet-error")
    to.fill("07:00")
    expect(quiet.get_by_text("Choose when quiet hours end, too.")).to_have_count(0)
    quiet.get_by_role("button", name="Save quiet times").click()
    expect(said(quiet)).to_have_text("Saved.")

    # The same check-in time twice: the second is marked.
    checkins = section(page, "Check-in reminders")
    for n in (1, 2):
        checkins.get_by_role("button", name="Add a time").click()
        checkins.get_by_label(f"Time {n}", exact=True).fill("12:30")
    checkins.get_by_role("button", name="Save check-in reminders").click()
    expect(checkins.get_by_label("Time 2", exact=True)).to_have_accessible_description(
        "That time is already in your list."
    )
    expect(checkins.get_by_label("Time 1", exact=True)).not_to_have_attribute(
        "aria-invalid", "true"
    )
    checkins.get_by_role("button", name="Remove time 2").click()
    expect(checkins.get_by_role("button", name="Remove time 1")).to_be_focused()
    checkins.get_by_role("button", name="Save check-in reminders").click()
    expect(said(checkins)).to_have_text("Saved.")

    # A one-off shift that ends before it starts.
    app.open("/reminders/shifts")
    one_off = section(page, "One-off shifts")
    start = datetime.now(LONDON).date() + timedelta(days=2)
    one_off.get_by_label("Shift").select_option(label="Late")
    one_off.get_by_label("Starts").fill(f"{start}T14:00")
    one_off.get_by_label("Ends").fill(f"{start}T13:00")
    one_off.get_by_role("button", name="Add shift").click()
    ends = one_off.get_by_label("Ends")
    expect(ends).to_have_accessible_description(
        re.compile(r"A shift needs to end after it starts\.$")
    )
    expect(ends).to_be_focused()
    looks_right(page, screenshot, "shift-error")

    # Put right, it is listed in words, and can be removed.
    ends.fill(f"{start}T22:00")
    one_off.get_by_role("button", name="Add shift").click()
    expect(said(one_off)).to_have_text("Added.")
    shift = one_off.get_by_role("listitem").filter(has_text=f"Late, {day_words(start)}, 14:00")
    expect(shift).to_have_text(re.compile(rf"^Late, {day_words(start)}, 14:00 to 22:00"))
    # A night runs into the next morning; its end comes by itself from its start.
    one_off.get_by_label("Shift").select_option(label="Night")
    one_off.get_by_label("Starts").fill(f"{start + timedelta(days=1)}T20:00")
    one_off.get_by_label("Starts").dispatch_event("change")
    expect(one_off.get_by_label("Ends")).to_have_value(f"{start + timedelta(days=2)}T08:00")
    one_off.get_by_role("button", name="Add shift").click()
    night = f"Night, {day_words(start + timedelta(days=1))}, 20:00 to 08:00 the next morning"
    expect(one_off.get_by_role("listitem").filter(has_text=night)).to_have_count(1)
    looks_right(page, screenshot, "shifts-listed")
    shift.get_by_role("button", name=re.compile("^Remove: Late")).click()
    expect(said(one_off)).to_have_text("Removed.")
    expect(one_off.get_by_role("listitem")).to_have_count(1)
    assert [s["kind"] for s in page.evaluate(PLAN)["plan"]["shifts"]] == ["night"]


def test_a_pause_means_nothing_comes_until_it_ends(jade, screenshot):
    page = jade
    app = TendApp(page).open("/reminders")
    checkins = section(page, "Check-in reminders")
    checkins.get_by_role("button", name="Add a time").click()
    checkins.get_by_label("Time 1", exact=True).fill("19:30")
    checkins.get_by_role("button", name="Save check-in reminders").click()
    expect(said(checkins)).to_have_text("Saved.")
    tomorrow = day_words(today() + timedelta(days=1))
    expect(coming_up(page).filter(has_text=f"{tomorrow}, 19:30 — check-in")).to_have_count(1)

    # Supervision the day after tomorrow at ten: a reminder the day before.
    supervision = section(page, "Supervision")
    meeting = today() + timedelta(days=2)
    supervision.get_by_label("Your next supervision").fill(f"{meeting}T10:00")
    expect(supervision.get_by_role("radio", name="The day before")).to_be_checked()
    supervision.get_by_role("button", name="Save supervision").click()
    expect(said(supervision)).to_have_text("Saved.")
    expect(
        coming_up(page).filter(has_text=f"{tomorrow}, 10:00 — supervision coming up")
    ).to_have_count(1)

    # A few days away: nothing at all until the end of the third day.
    back = today() + timedelta(days=3)
    quiet = section(page, "Quiet times")
    quiet.get_by_label("Pause all reminders until… (optional)").fill(back.isoformat())
    quiet.get_by_role("button", name="Save quiet times").click()
    expect(said(quiet)).to_have_text("Saved.")
    until = f"{back:%A} {back.day} {back:%B}"
    expect(section(page, "Coming up")).to_contain_text(
        f"Paused until the end of {until}. Nothing will come before then."
    )
    expect(coming_up(page)).to_have_count(0)
    expect(quiet.get_by_text(f"Paused until the end of {until}.")).to_be_visible()
    assert page.evaluate(PLAN)["plan"]["settings"]["paused_until"] == back.isoformat()
    looks_right(page, screenshot, "paused")

    # While paused, asking Tend to check in later says plainly that it won't.
    app.open("/checkin")
    page.get_by_text("Something difficult happened").click()
    page.get_by_role("button", name="Save check-in").click()
    page.get_by_role("button", name="Check in with me tomorrow and in 3 days").click()
    expect(page.get_by_text("Your reminders are paused just now")).to_be_focused()
    app.open("/reminders")

    # Back sooner than planned.
    quiet.get_by_role("button", name="Start again now").click()
    expect(said(quiet)).to_have_text("Reminders are on again.")
    expect(quiet.get_by_label("Pause all reminders until… (optional)")).to_have_value("")
    expect(coming_up(page).filter(has_text=f"{tomorrow}, 19:30 — check-in")).to_have_count(1)
    expect(coming_up(page).filter(has_text="supervision coming up")).to_have_count(1)
    app.open("/reminders")
    expect(quiet.get_by_role("button", name="Start again now")).to_have_count(0)


def test_after_a_difficult_check_in_tend_can_check_in_later(jade, screenshot, page_errors):
    page = jade
    app = TendApp(page).open("/checkin")

    def difficult_check_in() -> Locator:
        page.get_by_role("group", name="Stress").get_by_role(
            "radio", name="High", exact=True
        ).click()
        page.get_by_text("Something difficult happened").click()
        page.get_by_role("button", name="Save check-in").click()
        expect(app.heading).to_have_text("Thank you for checking in")
        return page.get_by_role("region", name="Something difficult happened")

    card = difficult_check_in()
    expect(card.get_by_role("link", name="Get support now")).to_be_visible()
    screenshot(page, "reminders-follow-up-offer")
    card.get_by_role("button", name="Check in with me tomorrow and in 3 days").click()
    done = card.get_by_text("Done. Tend will check in gently tomorrow and in 3 days.")
    expect(done).to_be_focused()
    # No phone has reminders on yet: she is told where to turn them on.
    expect(done).to_contain_text("To get them, turn reminders on in Reminders.")
    screenshot(page, "reminders-follow-up-offered")
    assert serious_violations(page) == []

    # They are in Reminders, in words, and she can cancel one.
    done.get_by_role("link", name="Reminders").click()
    expect(app.heading).to_have_text("Reminders")
    follow_ups = coming_up(page).filter(has_text="gentle follow-up")
    expect(follow_ups).to_have_count(2)
    expect(follow_ups.first).to_contain_text(re.compile(r"^Tomorrow, \d\d:\d\d — gentle follow-up"))
    in_three = day_words(today() + timedelta(days=3))
    expect(follow_ups.nth(1)).to_contain_text(re.compile(rf"^{in_three}, \d\d:\d\d — gentle"))
    looks_right(page, screenshot, "follow-ups")
    follow_ups.first.get_by_role(
        "button", name=re.compile("^Cancel the follow-up: Tomorrow")
    ).click()
    expect(said(section(page, "Coming up"))).to_have_text("Cancelled. That follow-up won't come.")
    expect(follow_ups).to_have_count(1)

    # Without signal, the check-in still saves; the follow-ups wait for a connection.
    app.wait_until_ready_offline()
    page.get_by_role("link", name="Tend", exact=True).click()
    page.get_by_role("link", name="Check in: how are you right now?").click()
    page.context.set_offline(True)
    card = difficult_check_in()
    ask = card.get_by_role("button", name="Check in with me tomorrow and in 3 days")
    ask.click()
    expect(said(card, "alert")).to_have_text(
        "You're offline just now. You can set this up when you're back online."
    )
    page.context.set_offline(False)
    ask.click()
    expect(card.get_by_text("Done. Tend will check in gently")).to_be_focused()
    # Tomorrow's comes back (she cancelled it); the one in 3 days was still waiting.
    assert [i["kind"] for i in page.evaluate(PLAN)["upcoming"]].count("follow-up") == 2
    assert [e for e in page_errors if "ERR_INTERNET_DISCONNECTED" not in e] == []


def test_without_a_connection_the_page_says_so_calmly(jade, screenshot):
    page = jade
    app = TendApp(page).open("/reminders")
    expect(app.heading).to_have_text("Reminders")
    app.wait_until_ready_offline()
    page.context.set_offline(True)
    for opened in ("by a link", "afresh"):
        if opened == "by a link":
            page.get_by_role("link", name="Tend", exact=True).click()
            page.get_by_role("link", name=re.compile("^Reminders")).click()
        else:
            page.reload()
        expect(app.heading).to_have_text("Reminders")
        expect(page.get_by_text("This page opens when you're back online.")).to_be_visible()
        expect(page.get_by_role("button")).to_have_count(0)  # nothing to press that can't work
    looks_right(page, screenshot, "offline")
    app.open("/reminders/shifts")
    expect(app.heading).to_have_text("Your shifts")
    expect(page.get_by_text("This page opens when you're back online.")).to_be_visible()
    page.context.set_offline(False)
    # Nothing about reminders is kept on the phone.
    stored = page.evaluate(
        """async () => {
            const names = (await indexedDB.databases()).map((d) => d.name);
            return {names, local: Object.keys(localStorage), session: Object.keys(sessionStorage)};
        }"""
    )
    assert not any("remind" in str(name).lower() for name in stored["names"])
    assert not any("remind" in key.lower() for key in stored["local"] + stored["session"])


def test_a_section_can_be_reached_and_saved_with_the_keyboard_alone(jade):
    page = jade
    app = TendApp(page).open("/reminders")
    app.heading.focus()

    def tab_to(locator: Locator, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if locator.evaluate("(element) => element === document.activeElement"):
                return
        raise AssertionError(f"Tab never reached {locator}")

    quiet = section(page, "Quiet times")
    never = quiet.get_by_role("checkbox", name="Never during a shift")
    tab_to(never)
    page.keyboard.press("Space")
    expect(never).not_to_be_checked()
    save = quiet.get_by_role("button", name="Save quiet times")
    tab_to(save)
    page.keyboard.press("Enter")
    expect(said(quiet)).to_have_text("Saved.")
    expect(save).to_be_focused()
    assert page.evaluate(PLAN)["plan"]["settings"]["never_during_shift"] is False

    # The lock-screen wording: into the group, on to "Named" and its preview, then save.
    wording = section(page, "How they read")
    tab_to(wording.get_by_role("radio", name="Discreet"))
    page.keyboard.press("ArrowRight")
    expect(wording.get_by_role("radio", name="Named")).to_be_checked()
    expect(wording).to_contain_text("How are you doing? A 30-second check-in is here")
    tab_to(wording.get_by_role("button", name="Save how they read"))
    page.keyboard.press("Enter")
    expect(said(wording)).to_have_text("Saved.")
    assert page.evaluate(PLAN)["plan"]["settings"]["wording"] == "named"


def test_times_follow_her_time_zone_and_she_can_move_them_to_this_phones(jade, screenshot):
    page = jade
    app = TendApp(page).open("/reminders")
    # Saved while she was away in Tokyo (through the API, as another phone would).
    page.evaluate(
        """async (root) => {
            const reminders = await import(`${root}/js/reminders.js`);
            const {plan} = await reminders.loadReminders();
            await reminders.saveSettings({...plan.settings, time_zone: 'Asia/Tokyo',
                                          checkin_times: ['19:30']});
        }""",
        asset_root(page),
    )
    app.open("/reminders")
    expect(page.get_by_text("Times here are in Tokyo time.")).to_contain_text(
        "This phone is set to UK time."
    )
    # Her check-in is at 19:30 on Tokyo's clock, and shown so.
    expect(coming_up(page).filter(has_text="19:30 — check-in").first).to_be_visible()
    looks_right(page, screenshot, "other-zone")
    page.get_by_role("button", name="Use this phone's time (UK time)").click()
    expect(page.get_by_text("Saved. Times are now in UK time.")).to_be_visible()
    expect(page.get_by_text("Times here are in UK time.")).to_be_focused()
    expect(page.get_by_role("button", name=re.compile("this phone's time zone"))).to_have_count(0)
    assert page.evaluate(PLAN)["plan"]["settings"]["time_zone"] == "Europe/London"
    tomorrow = day_words(today() + timedelta(days=1))
    expect(coming_up(page).filter(has_text=f"{tomorrow}, 19:30 — check-in")).to_have_count(1)

    # Reminders are in Settings too.
    app.open("/settings")
    page.get_by_role("region", name="Reminders").get_by_role("link", name="Your reminders").click()
    expect(app.heading).to_have_text("Reminders")


def test_any_day_she_can_ask_tend_to_check_in_tomorrow(jade, screenshot):
    """Not only after a hard day: so a follow-up waiting on the server says nothing of why."""
    page = jade
    TendApp(page).open("/reminders")
    coming = section(page, "Coming up")
    coming.get_by_role("button", name="Check in with me tomorrow").click()
    expect(said(coming)).to_have_text("Done. Tend will check in gently tomorrow.")
    expect(coming_up(page)).to_have_count(1)
    expect(coming_up(page).first).to_contain_text("— gentle follow-up")
    expect(coming_up(page).first).to_contain_text(re.compile(r"^(Tomorrow|\w+day \d+ \w+), "))
    looks_right(page, screenshot, "follow-up-asked")
