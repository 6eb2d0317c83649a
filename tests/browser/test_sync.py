"""Encrypted records on the device and in sync: the journal's data layer (journal.js),
IndexedDB (store.js) and the outbox pushed and pulled by sync.js, against a live server."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from tests.browser.accounts import DEFAULT_PASSWORD, asset_root, create_organisation
from tests.browser.pages import TendApp
from tests.browser.privacy import DUMP_INDEXEDDB, database_contents


def unique_email(name: str) -> str:
    return f"{name}.{uuid.uuid4().hex[:8]}@example.org"


def run(page: Page, body: str, arg=None):
    """Run `body` in the page with the app's own modules as journal, sync, api, store."""
    return page.evaluate(
        f"""async ({{root, arg}}) => {{
            const journal = await import(`${{root}}/js/journal.js`);
            const sync = await import(`${{root}}/js/sync.js`);
            const api = await import(`${{root}}/js/api.js`);
            const store = await import(`${{root}}/js/store.js`);
            {body}
        }}""",
        {"root": asset_root(page), "arg": arg},
    )


def save(page: Page, **fields) -> dict:
    entry = {"title": "", "body": "", "tags": [], "feelings": [], "prompt": None, **fields}
    return run(page, "return journal.saveEntry(arg);", entry)


def sync_now(page: Page) -> dict:
    return run(page, "return sync.syncNow();")


def entries(page: Page) -> list[dict]:
    return run(page, "return journal.listEntries();")


def server_records(page: Page) -> dict[str, dict]:
    """Everything the server holds for this person, by id (the last state of each)."""
    return run(
        page,
        """let cursor = '';
        const records = {};
        for (;;) {
            const page = await api.get(`/api/sync/changes?cursor=${cursor}&limit=2`);
            for (const change of page.changes) records[change.record_id] = change;
            cursor = page.cursor;
            if (!page.more) return records;
        }""",
    )


def signed_in(page: Page, live_server, name: str = "priya") -> dict:
    account = create_organisation(page, live_server, email=unique_email(name), name="Priya")
    TendApp(page).open("/")
    return account


def test_saved_entries_reach_the_server_and_list_newest_first(page, live_server, page_errors):
    signed_in(page, live_server)
    first = save(page, title="Night shift", body="Long but fine.", tags=["work"])
    second = save(page, title="Day off", body="Walked by the river.", feelings=["calm"])
    assert first["version"] == 1
    assert re.fullmatch(r"[0-9a-f-]{36}", first["id"])

    summary = sync_now(page)  # saving already started one in the background
    assert summary["error"] is None
    assert run(page, "return sync.pendingCount();") == 0
    held = server_records(page)
    assert set(held) == {first["id"], second["id"]}
    assert all(r["type"] == "journal" and r["version"] == 1 for r in held.values())

    listed = entries(page)
    assert [e["title"] for e in listed] == ["Day off", "Night shift"]
    assert listed[1]["tags"] == ["work"]
    assert listed[0]["feelings"] == ["calm"]
    search = "return journal.searchEntries(arg.query, arg.listed);"
    found = run(page, search, {"query": "RIVER", "listed": listed})
    assert [e["title"] for e in found] == ["Day off"]
    found = run(page, search, {"query": "work", "listed": listed})
    assert [e["id"] for e in found] == [first["id"]]
    assert page_errors == []


