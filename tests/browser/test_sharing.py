"""Sharing with a supervisor, end to end, with three people on three devices: Jade shares
after a preview, Claire sees exactly that, Jade sees that Claire looked, Jade stops, and
it is gone for Claire after a reload and through the API. Priya, the admin, sees none of it."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.accounts import (
    ACCOUNT_ID,
    asset_root,
    create_organisation,
    invite,
    join_by_link,
    supervised_worker,
)
from tests.browser.axe import serious_violations
from tests.browser.pages import TendApp

SEED = """async ({root, checkins}) => {
    const module = await import(`${root}/js/checkins.js`);
    for (const c of checkins) await module.saveCheckin(c, new Date(`${c.day}T12:00:00`));
}"""
WRITE = """async ({root, entry}) => {
    const journal = await import(`${root}/js/journal.js`);
    await journal.saveEntry(entry);
}"""
API_GET = """async (path) => {
    const response = await fetch(path);
    return {status: response.status, body: await response.text()};
}"""


def email(name: str) -> str:
    return f"{name}.{uuid.uuid4().hex[:8]}@example.org"


def two_weeks_of_checkins() -> list[dict]:
    """Fourteen days up to yesterday: calmer last week, more stressed this week."""
    today = date.today()
    days = []
    for back in range(14, 0, -1):
        this_week = back < 7
        days.append(
            {
                "day": (today - timedelta(days=back)).isoformat(),
                "stress": 4 if this_week else 2,
                "energy": 2,
                "sleep": 3,
                "context": "on-shift",
            }
        )
    return days


def card_lines(card) -> list[str]:
    """What a shared card says, without its heading or the supervisor's "Updated" line."""
    return [
        line
        for line in card.inner_text().splitlines()[1:]
        if line.strip() and not line.startswith("Updated ")
    ]


