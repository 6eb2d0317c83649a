"""The record format's reference implementation against the shared vectors and its own
promises. The browser's records.js is checked against the same vectors in
tests/browser/test_record_vectors.py."""

from __future__ import annotations

import json
import os
import uuid

import pytest

from tests.reference import keys, records
from tests.vectors import generate_records

VECTORS = json.loads(generate_records.PATH.read_text(encoding="utf-8"))
RECORDS = VECTORS["records"]
NEGATIVES = VECTORS["negative"]
ERRORS = {
    "RecordFormatError": records.RecordFormatError,
    "RecordOpenError": records.RecordOpenError,
}
OVERHEAD = 1 + 12 + 16  # format byte, nonce, tag


def _ids(vectors: list[dict]) -> list[str]:
    return [vector["name"] for vector in vectors]


def ref(vector: dict) -> records.RecordRef:
    return {"id": vector["id"], "type": vector["type"], "version": vector["version"]}


def decode(vector: dict, field: str) -> bytes:
    return keys.b64url_decode(vector[field])


def test_the_committed_vectors_are_exactly_what_the_generator_writes():
    committed = generate_records.PATH.read_text(encoding="utf-8")
    assert committed == generate_records.render(generate_records.build()), (
        "records.json is stale: run python -m tests.vectors.generate_records"
    )


def test_the_vectors_cover_what_they_promise():
    assert VECTORS["format_version"] == 1
    assert VECTORS["aad_prefix"] == "tend v1 record\0"
    assert VECTORS["size_classes"] == [256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536]
    padded = {v["padded_bytes"] for v in RECORDS}
    assert {256, 512} <= padded
    assert any(size > 65536 for size in padded)
    assert any(not json.dumps(v["content"], ensure_ascii=False).isascii() for v in RECORDS)
    assert any(v["content"] == {} for v in RECORDS)
    assert any(4 + v["json_bytes"] == v["padded_bytes"] for v in RECORDS), "one fills a class"
    assert any(4 + v["json_bytes"] == 257 for v in RECORDS), "one is just over a class"
    assert len({v["id"] for v in RECORDS}) == len(RECORDS)
    names = set(_ids(NEGATIVES))
    for needed in (
        "another id",
        "another type",
        "the next version",
        "a flipped ciphertext bit",
        "an unknown format byte, 0x02",
        "a length prefix past the end",
    ):
        assert needed in names


@pytest.mark.parametrize("vector", RECORDS, ids=_ids(RECORDS))
def test_record_vector(vector):
    data_key, nonce = decode(vector, "data_key"), decode(vector, "nonce")
    assert records.record_aad(**ref(vector)) == vector["aad"].encode()
    assert uuid.UUID(vector["id"]).version == 4
    assert str(uuid.UUID(vector["id"])) == vector["id"]
    content_json = records.serialise(vector["content"])
    assert len(content_json) == vector["json_bytes"]
    assert records.padded_length(len(content_json)) == vector["padded_bytes"]

    envelope = records.seal_record(data_key, ref(vector), vector["content"], nonce)
    assert envelope == vector["envelope"]
    data = keys.b64url_decode(envelope)
    assert data[0] == 0x01
    assert data[1:13] == nonce
    assert len(data) == OVERHEAD + vector["padded_bytes"]
    assert records.open_record(data_key, ref(vector), envelope) == vector["content"]


@pytest.mark.parametrize("vector", NEGATIVES, ids=_ids(NEGATIVES))
def test_negative_vector_fails_with_the_named_error(vector):
    with pytest.raises(ERRORS[vector["error"]]) as refused:
        records.open_record(decode(vector, "data_key"), ref(vector), vector["envelope"])
    assert type(refused.value) is ERRORS[vector["error"]]
    message = str(refused.value)
    assert message.startswith("This entry ")
    assert "\n" not in message
    assert "tag" not in message.lower()
    assert "decrypt" not in message.lower()


def test_the_error_messages_are_fit_to_show_a_person():
    assert str(records.RecordOpenError()) == "This entry couldn't be opened."
    assert str(records.RecordFormatError()) == "This entry couldn't be opened."
    unknown = next(v for v in NEGATIVES if v["name"] == "an unknown format byte, 0x02")
    with pytest.raises(records.RecordFormatError, match="Updating the app"):
        records.open_record(decode(unknown, "data_key"), ref(unknown), unknown["envelope"])


def test_padded_lengths_at_every_edge():
    for row in VECTORS["padded_lengths"]:
        assert records.padded_length(row["json_bytes"]) == row["padded_bytes"], row


def test_padding_is_the_smallest_class_or_multiple_that_fits():
    classes = records.SIZE_CLASSES
    for n in [*range(0, 1100), *range(65500, 65600), *range(131000, 131200), 10**6]:
        size = records.padded_length(n)
        assert size >= n + 4
        if n + 4 <= 65536:
            assert size in classes
            assert size == classes[0] or n + 4 > classes[classes.index(size) - 1]
        else:
            assert size % 65536 == 0
            assert size - 65536 < n + 4
    with pytest.raises(ValueError, match="between"):
        records.padded_length(-1)
    with pytest.raises(ValueError, match="between"):
        records.padded_length(2**32)


