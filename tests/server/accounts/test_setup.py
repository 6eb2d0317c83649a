"""First run: the one-time set-up link."""

from __future__ import annotations

from server.accounts.tables import Person
from server.org.setup import new_setup_link
from server.org.tables import Organisation, Team
from tests.server.accounts.helpers import Browser, Keys


async def _setup_body(token: str, keys: Keys, **overrides) -> dict:
    return {
        "token": token,
        "organisation_name": "Harbour Care",
        "teams": ["Oak House", "  Elm   Lodge ", "Oak House", "   "],
        "account": keys.account("Priya", "Priya@Example.org"),
        **overrides,
    }


async def test_the_link_creates_the_organisation_its_teams_and_the_first_admin(app, client):
    token = (await new_setup_link("http://127.0.0.1:8000")).split("#")[1]
    priya = Browser(app)
    assert (await priya.post("/api/setup/check", json={"token": token})).status_code == 200
    response = await priya.post("/api/setup", json=await _setup_body(token, priya.keys))
    assert response.status_code == 201
    body = priya.signed_in(response)
    assert body["me"]["roles"] == ["worker", "admin"]
    assert body["me"]["email"] == "priya@example.org"
    assert body["keys"]["wrapped_data_key"] == priya.keys.wrapped_data_key
    teams = await Team.select(Team.name).order_by(Team.name)
    assert [t["name"] for t in teams] == ["Elm Lodge", "Oak House"]
    assert (await priya.get("/api/admin/organisation")).json()["name"] == "Harbour Care"


async def test_the_link_works_once(app, client):
    token = (await new_setup_link("http://127.0.0.1:8000")).split("#")[1]
    first = Browser(app)
    assert (await first.post("/api/setup", json=await _setup_body(token, first.keys))).is_success
    second = Browser(app)
    response = await second.post("/api/setup", json=await _setup_body(token, second.keys))
    assert response.status_code == 410
    assert response.json()["code"] == "setup_link_invalid"
    assert "tend setup-link" in response.json()["message"]
    assert await Organisation.count() == 1


async def test_a_new_link_replaces_the_old_and_unknown_links_fail(app, client):
    old = (await new_setup_link("http://127.0.0.1:8000")).split("#")[1]
    await new_setup_link("http://127.0.0.1:8000")
    browser = Browser(app)
    for token in (old, "x" * 43):
        response = await browser.post("/api/setup/check", json={"token": token})
        assert response.status_code == 410
    assert await Organisation.count() == 0


async def test_a_failed_setup_leaves_nothing_behind_and_the_link_still_works(app, client):
    token = (await new_setup_link("http://127.0.0.1:8000")).split("#")[1]
    browser = Browser(app)
    bad = await _setup_body(token, browser.keys, organisation_name="   ")
    response = await browser.post("/api/setup", json=bad)
    assert response.status_code == 422
    assert await Organisation.count() == 0
    assert await Person.count() == 0
    good = await browser.post("/api/setup", json=await _setup_body(token, browser.keys))
    assert good.status_code == 201


async def test_bad_setup_input_is_a_clear_422(app, client):
    token = (await new_setup_link("http://127.0.0.1:8000")).split("#")[1]
    browser = Browser(app)
    body = await _setup_body(token, browser.keys, organisation_name="x" * 121)
    response = await browser.post("/api/setup", json=body)
    assert response.status_code == 422
    assert response.json()["details"][0]["field"].endswith("organisation_name")
    weak = await _setup_body(token, browser.keys)
    weak["account"]["password"]["iterations"] = 1000
    response = await browser.post("/api/setup", json=weak)
    assert response.status_code == 422
    assert await Organisation.count() == 0


async def test_only_wrong_set_up_links_count_against_the_address(app, client):
    """Opening a good set-up link again and again (a reload, a second tab) never locks
    anyone out; wrong links from the same address are still stopped after 30."""
    token = (await new_setup_link("http://127.0.0.1:8000")).split("#")[1]
    priya = Browser(app)
    for _ in range(35):
        assert (await priya.post("/api/setup/check", json={"token": token})).status_code == 200
    assert (await priya.post("/api/setup", json=await _setup_body(token, priya.keys))).is_success
    answers = [
        (await priya.post("/api/setup/check", json={"token": f"{i:0>43}"})).status_code
        for i in range(31)
    ]
    assert answers[-1] == 429
    assert 429 not in answers[:-1]
