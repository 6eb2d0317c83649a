"""The server's VAPID keys: from a key file named in the settings, or kept in the database
(made on first start, replaced by ``tend vapid --rotate``).

Every device remembers the key it subscribed with, and pushes to it are signed with that
key, so rotating never cuts a device off: the app subscribes again with the new key the
next time it opens, and a key is deleted once no device uses it.
"""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from webpush.vapid import VAPID

from server.reminders.push import VapidKey, new_vapid_key
from server.reminders.tables import PushDevice, VapidKeyRow
from server.settings import PushSettings

# The first key has a fixed id, so that instances starting together make only one.
FIRST_KEY_ID = UUID(int=1)


def key_from_file(path: Path) -> VapidKey:
    """The key in a PEM file (P-256)."""
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private, ec.EllipticCurvePrivateKey) or private.curve.name != "secp256r1":
        raise ValueError("a VAPID key must be a P-256 (prime256v1) key")
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return VapidKey(pem, VAPID.get_application_server_key(private.public_key()))


async def ensure_key(push: PushSettings) -> None:
    """Make the first database key if there is none (and no key file)."""
    if push.vapid_key_file or await VapidKeyRow.exists().where(VapidKeyRow.id.is_not_null()):
        return
    key = new_vapid_key()
    await VapidKeyRow.insert(
        VapidKeyRow(
            id=FIRST_KEY_ID, private_pem=key.private_pem.decode(), public_key=key.public_key
        )
    ).on_conflict(action="DO NOTHING")


async def current_key(push: PushSettings) -> VapidKey:
    """The key new subscriptions use."""
    if push.vapid_key_file:
        return key_from_file(Path(push.vapid_key_file))
    row = await VapidKeyRow.select().order_by(VapidKeyRow.created_at, ascending=False).first()
    if row is None:
        await ensure_key(push)
        return await current_key(push)
    return _key(row)


async def all_keys(push: PushSettings) -> dict[str, VapidKey]:
    """Every key a device may have subscribed with, by public key."""
    keys = {key.public_key: key for key in map(_key, await VapidKeyRow.select())}
    if push.vapid_key_file:
        key = key_from_file(Path(push.vapid_key_file))
        keys[key.public_key] = key
    return keys


async def rotate() -> tuple[VapidKey, int]:
    """Make a new current database key; delete old keys no device uses. Returns the new
    key and how many devices still use an older one."""
    key = new_vapid_key()
    async with VapidKeyRow._meta.db.transaction():
        await VapidKeyRow.insert(
            VapidKeyRow(private_pem=key.private_pem.decode(), public_key=key.public_key)
        )
        used = {row["server_key"] for row in await PushDevice.select(PushDevice.server_key)}
        await VapidKeyRow.delete().where(
            (VapidKeyRow.public_key != key.public_key)
            & VapidKeyRow.public_key.not_in(list(used) or [""])
        )
    still_old = await PushDevice.count().where(PushDevice.server_key != key.public_key)
    return key, still_old


def _key(row: dict) -> VapidKey:
    return VapidKey(row["private_pem"].encode(), row["public_key"])
