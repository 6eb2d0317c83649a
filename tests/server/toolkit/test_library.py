"""An organisation's own journal prompts and feeling words: admins add, retire and restore
them; everyone gets them with the toolkit; nothing crosses organisations."""

from __future__ import annotations

from datetime import UTC, datetime

from server.toolkit.rules import MAX_FEELINGS, MAX_PROMPTS
from server.toolkit.tables import LibraryItem
from tests.server.accounts.helpers import Browser, set_up

LIBRARY = "/api/admin/library"


async def add_prompt(admin, text: str, moment: str = "after-shift") -> dict:
    response = await admin.post(f"{LIBRARY}/prompts", json={"moment": moment, "text": text})
    assert response.status_code == 201, response.text
    return response.json()


async def add_feeling(admin, word: str, status: int = 201) -> dict:
    response = await admin.post(f"{LIBRARY}/feelings", json={"word": word})
    assert response.status_code == status, response.text
    return response.json()


async def test_prompts_and_words_reach_everyone_and_retired_prompts_keep_their_words(admin, worker):
    handover = await add_prompt(admin, "  What do you want to hand over   tonight? ")
    assert handover == {
        "id": handover["id"],
        "moment": "after-shift",
        "text": "What do you want to hand over tonight?",
        "retired_at": None,
    }
    proud = await add_prompt(admin, "What are you proud of this week?", "went-well")
    steady = await add_feeling(admin, "  Steady ")
    assert steady["word"] == "steady"
    frazzled = await add_feeling(admin, "Frazzled")

    toolkit = (await worker.get("/api/toolkit")).json()
    assert toolkit["prompts"] == [
        {"id": handover["id"], "moment": "after-shift", "text": handover["text"], "retired": False},
        {"id": proud["id"], "moment": "went-well", "text": proud["text"], "retired": False},
    ]
    assert toolkit["feelings"] == [
        {"id": steady["id"], "word": "steady"},
        {"id": frazzled["id"], "word": "frazzled"},
    ]

    retired = await admin.post(f"{LIBRARY}/prompts/{handover['id']}/retire")
    assert retired.status_code == 200, retired.text
    assert retired.json()["retired_at"] is not None
    gone = await admin.post(f"{LIBRARY}/feelings/{steady['id']}/retire")
    assert gone.status_code == 200
    toolkit = (await worker.get("/api/toolkit")).json()
    # An entry written to a retired prompt still shows its words; the PWA no longer offers it.
    assert [(p["id"], p["retired"]) for p in toolkit["prompts"]] == [
        (handover["id"], True),
        (proud["id"], False),
    ]
    assert toolkit["feelings"] == [{"id": frazzled["id"], "word": "frazzled"}]

    library = (await admin.get(LIBRARY)).json()
    assert [p["id"] for p in library["prompts"]] == [proud["id"], handover["id"]]
    assert [(f["word"], f["retired_at"] is None) for f in library["feelings"]] == [
        ("frazzled", True),
        ("steady", False),
    ]
    # Retiring twice changes nothing more.
    again = await admin.post(f"{LIBRARY}/prompts/{handover['id']}/retire")
    assert again.json()["retired_at"] == retired.json()["retired_at"]

    restored = await admin.post(f"{LIBRARY}/prompts/{handover['id']}/restore")
    assert restored.status_code == 200
    assert restored.json()["retired_at"] is None
    back = await admin.post(f"{LIBRARY}/feelings/{steady['id']}/restore")
    assert back.json() == {"id": steady["id"], "word": "steady", "retired_at": None}
    assert len((await worker.get("/api/toolkit")).json()["feelings"]) == 2

    events = [
        (e["event"], e["detail"])
        for e in (await admin.get("/api/admin/audit")).json()
        if e["event"].startswith("library_item")
    ]
    assert events == [
        ("library_item_restored", {"kind": "feeling"}),
        ("library_item_restored", {"kind": "prompt"}),
        ("library_item_retired", {"kind": "feeling"}),
        ("library_item_retired", {"kind": "prompt"}),
        ("library_item_added", {"kind": "feeling"}),
        ("library_item_added", {"kind": "feeling"}),
        ("library_item_added", {"kind": "prompt"}),
        ("library_item_added", {"kind": "prompt"}),
    ]
    # The audit log never holds what was written.
    assert "proud" not in (await admin.get("/api/admin/audit")).text


async def test_a_word_already_in_the_list_is_not_added_twice(admin):
    calm = await add_feeling(admin, "Calm")
    refused = await admin.post(f"{LIBRARY}/feelings", json={"word": " CALM "})
    assert refused.status_code == 409
    assert refused.json()["code"] == "already_there"
    assert refused.json()["message"] == "\u201ccalm\u201d is already in the list."
    # A retired word comes back rather than being added again.
    await admin.post(f"{LIBRARY}/feelings/{calm['id']}/retire")
    back = await add_feeling(admin, "calm", status=200)
    assert back == {"id": calm["id"], "word": "calm", "retired_at": None}
    assert len((await admin.get(LIBRARY)).json()["feelings"]) == 1
    events = [e["event"] for e in (await admin.get("/api/admin/audit")).json()]
    assert events[:2] == ["library_item_restored", "library_item_retired"]


