"""The decrypting half of Tend's key hierarchy and record format, for opening backups.

Tend's server never runs this against anyone's records: in the service every key lives in the
worker's browser (``pwa/js/crypto.js``, ``pwa/js/records.js``). It exists so that a person can
open her own backup on her own computer with Python alone. It opens exactly what the browser
seals, and ``tests/backup/test_crypto_vectors.py`` holds it to the shared vectors.

    password ─NFKC, UTF-8─▶ PBKDF2-SHA256 ─▶ master ─HKDF "tend v1 wrapping"─▶ wrapping key
    recovery code (20 bytes) ─HKDF(recovery salt) "tend v1 recovery wrapping"─▶ wrapping key
    wrapping key ─AES-256-GCM, AAD "tend v1 data key"─▶ data key ─AES-256-GCM─▶ records
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import unicodedata
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
WRAPPED_KEY_BYTES = NONCE_BYTES + KEY_BYTES + TAG_BYTES
RECOVERY_CODE_BYTES = 20
RECOVERY_CODE_CHARS = 32
MAX_SAFE_INTEGER = 2**53 - 1  # JavaScript's largest exact whole number

WRAPPING_INFO = b"tend v1 wrapping"
RECOVERY_WRAPPING_INFO = b"tend v1 recovery wrapping"
DATA_KEY_AAD = b"tend v1 data key"
RECORD_FORMAT = 0x01
RECORD_AAD_PREFIX = "tend v1 record\0"
LENGTH_BYTES = 4

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Ignored in a typed recovery code: spaces, line breaks, hyphens and the dashes phones put in
# their place. The same set as crypto.js, spelt out rather than \s.
_SEPARATORS = re.compile(
    r"[\t\n\v\f\r \u00a0\u2000-\u200b\u202f\u3000\ufeff\-\u2010-\u2015\u2212]+"
)
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_UUID_V4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
_RECORD_TYPE = re.compile(r"[a-z][a-z0-9_-]*")


class WrongKeyError(Exception):
    """A wrapped data key did not verify: the password or recovery code was wrong."""


class NotARecoveryCode(ValueError):
    """Typed text is not a recovery code Tend could have made."""


class RecordError(Exception):
    """An envelope did not open: changed, moved to another record, sealed with another key,
    or in a form this version cannot read."""


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url; ValueError for anything else."""
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not unpadded base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as error:
        raise ValueError("not unpadded base64url") from error


def normalise_password(password: str) -> bytes:
    """NFKC, then UTF-8: the same password typed on any device gives the same bytes."""
    return unicodedata.normalize("NFKC", password).encode("utf-8")


def parse_recovery_code(text: str) -> bytes:
    """The 20 bytes of a typed recovery code: any case, separators ignored, I/L read as 1 and
    O as 0. NotARecoveryCode if it is not 32 Crockford base32 characters."""
    chars = _SEPARATORS.sub("", text).upper().translate(_READ_AS)
    if len(chars) != RECOVERY_CODE_CHARS:
        raise NotARecoveryCode(f"a recovery code has 32 characters, not {len(chars)}")
    number = 0
    for char in chars:
        value = CROCKFORD.find(char)
        if value < 0:
            raise NotARecoveryCode(f"{char!r} is never used in a recovery code")
        number = number << 5 | value
    return number.to_bytes(RECOVERY_CODE_BYTES, "big")


def _hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=info).derive(ikm)


def password_wrapping_key(password: str, salt: bytes, iterations: int) -> bytes:
    """The password's wrapping key: HKDF "tend v1 wrapping" of the PBKDF2-SHA256 master.

    This applies no floor to ``iterations``: whoever reads the parameters from a file
    decides what to accept (a backup refuses fewer than 600,000).
    """
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, iterations=iterations)
    return _hkdf(kdf.derive(normalise_password(password)), b"", WRAPPING_INFO)


def recovery_wrapping_key(code_bytes: bytes, recovery_salt: bytes) -> bytes:
    """The recovery code's wrapping key: HKDF alone, as the code has 160 random bits."""
    return _hkdf(code_bytes, recovery_salt, RECOVERY_WRAPPING_INFO)


def unwrap_data_key(wrapped: bytes, wrapping_key: bytes) -> bytes:
    """The raw data key from ``nonce ‖ ciphertext ‖ tag``; WrongKeyError if it does not verify."""
    if len(wrapped) != WRAPPED_KEY_BYTES:
        raise WrongKeyError("a wrapped data key is 60 bytes")
    try:
        return AESGCM(wrapping_key).decrypt(
            wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], DATA_KEY_AAD
        )
    except InvalidTag as error:
        raise WrongKeyError("the wrapped data key did not verify") from error


def record_aad(id: str, type: str, version: int) -> bytes:
    """UTF-8 of "tend v1 record␀" + id + "␀" + type + "␀" + version; RecordError if the id,
    type or version could never have been sealed."""
    if not _UUID_V4.fullmatch(id):
        raise RecordError("a record's id is a lower-case UUIDv4")
    if not _RECORD_TYPE.fullmatch(type):
        raise RecordError("a record's type is a lower-case word")
    if isinstance(version, bool) or not isinstance(version, int):
        raise RecordError("a record's version is a whole number")
    if not 1 <= version <= MAX_SAFE_INTEGER:
        raise RecordError("a record's version is a whole number from 1")
    return f"{RECORD_AAD_PREFIX}{id}\0{type}\0{version}".encode()


def open_record(data_key: bytes, id: str, type: str, version: int, envelope: str) -> Any:
    """The content sealed in ``0x01 ‖ nonce ‖ ciphertext ‖ tag`` for this id, type and version.

    Raises RecordError for anything that does not open: not base64url, another format byte,
    too short, a failed tag, a length prefix that does not fit, or content that is not JSON.
    """
    aad = record_aad(id, type, version)
    try:
        data = b64url_decode(envelope)
    except ValueError as error:
        raise RecordError("the envelope is not base64url") from error
    if data and data[0] != RECORD_FORMAT:
        raise RecordError(f"unknown record format {data[0]}")
    if len(data) < 1 + NONCE_BYTES + TAG_BYTES:
        raise RecordError("the envelope is too short")
    try:
        padded = AESGCM(data_key).decrypt(data[1 : 1 + NONCE_BYTES], data[1 + NONCE_BYTES :], aad)
    except InvalidTag as error:
        raise RecordError("the envelope did not verify") from error
    if len(padded) < LENGTH_BYTES:
        raise RecordError("the content has no length prefix")
    length = int.from_bytes(padded[:LENGTH_BYTES], "big")
    if length > len(padded) - LENGTH_BYTES:
        raise RecordError("the length prefix does not fit")
    try:
        text = padded[LENGTH_BYTES : LENGTH_BYTES + length].decode("utf-8")
        return json.loads(text, parse_constant=_not_json)
    except (ValueError, RecursionError) as error:  # not UTF-8, not JSON, or absurdly nested
        raise RecordError("the content is not JSON") from error


def _not_json(name: str) -> None:
    """Python reads NaN and Infinity; JSON (and JSON.parse) does not."""
    raise ValueError(f"{name} is not JSON")