def test_share_preview_view_log_and_revoke_across_three_people(
    page, phone, live_server, screenshot, page_errors
):
    priya = page
    create_organisation(priya, live_server, email=email("priya"))
    claire = phone()
    join_by_link(
        claire, invite(priya, ["supervisor", "worker"]), name="Claire", email=email("claire")
    )
    claire_id = claire.evaluate(ACCOUNT_ID)
    jade = phone()
    join_by_link(jade, invite(priya, ["worker"], [claire_id]), name="Jade", email=email("jade"))
    jade_id = jade.evaluate(ACCOUNT_ID)
    jade.evaluate(SEED, {"root": asset_root(jade), "checkins": two_weeks_of_checkins()})
    for title, body in (
        ("After the restraint", "Sat in the car for ten minutes."),
        ("Private", "Not for anyone."),
    ):
        jade.evaluate(WRITE, {"root": asset_root(jade), "entry": {"title": title, "body": body}})

    # Jade jots down an agenda: sealed on her device until she shares it.
    app = TendApp(jade).open("/supervision")
    jade.get_by_label("Something to bring").fill("The restraint on Tuesday")
    jade.get_by_role("button", name="Add", exact=True).click()
    expect(jade.get_by_text("Added to your agenda.")).to_be_visible()
    expect(jade.get_by_role("listitem").filter(has_text="The restraint on Tuesday")).to_be_visible()

    # Nothing is shared until she says so; she previews her weekly summary first.
    TendApp(jade).open("/")
    jade.get_by_role("link", name=re.compile("^Sharing")).click()
    expect(app.heading).to_have_text("Sharing")
    with_claire = jade.get_by_role("region", name="With Claire")
    expect(with_claire.get_by_text("Not shared.")).to_have_count(3)
    preview = app.preview_weekly_summary("Claire")
    expect(preview.get_by_role("heading", name="Preview: what Claire will see")).to_be_focused()
    expect(preview).to_contain_text("checked in on 6 days")
    expect(preview).to_contain_text("Stress: high, higher than the week before")
    previewed = card_lines(preview.locator("article"))
    screenshot(jade, "sharing-preview")
    assert serious_violations(jade) == []
    keep = preview.get_by_role("checkbox", name=re.compile("^Keep it up to date"))
    expect(keep).not_to_be_checked()  # sharing again later is her choice too
    keep.check()
    preview.get_by_role("button", name="Share with Claire").click()
    expect(jade.get_by_text("Shared with Claire.")).to_be_visible()
    expect(
        with_claire.get_by_text(re.compile(r"^Shared, last updated .*kept up to date\.$"))
    ).to_be_visible()

    # Her agenda, previewed and shared too.
    with_claire.get_by_role("button", name="Preview your supervision agenda for Claire").click()
    expect(jade.get_by_role("region", name="Preview: what Claire will see")).to_contain_text(
        "The restraint on Tuesday"
    )
    jade.get_by_role("region", name="Preview: what Claire will see").get_by_role(
        "button", name="Share with Claire"
    ).click()
    expect(with_claire.get_by_text("Not shared.")).to_have_count(1)

    # One journal entry, picked from her list and previewed; the other stays hers.
    choose = with_claire.get_by_label("Choose an entry to share")
    restraint = choose.locator("option", has_text="After the restraint")
    choose.select_option(restraint.get_attribute("value"))
    with_claire.get_by_role("button", name="Preview this entry").click()
    entry_preview = jade.get_by_role("region", name="Preview: what Claire will see")
    expect(entry_preview).to_contain_text("Sat in the car for ten minutes.")
    entry_preview.get_by_role("button", name="Share with Claire").click()
    expect(jade.get_by_text("Shared with Claire.")).to_be_visible()
    expect(with_claire.get_by_text("After the restraint", exact=True)).to_be_visible()

    # …and asks to talk, this week.
    talk = jade.get_by_role("region", name="I'd like to talk")
    talk.get_by_role("radio", name="This week").check()
    talk.get_by_label("A few words, if you like (optional)").fill("About Tuesday")
    talk.get_by_role("button", name="Send").click()
    expect(jade.get_by_text("Sent. Claire will see that you'd like to talk.")).to_be_visible()
    expect(talk.get_by_text("Not seen yet.")).to_be_visible()

    # Claire: Jade first (she'd like to talk), then exactly what Jade previewed.
    app_c = TendApp(claire).open("/")
    claire.get_by_role("link", name=re.compile("^Your supervisees")).click()
    expect(app_c.heading).to_have_text("Your supervisees")
    expect(claire.get_by_text("Would like to talk: this week.", exact=False)).to_be_visible()
    claire.get_by_role("link", name="Jade").click()
    expect(app_c.heading).to_have_text("Prepare supervision with Jade")
    summary = claire.locator(
        "article", has=claire.get_by_role("heading", name="Weekly wellbeing summary")
    )
    expect(summary).to_be_visible()
    assert card_lines(summary) == previewed
    expect(claire.get_by_text("Sat in the car for ten minutes.")).to_be_visible()
    expect(claire.get_by_text("The restraint on Tuesday")).to_be_visible()
    expect(claire.get_by_text("Not for anyone.")).to_have_count(0)
    screenshot(claire, "supervisor-prepare")
    assert serious_violations(claire) == []
    claire.get_by_role("button", name="Let them know I've seen it").click()
    expect(claire.get_by_text("Jade can see that you've seen their request.")).to_be_visible()
    record = claire.get_by_role("region", name="Record a session")
    record.get_by_label("Your notes (optional)").fill("Talked about Tuesday. Follow up on sleep.")
    record.get_by_role("button", name="Record this session").click()
    expect(claire.get_by_text(re.compile("^Recorded\\. Jade will be asked"))).to_be_visible()
    claire.locator("summary", has_text="Your notes").click()
    expect(claire.get_by_text("Talked about Tuesday. Follow up on sleep.")).to_be_visible()

    # Jade: she sees that Claire looked, and that her request was seen.
    jade.reload()
    views = jade.get_by_role("region", name="Who has looked")
    expect(
        views.get_by_text(re.compile(r"^Claire saw your weekly wellbeing summary on "))
    ).to_have_count(1)
    expect(
        views.get_by_text(re.compile(r"^Claire saw your entry “.*After the restraint”"))
    ).to_have_count(1)
    expect(talk.get_by_text("Claire has seen it and will be in touch.")).to_be_visible()
    screenshot(jade, "sharing-after-view")
    assert serious_violations(jade) == []

    # She says how the session felt; Claire never sees her answers.
    TendApp(jade).open("/")
    expect(jade.get_by_text("How did supervision with Claire feel?")).to_be_visible()
    jade.get_by_role("link", name="Three quick questions, without your name").click()
    pulse = jade.get_by_role("form", name=re.compile("^Your one-to-one with Claire on "))
    for question, answer in (
        ("I felt heard", "Mostly"),
        ("It checked in on me, not only on my work", "Fully"),
        ("It was useful", "Partly"),
    ):
        pulse.get_by_role("group", name=question).get_by_role("radio", name=answer).check()
    screenshot(jade, "supervision-pulse")
    assert serious_violations(jade) == []
    pulse.get_by_role("button", name="Send my answers").click()
    expect(jade.get_by_text("Thank you. Your answers were kept without your name.")).to_be_visible()

    # A check-in today, and what she keeps up to date follows without another preview.
    TendApp(jade).open("/checkin")
    jade.get_by_role("group", name="Stress").get_by_role("radio", name="Very high").check()
    # The re-share happens in the background once synced: an update of the share she has.
    with jade.expect_response(
        lambda r: r.request.method == "PUT" and re.search(r"/api/sharing/shares/[\w-]+$", r.url)
    ) as reshared:
        jade.get_by_role("button", name=re.compile("^Save")).click()
        expect(jade.get_by_role("heading", level=1)).to_have_text("Thank you for checking in")
    assert reshared.value.ok
    claire.reload()
    expect(summary).to_contain_text("checked in on 7 days")

    # She stops sharing: gone for Claire at once, after a reload and through the API.
    TendApp(jade).open("/sharing")
    jade.get_by_role("button", name="Stop sharing this entry with Claire").click()
    expect(jade.get_by_text("Claire can no longer see that entry", exact=False)).to_be_visible()
    jade.get_by_role("button", name="Stop sharing Weekly wellbeing summary with Claire").click()
    expect(
        jade.get_by_text("Claire can no longer see your weekly wellbeing summary.")
    ).to_be_visible()
    expect(with_claire.get_by_text("Not shared.")).to_have_count(2)
    claire.reload()
    expect(app_c.heading).to_have_text("Prepare supervision with Jade")
    expect(claire.get_by_text("The restraint on Tuesday")).to_be_visible()
    expect(summary).to_have_count(0)
    expect(claire.get_by_text("Sat in the car for ten minutes.")).to_have_count(0)
    api = claire.evaluate(API_GET, f"/api/supervision/supervisees/{jade_id}")
    assert api["status"] == 200
    assert [item["kind"] for item in json.loads(api["body"])["shares"]] == ["agenda"]
    assert "Sat in the car" not in api["body"]
    assert "checkin_days" not in api["body"]
    for private in ("heard", "checked_in", "useful", "pulse"):
        assert private not in api["body"]

    # Priya, the admin, reaches none of it (her page has had no errors before she tries).
    assert page_errors == []
    for path in (f"/api/supervision/supervisees/{jade_id}", "/api/supervision/overview"):
        assert priya.evaluate(API_GET, path)["status"] == 403
    assert "About Tuesday" not in priya.evaluate(API_GET, "/api/admin/people")["body"]