async def test_bad_prompts_and_words_say_what_is_wrong_and_change_nothing(admin):
    for body, field in [
        ({"moment": "after-work", "text": "What helped today?"}, "body.moment"),
        ({"moment": "after-shift", "text": "Why?"}, "body.text"),
        ({"moment": "after-shift", "text": "x" * 301}, "body.text"),
        ({"moment": "after-shift", "text": "What\x00helped?"}, "body.text"),
        ({"moment": "after-shift"}, "body"),
        ({"moment": "after-shift", "text": "What helped today?", "tone": "warm"}, "body"),
    ]:
        response = await admin.post(f"{LIBRARY}/prompts", json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["code"] == "validation_error"
        assert response.json()["details"][0]["field"] == field, response.text
    for body, field in [
        ({"word": ""}, "body.word"),
        ({"word": "calm!"}, "body.word"),
        ({"word": "<i>calm</i>"}, "body.word"),
        ({"word": "x" * 31}, "body.word"),
        ({"word": 7}, "body.word"),
        ({"word": "calm", "colour": "blue"}, "body"),
    ]:
        response = await admin.post(f"{LIBRARY}/feelings", json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["details"][0]["field"] == field, response.text
    assert (await admin.get(LIBRARY)).json() == {"prompts": [], "feelings": []}


async def fill(organisation_id: str, kind: str, count: int) -> None:
    """``count`` active items, straight into the database (the API would be slow)."""
    now = datetime.now(UTC)
    await LibraryItem.insert(
        *[
            LibraryItem(
                organisation=organisation_id,
                kind=kind,
                moment="day-off" if kind == "prompt" else None,
                text=f"Prompt number {n}" if kind == "prompt" else f"word {chr(97 + n % 26)}{n}",
                created_at=now,
            )
            for n in range(count)
        ]
    ).run()


async def test_a_hundred_prompts_and_a_hundred_words_in_use_at_most(admin):
    organisation = admin.me["organisation"]["id"]
    retired_prompt = await add_prompt(admin, "An old prompt, retired")
    await admin.post(f"{LIBRARY}/prompts/{retired_prompt['id']}/retire")
    retired_word = await add_feeling(admin, "wistful")
    await admin.post(f"{LIBRARY}/feelings/{retired_word['id']}/retire")
    await fill(organisation, "prompt", MAX_PROMPTS)
    await fill(organisation, "feeling", MAX_FEELINGS - 1)
    # Fillers' words have digits in them, which the API refuses: only count matters here.
    await add_feeling(admin, "content")

    full = await admin.post(f"{LIBRARY}/prompts", json={"moment": "day-off", "text": "One more?"})
    assert full.status_code == 409
    assert full.json()["code"] == "too_many"
    assert (await admin.post(f"{LIBRARY}/feelings", json={"word": "hopeful"})).status_code == 409
    for kind, item in (("prompts", retired_prompt), ("feelings", retired_word)):
        refused = await admin.post(f"{LIBRARY}/{kind}/{item['id']}/restore")
        assert refused.status_code == 409
        assert refused.json()["code"] == "too_many"
    # Bringing a retired word back by adding it needs room too.
    assert (await admin.post(f"{LIBRARY}/feelings", json={"word": "wistful"})).status_code == 409

    library = (await admin.get(LIBRARY)).json()
    assert sum(p["retired_at"] is None for p in library["prompts"]) == MAX_PROMPTS
    assert sum(f["retired_at"] is None for f in library["feelings"]) == MAX_FEELINGS
    a_prompt = library["prompts"][0]["id"]
    await admin.post(f"{LIBRARY}/prompts/{a_prompt}/retire")
    assert (await admin.post(f"{LIBRARY}/prompts/{retired_prompt['id']}/restore")).is_success


async def test_another_organisations_library_is_not_there(app, admin, worker):
    outsider = await set_up(
        app, organisation="Other Org", teams=("Other Team",), email="olu@other.example"
    )
    their_prompt = await add_prompt(outsider, "Olu's own prompt, private to Other Org")
    their_word = await add_feeling(outsider, "oluwistful")
    mine = await add_feeling(admin, "steady")

    for kind, item in (("prompts", their_prompt), ("feelings", their_word)):
        for action in ("retire", "restore"):
            response = await admin.post(f"{LIBRARY}/{kind}/{item['id']}/{action}")
            assert response.status_code == 404, response.text
    # A word's id is not a prompt's.
    assert (await admin.post(f"{LIBRARY}/prompts/{mine['id']}/retire")).status_code == 404
    for browser in (admin, worker):
        text = (await browser.get("/api/toolkit")).text
        assert "Olu's own prompt" not in text
        assert "oluwistful" not in text
    assert "oluwistful" not in (await admin.get(LIBRARY)).text
    # The same word may be in both organisations.
    assert (await add_feeling(admin, "oluwistful"))["word"] == "oluwistful"

    theirs = (await outsider.get(LIBRARY)).json()
    assert theirs == {"prompts": [their_prompt], "feelings": [their_word]}


async def test_only_admins_manage_the_library(app, admin, supervisor, worker):
    prompt = await add_prompt(admin, "What helped today?")
    word = await add_feeling(admin, "steady")
    for browser, status in ((worker, 403), (supervisor, 403), (Browser(app), 401)):
        for response in (
            await browser.get(LIBRARY),
            await browser.post(f"{LIBRARY}/prompts", json={"moment": "day-off", "text": "Mine?"}),
            await browser.post(f"{LIBRARY}/feelings", json={"word": "mine"}),
            await browser.post(f"{LIBRARY}/prompts/{prompt['id']}/retire"),
            await browser.post(f"{LIBRARY}/prompts/{prompt['id']}/restore"),
            await browser.post(f"{LIBRARY}/feelings/{word['id']}/retire"),
            await browser.post(f"{LIBRARY}/feelings/{word['id']}/restore"),
        ):
            assert response.status_code == status, response.text
    assert (await admin.get(LIBRARY)).json() == {"prompts": [prompt], "feelings": [word]}
