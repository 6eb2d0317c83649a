"""Priya, the wellbeing lead, looks after her organisation from the admin screen on her phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from uuid import uuid4

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.accounts import create_organisation, join_by_link
from tests.browser.axe import serious_violations
from tests.browser.conftest import ARTIFACTS
from tests.browser.pages import TendApp

pytestmark = pytest.mark.browser

PRIVACY = (
    "Admins can change what someone can do in Tend. No one at your organisation — admins "
    "included — can read, reset or recover anyone's private notes."
)


def said(region, role: str = "status"):
    """The live region of that role in `region` which has something to say (a notice keeps
    an empty polite and an empty assertive region ready, so that both are announced)."""
    return region.get_by_role(role).filter(has_text=re.compile(r"\S"))


def unique_email(name: str) -> str:
    return f"{name}-{uuid4().hex[:12]}@example.org"


class AdminScreen:
    """The admin screen, by what a person sees."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def open(self) -> AdminScreen:
        TendApp(self.page).open("/admin")
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Admin")
        return self

    def section(self, name: str) -> Locator:
        return self.page.get_by_role("region", name=name, exact=True)

    @property
    def invite(self) -> Locator:
        return self.section("Invite someone")

    def invitation(self, heading: str) -> Locator:
        return (
            self.section("Invitations")
            .get_by_role("listitem")
            .filter(has=self.page.get_by_role("heading", name=heading, exact=True))
        )

    def person(self, name: str) -> Locator:
        return (
            self.section("People")
            .get_by_role("listitem")
            .filter(has=self.page.get_by_role("heading", name=name, exact=True))
        )

    def create_invitation(
        self, *, roles: set[str], team: str, label: str, supervisors: tuple[str, ...] = ()
    ) -> str:
        """Fill in "Invite someone", create it, and return the link shown once."""
        form = self.invite
        for role in ("Team member", "Supervisor", "Admin"):
            form.get_by_label(role, exact=True).set_checked(role in roles)
        form.get_by_label("Team", exact=True).select_option(label=team)
        for name in supervisors:
            form.get_by_role("group", name="Supervisors (optional)").get_by_label(name).check()
        form.get_by_label("Who is it for? (only admins see this)").fill(label)
        form.get_by_role("button", name="Create invitation").click()
        ready = form.get_by_role("heading", name="Your invitation is ready")
        expect(ready).to_be_focused()
        link = form.get_by_role("textbox", name="Invitation link")
        expect(link).to_have_value(re.compile(r"/join#[A-Za-z0-9_-]{20,}$"))
        return link.input_value()


def shot(name: str) -> str:
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    return str(path)


def in_both_schemes(page: Page, take: Callable[[str], object]) -> None:
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        take(scheme)
    page.emulate_media(color_scheme="light")


def signed_in(page: Page) -> bool:
    """Whether the server still counts this browser as signed in (a closed session is
    a 401, or a 200 naming nobody)."""
    return page.evaluate(
        """async () => {
            const response = await fetch('/api/session');
            if (!response.ok) return false;
            return Boolean((await response.json()).me);
        }"""
    )


