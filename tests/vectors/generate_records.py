"""Write tests/vectors/records.json: the envelopes Tend's record format must give.

Run ``python -m tests.vectors.generate_records``. Every input is derived from a fixed label,
so the output is the same on every run; tests/server/test_record_vectors.py checks that the
committed file is exactly what this writes, and the browser tests check pwa/js/records.js
against it.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from tests.reference import keys, records
from tests.vectors.generate import b64, fixed_bytes, render

PATH = Path(__file__).with_name("records.json")

SHORT_ENTRY = {
    "title": "After the late shift",
    "body": "A hard shift. Talked to Sam after. Feeling steadier now.",
    "tags": ["shift", "handover"],
    "stress": 3,
    "private": True,
    "prompt": None,
}

NON_ASCII_ENTRY = {
    "title": "Diolch — a better day 🌱",
    "body": (
        "Café with Priya, naïve hope, “curly quotes” and \u2018apostrophes\u2019 — still here.\n"
        "Breathed out 😮\u200d💨, rain 🌧\ufe0f, thanks 🫶🏽. 日本語 · Ελληνικά · עברית.\n"
        'Escapes:\t"quoted" back\\slash, a control \u0001 and a line separator \u2028.'
    ),
    "tags": ["grŵp", "über", "🌧\ufe0f"],
    "mood_words": ["calm", "tired", "grateful"],
    "sleep_hours": 6,
}

# Sentences for the long entry; some characters take two or more bytes in UTF-8.
LONG_SENTENCES = [
    "Woke before the alarm again.",
    "The handover was short — twenty minutes for a whole night\u2019s worth.",
    "J. was upset at breakfast and I stayed calm, mostly.",
    "Walked to the café at lunch; the rain had stopped.",
    "Noticed my shoulders were up by my ears.",
    "Supervision on Thursday: bring the restraint, and what helped after.",
    "Slept six hours. Better than last week.",
    "Grateful for Amir\u2019s text 🫶🏽.",
]
ASCII_FILLER = " And that was the day. Enough for now."


def record_id(label: str) -> str:
    """A fixed, canonical lower-case UUIDv4."""
    return str(uuid.UUID(bytes=fixed_bytes(f"{label} id", 16), version=4))


def json_length(content: Any) -> int:
    return len(records.serialise(content))


def entry_of_length(title: str, sentences: list[str], target: int) -> dict[str, Any]:
    """A journal entry whose JSON is exactly ``target`` bytes: whole sentences while they
    fit, then ASCII to make up the rest."""
    body = ""
    index = 0
    while True:
        sentence = sentences[index % len(sentences)]
        longer = f"{body}{sentence}{' ' if index % 5 < 4 else chr(10)}"
        if json_length({"title": title, "body": longer}) > target:
            break
        body, index = longer, index + 1
    missing = target - json_length({"title": title, "body": body})
    body += (ASCII_FILLER * (missing // len(ASCII_FILLER) + 1))[:missing]
    content = {"title": title, "body": body}
    assert json_length(content) == target, (json_length(content), target)
    return content


# (name, type, version, content): the positive vectors.
CONTENT: list[tuple[str, str, int, Any]] = [
    ("a short journal entry", "journal", 1, SHORT_ENTRY),
    ("non-ASCII text, emoji and escapes", "journal", 4, NON_ASCII_ENTRY),
    (
        "exactly fills the 256-byte class",
        "journal",
        2,
        entry_of_length("Exactly full", LONG_SENTENCES, 256 - 4),
    ),
    (
        "one byte over the 256-byte class",
        "journal",
        10,
        entry_of_length("One byte over", LONG_SENTENCES, 256 - 4 + 1),
    ),
    (
        "just over the largest class, 65,536 bytes",
        "journal",
        3,
        entry_of_length("A long week", LONG_SENTENCES, 65536 - 4 + 1),
    ),
    ("an empty object", "journal", 1, {}),
]


def boundary_lengths() -> list[dict[str, int]]:
    """JSON lengths either side of every class edge and two multiples, each padded."""
    edges = [*records.SIZE_CLASSES, 2 * records.LARGEST_CLASS, 3 * records.LARGEST_CLASS]
    lengths = sorted({0, 1, *(edge - 4 + delta for edge in edges for delta in (-1, 0, 1))})
    return [{"json_bytes": n, "padded_bytes": records.padded_length(n)} for n in lengths]


def record_vector(name: str, type_: str, version: int, content: Any) -> dict[str, Any]:
    data_key = fixed_bytes(f"{name} data key", keys.KEY_BYTES)
    nonce = fixed_bytes(f"{name} nonce", keys.NONCE_BYTES)
    ref: records.RecordRef = {"id": record_id(name), "type": type_, "version": version}
    content_bytes = json_length(content)
    return {
        "name": name,
        "data_key": b64(data_key),
        **ref,
        "aad": records.record_aad(ref["id"], ref["type"], ref["version"]).decode(),
        "content": content,
        "json_bytes": content_bytes,
        "padded_bytes": records.padded_length(content_bytes),
        "nonce": b64(nonce),
        "envelope": records.seal_record(data_key, ref, content, nonce),
    }


def with_byte(envelope: str, position: int, value: int | None = None, flip: int = 0) -> str:
    """The envelope with one byte set to ``value`` or XORed with ``flip``."""
    data = bytearray(keys.b64url_decode(envelope))
    data[position] = data[position] ^ flip if value is None else value
    return keys.b64url_encode(bytes(data))


def negative_vectors(base: dict[str, Any]) -> list[dict[str, Any]]:
    """Ways the first vector's envelope must fail to open, each with the error it must give."""
    ref = {"id": base["id"], "type": base["type"], "version": base["version"]}
    envelope = base["envelope"]
    data_key = keys.b64url_decode(base["data_key"])
    last = len(keys.b64url_decode(envelope)) - 1
    # Correctly sealed, but its length prefix says one byte more than the padding holds.
    overlong = bytearray(records.pad(records.serialise(base["content"])))
    overlong[:4] = (len(overlong) - 3).to_bytes(4, "big")
    damaged = records.seal_padded(
        data_key, ref, bytes(overlong), fixed_bytes("overlong nonce", keys.NONCE_BYTES)
    )
    cases = [
        ("another id", {"id": record_id("another record")}, envelope, "RecordOpenError"),
        ("another type", {"type": "checkin"}, envelope, "RecordOpenError"),
        ("the next version", {"version": base["version"] + 1}, envelope, "RecordOpenError"),
        ("a much later version", {"version": 11}, envelope, "RecordOpenError"),
        (
            "another data key",
            {"data_key": b64(fixed_bytes("another data key", keys.KEY_BYTES))},
            envelope,
            "RecordOpenError",
        ),
        ("a flipped nonce bit", {}, with_byte(envelope, 1, flip=0x80), "RecordOpenError"),
        ("a flipped ciphertext bit", {}, with_byte(envelope, 20, flip=0x01), "RecordOpenError"),
        ("a flipped tag bit", {}, with_byte(envelope, last, flip=0x01), "RecordOpenError"),
        ("cut short", {}, envelope[:-40], "RecordOpenError"),
        ("an unknown format byte, 0x02", {}, with_byte(envelope, 0, 0x02), "RecordFormatError"),
        ("an unknown format byte, 0x00", {}, with_byte(envelope, 0, 0x00), "RecordFormatError"),
        (
            "too short to hold a nonce and tag",
            {},
            keys.b64url_encode(keys.b64url_decode(envelope)[:28]),
            "RecordFormatError",
        ),
        ("empty", {}, "", "RecordFormatError"),
        ("not base64url", {}, "+" + envelope[1:], "RecordFormatError"),
        ("a length prefix past the end", {}, damaged, "RecordFormatError"),
    ]
    return [
        {
            "name": name,
            "data_key": base["data_key"],
            **ref,
            **changed,
            "envelope": sealed,
            "error": error,
        }
        for name, changed, sealed, error in cases
    ]


def build() -> dict[str, Any]:
    """Every vector, as records.json holds them."""
    vectors = [record_vector(*content) for content in CONTENT]
    return {
        "about": (
            "Test vectors for Tend's encrypted record format. Generated by "
            "`python -m tests.vectors.generate_records` from tests/reference/records.py; "
            "do not edit. Binary values are unpadded base64url; json_bytes and padded_bytes "
            "are the content's UTF-8 JSON length and its padded length."
        ),
        "format_version": records.FORMAT_VERSION,
        "aad_prefix": records.RECORD_AAD_PREFIX,
        "size_classes": list(records.SIZE_CLASSES),
        "padded_lengths": boundary_lengths(),
        "records": vectors,
        "negative": negative_vectors(vectors[0]),
    }


def main() -> None:
    PATH.write_text(render(build()), encoding="utf-8")
    print(f"Wrote {PATH}")


if __name__ == "__main__":
    main()