def test_no_plaintext_on_the_device_on_the_wire_in_the_log_or_in_the_database(page, live_server):
    signed_in(page, live_server)
    marker = f"MARKER{uuid.uuid4().hex}"
    bodies: list[str] = []
    page.on("request", lambda request: bodies.append(request.post_data or ""))

    entry = save(page, title=f"Title {marker}", body=f"Body {marker}", tags=[marker])
    save(page, title="Another", body=f"Edited {marker}", id=entry["id"])
    run(page, "return journal.saveDraft(arg);", {"title": marker, "body": marker})
    assert sync_now(page)["error"] is None
    assert marker in entries(page)[0]["body"]  # it is there, decrypted, in memory only

    dump = page.evaluate(DUMP_INDEXEDDB)
    assert {"tend-data/records", "tend-data/outbox", "tend-data/drafts"} <= set(dump)
    assert marker not in dump["tend-data/drafts"]
    assert dump["tend-data/drafts"] != "[]"
    assert all(marker not in rows for rows in dump.values())
    assert any("/api/sync/push" in body or "ciphertext" in body for body in bodies)
    assert all(marker not in body for body in bodies)
    assert marker not in live_server.log.read_text()

    stored = database_contents(live_server.env["TEND_DATABASE_URL"])
    assert any(b"@example.org" in contents for _, contents in stored), "the dump is readable"
    for where, contents in stored:
        assert marker.encode() not in contents, where
        assert marker.encode("utf-16-le") not in contents, where
        assert marker.encode().hex().encode() not in contents, where


def test_offline_changes_survive_a_reload_and_apply_exactly_once(page, context, live_server):
    signed_in(page, live_server)
    app = TendApp(page)
    app.wait_until_ready_offline()
    kept = save(page, title="Kept", body="First words.")
    gone = save(page, title="Gone", body="To be deleted.")
    sync_now(page)
    assert run(page, "return sync.pendingCount();") == 0

    context.set_offline(True)
    added = save(page, title="Written offline", body="On the bus.")
    save(page, id=kept["id"], title="Kept", body="First words, and more.")
    assert run(page, "return journal.deleteEntry(arg);", gone["id"]) is True
    summary = sync_now(page)
    assert summary["pushed"] == 0
    assert summary["error"]

    page.reload()
    expect(page.locator("html[data-ready]")).to_have_count(1)
    expect(app.offline_note).to_be_visible()
    listed = {e["id"]: e for e in entries(page)}
    assert set(listed) == {kept["id"], added["id"]}
    assert listed[kept["id"]]["body"] == "First words, and more."
    assert run(page, "return sync.pendingCount();") == 3

    pushes: list[str] = []
    page.on(
        "request",
        lambda request: (
            pushes.append(request.post_data) if request.url.endswith("/api/sync/push") else None
        ),
    )
    # Back online, Tend syncs by itself; syncing now as well must not push anything twice.
    with page.expect_response("**/api/sync/push") as pushed:
        context.set_offline(False)
        sync_now(page)
    statuses = [r["status"] for r in pushed.value.json()["results"]]
    assert statuses == ["applied"] * 3
    assert run(page, "return sync.pendingCount();") == 0

    held = server_records(page)
    assert set(held) == {kept["id"], gone["id"], added["id"]}
    assert (held[kept["id"]]["version"], held[kept["id"]]["deleted"]) == (2, False)
    assert (held[gone["id"]]["version"], held[gone["id"]]["deleted"]) == (2, True)
    assert held[gone["id"]]["ciphertext"] is None
    assert (held[added["id"]]["version"], held[added["id"]]["deleted"]) == (1, False)

    # The same batch again (a retry after a lost answer) changes nothing.
    assert pushes
    replayed = run(page, "return api.post('/api/sync/push', JSON.parse(arg));", pushes[0])
    assert [r["status"] for r in replayed["results"]] == ["duplicate"] * 3
    assert server_records(page) == held

    # A deletion can be undone for a while: a new version with the old words.
    assert run(page, "return journal.deleteEntry(arg);", added["id"]) is True
    restored = run(page, "return journal.restoreEntry(arg);", added["id"])
    assert restored["body"] == "On the bus."
    assert restored["version"] == 3
    sync_now(page)
    assert server_records(page)[added["id"]]["version"] == 3
    assert {e["id"] for e in entries(page)} == {kept["id"], added["id"]}


def sign_in_second_device(browser, phone_context_args, live_server, email: str) -> Page:
    context = browser.new_context(**phone_context_args, base_url=live_server.url)
    laptop = context.new_page()
    TendApp(laptop).open("/sign-in")
    laptop.get_by_label("Email").fill(email)
    laptop.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    laptop.get_by_role("button", name="Sign in").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text(re.compile("^Good "))
    return laptop


