"""Tend's encrypted record format in Python: the reference implementation for tests.

This mirrors ``pwa/js/records.js`` function for function so that the shared test vectors
(``tests/vectors/records.json``) can be produced and checked outside the browser, and so that
server tests can make the envelopes a real client would send. Tend itself never runs this
code: every record is sealed and opened in the worker's browser.

    content ─JSON, UTF-8─▶ u32 BE length ‖ JSON ‖ zero bytes, to a size class
            ─AES-256-GCM(data key, fresh nonce, AAD "tend v1 record␀id␀type␀version")─▶
    envelope: 0x01 ‖ nonce (12) ‖ ciphertext ‖ tag (16), as unpadded base64url

JSON is written as ``JSON.stringify`` writes it (no spaces, non-ASCII as UTF-8, keys in the
order given), so the vectors' envelopes are the same byte for byte in both. Opening does not
depend on that: any valid UTF-8 JSON opens.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, TypedDict

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tests.reference.keys import b64url_decode, b64url_encode

FORMAT_VERSION = 0x01
RECORD_AAD_PREFIX = "tend v1 record\0"
SIZE_CLASSES = (256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536)
LARGEST_CLASS = SIZE_CLASSES[-1]
LENGTH_BYTES = 4
MAX_CONTENT_BYTES = 0xFFFF_FFFF
NONCE_BYTES = 12
TAG_BYTES = 16
HEADER_BYTES = 1 + NONCE_BYTES
MAX_SAFE_INTEGER = 2**53 - 1  # JavaScript's largest exact whole number

_UUID_V4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
_RECORD_TYPE = re.compile(r"[a-z][a-z0-9_-]*")

OPEN_FAILED = "This entry couldn't be opened."
NEWER_FORMAT = (
    "This entry was saved in a form this version of Tend can't read yet. "
    "Updating the app may open it."
)


class RecordFormatError(Exception):
    """A record is in a form this version of Tend cannot read, or its contents are damaged."""

    def __init__(self, message: str = OPEN_FAILED) -> None:
        super().__init__(message)


class RecordOpenError(Exception):
    """A record did not verify: changed, moved to another record, or sealed with another key."""

    def __init__(self, message: str = OPEN_FAILED) -> None:
        super().__init__(message)


class RecordRef(TypedDict):
    """What a record's ciphertext is bound to."""

    id: str
    type: str
    version: int


def padded_length(n: int) -> int:
    """The padded size for n bytes of content: the smallest size class that holds the 4-byte
    length prefix and the content, or beyond 65,536 bytes the next multiple of 65,536."""
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= MAX_CONTENT_BYTES:
        raise ValueError("a record's content must be between 0 and 4 GiB long")
    needed = LENGTH_BYTES + n
    for size in SIZE_CLASSES:
        if size >= needed:
            return size
    return -(-needed // LARGEST_CLASS) * LARGEST_CLASS


def pad(data: bytes) -> bytes:
    """u32 big-endian length ‖ content ‖ zero bytes, to ``padded_length(len(data))``."""
    prefixed = len(data).to_bytes(LENGTH_BYTES, "big") + data
    return prefixed.ljust(padded_length(len(data)), b"\0")


def unpad(data: bytes) -> bytes:
    """The content inside padded bytes; RecordFormatError if the length prefix does not fit."""
    if len(data) < LENGTH_BYTES:
        raise RecordFormatError
    length = int.from_bytes(data[:LENGTH_BYTES], "big")
    if length > len(data) - LENGTH_BYTES:
        raise RecordFormatError
    return data[LENGTH_BYTES : LENGTH_BYTES + length]


def record_aad(id: str, type: str, version: int) -> bytes:
    """UTF-8 of "tend v1 record␀" + id + "␀" + type + "␀" + version."""
    if not isinstance(id, str) or not _UUID_V4.fullmatch(id):
        raise TypeError("a record's id is a lower-case UUIDv4")
    if not isinstance(type, str) or not _RECORD_TYPE.fullmatch(type):
        raise TypeError('a record\'s type is a lower-case word, such as "journal"')
    if isinstance(version, bool) or not isinstance(version, int):
        raise TypeError("a record's version is a whole number")
    if not 1 <= version <= MAX_SAFE_INTEGER:
        raise ValueError("a record's version is a whole number from 1")
    return f"{RECORD_AAD_PREFIX}{id}\0{type}\0{version}".encode()


def serialise(content: Any) -> bytes:
    """Content as UTF-8 JSON, written as ``JSON.stringify`` writes it."""
    return json.dumps(content, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode(
        "utf-8"
    )


def seal_padded(
    data_key: bytes, record: RecordRef, padded: bytes, nonce: bytes | None = None
) -> str:
    """Seal already padded bytes. Only tests call this directly (to make a damaged record);
    everything else uses seal_record."""
    aad = record_aad(record["id"], record["type"], record["version"])
    nonce = os.urandom(NONCE_BYTES) if nonce is None else nonce
    if len(nonce) != NONCE_BYTES:
        raise ValueError("a record's nonce is 12 bytes")
    sealed = AESGCM(data_key).encrypt(nonce, padded, aad)
    return b64url_encode(bytes([FORMAT_VERSION]) + nonce + sealed)


def seal_record(
    data_key: bytes, record: RecordRef, content: Any, nonce: bytes | None = None
) -> str:
    """The envelope for content, as base64url: 0x01 ‖ nonce ‖ ciphertext and tag.

    ``record`` holds the id, type and version the ciphertext is bound to; the version is the
    one this write will have. The nonce is fresh and random unless a test vector passes one.
    """
    return seal_padded(data_key, record, pad(serialise(content)), nonce)


def open_record(data_key: bytes, record: RecordRef, envelope: str) -> Any:
    """The content of an envelope from seal_record (or the browser's sealRecord).

    Raises RecordFormatError for an envelope this version cannot read (unknown format byte,
    not base64url, too short, a length prefix that does not fit), and RecordOpenError when it
    does not verify (changed, or sealed for another id, type, version or key).
    """
    aad = record_aad(record["id"], record["type"], record["version"])
    try:
        data = b64url_decode(envelope)
    except ValueError as error:
        raise RecordFormatError from error
    if data and data[0] != FORMAT_VERSION:
        raise RecordFormatError(NEWER_FORMAT)
    if len(data) < HEADER_BYTES + TAG_BYTES:
        raise RecordFormatError
    try:
        padded = AESGCM(data_key).decrypt(data[1:HEADER_BYTES], data[HEADER_BYTES:], aad)
    except InvalidTag as error:
        raise RecordOpenError from error
    try:
        return json.loads(unpad(padded).decode("utf-8"), parse_constant=_not_json)
    except ValueError as error:  # not UTF-8, or not JSON
        raise RecordFormatError from error


def _not_json(name: str) -> None:
    """Python reads NaN and Infinity; JSON (and JSON.parse) does not."""
    raise ValueError(f"{name} is not JSON")