def test_priya_invites_people_changes_what_they_can_do_and_reads_the_log(
    page, phone, live_server, screenshot, page_errors
):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    create_organisation(page, live_server, email=unique_email("priya"))
    admin = AdminScreen(page).open()
    expect(page.get_by_text(PRIVACY)).to_be_visible()

    # The sections are one tap away from the top of the page.
    page.get_by_role("navigation", name="On this page").get_by_role("link", name="People").click()
    expect(page).to_have_url(re.compile(r"/admin#people$"))
    expect(page.get_by_role("heading", level=2, name="People")).to_be_in_viewport()

    # At least one role is needed.
    for role in ("Team member", "Supervisor", "Admin"):
        admin.invite.get_by_label(role, exact=True).uncheck()
    admin.invite.get_by_role("button", name="Create invitation").click()
    expect(admin.invite.get_by_text("Please choose at least one.")).to_be_visible()
    expect(admin.invite.get_by_label("Team member", exact=True)).to_be_focused()

    # A supervisor first, who joins on her own phone.
    claire_link = admin.create_invitation(
        roles={"Team member", "Supervisor"}, team="Oak House", label="Claire"
    )
    claire_page = phone()
    join_by_link(claire_page, claire_link, name="Claire Moss", email=unique_email("claire"))

    # Now Jade, a worker at Oak House whom Claire will supervise.
    admin.open()
    jade_old_link = admin.create_invitation(
        roles={"Team member"}, team="Oak House", label="Jade", supervisors=("Claire Moss",)
    )
    invite = admin.invite
    expect(
        invite.get_by_text(re.compile(r"It works once, until \d{1,2} \w+ \d{4},? (at )?\d\d:\d\d"))
    ).to_be_visible()
    qr = invite.get_by_role("img", name="QR code for the invitation link")
    expect(qr).to_be_visible()
    assert qr.evaluate("async (img) => { await img.decode(); return img.naturalWidth; }") > 0
    invite.get_by_role("button", name="Copy link").click()
    expect(said(invite, "status")).to_contain_text("Link copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == jade_old_link
    assert serious_violations(page) == []
    in_both_schemes(page, lambda scheme: invite.screenshot(path=shot(f"admin-invite-{scheme}")))

    # And Sam, who after all won't be joining.
    admin.create_invitation(roles={"Team member"}, team="Elm Lodge", label="Sam")

    invitations = admin.section("Invitations")
    expect(admin.invitation("Claire")).to_contain_text("Used")
    expect(admin.invitation("Jade")).to_contain_text("Waiting to be used")
    expect(admin.invitation("Jade")).to_contain_text(
        "Team member in Oak House. Supervisor: Claire Moss."
    )

    sam = admin.invitation("Sam")
    sam.get_by_role("button", name="Withdraw").click()
    expect(sam.get_by_role("group", name="Withdraw this invitation?")).to_be_visible()
    expect(sam.get_by_role("button", name="Keep it")).to_be_focused()
    sam.get_by_role("button", name="Yes, withdraw it").click()
    expect(said(sam, "status")).to_have_text("Invitation withdrawn. Its link no longer works.")
    expect(sam).to_contain_text("Withdrawn")
    expect(sam.get_by_role("button", name="Withdraw")).to_have_count(0)
    expect(sam.get_by_role("button", name="Send a new link")).to_have_count(0)

    # Jade lost the first link: a new one replaces it.
    jade = admin.invitation("Jade")
    jade.get_by_role("button", name="Send a new link").click()
    jade.get_by_role("button", name="Yes, send a new link").click()
    expect(jade.get_by_role("heading", name="Here is the new link")).to_be_focused()
    expect(jade).to_contain_text("The link you sent before no longer works.")
    expect(jade.get_by_role("img", name="QR code for the invitation link")).to_be_visible()
    in_both_schemes(page, lambda scheme: jade.screenshot(path=shot(f"admin-new-link-{scheme}")))
    jade_link = jade.get_by_role("textbox", name="Invitation link").input_value()
    assert jade_link != jade_old_link
    expect(jade.get_by_role("button", name="Withdraw")).to_be_visible()
    old_token = jade_old_link.split("#", 1)[1]
    old = page.request.post("/api/invitations/preview", data={"token": old_token})
    assert old.status == 404, "the first link no longer works"

    jade_page = phone()
    join_by_link(jade_page, jade_link, name="Jade Okafor", email=unique_email("jade"))
    assert signed_in(jade_page)

    # Everyone is listed with what they can do, their team and supervisors.
    admin.open()
    expect(admin.invitation("Jade")).to_contain_text("Used")
    priya = admin.person("Priya Shah (you)")
    expect(priya).to_contain_text("Team member and admin")
    claire = admin.person("Claire Moss")
    expect(claire).to_contain_text("Team member and supervisor")
    expect(claire).to_contain_text("Team: Oak House")
    jade = admin.person("Jade Okafor")
    expect(jade).to_contain_text("Team member")
    expect(jade).to_contain_text("Team: Oak House")
    expect(jade).to_contain_text("Supervisor: Claire Moss")

    # Jade moves to Elm Lodge and starts supervising too (the keyboard opens the form).
    jade.get_by_text("Edit Jade Okafor").focus()
    page.keyboard.press("Enter")
    jade.get_by_label("Supervisor", exact=True).check()
    jade.get_by_label("Team", exact=True).select_option(label="Elm Lodge")
    jade.get_by_role("button", name="Save changes").click()
    expect(said(jade, "status")).to_have_text("Changes saved for Jade Okafor.")
    expect(jade).to_contain_text("Team member and supervisor")
    expect(jade).to_contain_text("Team: Elm Lodge")
    expect(jade.get_by_role("button", name="Save changes")).to_be_hidden()

    # Teams: one added, one renamed.
    teams = admin.section("Teams")
    teams.get_by_label("Add a team").fill("Willow Court")
    teams.get_by_role("button", name="Add team").click()
    expect(teams.get_by_role("heading", name="Willow Court")).to_be_visible()
    teams.get_by_role("button", name="Rename Elm Lodge").click()
    expect(teams.get_by_role("button", name="Rename Elm Lodge")).to_have_attribute(
        "aria-expanded", "true"
    )
    teams.get_by_label("New name for Elm Lodge").fill("Elm Lodge Cottage")
    teams.get_by_role("button", name="Save name").click()
    expect(teams.get_by_role("heading", name="Elm Lodge Cottage")).to_be_visible()
    expect(teams.get_by_text("Renamed to Elm Lodge Cottage.")).to_be_visible()
    expect(jade).to_contain_text("Team: Elm Lodge Cottage")

    # Closing Jade's account ends her open session at once.
    jade.get_by_text("Edit Jade Okafor").click()
    jade.get_by_role("button", name="Close account").click()
    ask = jade.get_by_role("group", name="Close Jade Okafor's account?")
    expect(ask).to_contain_text("Their sessions end at once")
    in_both_schemes(page, lambda scheme: jade.screenshot(path=shot(f"admin-close-{scheme}")))
    jade.get_by_role("button", name="Yes, close it").click()
    expect(said(jade, "status")).to_have_text(
        "Jade Okafor's account is closed. They've been signed out everywhere."
    )
    expect(jade).to_contain_text("Account closed")
    assert not signed_in(jade_page), "her open session ended at once"
    assert signed_in(claire_page)

    # The security log tells the story in plain words.
    log = admin.section("Security log")
    for sentence in (
        "You set up Tend for Harbour Care",
        "You created an invitation for Claire",
        "Claire Moss joined Tend with an invitation",
        "You withdrew the invitation for Sam",
        "You sent a new invitation link for Jade",
        "Jade Okafor joined Tend with an invitation",
        "You made Jade Okafor a team member and supervisor",
        "You changed Jade Okafor's team",
        "You closed Jade Okafor's account",
    ):
        expect(log.get_by_text(sentence, exact=True)).to_be_visible()
    expect(log.get_by_role("listitem").first).to_contain_text("You closed Jade Okafor's account")
    expect(log.get_by_role("button", name="Show older events")).to_be_hidden()
    expect(log.get_by_role("listitem").first).to_contain_text(re.compile(r"Chrome on \w+ — \d"))

    # With forms open: accessible, and calm in light and dark at 360 by 740.
    claire.get_by_text("Edit Claire Moss").click()
    teams.get_by_role("button", name="Rename Oak House").click()
    invitations.scroll_into_view_if_needed()
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "no sideways scrolling"

    def pictures(scheme: str) -> None:
        screenshot(page, f"admin-{scheme}")
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=shot(f"admin-top-{scheme}"))

    in_both_schemes(page, pictures)
    assert serious_violations(page) == []
    assert page_errors == []