def comparable(listed: list[dict]) -> list[tuple]:
    return sorted((e["id"], e["version"], e["title"], e["body"]) for e in listed)


def test_two_devices_converge_and_a_clash_keeps_both_texts(
    page, context, browser, phone_context_args, live_server
):
    account = signed_in(page, live_server)
    laptop = sign_in_second_device(browser, phone_context_args, live_server, account["email"])
    shared = save(page, title="Shared", body="Written on the phone.")
    sync_now(page)
    sync_now(laptop)
    save(laptop, title="From the laptop", body="Typed at a desk.")
    sync_now(laptop)
    sync_now(page)
    assert comparable(entries(page)) == comparable(entries(laptop))
    assert len(entries(page)) == 2

    for device in (page, laptop):
        run(
            device,
            """window.conflicts = [];
            sync.syncEvents.addEventListener(
                'conflict', (e) => window.conflicts.push(e.detail));""",
        )
    context.set_offline(True)
    laptop.context.set_offline(True)
    save(page, id=shared["id"], title="Shared", body="The phone's version.")
    save(laptop, id=shared["id"], title="Shared", body="The laptop's version.")
    # The phone comes back first (and syncs by itself, or now); then the laptop.
    context.set_offline(False)
    sync_now(page)
    laptop.context.set_offline(False)
    sync_now(laptop)
    sync_now(page)
    assert page.evaluate("window.conflicts") == []
    assert len(laptop.evaluate("window.conflicts")) == 1

    on_laptop, on_phone = entries(laptop), entries(page)
    assert comparable(on_laptop) == comparable(on_phone)
    by_body = {e["body"]: e for e in on_phone}
    assert by_body["The phone's version."]["id"] == shared["id"]
    copy = by_body["The laptop's version."]
    assert copy["id"] != shared["id"]
    assert copy["conflictOf"] == shared["id"]
    assert copy["title"] == "Shared (conflicting copy)"
    assert laptop.evaluate("window.conflicts")[0]["recordId"] == shared["id"]
    assert run(laptop, "return sync.pendingCount();") == 0
    laptop.context.close()


def test_a_tampered_envelope_lists_as_unreadable_and_the_rest_still_open(page, live_server):
    signed_in(page, live_server)
    ids = [save(page, title=f"Entry {n}", body=f"Words {n}.")["id"] for n in range(3)]
    run(
        page,
        """await store.transaction(['records'], 'readwrite', async (s) => {
            const record = await store.done(s.records.get(arg));
            const at = 40;
            const flipped = record.envelope[at] === 'A' ? 'B' : 'A';
            record.envelope = record.envelope.slice(0, at) + flipped
                + record.envelope.slice(at + 1);
            await store.done(s.records.put(record));
        });""",
        ids[1],
    )
    listed = {e["id"]: e for e in entries(page)}
    assert listed[ids[1]]["unreadable"] is True
    assert "body" not in listed[ids[1]]
    assert listed[ids[0]]["body"] == "Words 0."
    assert listed[ids[2]]["body"] == "Words 2."
    assert run(page, "return journal.getEntry(arg);", ids[1])["unreadable"] is True


def test_drafts_are_sealed_and_the_latest_comes_back(page, live_server):
    signed_in(page, live_server)
    first = run(page, "return journal.saveDraft(arg);", {"title": "One", "body": "a"})
    run(page, "return journal.saveDraft(arg);", {"title": "Two", "body": "b", "entryId": None})
    draft = run(page, "return journal.loadDraft();")
    assert draft["title"] == "Two"
    run(page, "return journal.discardDraft(arg);", draft["id"])
    assert run(page, "return journal.loadDraft();")["id"] == first["id"]


