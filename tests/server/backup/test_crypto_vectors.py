"""The production decrypting code (server/backup/crypto.py) against the shared vectors that
the browser's crypto.js and records.js, and the test reference, also pass."""

from __future__ import annotations

import json

import pytest

from server.backup import crypto
from tests.vectors import generate, generate_records

KEYS = json.loads(generate.PATH.read_text(encoding="utf-8"))
RECORDS = json.loads(generate_records.PATH.read_text(encoding="utf-8"))


def _ids(vectors: list[dict]) -> list[str]:
    return [vector["name"] for vector in vectors]


def decode(vector: dict, name: str) -> bytes:
    return crypto.b64url_decode(vector[name])


def test_the_labels_are_the_vectors_labels():
    labels = KEYS["labels"]
    assert labels["wrapping"].encode() == crypto.WRAPPING_INFO
    assert labels["recovery_wrapping"].encode() == crypto.RECOVERY_WRAPPING_INFO
    assert labels["data_key_aad"].encode() == crypto.DATA_KEY_AAD
    assert RECORDS["aad_prefix"] == crypto.RECORD_AAD_PREFIX


@pytest.mark.parametrize("vector", KEYS["account"], ids=_ids(KEYS["account"]))
def test_every_spelling_of_a_password_unwraps_its_data_key(vector):
    salt, wrapped = decode(vector, "salt"), decode(vector, "wrapped_data_key")
    for password in [vector["password"], *vector["equivalent_passwords"]]:
        wrapping_key = crypto.password_wrapping_key(password, salt, vector["iterations"])
        assert crypto.unwrap_data_key(wrapped, wrapping_key) == decode(vector, "data_key")


@pytest.mark.parametrize("vector", KEYS["account"], ids=_ids(KEYS["account"]))
def test_a_wrong_password_or_iteration_count_does_not(vector):
    salt, wrapped = decode(vector, "salt"), decode(vector, "wrapped_data_key")
    for password, iterations in [
        (vector["password"] + "x", vector["iterations"]),
        (vector["password"].upper(), vector["iterations"]),
        (vector["password"], vector["iterations"] + 1),
    ]:
        wrapping_key = crypto.password_wrapping_key(password, salt, iterations)
        with pytest.raises(crypto.WrongKeyError):
            crypto.unwrap_data_key(wrapped, wrapping_key)


@pytest.mark.parametrize("vector", KEYS["recovery"], ids=_ids(KEYS["recovery"]))
def test_every_way_of_typing_a_recovery_code_unwraps_its_data_key(vector):
    code_bytes = decode(vector, "code_bytes")
    for typed in [vector["code"], *vector["typed"]]:
        assert crypto.parse_recovery_code(typed) == code_bytes, typed
    wrapping_key = crypto.recovery_wrapping_key(code_bytes, decode(vector, "salt"))
    wrapped = decode(vector, "wrapped_data_key")
    assert crypto.unwrap_data_key(wrapped, wrapping_key) == decode(vector, "data_key")
    mistyped = bytes([code_bytes[0] ^ 1]) + code_bytes[1:]
    with pytest.raises(crypto.WrongKeyError):
        crypto.unwrap_data_key(wrapped, crypto.recovery_wrapping_key(mistyped, b"\0" * 16))


@pytest.mark.parametrize("vector", KEYS["recovery"], ids=_ids(KEYS["recovery"]))
def test_text_that_is_not_a_recovery_code_is_told_apart(vector):
    for invalid in vector["invalid"]:
        with pytest.raises(crypto.NotARecoveryCode):
            crypto.parse_recovery_code(invalid["text"])


def test_a_wrapped_key_of_the_wrong_length_does_not_unwrap():
    with pytest.raises(crypto.WrongKeyError):
        crypto.unwrap_data_key(b"\0" * 59, b"\1" * 32)


@pytest.mark.parametrize("vector", RECORDS["records"], ids=_ids(RECORDS["records"]))
def test_every_record_vector_opens_to_its_content(vector):
    content = crypto.open_record(
        decode(vector, "data_key"), vector["id"], vector["type"], vector["version"],
        vector["envelope"],
    )  # fmt: skip
    assert content == vector["content"]
    assert crypto.record_aad(vector["id"], vector["type"], vector["version"]) == (
        vector["aad"].encode()
    )


@pytest.mark.parametrize("vector", RECORDS["negative"], ids=_ids(RECORDS["negative"]))
def test_every_negative_record_vector_is_refused(vector):
    with pytest.raises(crypto.RecordError):
        crypto.open_record(
            decode(vector, "data_key"), vector["id"], vector["type"], vector["version"],
            vector["envelope"],
        )  # fmt: skip


@pytest.mark.parametrize(
    ("id_", "type_", "version"),
    [
        ("C865712E-AD09-4964-9D8F-696401E9A4A4", "journal", 1),
        ("c865712e-ad09-1964-9d8f-696401e9a4a4", "journal", 1),
        ("c865712e-ad09-4964-9d8f-696401e9a4a4", "Journal", 1),
        ("c865712e-ad09-4964-9d8f-696401e9a4a4", "journal", 0),
        ("c865712e-ad09-4964-9d8f-696401e9a4a4", "journal", 2**53),
        ("c865712e-ad09-4964-9d8f-696401e9a4a4", "journal", True),
    ],
)
def test_a_record_that_could_never_have_been_sealed_is_refused(id_, type_, version):
    with pytest.raises(crypto.RecordError):
        crypto.record_aad(id_, type_, version)


@pytest.mark.parametrize("text", ["abc=", "ab+c", "ab/c", "a", "ab c"])
def test_only_unpadded_base64url_decodes(text):
    with pytest.raises(ValueError, match="base64url"):
        crypto.b64url_decode(text)