def test_pad_and_unpad_round_trip_with_zero_bytes_after():
    for n in (0, 1, 252, 253, 5000, 65532, 65533):
        data = os.urandom(n)
        padded = records.pad(data)
        assert len(padded) == records.padded_length(n)
        assert padded[:4] == n.to_bytes(4, "big")
        assert padded[4 : 4 + n] == data
        assert set(padded[4 + n :]) <= {0}
        assert records.unpad(padded) == data


@pytest.mark.parametrize(
    "padded",
    [b"", b"\0\0\0", (253).to_bytes(4, "big") + bytes(252), b"\xff\xff\xff\xff" + bytes(252)],
    ids=["empty", "shorter than the prefix", "one byte past the end", "far past the end"],
)
def test_unpad_refuses_a_length_prefix_that_does_not_fit(padded):
    with pytest.raises(records.RecordFormatError):
        records.unpad(padded)


@pytest.mark.parametrize(
    ("low", "high"),
    [(2, 252), (253, 508), (509, 1020), (32765, 65532), (65533, 131068), (131069, 196604)],
)
def test_every_length_within_a_class_gives_the_same_envelope_length(low, high):
    data_key = os.urandom(32)
    reference: records.RecordRef = {"id": str(uuid.uuid4()), "type": "journal", "version": 1}
    lengths = set()
    step = max(1, (high - low) // 40)
    for n in [*range(low, high + 1, step), high]:
        content = "x" * (n - 2)  # as JSON, two quotes and n - 2 letters: n bytes
        assert len(records.serialise(content)) == n
        envelope = records.seal_record(data_key, reference, content)
        assert records.open_record(data_key, reference, envelope) == content
        lengths.add(len(envelope))
    assert len(lengths) == 1, lengths
    # and the next byte moves to the next class
    bigger = records.seal_record(data_key, reference, "x" * (high + 1 - 2))
    assert len(bigger) > lengths.pop()


def test_each_write_has_a_fresh_nonce_and_opens():
    data_key = os.urandom(32)
    reference: records.RecordRef = {"id": str(uuid.uuid4()), "type": "journal", "version": 1}
    envelopes = {records.seal_record(data_key, reference, {"body": "same"}) for _ in range(50)}
    assert len(envelopes) == 50
    nonces = {keys.b64url_decode(e)[1:13] for e in envelopes}
    assert len(nonces) == 50
    for envelope in envelopes:
        assert records.open_record(data_key, reference, envelope) == {"body": "same"}


@pytest.mark.parametrize(
    ("id_", "type_", "version", "error"),
    [
        ("C865712E-AD09-4964-9D8F-696401E9A4A4", "journal", 1, TypeError),
        ("c865712e-ad09-1964-9d8f-696401e9a4a4", "journal", 1, TypeError),
        ("c865712ead0949649d8f696401e9a4a4", "journal", 1, TypeError),
        ("c865712e-ad09-4964-9d8f-696401e9a4a4", "", 1, TypeError),
        ("c865712e-ad09-4964-9d8f-696401e9a4a4", "journal\0x", 1, TypeError),
        ("c865712e-ad09-4964-9d8f-696401e9a4a4", "Journal", 1, TypeError),
        ("c865712e-ad09-4964-9d8f-696401e9a4a4", "journal", 0, ValueError),
        ("c865712e-ad09-4964-9d8f-696401e9a4a4", "journal", 2**53, ValueError),
        ("c865712e-ad09-4964-9d8f-696401e9a4a4", "journal", True, TypeError),
        ("c865712e-ad09-4964-9d8f-696401e9a4a4", "journal", "1", TypeError),
    ],
)
def test_a_record_must_be_well_named_to_be_sealed(id_, type_, version, error):
    with pytest.raises(error):
        records.record_aad(id_, type_, version)
    with pytest.raises(error):
        records.seal_record(b"\1" * 32, {"id": id_, "type": type_, "version": version}, {})


def test_content_opens_whatever_json_spacing_another_writer_used():
    data_key = os.urandom(32)
    reference: records.RecordRef = {"id": str(uuid.uuid4()), "type": "journal", "version": 3}
    spaced = json.dumps({"body": "é", "n": 1}, indent=2).encode()
    envelope = records.seal_padded(data_key, reference, records.pad(spaced))
    assert records.open_record(data_key, reference, envelope) == {"body": "é", "n": 1}
    for not_json in (b"NaN", b"\xff", b"{"):
        envelope = records.seal_padded(data_key, reference, records.pad(not_json))
        with pytest.raises(records.RecordFormatError):
            records.open_record(data_key, reference, envelope)