def test_what_cannot_be_done_is_explained_in_plain_words(page, live_server, page_errors):
    create_organisation(page, live_server, email=unique_email("priya"))
    admin = AdminScreen(page).open()

    # The last admin can't stop being one.
    me = admin.person("Priya Shah (you)")
    me.get_by_text("Edit Priya Shah").click()
    me.get_by_label("Admin", exact=True).uncheck()
    me.get_by_role("button", name="Save changes").click()
    expect(said(me, "alert")).to_have_text(
        "Someone else must be an admin before this person stops being one."
    )
    expect(me.get_by_role("button", name="Close account")).to_have_count(0)
    expect(me).to_contain_text("You can't close or delete your own account here.")

    # Two teams can't share a name.
    teams = admin.section("Teams")
    teams.get_by_label("Add a team").fill("Oak House")
    teams.get_by_role("button", name="Add team").click()
    expect(teams.get_by_text("There is already a team with that name.")).to_be_visible()
    expect(teams.get_by_label("Add a team")).to_be_focused()

    # Without a connection, nothing pretends to have worked.
    page.context.set_offline(True)
    admin.invite.get_by_role("button", name="Create invitation").click()
    expect(said(admin.invite, "alert")).to_have_text(
        "Tend can't reach the server just now. Check your connection and try again."
    )
    page.context.set_offline(False)
    # The browser logs each refused or unsent request itself; nothing else went wrong.
    assert [e for e in page_errors if not e.startswith("Failed to load resource")] == []
