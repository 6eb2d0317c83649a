"""`tend export-org`: the organisation's configuration, and nobody's personal data."""

from __future__ import annotations

import json

from tests.server.accounts.helpers import set_up, team_id
from tests.server.ownership.seed import seed_worker
from tests.server.test_cli import tend


def env_of(app) -> dict[str, str]:
    settings = app.state.settings
    return {
        "TEND_DATABASE_URL": settings.database.url,
        "TEND_DATA_DIR": str(settings.paths.data_dir),
    }


async def configure(admin) -> None:
    oak = await team_id(admin, "Oak House")
    for body in (
        {"name": "Employee assistance", "phone": "0800 123 4567", "hours": "Any time"},
        {"name": "Oak House on-call", "phone": "07700 900123", "team_ids": [oak]},
    ):
        response = await admin.post("/api/admin/support-resources", json=body)
        assert response.status_code == 201, response.text
    kept = await admin.post(
        "/api/admin/library/prompts", json={"moment": "after-shift", "text": "What went well?"}
    )
    retired = await admin.post(
        "/api/admin/library/prompts", json={"moment": "day-off", "text": "What rested you?"}
    )
    assert kept.status_code == retired.status_code == 201
    assert (
        await admin.post(f"/api/admin/library/prompts/{retired.json()['id']}/retire")
    ).status_code == 200
    steady = await admin.post("/api/admin/library/feelings", json={"word": "steady"})
    assert steady.status_code == 201
    old = await admin.post("/api/admin/library/feelings", json={"word": "frazzled"})
    assert (
        await admin.post(f"/api/admin/library/feelings/{old.json()['id']}/retire")
    ).status_code == 200


async def test_the_configuration_and_nothing_personal(app, admin, supervisor, worker, tmp_path):
    await configure(admin)
    await seed_worker(app, worker, supervisor, "Pellimore")
    await set_up(app, organisation="Bay Trust", teams=("Harbour Row",), email="bo@bay.example")
    people = [admin, supervisor, worker]

    result = tend("export-org", **env_of(app))

    assert result.returncode == 0, result.stderr
    exported = json.loads(result.stdout)
    assert exported["format"] == "tend-organisation"
    assert exported["version"] == 1
    assert [o["name"] for o in exported["organisations"]] == ["Bay Trust", "Harbour Care"]
    harbour = exported["organisations"][1]
    assert harbour["teams"] == [{"name": "Elm Lodge"}, {"name": "Oak House"}]
    assert [(r["name"], r["teams"]) for r in harbour["support_resources"]] == [
        ("Employee assistance", []),
        ("Oak House on-call", ["Oak House"]),
    ]
    assert harbour["support_resources"][0]["phone"] == "0800 123 4567"
    assert {(p["text"], p["retired"]) for p in harbour["prompts"]} == {
        ("What went well?", False),
        ("What rested you?", True),
    }
    assert {(f["word"], f["retired"]) for f in harbour["feelings"]} == {
        ("steady", False),
        ("frazzled", True),
    }
    for person in people:
        for trace in (person.me["id"], person.me["email"], person.me["display_name"]):
            assert trace not in result.stdout, trace
    for private in ("Pellimore", "bo@bay.example", "Priya", "Claire", "Jade", "@example.org"):
        assert private not in result.stdout, private

    # One organisation, into a file.
    out = tmp_path / "harbour.json"
    one = tend("export-org", "--organisation", "Harbour Care", "--output", str(out), **env_of(app))
    assert one.returncode == 0, one.stderr
    assert one.stdout == ""
    assert [o["name"] for o in json.loads(out.read_text())["organisations"]] == ["Harbour Care"]


async def test_an_unknown_organisation_is_named_clearly(app, admin):
    result = tend("export-org", "--organisation", "Nowhere", **env_of(app))
    assert result.returncode == 2
    assert "no organisation called 'Nowhere' (organisations: 'Harbour Care')" in result.stderr
    assert "Traceback" not in result.stderr
