"""The key hierarchy's reference implementation against the shared vectors and its own
promises. The browser's crypto.js is checked against the same vectors in
tests/browser/test_crypto_vectors.py."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest

from tests.reference import keys
from tests.vectors import generate

VECTORS = json.loads(generate.PATH.read_text(encoding="utf-8"))
ACCOUNTS = VECTORS["account"]
RECOVERIES = VECTORS["recovery"]
FEW_ITERATIONS = 1_000


def _ids(vectors: list[dict]) -> list[str]:
    return [vector["name"] for vector in vectors]


def decode(vector: dict, field: str) -> bytes:
    return keys.b64url_decode(vector[field])


def test_the_committed_vectors_are_exactly_what_the_generator_writes():
    assert generate.PATH.read_text(encoding="utf-8") == generate.render(generate.build()), (
        "keys.json is stale: run python -m tests.vectors.generate"
    )


def test_the_vectors_cover_what_they_promise():
    assert any(v["iterations"] == keys.DEFAULT_ITERATIONS == 600_000 for v in ACCOUNTS)
    passwords = [v["password"] for v in ACCOUNTS]
    assert any(p != unicodedata.normalize("NFKC", p) for p in passwords)
    assert any(not p.isascii() for p in passwords)
    assert sum(len(v["typed"]) for v in RECOVERIES) >= 20
    assert VECTORS["labels"] == {
        "authentication": "tend v1 authentication",
        "wrapping": "tend v1 wrapping",
        "recovery_authentication": "tend v1 recovery authentication",
        "recovery_wrapping": "tend v1 recovery wrapping",
        "data_key_aad": "tend v1 data key",
    }


@pytest.mark.parametrize("vector", ACCOUNTS, ids=_ids(ACCOUNTS))
def test_account_vector(vector):
    salt, data_key, nonce = (decode(vector, f) for f in ("salt", "data_key", "nonce"))
    for password in [vector["password"], *vector["equivalent_passwords"]]:
        auth_key, wrapping_key = keys.derive_account_keys(password, salt, vector["iterations"])
        assert keys.b64url_encode(auth_key) == vector["auth_key"]
        wrapped = keys.wrap_data_key(data_key, wrapping_key, nonce)
        assert keys.b64url_encode(wrapped) == vector["wrapped_data_key"]
        assert len(wrapped) == 60
        assert wrapped[:12] == nonce
        assert keys.unwrap_data_key(wrapped, wrapping_key) == data_key


@pytest.mark.parametrize("vector", ACCOUNTS, ids=_ids(ACCOUNTS))
def test_a_wrong_password_cannot_unwrap_the_data_key(vector):
    salt, wrapped = decode(vector, "salt"), decode(vector, "wrapped_data_key")
    for wrong in (vector["password"] + "x", vector["password"].upper(), ""):
        auth_key, wrapping_key = keys.derive_account_keys(wrong, salt, vector["iterations"])
        assert keys.b64url_encode(auth_key) != vector["auth_key"]
        with pytest.raises(keys.WrongKeyError):
            keys.unwrap_data_key(wrapped, wrapping_key)


def test_salt_and_iterations_each_change_every_key():
    vector = ACCOUNTS[1]
    salt, iterations = decode(vector, "salt"), vector["iterations"]
    expected = keys.derive_account_keys(vector["password"], salt, iterations)
    other_salt = bytes([salt[0] ^ 1]) + salt[1:]
    for changed in (
        keys.derive_account_keys(vector["password"], other_salt, iterations),
        keys.derive_account_keys(vector["password"], salt, iterations + 1),
    ):
        assert changed[0] != expected[0]
        assert changed[1] != expected[1]


def test_a_tampered_or_relabelled_wrapped_key_is_refused():
    vector = ACCOUNTS[1]
    _, wrapping_key = keys.derive_account_keys(
        vector["password"], decode(vector, "salt"), vector["iterations"]
    )
    wrapped = decode(vector, "wrapped_data_key")
    for position in (0, 12, 59):  # the nonce, the ciphertext, the tag
        tampered = bytearray(wrapped)
        tampered[position] ^= 1
        with pytest.raises(keys.WrongKeyError):
            keys.unwrap_data_key(bytes(tampered), wrapping_key)
    with pytest.raises(keys.WrongKeyError):
        keys.unwrap_data_key(wrapped, wrapping_key, aad=b"tend v1 something else")


def test_different_labels_give_unrelated_keys():
    ikm, salt = b"\x07" * 32, b"\x09" * 16
    labels = [
        keys.AUTH_INFO,
        keys.WRAPPING_INFO,
        keys.RECOVERY_AUTH_INFO,
        keys.RECOVERY_WRAPPING_INFO,
    ]
    derived = {keys.hkdf(ikm, salt, label) for label in labels}
    assert len(derived) == len(labels)
    auth_key, wrapping_key = keys.derive_account_keys("a password", salt, FEW_ITERATIONS)
    assert auth_key != wrapping_key
    recovery_auth, recovery_wrapping = keys.derive_recovery_keys(ikm[:20], salt)
    assert recovery_auth != recovery_wrapping


def test_the_auth_key_does_not_open_the_data_key():
    """The server sees the auth key; it must be no use as a wrapping key."""
    vector = ACCOUNTS[1]
    with pytest.raises(keys.WrongKeyError):
        keys.unwrap_data_key(decode(vector, "wrapped_data_key"), decode(vector, "auth_key"))


@pytest.mark.parametrize("vector", RECOVERIES, ids=_ids(RECOVERIES))
def test_recovery_vector(vector):
    code_bytes, salt = decode(vector, "code_bytes"), decode(vector, "salt")
    assert len(code_bytes) == 20
    assert keys.format_recovery_code(code_bytes) == vector["code"]
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){7}", vector["code"])
    assert keys.parse_recovery_code(vector["code"]) == code_bytes
    for typed in vector["typed"]:
        assert keys.parse_recovery_code(typed) == code_bytes, typed
    auth_key, wrapping_key = keys.derive_recovery_keys(code_bytes, salt)
    assert keys.b64url_encode(auth_key) == vector["auth_key"]
    data_key, nonce = decode(vector, "data_key"), decode(vector, "nonce")
    wrapped = keys.wrap_data_key(data_key, wrapping_key, nonce)
    assert keys.b64url_encode(wrapped) == vector["wrapped_data_key"]
    assert keys.unwrap_data_key(wrapped, wrapping_key) == data_key


@pytest.mark.parametrize("vector", RECOVERIES, ids=_ids(RECOVERIES))
def test_invalid_recovery_codes_are_refused_in_plain_words(vector):
    for invalid in vector["invalid"]:
        with pytest.raises(keys.RecoveryCodeError, match=r"recovery code") as refused:
            keys.parse_recovery_code(invalid["text"])
        assert "Please check" in str(refused.value), invalid["why"]


def test_a_mistyped_recovery_code_cannot_unwrap_the_data_key():
    vector = RECOVERIES[2]
    code_bytes = bytearray(decode(vector, "code_bytes"))
    code_bytes[-1] ^= 1
    _, wrapping_key = keys.derive_recovery_keys(bytes(code_bytes), decode(vector, "salt"))
    with pytest.raises(keys.WrongKeyError):
        keys.unwrap_data_key(decode(vector, "wrapped_data_key"), wrapping_key)


def test_every_recovery_code_round_trips_and_uses_the_whole_alphabet():
    seen = set()
    for _ in range(200):
        code, code_bytes = keys.generate_recovery_code()
        assert keys.parse_recovery_code(code) == code_bytes
        seen.update(code.replace("-", ""))
    assert seen == set(keys.CROCKFORD)


def test_key_material_is_fresh_each_time_and_opens_with_its_own_secret():
    data_key = b"\x42" * 32
    first = keys.account_key_material("a password", data_key, FEW_ITERATIONS)
    second = keys.account_key_material("a password", data_key, FEW_ITERATIONS)
    assert first["salt"] != second["salt"]
    assert first["auth_key"] != second["auth_key"]
    auth_key, wrapping_key = keys.derive_account_keys(
        "a password", keys.b64url_decode(first["salt"]), first["iterations"]
    )
    assert keys.b64url_encode(auth_key) == first["auth_key"]
    wrapped = keys.b64url_decode(first["wrapped_data_key"])
    assert keys.unwrap_data_key(wrapped, wrapping_key) == data_key

    code, material = keys.recovery_key_material(data_key)
    auth_key, wrapping_key = keys.derive_recovery_keys(
        keys.parse_recovery_code(code), keys.b64url_decode(material["salt"])
    )
    assert keys.b64url_encode(auth_key) == material["auth_key"]
    wrapped = keys.b64url_decode(material["wrapped_data_key"])
    assert keys.unwrap_data_key(wrapped, wrapping_key) == data_key


@pytest.mark.parametrize("text", ["abc=", "ab+c", "ab/c", "a", "ab c"])
def test_only_unpadded_base64url_decodes(text):
    with pytest.raises(ValueError, match="base64url"):
        keys.b64url_decode(text)


def test_base64url_round_trips_without_padding():
    for n in range(0, 70):
        data = bytes(range(256))[n : n * 3]
        text = keys.b64url_encode(data)
        assert "=" not in text
        assert keys.b64url_decode(text) == data
