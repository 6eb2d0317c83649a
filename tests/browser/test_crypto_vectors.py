"""The PWA's own crypto.js and keystore.js, run in Chromium, against the shared vectors and
the Python reference (tests/reference/keys.py)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from playwright.sync_api import Page

from tests.browser.pages import TendApp
from tests.reference import keys
from tests.vectors import generate

pytestmark = pytest.mark.browser

VECTORS = json.loads(generate.PATH.read_text(encoding="utf-8"))
CODE_PATTERN = r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){7}"

# Every snippet runs with the build's own modules imported as `c` (crypto.js) and `ks`
# (keystore.js), and `failure(work)`: null if `work` succeeds, else "ErrorClass: message".
PRELUDE = """async ({root, arg}) => {
    const c = await import(`${root}/js/crypto.js`);
    const ks = await import(`${root}/js/keystore.js`);
    const failure = async (work) => {
        try { await work(); return null; } catch (error) {
            const kind = error instanceof c.WrongKeyError ? 'WrongKeyError'
                : error instanceof c.RecoveryCodeError ? 'RecoveryCodeError' : error.name;
            return `${kind}: ${error.message}`;
        }
    };
    const bytes = (text) => c.b64url.decode(text);
    const text = (data) => c.b64url.encode(new Uint8Array(data));
    const raw = async (key) => text(await crypto.subtle.exportKey('raw', key));
"""


class Modules:
    """The build's own crypto.js and keystore.js, imported inside the page."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.root = f"/v/{TendApp(page).open().page_build()}"

    def run(self, body: str, arg: Any = None) -> Any:
        return self.page.evaluate(PRELUDE + body + "\n}", {"root": self.root, "arg": arg})


def test_crypto_js_gives_every_account_vector(page):
    results = Modules(page).run(
        """
        const results = [];
        for (const v of arg) {
            const salt = bytes(v.salt);
            const wrapped = bytes(v.wrapped_data_key);
            const dataKey = await crypto.subtle.importKey(
                'raw', bytes(v.data_key), 'AES-GCM', true, ['encrypt', 'decrypt']);
            for (const password of [v.password, ...v.equivalent_passwords]) {
                const {authKey, wrappingKey} = await c.deriveAccountKeys(
                    password, salt, v.iterations);
                const kept = await c.unwrapDataKey(wrapped, wrappingKey);
                const {wrappingKey: wrong} = await c.deriveAccountKeys(
                    password + 'x', salt, v.iterations);
                results.push({
                    name: v.name,
                    authKey: text(authKey),
                    wrapped: text(await c.wrapDataKey(
                        dataKey, wrappingKey, c.DATA_KEY_AAD, bytes(v.nonce))),
                    unwrapped: await raw(
                        await c.unwrapDataKey(wrapped, wrappingKey, {extractable: true})),
                    wrappingKey: [wrappingKey.extractable, wrappingKey.usages.sort(),
                                  wrappingKey.algorithm],
                    kept: [kept.extractable, kept.usages.sort(), kept.algorithm],
                    wrongPassword: await failure(() => c.unwrapDataKey(wrapped, wrong)),
                });
            }
        }
        return results;
        """,
        VECTORS["account"],
    )
    expected_count = sum(1 + len(v["equivalent_passwords"]) for v in VECTORS["account"])
    assert len(results) == expected_count
    by_name = {v["name"]: v for v in VECTORS["account"]}
    aes_256 = {"name": "AES-GCM", "length": 256}
    for result in results:
        vector = by_name[result["name"]]
        assert result["authKey"] == vector["auth_key"], vector["name"]
        assert result["wrapped"] == vector["wrapped_data_key"], vector["name"]
        assert result["unwrapped"] == vector["data_key"], vector["name"]
        assert result["wrappingKey"] == [False, ["unwrapKey", "wrapKey"], aes_256]
        assert result["kept"] == [False, ["decrypt", "encrypt"], aes_256]
        assert result["wrongPassword"].startswith("WrongKeyError: ")


def test_crypto_js_reads_writes_and_derives_every_recovery_vector(page):
    results = Modules(page).run(
        """
        const results = [];
        for (const v of arg) {
            const codeBytes = bytes(v.code_bytes);
            const {authKey, wrappingKey} = await c.deriveRecoveryKeys(codeBytes, bytes(v.salt));
            const dataKey = await crypto.subtle.importKey(
                'raw', bytes(v.data_key), 'AES-GCM', true, ['encrypt', 'decrypt']);
            const mistyped = Uint8Array.from(codeBytes);
            mistyped[19] ^= 1;
            const {wrappingKey: wrong} = await c.deriveRecoveryKeys(mistyped, bytes(v.salt));
            const wrapped = bytes(v.wrapped_data_key);
            results.push({
                name: v.name,
                formatted: c.formatRecoveryCode(codeBytes),
                typed: v.typed.map((typed) => text(c.parseRecoveryCode(typed))),
                invalid: await Promise.all(
                    v.invalid.map(({text}) => failure(() => c.parseRecoveryCode(text)))),
                authKey: text(authKey),
                wrapped: text(await c.wrapDataKey(
                    dataKey, wrappingKey, c.DATA_KEY_AAD, bytes(v.nonce))),
                unwrapped: await raw(
                    await c.unwrapDataKey(wrapped, wrappingKey, {extractable: true})),
                wrongCode: await failure(() => c.unwrapDataKey(wrapped, wrong)),
            });
        }
        return results;
        """,
        VECTORS["recovery"],
    )
    assert len(results) == len(VECTORS["recovery"])
    for vector, result in zip(VECTORS["recovery"], results, strict=True):
        assert result["formatted"] == vector["code"]
        assert result["typed"] == [vector["code_bytes"]] * len(vector["typed"])
        for invalid, refusal in zip(vector["invalid"], result["invalid"], strict=True):
            assert refusal is not None, f"accepted: {invalid['why']}"
            assert refusal.startswith("RecoveryCodeError: "), refusal
            assert "Please check" in refusal
        assert result["authKey"] == vector["auth_key"]
        assert result["wrapped"] == vector["wrapped_data_key"]
        assert result["unwrapped"] == vector["data_key"]
        assert result["wrongCode"].startswith("WrongKeyError: ")


def test_key_material_made_in_the_browser_opens_with_the_python_reference(page):
    made = Modules(page).run(
        """
        const dataKey = await c.generateDataKey();
        const recovery = c.generateRecoveryCode();
        return {
            dataKey: await raw(dataKey),
            generated: [dataKey.extractable, dataKey.usages.sort(), dataKey.algorithm],
            account: await c.accountKeyMaterial(arg, dataKey),
            quickAccount: await c.accountKeyMaterial(arg, dataKey, 1000),
            recovery: await c.recoveryKeyMaterial(dataKey),
            newCode: [recovery.code, text(recovery.bytes),
                      text(c.parseRecoveryCode(recovery.code))],
            salts: [text(c.randomSalt()), text(c.randomSalt())],
            iterations: c.DEFAULT_ITERATIONS,
        };
        """,
        "a new password, ﬁne",
    )
    data_key = keys.b64url_decode(made["dataKey"])
    assert len(data_key) == 32
    assert made["generated"] == [True, ["decrypt", "encrypt"], {"name": "AES-GCM", "length": 256}]
    assert made["iterations"] == 600_000
    assert made["account"]["iterations"] == 600_000
    assert made["quickAccount"]["iterations"] == 1000
    assert made["account"]["salt"] != made["quickAccount"]["salt"]
    for material in (made["account"], made["quickAccount"]):
        assert set(material) == {"salt", "iterations", "auth_key", "wrapped_data_key"}
        salt = keys.b64url_decode(material["salt"])
        assert len(salt) == 16
        auth_key, wrapping_key = keys.derive_account_keys(
            "a new password, fine", salt, material["iterations"]
        )
        assert material["auth_key"] == keys.b64url_encode(auth_key)
        wrapped = keys.b64url_decode(material["wrapped_data_key"])
        assert keys.unwrap_data_key(wrapped, wrapping_key) == data_key

    code, material = made["recovery"]["code"], made["recovery"]["material"]
    assert re.fullmatch(CODE_PATTERN, code)
    assert set(material) == {"salt", "auth_key", "wrapped_data_key"}
    auth_key, wrapping_key = keys.derive_recovery_keys(
        keys.parse_recovery_code(code), keys.b64url_decode(material["salt"])
    )
    assert material["auth_key"] == keys.b64url_encode(auth_key)
    wrapped = keys.b64url_decode(material["wrapped_data_key"])
    assert keys.unwrap_data_key(wrapped, wrapping_key) == data_key

    code, code_bytes, parsed = made["newCode"]
    assert re.fullmatch(CODE_PATTERN, code)
    assert keys.format_recovery_code(keys.b64url_decode(code_bytes)) == code
    assert parsed == code_bytes
    first_salt, second_salt = made["salts"]
    assert first_salt != second_salt


def test_base64url_matches_the_reference_and_refuses_anything_else(page):
    samples = [bytes(range(256))[:n] for n in (0, 1, 2, 3, 31, 32, 33, 256)]
    samples.append(bytes(range(256)) * 300)  # larger than one chunk of the encoder
    result = Modules(page).run(
        """
        const encoded = arg.samples.map((hex) => c.b64url.encode(
            Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16))));
        const decoded = encoded.map((text) => Array.from(c.b64url.decode(text),
            (byte) => byte.toString(16).padStart(2, '0')).join(''));
        const refused = await Promise.all(
            arg.invalid.map((text) => failure(() => c.b64url.decode(text))));
        return {encoded, decoded, refused};
        """,
        {"samples": [s.hex() for s in samples], "invalid": ["abc=", "ab+c", "ab/c", "a", "ab c"]},
    )
    assert result["encoded"] == [keys.b64url_encode(s) for s in samples]
    assert result["decoded"] == [s.hex() for s in samples]
    assert all(refusal and refusal.startswith("TypeError") for refusal in result["refused"])


def test_the_keystore_keeps_an_unreadable_key_across_reloads_and_locks(page):
    vector = VECTORS["account"][1]  # the NFKC one: unlock with its equivalent spelling
    data_key = keys.b64url_decode(vector["data_key"])
    modules = Modules(page)
    saved = modules.run(
        """
        const {wrappingKey} = await c.deriveAccountKeys(
            arg.password, bytes(arg.salt), arg.iterations);
        const material = {userId: 'user-1', salt: arg.salt, iterations: arg.iterations,
                          wrappedDataKey: arg.wrapped_data_key};
        const exposed = await c.unwrapDataKey(
            bytes(arg.wrapped_data_key), wrappingKey, {extractable: true});
        const refused = await failure(() => ks.saveUnlocked({...material, dataKey: exposed}));
        const afterRefusal = await ks.loadUnlocked();
        const dataKey = await c.unwrapDataKey(bytes(arg.wrapped_data_key), wrappingKey);
        await ks.saveUnlocked({...material, dataKey});
        const iv = c.randomBytes(12);
        const note = new TextEncoder().encode('A hard shift. Talked to Sam after.');
        const sealed = await crypto.subtle.encrypt({name: 'AES-GCM', iv}, dataKey, note);
        return {refused, afterRefusal, iv: text(iv), sealed: text(sealed)};
        """,
        vector,
    )
    assert saved["refused"].startswith("TypeError: ")
    assert saved["afterRefusal"] is None
    sealed = keys.b64url_decode(saved["sealed"])
    iv = keys.b64url_decode(saved["iv"])
    assert AESGCM(data_key).decrypt(iv, sealed, None) == b"A hard shift. Talked to Sam after."

    # A fresh page load that runs no app code (the app itself puts the key away when no
    # one is signed in on the server, which this test has no need of).
    page.goto("/offline.html")
    reopen = """
        const unlocked = await ks.loadUnlocked();
        if (!unlocked) return null;
        const opened = await crypto.subtle.decrypt(
            {name: 'AES-GCM', iv: bytes(arg.iv)}, unlocked.dataKey, bytes(arg.sealed));
        return {userId: unlocked.userId, extractable: unlocked.dataKey.extractable,
                usages: unlocked.dataKey.usages.sort(),
                note: new TextDecoder().decode(opened)};
    """
    reopened = modules.run(reopen, saved)
    assert reopened == {
        "userId": "user-1",
        "extractable": False,
        "usages": ["decrypt", "encrypt"],
        "note": "A hard shift. Talked to Sam after.",
    }

    stored = modules.run(
        """
        const db = await new Promise((resolve, reject) => {
            const request = indexedDB.open('tend-keys');
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error);
        });
        const records = await new Promise((resolve, reject) => {
            const request = db.transaction('keys').objectStore('keys').getAll();
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error);
        });
        db.close();
        return records.map((record) => Object.fromEntries(Object.entries(record).map(
            ([name, value]) => [name, value instanceof CryptoKey
                ? `CryptoKey extractable=${value.extractable}` : value])));
        """
    )
    assert stored == [
        {
            "userId": "user-1",
            "dataKey": "CryptoKey extractable=false",
            "salt": vector["salt"],
            "iterations": vector["iterations"],
            "wrappedDataKey": vector["wrapped_data_key"],
        }
    ], "only the unreadable key and ciphertext are stored"

    locked = modules.run(
        "await ks.lock(); return [await ks.loadUnlocked(), await ks.loadWrapped()]"
    )
    assert locked == [
        None,
        {
            "userId": "user-1",
            "salt": vector["salt"],
            "iterations": vector["iterations"],
            "wrappedDataKey": vector["wrapped_data_key"],
            "recovery": None,
        },
    ]

    page.context.set_offline(True)
    unlocked = modules.run(
        """
        const wrong = await failure(() => ks.unlockWithPassword(arg.password + ' '));
        const stillLocked = await ks.loadUnlocked();
        const dataKey = await ks.unlockWithPassword(arg.password);
        const opened = await crypto.subtle.decrypt(
            {name: 'AES-GCM', iv: bytes(arg.iv)}, dataKey, bytes(arg.sealed));
        const kept = await ks.loadUnlocked();
        return {wrong, stillLocked, extractable: dataKey.extractable,
                note: new TextDecoder().decode(opened), keptExtractable: kept?.dataKey.extractable};
        """,
        {**saved, "password": vector["equivalent_passwords"][0]},
    )
    page.context.set_offline(False)
    assert unlocked["wrong"].startswith("WrongKeyError: ")
    assert unlocked["stillLocked"] is None
    assert unlocked["extractable"] is False
    assert unlocked["note"] == "A hard shift. Talked to Sam after."
    assert unlocked["keptExtractable"] is False

    cleared = modules.run(
        """
        const before = (await indexedDB.databases()).map((db) => db.name);
        await ks.clearAll();
        const after = (await indexedDB.databases()).map((db) => db.name);
        return {before, after, wrapped: await ks.loadWrapped()};
        """
    )
    assert "tend-keys" in cleared["before"]
    assert "tend-keys" not in cleared["after"]
    assert cleared["wrapped"] is None


def test_unlocking_a_device_nobody_signed_in_on_says_so(page):
    refusal = Modules(page).run("return failure(() => ks.unlockWithPassword('anything'))")
    assert refusal == "Error: Nobody has signed in to Tend on this device."
