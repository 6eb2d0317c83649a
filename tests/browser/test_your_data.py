"""Jade owns her data: a readable copy and a JSON copy made on her phone (offline too), an
encrypted backup that restores into a new account record by record, twice without
duplicates, that `tend decrypt-export` opens with no server, and bad backups refused with a
clear word while nothing here changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accounts import asset_root, create_organisation, invite, join_by_link
from tests.browser.axe import serious_violations
from tests.browser.pages import TendApp
from tests.browser.privacy import DUMP_INDEXEDDB

pytestmark = pytest.mark.browser

JADE_PASSWORD = "a calm walk by the river"
NEW_PASSWORD = "lighthouse kettle orchard velvet"
MARK = "marker-" + uuid.uuid4().hex[:8]


def run(page: Page, body: str, arg=None):
    """Run `body` in the page with the app's own modules."""
    return page.evaluate(
        f"""async ({{root, arg}}) => {{
            const m = (name) => import(`${{root}}/js/${{name}}.js`);
            {body}
        }}""",
        {"root": asset_root(page), "arg": arg},
    )


SEED = """
const [journal, checkins, plan, agenda, vault, records, sync] = await Promise.all(
    ['journal', 'checkins', 'plan', 'agenda', 'vault', 'records', 'sync'].map(m));
const mark = arg.mark;
await journal.saveEntry({title: `Night shift ${mark}`,
    body: `Line one\\n<script>alert(1)</script> ${mark}`, tags: ['nights'], feelings: ['tired']});
await journal.saveEntry({title: 'Day off', body: `Walked by the sea ${mark}`, tags: [],
    feelings: ['calm']});
await checkins.saveCheckin({stress: 2, energy: 3, sleep: 4, feelings: ['calm'], helped: ['rest'],
    context: 'day-off', note: `quiet ${mark}`}, new Date('2026-11-23T10:00:00Z'));
await checkins.saveCheckin({stress: 4, energy: 2, sleep: 2, feelings: ['tense'], helped: [],
    context: 'on-shift', difficult: true, note: ''}, new Date('2026-11-25T22:00:00Z'));
await checkins.dismissInsight('hard-run', '2026-11-26');
await checkins.saveReflection({instrument: {id: 'proqol-lite', version: 1}, answers: {a1: 3},
    results: [{id: 'cs', name: 'Satisfaction', score: 3, lowest: 1, highest: 5,
               band: {label: 'middle'}}]});
await plan.saveFirstPlan({warningSigns: [`snappy ${mark}`], helps: ['a bath'], avoid: [],
    afterHardShift: ['call Sam'], people: [{name: 'Sam', phone: '07700 900123', note: 'sister'}],
    reasons: `My kids ${mark}`});
await agenda.saveAgenda({id: null, items: [`Rota ${mark}`], reflection: 'Better week.'});
for (let i = 0; i < 40 && (await sync.pendingCount()); i += 1) {
    await sync.syncNow();
    await new Promise((resolve) => setTimeout(resolve, 100));
}
if (arg.future) {
    // A record type this server does not know yet (it stays on the device, unsynced):
    // exports and backups must carry it all the same.
    const key = await vault.unlockedKey();
    await vault.change(key, 'future-thing', records.newRecordId(),
        () => ({note: `new kind ${mark}`}));
}
"""

EXPORT = "const e = await m('export'); return await e.buildExport();"


def comparable(records: list[dict]) -> list[str]:
    """Records by type and content (ids differ between accounts), plan times aside."""
    out = []
    for record in records:
        content = dict(record["content"])
        out.append(json.dumps([record["type"], content], sort_keys=True))
    return sorted(out)


def open_your_data(page: Page) -> None:
    TendApp(page).open("/settings")
    page.get_by_role("link", name="Your data").click()
    expect(page.get_by_role("heading", level=1, name="Your data")).to_be_visible()


def save_download(page: Page, button: str, to: Path) -> Path:
    with page.expect_download() as download:
        page.get_by_role("button", name=button).click()
    path = to / download.value.suggested_filename
    download.value.save_as(path)
    return path


def restore(page: Page, backup: Path | dict, secret: str) -> None:
    region = page.get_by_role("region", name="Restore from a backup")
    if isinstance(backup, dict):
        region.get_by_label("Backup file").set_input_files(backup)
    else:
        region.get_by_label("Backup file").set_input_files(str(backup))
    region.get_by_label("Password or recovery code for this backup").fill(secret)
    region.get_by_role("button", name="Open backup").click()


