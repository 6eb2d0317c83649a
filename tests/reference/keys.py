"""Tend's key hierarchy in Python: the reference implementation for tests.

This mirrors ``pwa/js/crypto.js`` function for function so that the shared test vectors
(``tests/vectors/keys.json``) can be produced and checked outside the browser, and so that
server tests can make the key material a real client would send. Tend itself never runs
this code: in production every key is derived in the worker's browser. See docs/keys.md.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import unicodedata
from typing import TypedDict

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

DEFAULT_ITERATIONS = 600_000
KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16
RECOVERY_CODE_BYTES = 20

AUTH_INFO = b"tend v1 authentication"
WRAPPING_INFO = b"tend v1 wrapping"
RECOVERY_AUTH_INFO = b"tend v1 recovery authentication"
RECOVERY_WRAPPING_INFO = b"tend v1 recovery wrapping"
DATA_KEY_AAD = b"tend v1 data key"

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECOVERY_CODE_CHARS = 32
# Ignored when a recovery code is typed: spaces, line breaks, hyphens and the dashes phones
# substitute for them. Spelt out, not \s, so that crypto.js ignores exactly the same set.
_SEPARATORS = re.compile(
    r"[\t\n\v\f\r \u00a0\u2000-\u200b\u202f\u3000\ufeff\-\u2010-\u2015\u2212]+"
)
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})
_B64URL = re.compile(r"[A-Za-z0-9_-]*")


class WrongKeyError(Exception):
    """A wrapped key did not verify: the password or recovery code was wrong."""


class RecoveryCodeError(ValueError):
    """A typed recovery code is not one Tend could have made."""


class AccountKeyMaterial(TypedDict):
    salt: str
    iterations: int
    auth_key: str
    wrapped_data_key: str


class RecoveryKeyMaterial(TypedDict):
    salt: str
    auth_key: str
    wrapped_data_key: str


def b64url_encode(data: bytes) -> str:
    """Base64url without padding, as every binary value travels in the API."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url; raises ValueError for anything else."""
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not unpadded base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as error:
        raise ValueError("not unpadded base64url") from error


def normalise_password(password: str) -> bytes:
    """NFKC, then UTF-8: the same password typed on any device gives the same bytes."""
    return unicodedata.normalize("NFKC", password).encode("utf-8")


def hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    """HKDF-SHA256 giving 32 bytes (an empty salt means RFC 5869's default)."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=info).derive(ikm)


def master_key(password: str, salt: bytes, iterations: int) -> bytes:
    """PBKDF2-SHA256 of the normalised password: the 32-byte master key."""
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, iterations=iterations)
    return kdf.derive(normalise_password(password))


def derive_account_keys(password: str, salt: bytes, iterations: int) -> tuple[bytes, bytes]:
    """The password's (auth key, wrapping key)."""
    master = master_key(password, salt, iterations)
    return hkdf(master, b"", AUTH_INFO), hkdf(master, b"", WRAPPING_INFO)


def derive_recovery_keys(code_bytes: bytes, recovery_salt: bytes) -> tuple[bytes, bytes]:
    """The recovery code's (auth key, wrapping key); no PBKDF2, as the code has 160 bits."""
    return (
        hkdf(code_bytes, recovery_salt, RECOVERY_AUTH_INFO),
        hkdf(code_bytes, recovery_salt, RECOVERY_WRAPPING_INFO),
    )


def wrap_data_key(
    data_key: bytes, wrapping_key: bytes, nonce: bytes | None = None, aad: bytes = DATA_KEY_AAD
) -> bytes:
    """nonce (12) ‖ AES-256-GCM ciphertext and tag of the raw data key: 60 bytes."""
    nonce = os.urandom(NONCE_BYTES) if nonce is None else nonce
    return nonce + AESGCM(wrapping_key).encrypt(nonce, data_key, aad)


def unwrap_data_key(wrapped: bytes, wrapping_key: bytes, aad: bytes = DATA_KEY_AAD) -> bytes:
    """The raw data key; raises WrongKeyError when the tag does not verify."""
    if len(wrapped) != NONCE_BYTES + KEY_BYTES + 16:
        raise ValueError("a wrapped data key is 60 bytes")
    try:
        return AESGCM(wrapping_key).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], aad)
    except InvalidTag as error:
        raise WrongKeyError("That password or recovery code does not open this key.") from error


def format_recovery_code(code_bytes: bytes) -> str:
    """20 bytes as 32 Crockford base32 characters in 8 groups of 4."""
    if len(code_bytes) != RECOVERY_CODE_BYTES:
        raise ValueError("a recovery code is 20 bytes")
    number = int.from_bytes(code_bytes, "big")
    chars = [CROCKFORD[(number >> shift) & 31] for shift in range(155, -1, -5)]
    return "-".join("".join(chars[i : i + 4]) for i in range(0, RECOVERY_CODE_CHARS, 4))


def parse_recovery_code(text: str) -> bytes:
    """The 20 bytes of a typed recovery code, forgiving case, spacing, I/L for 1 and O for 0."""
    chars = _SEPARATORS.sub("", text).upper().translate(_READ_AS)
    if len(chars) != RECOVERY_CODE_CHARS:
        raise RecoveryCodeError(
            f"A recovery code has 32 letters and numbers, but this one has {len(chars)}. "
            "Please check it against the code you saved."
        )
    number = 0
    for char in chars:
        value = CROCKFORD.find(char)
        if value < 0:
            raise RecoveryCodeError(
                f"“{char}” is never used in a recovery code. "
                "Please check that character against the code you saved."
            )
        number = number << 5 | value
    return number.to_bytes(RECOVERY_CODE_BYTES, "big")


def generate_recovery_code() -> tuple[str, bytes]:
    """A new (formatted code, code bytes)."""
    code_bytes = os.urandom(RECOVERY_CODE_BYTES)
    return format_recovery_code(code_bytes), code_bytes


def account_key_material(
    password: str, data_key: bytes, iterations: int = DEFAULT_ITERATIONS
) -> AccountKeyMaterial:
    """What the API receives at sign-up and password change: a new salt, derive, wrap."""
    salt = os.urandom(SALT_BYTES)
    auth_key, wrapping_key = derive_account_keys(password, salt, iterations)
    return {
        "salt": b64url_encode(salt),
        "iterations": iterations,
        "auth_key": b64url_encode(auth_key),
        "wrapped_data_key": b64url_encode(wrap_data_key(data_key, wrapping_key)),
    }


def recovery_key_material(data_key: bytes) -> tuple[str, RecoveryKeyMaterial]:
    """A new recovery code and what the API receives for it: (code, material)."""
    code, code_bytes = generate_recovery_code()
    salt = os.urandom(SALT_BYTES)
    auth_key, wrapping_key = derive_recovery_keys(code_bytes, salt)
    return code, {
        "salt": b64url_encode(salt),
        "auth_key": b64url_encode(auth_key),
        "wrapped_data_key": b64url_encode(wrap_data_key(data_key, wrapping_key)),
    }
