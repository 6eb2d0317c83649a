"""Get support now: one tap from every screen, the organisation's own support first (set up
by Priya, shown only to the teams she chose), with links that can only call, text or open
a website, on a phone with no signal too."""

from __future__ import annotations

import json
import re
from uuid import uuid4

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.accounts import asset_root, create_organisation, join_by_link
from tests.browser.axe import serious_violations
from tests.browser.pages import TendApp
from tests.conftest import REPO

pytestmark = pytest.mark.browser

BAD_NUMBER = "Enter a phone number in digits, like 0800 123 4567 or +44 800 123 4567."
BAD_WEB = "Enter a full web address starting with https://, like https://example.org/help."

EAP = {
    "name": "Employee Assistance Programme",
    "description": "Free, confidential counselling for you and your family.",
    "phone": "0800 123 4567",
    "text": None,
    "web": "https://eap.example.org/help",
    "hours": "Any time, day or night",
    "team_ids": [],
}


def unique_email(name: str) -> str:
    return f"{name}-{uuid4().hex[:12]}@example.org"


def run(page: Page, body: str, arg=None):
    """Run `body` in the page with the app's own modules as api, sync and toolkit."""
    return page.evaluate(
        f"""async ({{root, arg}}) => {{
            const api = await import(`${{root}}/js/api.js`);
            const sync = await import(`${{root}}/js/sync.js`);
            const toolkit = await import(`${{root}}/js/toolkit.js`);
            {body}
        }}""",
        {"root": asset_root(page), "arg": arg},
    )


def team_ids(page: Page) -> dict[str, str]:
    teams = run(page, "return (await api.get('/api/admin/organisation')).teams;")
    return {team["name"]: team["id"] for team in teams}


def invite(page: Page, team: str | None, roles: tuple[str, ...] = ("worker",)) -> str:
    """An invitation link made by the admin signed in on `page`."""
    team_id = team_ids(page)[team] if team else None
    return run(
        page,
        "return (await api.post('/api/admin/invitations', arg)).link;",
        {"roles": list(roles), "team_id": team_id, "label": team or "someone"},
    )


def add_resource(page: Page, **fields) -> dict:
    return run(page, "return api.post('/api/admin/support-resources', arg);", {**EAP, **fields})


def sync_now(page: Page) -> None:
    assert run(page, "return (await sync.syncNow()).error;") is None


def said(region: Locator) -> Locator:
    """The polite live region in `region` that has something to say."""
    return region.get_by_role("status").filter(has_text=re.compile(r"\S"))


def header_support_link(page: Page) -> Locator:
    return page.get_by_role("banner").get_by_role("link", name="Get support", exact=True)


def organisation_support(page: Page) -> Locator:
    return page.get_by_role("region", name="Support through your work")


def resource(page: Page, name: str) -> Locator:
    return (
        organisation_support(page)
        .get_by_role("listitem")
        .filter(has=page.get_by_role("heading", name=name, exact=True))
    )


class SupportAdmin:
    """/admin/support, by what Priya sees."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def open(self) -> SupportAdmin:
        TendApp(self.page).open("/admin/support")
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Support and prompts")
        return self

    @property
    def section(self) -> Locator:
        return self.page.get_by_role("region", name="Support resources", exact=True)

    @property
    def add_form(self) -> Locator:
        return self.section.locator("form").last

    def item(self, name: str) -> Locator:
        return self.section.get_by_role("listitem").filter(
            has=self.page.get_by_role("heading", name=name, exact=True)
        )

    def names(self) -> list[str]:
        return self.section.get_by_role("list").first.get_by_role("heading").all_inner_texts()

    def fill(self, form: Locator, **values: str) -> None:
        labels = {
            "name": "Name",
            "description": "What they offer (optional)",
            "phone": "Phone number",
            "text": "Number to text",
            "web": "Website",
            "hours": "When they're available (optional)",
        }
        for key, value in values.items():
            form.get_by_label(labels[key], exact=True).fill(value)


def test_get_support_is_one_tap_from_every_screen(page, phone, live_server, page_errors):
    """Signed out, then as an admin who is also a team member: from each main screen, one
    tap on the header's "Get support" shows the support page with its heading focused."""
    app = TendApp(page).open("/")
    header_support_link(page).click()
    expect(page).to_have_url(re.compile(r"/support$"))
    expect(app.heading).to_have_text("Get support now")
    expect(app.heading).to_be_focused()
    expect(organisation_support(page)).to_be_hidden()
    expect(page.get_by_role("link", name=re.compile("^Samaritans"))).to_have_attribute(
        "href", "tel:116123"
    )

    create_organisation(page, live_server, email=unique_email("priya"))
    screens = [
        "/",
        "/checkin",
        "/journal",
        "/journal/write",
        "/trends",
        "/right-now",
        "/reminders",
        "/settings",
        "/sharing",
        "/supervision",
        "/privacy",
        "/admin",
        "/admin/support",
    ]
    for path, module in (("/plan", "plan.js"), ("/after-difficult", "after-difficult.js")):
        if (REPO / "pwa" / "js" / "views" / module).exists():
            screens.append(path)
    for path in screens:
        TendApp(page).open(path)
        expect(app.heading).not_to_have_text("Get support now")
        header_support_link(page).click()
        expect(page, f"from {path}").to_have_url(re.compile(r"/support$"))
        expect(app.heading, f"from {path}").to_have_text("Get support now")
        expect(app.heading, f"from {path}").to_be_focused()

    # A supervisor's own screen too.
    claire = phone()
    link = invite(page, "Oak House", roles=("worker", "supervisor"))
    join_by_link(claire, link, name="Claire Moss", email=unique_email("claire"))
    claire_app = TendApp(claire).open("/supervisees")
    expect(claire_app.heading).not_to_have_text("Get support now")
    header_support_link(claire).click()
    expect(claire_app.heading).to_have_text("Get support now")
    expect(claire_app.heading).to_be_focused()

    # Locked, it is still one tap away.
    TendApp(page).open("/")
    page.get_by_role("button", name="Lock now").click()
    expect(app.heading).not_to_have_text(re.compile("^Good"))
    header_support_link(page).click()
    expect(app.heading).to_have_text("Get support now")
    expect(app.heading).to_be_focused()
    assert page_errors == []