def decrypt_export(backup: Path, secret: str, out: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEND_")}
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "tend"),
            "decrypt-export",
            str(backup),
            "--output-dir",
            str(out),
        ],
        input=secret + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_copies_and_a_backup_go_with_her_and_come_back_once(
    page: Page, phone, live_server, tmp_path, screenshot
):
    jade = create_organisation(
        page, live_server, email=f"jade.{uuid.uuid4().hex[:8]}@example.org", name="Jade"
    )
    run(page, SEED, {"mark": MARK, "future": True})
    original = run(page, EXPORT)
    types = {r["type"] for r in original["records"]}
    assert types == {"journal", "checkin", "reflection", "plan", "agenda", "future-thing"}

    open_your_data(page)
    assert serious_violations(page) == []

    # A readable copy: her password first, then a page she can keep or print.
    copy = page.get_by_role("region", name="Keep a copy")
    copy.get_by_role("button", name="Save a readable copy").click()
    expect(copy.get_by_role("alert")).to_contain_text("Please enter your password first.")
    expect(copy.get_by_label("Your password")).to_be_focused()
    copy.get_by_label("Your password").fill("not my password")
    copy.get_by_role("button", name="Save a readable copy").click()
    expect(copy.get_by_role("alert")).to_contain_text("That password isn't right.")
    copy.get_by_label("Your password").fill(JADE_PASSWORD)
    readable = save_download(page, "Save a readable copy", tmp_path).read_text()
    expect(copy.get_by_role("status")).to_contain_text("2 journal entries")
    assert "<script>alert(1)</script>" not in readable
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in readable
    for words in (
        f"Night shift {MARK}",
        f"quiet {MARK}",
        f"snappy {MARK}",
        f"Rota {MARK}",
        f"new kind {MARK}",
        "Your weeks",
        "On shift; something difficult happened",
    ):
        assert words in readable, words
    # The week of 23 November: stress 2 and 4, energy 3 and 2, sleep 4 and 2.
    assert "<td>2</td><td>3.0</td><td>2.5</td><td>3.0</td>" in readable

    copy.get_by_label("Your password").fill(JADE_PASSWORD)
    exported = json.loads(save_download(page, "Save as data (JSON)", tmp_path).read_text())
    assert exported["format"] == "tend-export"
    assert exported["records"] == original["records"]

    # An encrypted backup: nothing readable in it.
    backup_region = page.get_by_role("region", name="Encrypted backup")
    backup = save_download(page, "Save a backup", tmp_path)
    expect(backup_region.get_by_role("status")).to_contain_text(
        "It opens with your password as it is now, or with your recovery code."
    )
    assert MARK not in backup.read_text()
    screenshot(page, "your-data")

    # The way out with no server: tend decrypt-export, with the password or the code.
    for secret, folder in (
        (JADE_PASSWORD, "by-password"),
        (jade["recovery_code"].lower(), "by-code"),
    ):
        out = tmp_path / folder
        out.mkdir()
        done = decrypt_export(backup, secret, out)
        assert done.returncode == 0, done.stderr
        (written,) = out.glob("*.json")
        assert json.loads(written.read_text())["records"] == original["records"]
        (html,) = out.glob("*.html")
        assert f"Night shift {MARK}" in html.read_text()

    # A new account (say, password and code both lost) restores it: record by record.
    laptop = phone()
    join_by_link(
        laptop,
        invite(page, ["worker"]),
        name="Jade",
        email=f"jade.new.{uuid.uuid4().hex[:6]}@example.org",
        password=NEW_PASSWORD,
    )
    open_your_data(laptop)
    restore(laptop, backup, JADE_PASSWORD)
    preview = laptop.get_by_role("heading", level=3, name="Backup from")
    expect(preview).to_be_focused()
    expect(laptop.get_by_text("It was made with another Tend account.")).to_be_visible()
    assert serious_violations(laptop) == []
    screenshot(laptop, "your-data-restore-preview")
    # The made-up kind from "a newer Tend" stays in the backup: this one could not sync it.
    expect(
        laptop.get_by_text("1 item is of a kind this version of Tend can't use yet")
    ).to_be_visible()
    laptop.get_by_role("button", name="Restore 8 items").click()
    expect(laptop.get_by_text("Restored 8 items.")).to_be_visible()
    known = [r for r in original["records"] if r["type"] != "future-thing"]
    restored = run(laptop, EXPORT)
    assert comparable(restored["records"]) == comparable(known)
    assert not {r["id"] for r in restored["records"]} & {r["id"] for r in original["records"]}
    synced = run(
        laptop,
        """const s = await m('sync');
        for (let i = 0; i < 40 && (await s.pendingCount()); i += 1) await s.syncNow();
        return s.pendingCount();""",
    )
    assert synced == 0, "everything restored reached the server"

    # Twice: nothing added twice, whether by password or by recovery code.
    restore(laptop, backup, jade["recovery_code"])
    expect(laptop.get_by_text("Everything in it is already here")).to_be_visible()
    run(laptop, "const s = await m('sync'); await s.syncNow();")
    assert len(run(laptop, EXPORT)["records"]) == len(known)

    # Into her own account: the same ids, all already here.
    restore(page, backup, JADE_PASSWORD)
    expect(page.get_by_text("Everything in it is already here")).to_be_visible()


