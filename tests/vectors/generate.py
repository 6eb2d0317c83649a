"""Write tests/vectors/keys.json: the answers Tend's key hierarchy must give.

Run ``python -m tests.vectors.generate``. Every input is derived from a fixed label, so the
output is the same on every run; tests/server/test_key_vectors.py checks that the committed
file is exactly what this writes, and the browser tests check pwa/js/crypto.js against it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from tests.reference import keys

PATH = Path(__file__).with_name("keys.json")

ACCOUNTS = [
    # (name, password, passwords that must give the same keys, iterations)
    ("default iterations", "correct horse battery staple", [], keys.DEFAULT_ITERATIONS),
    (
        "compatibility characters, normalised by NFKC",
        "\ufb01re-safe \uff30\uff21\uff33\uff33phrase",  # "ﬁre-safe" and full-width "PASS"
        ["fire-safe PASSphrase"],
        1_000,
    ),
    (
        "accented letters, composed or decomposed",
        "café crème brûlée 2026",
        ["cafe\u0301 cre\u0300me bru\u0302le\u0301e 2026"],
        2_000,
    ),
    ("emoji and spaces", "  🌱 slow days are fine 🌧️  ", [], 1_000),
]


def fixed_bytes(label: str, n: int) -> bytes:
    """n bytes that look random but are the same on every run."""
    return hashlib.sha256(f"tend test vector: {label}".encode()).digest()[:n]


def b64(data: bytes) -> str:
    return keys.b64url_encode(data)


def account_vector(name: str, password: str, equivalents: list[str], iterations: int) -> dict:
    salt = fixed_bytes(f"{name} salt", keys.SALT_BYTES)
    data_key = fixed_bytes(f"{name} data key", keys.KEY_BYTES)
    nonce = fixed_bytes(f"{name} nonce", keys.NONCE_BYTES)
    auth_key, wrapping_key = keys.derive_account_keys(password, salt, iterations)
    return {
        "name": name,
        "password": password,
        "equivalent_passwords": equivalents,
        "salt": b64(salt),
        "iterations": iterations,
        "auth_key": b64(auth_key),
        "data_key": b64(data_key),
        "nonce": b64(nonce),
        "wrapped_data_key": b64(keys.wrap_data_key(data_key, wrapping_key, nonce)),
    }


def code_with_ambiguous_digits(label: str) -> bytes:
    """Fixed code bytes whose written code has both a 0 and a 1 (to type as O, I and L)."""
    for attempt in range(1000):
        candidate = fixed_bytes(f"{label} {attempt}", keys.RECOVERY_CODE_BYTES)
        code = keys.format_recovery_code(candidate)
        if "0" in code and "1" in code:
            return candidate
    raise AssertionError("no fixed code with both 0 and 1")


def typed_variants(code: str) -> list[str]:
    """Ways a person might type or paste the code, all of which must read back the same."""
    plain = code.replace("-", "")
    variants = [
        code.lower(),
        code.replace("-", " "),
        plain,
        plain.lower(),
        f"  {code[:19]}\n{code[20:]}\n",
        code.replace("-", "\u2013"),  # en dash, as a phone's keyboard may substitute
        code.replace("-", "\u00a0"),  # no-break spaces, as copying from a PDF may give
        " ".join(plain[i : i + 2] for i in range(0, len(plain), 2)),
    ]
    if "0" in code:
        variants += [code.replace("0", "O"), code.replace("0", "o").lower()]
    if "1" in code:
        variants += [code.replace("1", "I"), code.replace("1", "L"), code.lower().replace("1", "l")]
    if "0" in code and "1" in code:
        variants.append(code.replace("0", "O").replace("1", "i").replace("-", " ").lower())
    return variants


def invalid_variants(code: str) -> list[dict[str, str]]:
    """Typed codes that must be refused, each with why."""
    return [
        {"text": code[:-1], "why": "one character short"},
        {"text": code + "7", "why": "one character too many"},
        {"text": code[:-5], "why": "a group missing"},
        {"text": "U" + code[1:], "why": "U is not in the alphabet"},
        {"text": code[:5] + "*" + code[6:], "why": "a symbol in place of a character"},
        {"text": code[:5] + "é" + code[6:], "why": "an accented letter"},
        {"text": "", "why": "nothing typed"},
        {"text": code + " " + code, "why": "the code twice"},
    ]


def recovery_vector(name: str, code_bytes: bytes) -> dict:
    salt = fixed_bytes(f"{name} recovery salt", keys.SALT_BYTES)
    data_key = fixed_bytes(f"{name} data key", keys.KEY_BYTES)
    nonce = fixed_bytes(f"{name} nonce", keys.NONCE_BYTES)
    code = keys.format_recovery_code(code_bytes)
    auth_key, wrapping_key = keys.derive_recovery_keys(code_bytes, salt)
    return {
        "name": name,
        "code_bytes": b64(code_bytes),
        "code": code,
        "typed": typed_variants(code),
        "invalid": invalid_variants(code),
        "salt": b64(salt),
        "auth_key": b64(auth_key),
        "data_key": b64(data_key),
        "nonce": b64(nonce),
        "wrapped_data_key": b64(keys.wrap_data_key(data_key, wrapping_key, nonce)),
    }


def build() -> dict[str, Any]:
    """Every vector, as keys.json holds them."""
    return {
        "about": (
            "Test vectors for Tend's key hierarchy (docs/keys.md). Generated by "
            "`python -m tests.vectors.generate` from tests/reference/keys.py; do not edit. "
            "Binary values are unpadded base64url."
        ),
        "labels": {
            "authentication": keys.AUTH_INFO.decode(),
            "wrapping": keys.WRAPPING_INFO.decode(),
            "recovery_authentication": keys.RECOVERY_AUTH_INFO.decode(),
            "recovery_wrapping": keys.RECOVERY_WRAPPING_INFO.decode(),
            "data_key_aad": keys.DATA_KEY_AAD.decode(),
        },
        "account": [account_vector(*account) for account in ACCOUNTS],
        "recovery": [
            recovery_vector("counting bytes", bytes(range(keys.RECOVERY_CODE_BYTES))),
            recovery_vector("all bits set", b"\xff" * keys.RECOVERY_CODE_BYTES),
            recovery_vector("fixed random", code_with_ambiguous_digits("recovery code")),
        ],
    }


def render(vectors: dict[str, Any]) -> str:
    return json.dumps(vectors, ensure_ascii=False, indent=2) + "\n"


def main() -> None:
    PATH.write_text(render(build()), encoding="utf-8")
    print(f"Wrote {PATH}")


if __name__ == "__main__":
    main()