def test_a_resource_for_one_team_reaches_its_workers_and_stays_offline(
    page, phone, live_server, screenshot, page_errors
):
    create_organisation(page, live_server, email=unique_email("priya"))
    jade_link = invite(page, "Oak House")
    sam_link = invite(page, "Elm Lodge")
    jade = phone()
    join_by_link(jade, jade_link, name="Jade Okafor", email=unique_email("jade"))
    sam = phone()
    join_by_link(sam, sam_link, name="Sam Reid", email=unique_email("sam"))

    # Priya adds the EAP for everyone, then the on-call manager for Oak House only.
    admin = SupportAdmin(page).open()
    expect(admin.section).to_contain_text("None yet.")
    form = admin.add_form
    admin.fill(
        form,
        name=EAP["name"],
        description=EAP["description"],
        phone=EAP["phone"],
        web=EAP["web"],
        hours=EAP["hours"],
    )
    expect(form.get_by_text("Everyone will see it.")).to_be_visible()
    form.get_by_role("button", name="Add resource").click()
    expect(admin.item(EAP["name"])).to_contain_text("Who sees it: Everyone")
    expect(form.get_by_label("Name", exact=True)).to_have_value("")

    admin.fill(form, name="On-call manager", phone="07700 900 123", hours="Evenings")
    form.get_by_role("group", name="Who sees it").get_by_label("Oak House").check()
    expect(form.get_by_text("Only people in Oak House will see it.")).to_be_visible()
    form.get_by_role("button", name="Add resource").click()
    on_call = admin.item("On-call manager")
    expect(on_call).to_contain_text("Who sees it: Oak House")

    # …and changes it: a number to text as well, and new hours.
    on_call.get_by_role("button", name="Edit On-call manager").click()
    editing = on_call.locator("form")
    expect(editing.get_by_label("Name", exact=True)).to_be_focused()
    admin.fill(editing, text="07700 900 123", hours="Every evening, 6pm to 10pm")
    editing.get_by_role("button", name="Save changes").click()
    expect(said(on_call)).to_have_text("Saved. People will see the change after their next sync.")
    expect(on_call).to_contain_text("When: Every evening, 6pm to 10pm")
    expect(on_call.get_by_role("button", name="Edit On-call manager")).to_be_focused()

    # Jade (Oak House) syncs, then loses signal: both are there, with one-tap links.
    jade_app = TendApp(jade).open("/")
    jade_app.wait_until_ready_offline()
    sync_now(jade)
    jade.context.set_offline(True)
    jade.reload()
    expect(jade_app.offline_note).to_be_visible()
    header_support_link(jade).click()
    expect(jade_app.heading).to_be_focused()
    expect(resource(jade, EAP["name"])).to_contain_text(EAP["description"])
    expect(resource(jade, EAP["name"])).to_contain_text("When: Any time, day or night")
    call = jade.get_by_role("link", name="Call Employee Assistance Programme")
    expect(call).to_have_attribute("href", "tel:08001234567")
    website = jade.get_by_role("link", name="Website for Employee Assistance Programme")
    expect(website).to_have_attribute("href", EAP["web"])
    expect(website).to_have_attribute("rel", "noopener noreferrer")
    expect(website).to_have_attribute("target", "_blank")
    on_call_card = resource(jade, "On-call manager")
    expect(on_call_card).to_contain_text("Every evening, 6pm to 10pm")
    expect(jade.get_by_role("link", name="Call On-call manager")).to_have_attribute(
        "href", "tel:07700900123"
    )
    expect(jade.get_by_role("link", name="Text On-call manager")).to_have_attribute(
        "href", "sms:07700900123"
    )
    # Her organisation's support comes first, then the UK lines.
    headings = jade.get_by_role("heading", level=2).all_inner_texts()
    assert headings == ["Support through your work", "Helplines, free and open to anyone in the UK"]
    for link in jade.locator("main a").all():
        box = link.bounding_box()
        assert box is not None
        assert min(box["height"], box["width"]) >= 44, link.inner_text()
    assert jade.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_violations(jade) == []
    for scheme in ("light", "dark"):
        jade.emulate_media(color_scheme=scheme)
        screenshot(jade, f"support-offline-{scheme}")
    jade.context.set_offline(False)

    # Sam (Elm Lodge) sees what is for everyone, not Oak House's on-call manager.
    TendApp(sam).open("/")
    sync_now(sam)
    TendApp(sam).open("/support")
    expect(resource(sam, EAP["name"])).to_be_visible()
    expect(resource(sam, "On-call manager")).to_have_count(0)

    # Deleted: gone from Jade's phone at her next sync.
    on_call.get_by_role("button", name="Delete On-call manager").click()
    expect(on_call.get_by_role("button", name="Keep it")).to_be_focused()
    on_call.get_by_role("button", name="Yes, delete it").click()
    expect(admin.section.get_by_text("On-call manager deleted.")).to_be_visible()
    expect(admin.item("On-call manager")).to_have_count(0)
    TendApp(jade).open("/")
    sync_now(jade)
    jade.context.set_offline(True)
    TendApp(jade).open("/support")
    expect(resource(jade, EAP["name"])).to_be_visible()
    expect(resource(jade, "On-call manager")).to_have_count(0)
    jade.context.set_offline(False)
    assert [e for e in page_errors if not e.startswith("Failed to load resource")] == []


