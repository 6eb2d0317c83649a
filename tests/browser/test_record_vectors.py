"""The PWA's own records.js, run in Chromium, against the shared vectors and the Python
reference (tests/reference/records.py), in both directions."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.pages import TendApp
from tests.reference import keys, records
from tests.vectors import generate_records

pytestmark = pytest.mark.browser

VECTORS = json.loads(generate_records.PATH.read_text(encoding="utf-8"))
UUID_V4 = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"

# Every snippet runs with the build's own modules imported as `r` (records.js) and `c`
# (crypto.js), `failure(work)`: null if `work` succeeds, else "ErrorClass: message", and
# `dataKey(b64)`: a non-extractable data key with those bytes, as the app keeps it.
PRELUDE = """async ({root, arg}) => {
    const r = await import(`${root}/js/records.js`);
    const c = await import(`${root}/js/crypto.js`);
    const failure = async (work) => {
        try { await work(); return null; } catch (error) {
            const kind = error instanceof r.RecordFormatError ? 'RecordFormatError'
                : error instanceof r.RecordOpenError ? 'RecordOpenError' : error.name;
            return `${kind}: ${error.message}`;
        }
    };
    const bytes = (text) => c.b64url.decode(text);
    const text = (data) => c.b64url.encode(new Uint8Array(data));
    const dataKey = (b64) => crypto.subtle.importKey(
        'raw', bytes(b64), 'AES-GCM', false, ['encrypt', 'decrypt']);
    const ref = (v) => ({id: v.id, type: v.type, version: v.version});
"""


class Modules:
    """The build's own records.js and crypto.js, imported inside the page."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.root = f"/v/{TendApp(page).open().page_build()}"

    def run(self, body: str, arg: Any = None) -> Any:
        return self.page.evaluate(PRELUDE + body + "\n}", {"root": self.root, "arg": arg})


def ref(vector: dict) -> records.RecordRef:
    return {"id": vector["id"], "type": vector["type"], "version": vector["version"]}


def test_records_js_seals_every_vector_exactly_and_pads_as_the_reference(page):
    result = Modules(page).run(
        """
        const sealed = [];
        for (const v of arg.records) {
            const key = await dataKey(v.data_key);
            const json = new TextEncoder().encode(JSON.stringify(v.content));
            sealed.push({
                name: v.name,
                aad: new TextDecoder().decode(r.recordAad(v.id, v.type, v.version)),
                jsonBytes: json.length,
                padded: r.pad(json).length,
                unpadded: text(r.unpad(r.pad(json))) === text(json),
                envelope: await r.sealRecord(key, ref(v), v.content, bytes(v.nonce)),
            });
        }
        return {
            sealed,
            sizeClasses: Array.from(r.SIZE_CLASSES),
            frozen: Object.isFrozen(r.SIZE_CLASSES),
            paddedLengths: arg.padded_lengths.map((row) => r.paddedLength(row.json_bytes)),
            formatVersion: r.FORMAT_VERSION,
            aadPrefix: r.RECORD_AAD_PREFIX,
        };
        """,
        VECTORS,
    )
    assert result["sizeClasses"] == VECTORS["size_classes"]
    assert result["frozen"] is True
    assert result["paddedLengths"] == [row["padded_bytes"] for row in VECTORS["padded_lengths"]]
    assert result["formatVersion"] == VECTORS["format_version"]
    assert result["aadPrefix"] == VECTORS["aad_prefix"]
    assert len(result["sealed"]) == len(VECTORS["records"])
    for vector, sealed in zip(VECTORS["records"], result["sealed"], strict=True):
        assert sealed["aad"] == vector["aad"], vector["name"]
        assert sealed["jsonBytes"] == vector["json_bytes"], vector["name"]
        assert sealed["padded"] == vector["padded_bytes"], vector["name"]
        assert sealed["unpadded"] is True
        assert sealed["envelope"] == vector["envelope"], vector["name"]


def test_records_js_opens_every_envelope_the_reference_sealed(page):
    opened = Modules(page).run(
        """
        const opened = [];
        for (const v of arg) {
            opened.push(await r.openRecord(await dataKey(v.data_key), ref(v), v.envelope));
        }
        return opened;
        """,
        VECTORS["records"],
    )
    assert opened == [vector["content"] for vector in VECTORS["records"]]


def test_every_negative_vector_fails_in_the_browser_with_the_named_error(page):
    refusals = Modules(page).run(
        """
        const refusals = [];
        for (const v of arg) {
            const key = await dataKey(v.data_key);
            refusals.push(await failure(() => r.openRecord(key, ref(v), v.envelope)));
        }
        return refusals;
        """,
        VECTORS["negative"],
    )
    for vector, refusal in zip(VECTORS["negative"], refusals, strict=True):
        assert refusal is not None, f"opened: {vector['name']}"
        kind, message = refusal.split(": ", 1)
        assert kind == vector["error"], vector["name"]
        with pytest.raises((records.RecordFormatError, records.RecordOpenError)) as python:
            records.open_record(
                keys.b64url_decode(vector["data_key"]), ref(vector), vector["envelope"]
            )
        assert message == str(python.value), "the same words as the reference"
        assert message.startswith("This entry ")


def test_a_round_trip_with_fresh_nonces_and_new_ids(page):
    result = Modules(page).run(
        """
        const key = await dataKey(arg.data_key);
        const id = r.newRecordId();
        const record = {id, type: 'journal', version: 1};
        const content = {body: 'Slept badly. Walked to the café. 🌧️', tags: ['rest']};
        const first = await r.sealRecord(key, record, content);
        const second = await r.sealRecord(key, record, content);
        return {
            ids: [id, r.newRecordId(), r.newRecordId()],
            envelopes: [first, second],
            opened: [await r.openRecord(key, record, first),
                     await r.openRecord(key, record, second)],
            nextVersion: await failure(() => r.openRecord(key, {...record, version: 2}, first)),
            errorNames: [new r.RecordFormatError().name, new r.RecordOpenError().name],
            messages: [new r.RecordFormatError().message, new r.RecordOpenError().message],
            isError: new r.RecordOpenError() instanceof Error,
        };
        """,
        {"data_key": VECTORS["records"][0]["data_key"]},
    )
    assert all(re.fullmatch(UUID_V4, record_id) for record_id in result["ids"])
    assert len(set(result["ids"])) == 3
    first, second = (keys.b64url_decode(e) for e in result["envelopes"])
    assert first != second
    assert first[0] == second[0] == 0x01
    assert first[1:13] != second[1:13], "a fresh nonce for every write"
    assert len(first) == len(second) == 1 + 12 + 256 + 16
    content = {"body": "Slept badly. Walked to the café. 🌧️", "tags": ["rest"]}
    assert result["opened"] == [content, content]
    assert result["nextVersion"] == "RecordOpenError: This entry couldn't be opened."
    assert result["errorNames"] == ["RecordFormatError", "RecordOpenError"]
    assert result["messages"] == ["This entry couldn't be opened."] * 2
    assert result["isError"] is True


def test_a_record_the_browser_seals_opens_with_the_python_reference(page):
    vector = VECTORS["records"][1]
    content = {
        **vector["content"],
        "written": "2026-03-14T21:05:00Z",
        "nested": {"list": [1, 2.5, -3, True, False, None], "empty": {}, "text": "ŵ 🫶🏽"},
    }
    made = Modules(page).run(
        """
        const key = await dataKey(arg.data_key);
        const record = {id: r.newRecordId(), type: 'journal', version: 7};
        return {record, envelope: await r.sealRecord(key, record, arg.content)};
        """,
        {"data_key": vector["data_key"], "content": content},
    )
    data_key = keys.b64url_decode(vector["data_key"])
    assert re.fullmatch(UUID_V4, made["record"]["id"])
    assert made["record"]["version"] == 7
    envelope = made["envelope"]
    assert re.fullmatch(r"[A-Za-z0-9_-]+", envelope), "unpadded base64url"
    assert records.open_record(data_key, made["record"], envelope) == content
    padded = records.padded_length(len(records.serialise(content)))
    assert len(keys.b64url_decode(envelope)) == 1 + 12 + padded + 16
    for changed in ({"version": 8}, {"type": "checkin"}, {"id": vector["id"]}):
        with pytest.raises(records.RecordOpenError):
            records.open_record(data_key, {**made["record"], **changed}, envelope)


def test_records_js_refuses_badly_named_records_and_damaged_padding(page):
    result = Modules(page).run(
        """
        const good = '0b0e4d64-5c1b-4f0a-9d3e-2a6c1b7e8f90';
        const names = [
            ['C865712E-AD09-4964-9D8F-696401E9A4A4', 'journal', 1],
            ['c865712e-ad09-1964-9d8f-696401e9a4a4', 'journal', 1],
            [good, '', 1], [good, 'journal\\u0000x', 1], [good, 'Journal', 1],
            [good, 'journal', 0], [good, 'journal', 1.5], [good, 'journal', 2 ** 53],
            [good, 'journal', '1'],
        ];
        const key = await dataKey(arg);
        const refused = [];
        for (const [id, type, version] of names) {
            refused.push([
                await failure(() => r.recordAad(id, type, version)),
                await failure(() => r.sealRecord(key, {id, type, version}, {})),
            ]);
        }
        const overlong = r.pad(new Uint8Array(10));
        new DataView(overlong.buffer).setUint32(0, overlong.length - 3);
        return {
            refused,
            unpad: [await failure(() => r.unpad(overlong)),
                    await failure(() => r.unpad(new Uint8Array(3)))],
            badNonce: await failure(
                () => r.sealRecord(key, {id: good, type: 'journal', version: 1}, {},
                                   new Uint8Array(16))),
            notJson: await failure(
                () => r.sealRecord(key, {id: good, type: 'journal', version: 1}, undefined)),
            padRange: await failure(() => r.paddedLength(-1)),
        };
        """,
        VECTORS["records"][0]["data_key"],
    )
    for aad, seal in result["refused"]:
        assert aad is not None
        assert aad.split(":")[0] in {"TypeError", "RangeError"}
        assert seal == aad
    assert result["unpad"] == ["RecordFormatError: This entry couldn't be opened."] * 2
    assert result["badNonce"].startswith("TypeError: ")
    assert result["notJson"].startswith("TypeError: ")
    assert result["padRange"].startswith("RangeError: ")


def test_opening_two_thousand_records_in_the_page(page, capsys):
    """Not a benchmark with a limit: it prints how long 2,000 entries of ~1.5 KB take."""
    timing = Modules(page).run(
        """
        const key = await dataKey(arg);
        const body = 'A long shift, and a quiet hour after it. '.repeat(34);
        const sealed = await Promise.all(Array.from({length: 2000}, async (_, i) => {
            const record = {id: r.newRecordId(), type: 'journal', version: 1 + (i % 5)};
            const content = {title: `Entry ${i}`, body, tags: ['shift', 'rest'], stress: i % 5};
            return {record, envelope: await r.sealRecord(key, record, content)};
        }));
        const jsonBytes = new TextEncoder().encode(JSON.stringify(
            {title: 'Entry 0', body, tags: ['shift', 'rest'], stress: 0})).length;

        let start = performance.now();
        let titles = 0;
        for (const {record, envelope} of sealed) {
            const content = await r.openRecord(key, record, envelope);
            if (content.title.startsWith('Entry ')) titles += 1;
        }
        const oneByOne = performance.now() - start;

        start = performance.now();
        const all = await Promise.all(
            sealed.map(({record, envelope}) => r.openRecord(key, record, envelope)));
        const together = performance.now() - start;
        return {oneByOne, together, titles, opened: all.length, jsonBytes,
                envelopeChars: sealed[0].envelope.length};
        """,
        VECTORS["records"][0]["data_key"],
    )
    assert timing["titles"] == timing["opened"] == 2000
    assert 1400 <= timing["jsonBytes"] <= 1600
    with capsys.disabled():
        print(
            f"\nOpened 2,000 records of {timing['jsonBytes']} bytes of JSON "
            f"({timing['envelopeChars']} base64url characters each): "
            f"{timing['oneByOne']:.0f} ms one after another, "
            f"{timing['together']:.0f} ms all at once."
        )