def test_a_change_too_large_for_the_server_stays_in_the_outbox(page, live_server):
    signed_in(page, live_server)
    save(page, title="Huge", body="x" * 300_000)
    run(
        page,
        """window.syncErrors = [];
        sync.syncEvents.addEventListener('error', (e) => window.syncErrors.push(e.detail));""",
    )
    summary = sync_now(page)
    assert summary["pushed"] == 0
    assert run(page, "return sync.pendingCount();") == 1
    errors = page.evaluate("window.syncErrors")
    assert errors
    assert errors[0]["status"] == 422
    assert errors[0]["message"].startswith("An entry is too long to keep in Tend")
    assert len(entries(page)) == 1
    # The journal says so, in the server's words, while the change waits on the device.
    TendApp(page).open("/journal")
    run(page, "await sync.syncNow();")
    expect(page.get_by_text("still safe on this device")).to_be_visible()


def test_an_edit_made_on_an_old_version_becomes_a_conflicting_copy(page, live_server):
    signed_in(page, live_server)
    entry = save(page, title="Plans", body="Rest.")
    save(page, id=entry["id"], title="Plans", body="Rest, then a walk.")
    stale = save(page, id=entry["id"], version=entry["version"], title="Plans", body="Sleep.")
    assert stale["id"] != entry["id"]
    assert stale["conflictOf"] == entry["id"]
    assert stale["title"] == "Plans (conflicting copy)"
    bodies = sorted(e["body"] for e in entries(page))
    assert bodies == ["Rest, then a walk.", "Sleep."]


def test_the_data_belongs_to_one_person_and_sign_out_deletes_it(page, live_server):
    signed_in(page, live_server)
    save(page, title="Mine", body="Only mine.")
    sync_now(page)
    # Someone else's data on this device (as if left by another account) is cleared.
    theirs = "00000000-0000-4000-8000-000000000000"
    run(
        page,
        """await store.transaction(['meta', 'records'], 'readwrite', (s) => {
            s.records.put({id: arg, type: 'journal', version: 1, deleted: false,
                           envelope: 'AQ', updatedAt: new Date().toISOString()});
            return store.done(s.meta.put({name: 'userId', value: 'someone-else'}));
        });""",
        theirs,
    )
    page.reload()
    expect(page.locator("html[data-ready]")).to_have_count(1)
    sync_now(page)  # pulled again from the server, from the start
    titles = [e["title"] for e in entries(page)]
    assert titles == ["Mine"], "the other account's data went; hers came back from the server"
    assert theirs not in [e["id"] for e in entries(page)]

    run(page, "const session = await import(`${root}/js/session.js`); await session.signOut();")
    names = page.evaluate("async () => (await indexedDB.databases()).map((db) => db.name)")
    assert "tend-data" not in names


def test_an_answer_lost_mid_sync_is_retried_and_applied_once(page, context, live_server):
    """The server applies a push, but the connection drops before the answer arrives: the
    device retries the same mutations, and the server applies nothing twice."""
    signed_in(page, live_server)
    dropped = []

    def lose_first_answer(route):
        if dropped:
            route.continue_()
            return
        route.fetch()  # the server receives and applies the batch...
        dropped.append(route.request.post_data)
        route.abort("connectionreset")  # ...and the device never hears back

    context.route("**/api/sync/push", lose_first_answer)
    answers = []
    page.on(
        "response",
        lambda response: (
            answers.append(response)
            if response.url.endswith("/api/sync/push") and response.ok
            else None
        ),
    )
    saved = [save(page, title=f"Entry {n}", body=f"Words {n}.") for n in range(3)]
    for _ in range(5):  # saves sync by themselves; sync until nothing is waiting
        run(page, "await sync.syncNow().catch(() => null);")
        if run(page, "return sync.pendingCount();") == 0:
            break
    assert dropped, "a push was sent and its answer lost"
    assert run(page, "return sync.pendingCount();") == 0
    statuses = [r["status"] for answer in answers for r in answer.json()["results"]]
    assert "duplicate" in statuses, "the lost batch was sent again and recognised"
    held = server_records(page)
    assert sorted(held) == sorted(entry["id"] for entry in saved)
    assert all(record["version"] == 1 for record in held.values()), "each applied once"
