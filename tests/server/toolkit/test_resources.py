"""An organisation's support resources: admins add, change, order and remove them;
everyone sees those for everyone and for their own team; nothing crosses organisations;
bad input is a clear 422 that changes nothing."""

from __future__ import annotations

from server.toolkit.rules import BAD_NUMBER, BAD_WEB, MAX_RESOURCES, NO_CONTACT
from tests.server.accounts.helpers import join, set_up, team_id

RESOURCES = "/api/admin/support-resources"


def resource(name: str, **fields) -> dict:
    return {"name": name, "phone": "0800 123 4567", **fields}


async def add(admin, name: str, **fields) -> dict:
    response = await admin.post(RESOURCES, json=resource(name, **fields))
    assert response.status_code == 201, response.text
    return response.json()


async def names_seen_by(browser) -> list[str]:
    response = await browser.get("/api/toolkit")
    assert response.status_code == 200, response.text
    return [r["name"] for r in response.json()["resources"]]


async def test_an_admin_adds_changes_orders_and_removes_resources(admin, worker):
    eap = await add(
        admin,
        "Care First",
        description="Free, confidential counselling, for you and your family.",
        phone="  0800   174 319 ",
        web="https://carefirst.example/help",
        hours="24 hours, every day",
    )
    assert {k: v for k, v in eap.items() if k not in ("id", "updated_at")} == {
        "name": "Care First",
        "description": "Free, confidential counselling, for you and your family.",
        "phone": "0800 174 319",
        "text": None,
        "web": "https://carefirst.example/help",
        "hours": "24 hours, every day",
        "team_ids": [],
    }
    shout = await add(admin, "Shout", phone=None, text="85258")
    line = await add(admin, "On-call manager", phone="+44 1632 960 001")
    assert [r["name"] for r in (await admin.get(RESOURCES)).json()] == [
        "Care First",
        "Shout",
        "On-call manager",
    ]

    changed = await admin.put(
        f"{RESOURCES}/{shout['id']}", json={"name": "Shout 85258", "text": "85258"}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["name"] == "Shout 85258"
    assert changed.json()["updated_at"] > shout["updated_at"]

    order = [line["id"], eap["id"], shout["id"]]
    ordered = await admin.put(f"{RESOURCES}/order", json={"ids": order})
    assert ordered.status_code == 200, ordered.text
    assert [r["id"] for r in ordered.json()] == order
    assert await names_seen_by(worker) == ["On-call manager", "Care First", "Shout 85258"]
    # What everyone sees carries no admin detail.
    seen = (await worker.get("/api/toolkit")).json()["resources"][1]
    assert seen == {k: v for k, v in eap.items() if k not in ("team_ids", "updated_at")}

    removed = await admin.delete(f"{RESOURCES}/{eap['id']}")
    assert removed.status_code == 204
    assert await names_seen_by(worker) == ["On-call manager", "Shout 85258"]
    assert (await admin.delete(f"{RESOURCES}/{eap['id']}")).status_code == 404
    # Added after a removal: still at the end.
    await add(admin, "Samaritans", phone="116 123")
    assert await names_seen_by(worker) == ["On-call manager", "Shout 85258", "Samaritans"]

    events = [
        (e["event"], e["detail"])
        for e in (await admin.get("/api/admin/audit")).json()
        if "resource" in e["event"]
    ]
    assert events == [
        ("support_resource_added", {"name": "Samaritans"}),
        ("support_resource_removed", {"name": "Care First"}),
        ("support_resources_reordered", {}),
        ("support_resource_changed", {"name": "Shout 85258"}),
        ("support_resource_added", {"name": "On-call manager"}),
        ("support_resource_added", {"name": "Shout"}),
        ("support_resource_added", {"name": "Care First"}),
    ]


async def test_people_see_resources_for_everyone_and_for_their_own_team(
    app, admin, supervisor, worker
):
    oak, elm = await team_id(admin, "Oak House"), await team_id(admin, "Elm Lodge")
    await add(admin, "Everyone's line")
    await add(admin, "Oak House manager", team_ids=[oak])
    await add(admin, "Elm Lodge manager", team_ids=[elm])
    await add(admin, "Both homes' debrief line", team_ids=[elm, oak])
    sam = await join(app, admin, "Sam", "sam@example.org", ("worker",), "Elm Lodge")

    oak_view = ["Everyone's line", "Oak House manager", "Both homes' debrief line"]
    assert await names_seen_by(worker) == oak_view
    assert await names_seen_by(supervisor) == oak_view
    assert await names_seen_by(sam) == [
        "Everyone's line",
        "Elm Lodge manager",
        "Both homes' debrief line",
    ]
    # Priya is in no team: she sees what is for everyone, like anyone else would.
    assert await names_seen_by(admin) == ["Everyone's line"]
    moved = await admin.patch(f"/api/admin/people/{admin.me['id']}", json={"team_id": elm})
    assert moved.status_code == 200, moved.text
    assert await names_seen_by(admin) == await names_seen_by(sam)
    # The admin list shows them all, with their teams.
    listed = (await admin.get(RESOURCES)).json()
    assert [r["team_ids"] for r in listed] == [[], [oak], [elm], [elm, oak]]


async def test_what_everyone_sees_can_be_revalidated_cheaply(admin, worker):
    await add(admin, "Care First")
    first = await worker.get("/api/toolkit")
    assert first.headers["cache-control"] == "no-cache, private"
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    same = await worker.get("/api/toolkit", headers={"if-none-match": etag})
    assert same.status_code == 304
    assert same.content == b""
    assert same.headers["etag"] == etag
    listed = await worker.get("/api/toolkit", headers={"if-none-match": f'"x", {etag[2:]}'})
    assert listed.status_code == 304
    await add(admin, "Shout", phone=None, text="85258")
    changed = await worker.get("/api/toolkit", headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert [r["name"] for r in changed.json()["resources"]] == ["Care First", "Shout"]


async def test_another_organisations_resources_are_not_there(app, admin, worker):
    mine = await add(admin, "Care First")
    outsider = await set_up(
        app, organisation="Other Org", teams=("Other Team",), email="olu@other.example"
    )
    theirs = await add(outsider, "Olu's helpline")
    their_team = await team_id(outsider, "Other Team")

    url = f"{RESOURCES}/{theirs['id']}"
    assert (await admin.put(url, json=resource("Taken over"))).status_code == 404
    assert (await admin.delete(url)).status_code == 404
    for browser in (admin, worker):
        assert "Olu's helpline" not in (await browser.get("/api/toolkit")).text
    assert "Olu's helpline" not in (await admin.get(RESOURCES)).text
    # Nor can her team be chosen, nor her resource be moved into our list.
    other_team = await admin.post(RESOURCES, json=resource("Sneaky", team_ids=[their_team]))
    assert other_team.status_code == 422
    assert other_team.json()["details"][0]["field"] == "body.team_ids"
    mixed = await admin.put(f"{RESOURCES}/order", json={"ids": [theirs["id"], mine["id"]]})
    assert mixed.status_code == 409

    assert (await outsider.get(RESOURCES)).json() == [theirs]
    assert [r["name"] for r in (await admin.get(RESOURCES)).json()] == ["Care First"]


async def test_only_admins_manage_resources(app, admin, supervisor, worker):
    from tests.server.accounts.helpers import Browser

    mine = await add(admin, "Care First")
    url = f"{RESOURCES}/{mine['id']}"
    for browser, status in ((worker, 403), (supervisor, 403), (Browser(app), 401)):
        for response in (
            await browser.get(RESOURCES),
            await browser.post(RESOURCES, json=resource("Mine")),
            await browser.put(url, json=resource("Mine")),
            await browser.put(f"{RESOURCES}/order", json={"ids": [mine["id"]]}),
            await browser.delete(url),
        ):
            assert response.status_code == status, response.text
    assert (await Browser(app).get("/api/toolkit")).status_code == 401
    assert (await admin.get(RESOURCES)).json() == [mine]


BAD_RESOURCES = [
    ({"name": ""}, "body.name"),
    ({"name": "   "}, "body.name"),
    ({"name": "x" * 81}, "body.name"),
    ({"name": "Care\x00First"}, "body.name"),
    ({"name": "Care\nFirst"}, "body.name"),
    ({"description": "x" * 401}, "body.description"),
    ({"hours": "x" * 101}, "body.hours"),
    ({"phone": "12"}, "body.phone"),
    ({"phone": "0800 CALL NOW"}, "body.phone"),
    ({"phone": "1234567890123456"}, "body.phone"),
    ({"text": "text us"}, "body.text"),
    ({"web": "javascript:alert(1)"}, "body.web"),
    ({"web": " javascript:alert(1)"}, "body.web"),
    ({"web": "JAVASCRIPT:alert(1)"}, "body.web"),
    ({"web": "JaVaScRiPt:alert(1)"}, "body.web"),
    ({"web": "data:text/html,<script>alert(1)</script>"}, "body.web"),
    ({"web": "vbscript:msgbox(1)"}, "body.web"),
    ({"web": "//evil.example"}, "body.web"),
    ({"web": "https:/evil.example"}, "body.web"),
    ({"web": "ftp://files.example.org"}, "body.web"),
    ({"web": "https://user:pw@example.org"}, "body.web"),
    ({"web": "https://example.org/" + "a" * 300}, "body.web"),
    ({"phone": None}, "body.phone"),
    ({"phone": "", "text": " ", "web": ""}, "body.phone"),
    ({"team_ids": ["00000000-0000-4000-8000-000000000000"]}, "body.team_ids"),
    ({"team_ids": ["not-a-team"]}, "body.team_ids"),
    ({"colour": "red"}, "body"),
]


async def test_bad_resources_say_what_is_wrong_and_change_nothing(admin):
    kept = await add(admin, "Care First", web="https://carefirst.example")
    url = f"{RESOURCES}/{kept['id']}"
    messages = {
        "body.phone": {BAD_NUMBER, NO_CONTACT},
        "body.text": {BAD_NUMBER},
        "body.web": {BAD_WEB},
    }
    for change, field in BAD_RESOURCES:
        body = {**resource("Care First"), **change}
        for response in (await admin.post(RESOURCES, json=body), await admin.put(url, json=body)):
            assert response.status_code == 422, (change, response.text)
            error = response.json()
            assert error["code"] == "validation_error"
            assert error["details"][0]["field"].startswith(field), (change, error)
            if field in messages:
                assert error["message"] in messages[field], (change, error)
    assert (await admin.get(RESOURCES)).json() == [kept]
    events = [e["event"] for e in (await admin.get("/api/admin/audit")).json()]
    assert events.count("support_resource_added") == 1
    assert "support_resource_changed" not in events


async def test_fifty_teams_at_most(admin):
    for n in range(49):
        assert (await admin.post("/api/admin/teams", json={"name": f"Home {n}"})).status_code == 201
    teams = [t["id"] for t in (await admin.get("/api/admin/organisation")).json()["teams"]]
    assert len(teams) == 51
    too_many = await admin.post(RESOURCES, json=resource("Care First", team_ids=teams))
    assert too_many.status_code == 422
    assert too_many.json()["details"][0]["field"] == "body.team_ids"
    assert (await admin.get(RESOURCES)).json() == []
    # The same team twice counts once.
    fifty = await admin.post(RESOURCES, json=resource("Care First", team_ids=teams[:50] * 2))
    assert fifty.status_code == 201, fifty.text
    assert fifty.json()["team_ids"] == teams[:50]


async def test_an_order_that_is_out_of_date_is_refused(admin):
    ids = [(await add(admin, name))["id"] for name in ("One", "Two", "Three")]
    for wrong in (
        ids[:2],  # one was added since
        [*ids, ids[0]],
        [ids[0], ids[0], ids[1], ids[2]],
        [ids[0], ids[1], "00000000-0000-4000-8000-000000000000"],  # one was removed
        [],
    ):
        response = await admin.put(f"{RESOURCES}/order", json={"ids": wrong})
        assert response.status_code == 409, response.text
        error = response.json()
        assert error["code"] == "order_out_of_date"
        assert error["message"] == (
            "The list changed while you were moving things. Please reload and try again."
        )
    assert [r["id"] for r in (await admin.get(RESOURCES)).json()] == ids
    events = [e["event"] for e in (await admin.get("/api/admin/audit")).json()]
    assert "support_resources_reordered" not in events


async def test_thirty_resources_at_most(admin):
    for n in range(MAX_RESOURCES):
        await add(admin, f"Line {n}")
    refused = await admin.post(RESOURCES, json=resource("One too many"))
    assert refused.status_code == 409
    assert refused.json()["code"] == "too_many"
    listed = (await admin.get(RESOURCES)).json()
    assert len(listed) == MAX_RESOURCES
    await admin.delete(f"{RESOURCES}/{listed[0]['id']}")
    assert (await admin.post(RESOURCES, json=resource("Room now"))).status_code == 201
