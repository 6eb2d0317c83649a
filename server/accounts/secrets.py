"""Secrets every instance shares, made on first use and kept in the database."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from server.accounts.tables import ServerSecret

_KNOWN: dict[tuple[int, str], bytes] = {}


async def shared_secret(name: str) -> bytes:
    """The secret called ``name``; the first instance to ask creates it. Kept in memory
    once read (per engine), so that using it costs no query."""
    engine_id = id(ServerSecret._meta.db)
    if (engine_id, name) in _KNOWN:
        return _KNOWN[(engine_id, name)]
    await ServerSecret.raw(
        "INSERT INTO server_secret (name, value) VALUES ({}, {}) ON CONFLICT (name) DO NOTHING",
        name,
        secrets.token_hex(32),
    ).run()
    row = await ServerSecret.select(ServerSecret.value).where(ServerSecret.name == name).first()
    _KNOWN[(engine_id, name)] = bytes.fromhex(row["value"])
    return _KNOWN[(engine_id, name)]


async def decoy_salt(purpose: str, email: str) -> str:
    """A salt for an email with no account: random-looking, and the same every time."""
    key = await shared_secret("decoy-salt")
    digest = hmac.new(key, f"{purpose}\0{email}".encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