def test_a_backup_opens_offline_and_a_deleted_entry_comes_back(page: Page, live_server, tmp_path):
    create_organisation(
        page, live_server, email=f"jade.{uuid.uuid4().hex[:8]}@example.org", name="Jade"
    )
    run(page, SEED, {"mark": MARK, "future": True})
    open_your_data(page)
    backup = save_download(page, "Save a backup", tmp_path)
    gone = run(
        page,
        """const j = await m('journal');
        const entry = (await j.listEntries()).find((e) => e.title === 'Day off');
        await j.deleteEntry(entry.id);
        return entry.id;""",
    )
    TendApp(page).wait_until_ready_offline()
    page.context.set_offline(True)
    try:
        open_your_data(page)
        expect(page.get_by_text("need a connection")).to_be_visible()
        (tmp_path / "offline").mkdir()
        offline_backup = save_download(page, "Save a backup", tmp_path / "offline")
        expect(
            page.get_by_role("region", name="Encrypted backup").get_by_role("status")
        ).to_contain_text("or with your recovery code")
        assert json.loads(offline_backup.read_text())["keys"]["recovery"] is not None
        page.get_by_role("region", name="Keep a copy").get_by_label("Your password").fill(
            JADE_PASSWORD
        )
        assert (
            "Walked by the sea"
            not in save_download(page, "Save a readable copy", tmp_path).read_text()
        )
        restore(page, backup, JADE_PASSWORD)
        page.get_by_role("button", name="Restore 1 item").click()
        expect(page.get_by_text("Restored 1 item.")).to_be_visible()
    finally:
        page.context.set_offline(False)
    titles = run(
        page, "const j = await m('journal'); return (await j.listEntries()).map((e) => e.title);"
    )
    assert "Day off" in titles
    assert gone in run(
        page, "const j = await m('journal'); return (await j.listEntries()).map((e) => e.id);"
    )


def backup_file(name: str, text: str) -> dict:
    return {"name": name, "mimeType": "application/octet-stream", "buffer": text.encode()}