def test_the_privacy_page_and_sharing_offline(page, live_server, screenshot):
    create_organisation(page, live_server, email=email("amir"), name="Amir")
    app = TendApp(page).open("/sharing")
    expect(
        page.get_by_text("You don't have a supervisor in Tend yet.", exact=False)
    ).to_be_visible()
    page.get_by_role("link", name="What each person can see of you").click()
    expect(app.heading).to_have_text("Who can see what")
    rules = page.locator(".privacy-rules")
    expect(rules.get_by_text("A journal entry you pick to share")).to_be_visible()
    expect(rules).to_contain_text("Only anonymous averages from groups of at least 5 people")
    screenshot(page, "privacy-rules")
    assert serious_violations(page) == []

    app.wait_until_ready_offline()
    page.context.set_offline(True)
    TendApp(page).open("/sharing")
    expect(page.get_by_text("Sharing needs a connection", exact=False)).to_be_visible()


def test_sharing_by_keyboard_alone(page, phone, live_server):
    """Preview, share, cancel and stop with Tab, Enter and Space only: focus lands where the
    next step is, and a screen reader hears each outcome."""
    jade, _ = supervised_worker(page, phone, live_server, email)
    jade.evaluate(SEED, {"root": asset_root(jade), "checkins": two_weeks_of_checkins()})
    TendApp(jade).open("/sharing")
    look = jade.get_by_role("button", name="Preview your recovery balance for Claire")

    def tab_to(target) -> None:
        for _ in range(40):
            if target.evaluate("(el) => el === document.activeElement"):
                return
            jade.keyboard.press("Tab")
        raise AssertionError("could not reach it with Tab")

    tab_to(look)
    jade.keyboard.press("Enter")
    heading = jade.get_by_role("heading", name="Preview: what Claire will see")
    expect(heading).to_be_focused()
    cancel = jade.get_by_role("button", name="Cancel")
    tab_to(cancel)
    jade.keyboard.press("Enter")
    expect(heading).to_have_count(0)
    expect(look).to_be_focused()

    jade.keyboard.press("Enter")
    share = jade.get_by_role("button", name="Share with Claire")
    tab_to(share)
    jade.keyboard.press("Space")
    expect(jade.get_by_role("status").filter(has_text="Shared with Claire.")).to_be_visible()
    expect(jade.get_by_role("heading", name="With Claire")).to_be_focused()

    stop = jade.get_by_role("button", name="Stop sharing Recovery balance with Claire")
    tab_to(stop)
    jade.keyboard.press("Enter")
    expect(
        jade.get_by_role("status").filter(
            has_text="Claire can no longer see your recovery balance."
        )
    ).to_be_visible()
    expect(jade.get_by_role("heading", name="With Claire")).to_be_focused()