def test_signing_out_clears_the_organisations_support_from_the_device(page, live_server):
    create_organisation(page, live_server, email=unique_email("priya"))
    add_resource(page)
    TendApp(page).open("/support")
    expect(resource(page, EAP["name"])).to_be_visible()
    assert run(page, "return (await caches.keys()).includes('tend-toolkit');")
    run(page, "const session = await import(`${root}/js/session.js`); await session.signOut();")
    assert not run(page, "return (await caches.keys()).includes('tend-toolkit');")
    TendApp(page).open("/support")
    expect(page.get_by_role("link", name=re.compile("^Samaritans"))).to_be_visible()
    expect(organisation_support(page)).to_be_hidden()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "call the office", BAD_NUMBER),
        ("phone", "12", BAD_NUMBER),
        ("web", "eap.example.org", BAD_WEB),
        ("web", "javascript:alert(1)", BAD_WEB),
        ("web", "data:text/html,<script>alert(1)</script>", BAD_WEB),
    ],
)
def test_a_bad_number_or_web_address_is_refused_on_its_field(
    page, live_server, page_errors, field, value, message
):
    create_organisation(page, live_server, email=unique_email("priya"))
    admin = SupportAdmin(page).open()
    form = admin.add_form
    admin.fill(form, name="Chaplaincy", **{field: value})
    form.get_by_role("button", name="Add resource").click()
    label = {"phone": "Phone number", "web": "Website"}[field]
    box = form.get_by_label(label, exact=True)
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(box).to_be_focused()
    expect(box).to_have_accessible_description(re.compile(re.escape(message)))
    expect(form.get_by_text(message)).to_be_visible()
    expect(admin.item("Chaplaincy")).to_have_count(0)
    # Typing again clears the message.
    box.fill("")
    expect(box).not_to_have_attribute("aria-invalid", "true")
    # The server refuses it whoever asks, not only this form.
    status = run(
        page,
        """try { await api.post('/api/admin/support-resources', arg); return 201; }
           catch (error) { return [error.status, error.details.map((d) => d.field)]; }""",
        {**EAP, "phone": None, field: value},
    )
    assert status == [422, [f"body.{field}"]]
    assert [e for e in page_errors if not e.startswith("Failed to load resource")] == []