def test_bad_backups_are_refused_and_nothing_changes(page: Page, phone, live_server, tmp_path):
    create_organisation(
        page, live_server, email=f"jade.{uuid.uuid4().hex[:8]}@example.org", name="Jade"
    )
    run(page, SEED, {"mark": MARK, "future": True})
    open_your_data(page)
    good = save_download(page, "Save a backup", tmp_path).read_text()
    before = run(page, EXPORT)["records"]

    other = phone()
    join_by_link(
        other,
        invite(page, ["worker"]),
        name="Sam",
        email=f"sam.{uuid.uuid4().hex[:6]}@example.org",
        password=NEW_PASSWORD,
    )
    run(other, "const j = await m('journal'); await j.saveEntry({title: 'Sam', body: 'Hello'});")
    open_your_data(other)
    sams = save_download(other, "Save a backup", tmp_path).read_text()

    region = page.get_by_role("region", name="Restore from a backup")
    file_error = region.locator(".field-error")
    backup = json.loads(good)
    tampered = json.loads(good)
    envelope = tampered["records"][0]["envelope"]
    tampered["records"][0]["envelope"] = envelope[:-4] + (
        "AAAA" if envelope[-4:] != "AAAA" else "BBBB"
    )
    shortened = json.loads(good)
    shortened["records"].pop()
    newer = {**backup, "version": 2}
    cases = [
        (
            backup_file("notes.txt", "just some words"),
            JADE_PASSWORD,
            file_error,
            "isn't a Tend backup",
        ),
        (
            backup_file("cut.tendbackup", good[: len(good) // 2]),
            JADE_PASSWORD,
            file_error,
            "isn't a Tend backup",
        ),
        (
            backup_file("newer.tendbackup", json.dumps(newer)),
            JADE_PASSWORD,
            file_error,
            "newer version of Tend",
        ),
        (
            backup_file("changed.tendbackup", json.dumps(tampered)),
            JADE_PASSWORD,
            file_error,
            "This backup is damaged",
        ),
        (
            backup_file("short.tendbackup", json.dumps(shortened)),
            JADE_PASSWORD,
            file_error,
            "This backup is damaged",
        ),
        (
            backup_file("mine.tendbackup", good),
            "the wrong password",
            region.get_by_role("alert").first,
            "doesn't open this backup. It opens with the password",
        ),
        (
            backup_file("sams.tendbackup", sams),
            JADE_PASSWORD,
            region.get_by_role("alert").first,
            "It was made with another account",
        ),
    ]
    for file, secret, where, words in cases:
        restore(page, file, secret)
        expect(where).to_contain_text(words)
        expect(region.get_by_role("button", name="Restore")).to_have_count(0)
    assert serious_violations(page) == []
    assert run(page, EXPORT)["records"] == before


def assert_device_holds_nothing(page: Page) -> None:
    """No key, record, outbox entry or draft of hers left in any IndexedDB store."""
    dump = page.evaluate(DUMP_INDEXEDDB)
    assert all(rows == "[]" for rows in dump.values()), dump


def email(name: str) -> str:
    return f"{name}.{uuid.uuid4().hex[:8]}@example.org"


def test_she_deletes_her_account_and_her_other_device_is_cleared(
    page: Page, phone, live_server, screenshot
):
    create_organisation(page, live_server, email=email("priya"))
    jade = phone()
    jade_email = email("jade")
    join_by_link(jade, invite(page, ["worker"]), name="Jade", email=jade_email)
    run(jade, SEED, {"mark": MARK, "future": False})
    laptop = phone()
    TendApp(laptop).open("/sign-in")
    laptop.get_by_label("Email").fill(jade_email)
    laptop.get_by_label("Password", exact=True).fill(JADE_PASSWORD)
    laptop.get_by_role("button", name="Sign in").click()
    expect(laptop.get_by_role("heading", level=1)).to_contain_text("Good ")
    held = run(
        laptop,
        """const [s, e] = [await m('sync'), await m('export')];
        const seen = [];
        for (let i = 0; i < 40; i += 1) {
            seen.push(await s.syncNow());
            const held = (await e.buildExport()).records.length;
            if (held) return held;
            await new Promise((resolve) => setTimeout(resolve, 250));
        }
        return seen.slice(-3);""",
    )
    pending = run(
        jade, "const s = await m('sync'); return [await s.pendingCount(), await s.syncNow()];"
    )
    assert isinstance(held, int), (
        f"the laptop has none of her records: {held}; her phone: {pending}"
    )

    open_your_data(jade)
    region = jade.get_by_role("region", name="Delete your account")
    region.get_by_label("Your password").fill("not my password")
    region.get_by_role("button", name="Delete my account").click()
    expect(region.get_by_role("alert")).to_contain_text("Please tick the box")
    region.get_by_label("I understand this can't be undone").check()
    region.get_by_role("button", name="Delete my account").click()
    expect(region.get_by_role("alert")).to_contain_text(
        "That password isn't right. Nothing has been deleted."
    )
    expect(region.get_by_label("Your password")).to_be_focused()
    assert serious_violations(jade) == []
    region.get_by_label("Your password").fill(JADE_PASSWORD)
    region.get_by_role("button", name="Delete my account").click()
    expect(
        jade.get_by_role("heading", level=1, name="Your account has been deleted")
    ).to_be_focused()
    screenshot(jade, "account-deleted")
    assert_device_holds_nothing(jade)

    # Her laptop, still open, learns at its next contact (a sync), and clears itself.
    laptop.evaluate(
        "async (root) => (await import(`${root}/js/sync.js`)).syncNow().catch(() => {})",
        asset_root(laptop),
    )
    expect(laptop.get_by_text("has been deleted, so Tend has cleared everything")).to_be_visible()
    expect(laptop.get_by_role("link", name="Sign in")).to_be_visible()
    assert_device_holds_nothing(laptop)
    assert serious_violations(laptop) == []

    # Priya (the admin) no longer sees her; she deletes a leaver's account the same way.
    people = run(page, "const a = await m('api'); return await a.get('/api/admin/people');")
    assert "Jade" not in json.dumps(people)
    sam = phone()
    join_by_link(sam, invite(page, ["worker"]), name="Sam Leaver", email=email("sam"))
    run(sam, "const j = await m('journal'); await j.saveEntry({title: 'Sam', body: 'Bye'});")
    TendApp(page).open("/admin")
    page.get_by_text("Edit Sam Leaver").click()
    page.get_by_role("button", name="Delete account").click()
    expect(page.get_by_text("Delete Sam Leaver's account for good?")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Yes, delete it").click()
    expect(
        page.get_by_role("status").filter(has_text="Sam Leaver's account has been deleted")
    ).to_be_visible()
    expect(page.get_by_text("Edit Sam Leaver")).to_have_count(0)
    sam.reload()
    expect(sam.get_by_text("has been deleted, so Tend has cleared everything")).to_be_visible()