def test_links_come_only_from_checked_values_whatever_the_server_says(page, live_server):
    """Defence in depth: even if the server sent them, no javascript:, data: or other
    kind of link is ever made, and a number that is not one is left out."""
    create_organisation(page, live_server, email=unique_email("priya"))
    TendApp(page).open("/")
    hostile = {
        "resources": [
            {
                "id": str(uuid4()),
                "name": f"Resource {n}",
                "description": "",
                "phone": phone,
                "text": text,
                "web": web,
                "hours": "",
            }
            for n, (phone, text, web) in enumerate(
                [
                    ("javascript:alert(1)", "85258", "javascript:alert(1)"),
                    ("+44 (0)800 123 456", "sms:1;alert(1)", "JaVaScRiPt:alert(1)"),
                    ("111", None, "data:text/html,<script>alert(1)</script>"),
                    (None, None, " javascript:alert(document.cookie)"),
                    (None, None, "https://user:pass@example.org/"),
                    (None, None, "vbscript:msgbox(1)"),
                    (None, None, "https://help.example.org/eap"),
                ]
            )
        ],
        "prompts": [],
        "feelings": [],
    }
    page.route(
        "**/api/toolkit",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(hostile)
        ),
    )
    TendApp(page).open("/support")
    expect(resource(page, "Resource 6")).to_be_visible()
    hrefs = (
        organisation_support(page)
        .locator("a")
        .evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")
    )
    assert hrefs == [
        "sms:85258",
        "tel:+44800123456",
        "tel:111",
        "https://help.example.org/eap",
    ]
    unsafe = "a[href^='javascript' i], a[href^='data' i], a[href^='vbscript' i]"
    assert page.locator(unsafe).count() == 0
    expect(resource(page, "Resource 0")).not_to_contain_text("javascript")


def test_keyboard_only_reorder_keeps_focus_and_says_where_it_went(page, live_server, page_errors):
    create_organisation(page, live_server, email=unique_email("priya"))
    for name in ("Employee Assistance Programme", "Occupational health", "Union rep"):
        add_resource(page, name=name)
    admin = SupportAdmin(page).open()
    assert admin.names() == ["Employee Assistance Programme", "Occupational health", "Union rep"]

    first_up = admin.section.get_by_role("button", name="Move up Employee Assistance Programme")
    expect(first_up).to_have_attribute("aria-disabled", "true")
    first_up.focus()
    page.keyboard.press("Tab")
    move_down = admin.section.get_by_role("button", name="Move down Employee Assistance Programme")
    expect(move_down).to_be_focused()
    page.keyboard.press("Enter")
    expect(admin.section.get_by_role("status").filter(has_text="moved")).to_have_text(
        "Employee Assistance Programme moved down: now 2 of 3."
    )
    expect(move_down).to_be_focused()
    assert admin.names() == ["Occupational health", "Employee Assistance Programme", "Union rep"]
    page.keyboard.press("Space")
    expect(admin.section.get_by_role("status").filter(has_text="moved")).to_have_text(
        "Employee Assistance Programme moved down: now 3 of 3."
    )
    expect(move_down).to_be_focused()
    expect(move_down).to_have_attribute("aria-disabled", "true")
    page.keyboard.press("Enter")  # already last: nothing happens
    page.keyboard.press("Shift+Tab")
    move_up = admin.section.get_by_role("button", name="Move up Employee Assistance Programme")
    expect(move_up).to_be_focused()
    page.keyboard.press("Enter")
    expect(admin.section.get_by_role("status").filter(has_text="moved")).to_have_text(
        "Employee Assistance Programme moved up: now 2 of 3."
    )
    expect(move_up).to_be_focused()

    # The order is the server's now: what everyone sees, and what a fresh page shows.
    order = run(page, "return (await toolkit.refreshToolkit()).resources.map((r) => r.name);")
    assert order == ["Occupational health", "Employee Assistance Programme", "Union rep"]
    admin.open()
    assert admin.names() == order
    assert page_errors == []


def test_the_admin_page_is_accessible_and_calm_in_light_and_dark(
    page, live_server, screenshot, page_errors
):
    create_organisation(page, live_server, email=unique_email("priya"))
    add_resource(page)
    add_resource(
        page,
        name="On-call manager",
        phone="07700 900123",
        text="07700 900123",
        web=None,
        description="",
        hours="Evenings and weekends",
        team_ids=[team_ids(page)["Oak House"]],
    )
    TendApp(page).open("/admin")
    page.get_by_role("link", name=re.compile("^Support and prompts")).click()
    admin = SupportAdmin(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Support and prompts")
    expect(admin.item("On-call manager")).to_contain_text("Who sees it: Oak House")
    admin.item("On-call manager").get_by_role("button", name="Edit On-call manager").click()
    admin.fill(admin.add_form, name="Chaplaincy", web="chaplaincy")
    admin.add_form.get_by_role("button", name="Add resource").click()
    expect(admin.add_form.get_by_text(BAD_WEB)).to_be_visible()
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "no sideways scrolling"
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        screenshot(page, f"admin-support-{scheme}")
    page.emulate_media(color_scheme="light")

    TendApp(page).open("/support")
    expect(resource(page, EAP["name"])).to_be_visible()
    assert serious_violations(page) == []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        screenshot(page, f"support-{scheme}")
    assert [e for e in page_errors if not e.startswith("Failed to load resource")] == []
