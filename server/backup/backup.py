"""Read an encrypted backup, open it with her password or recovery code, and make the JSON
export from it (docs/export.md: "The encrypted backup", "Opening a backup", "The JSON export").

    backup = read_backup(data)              # shape only: no secret needed
    records = open_backup(backup, secret)   # every record, or BackupError
    export = json_export(backup, records)

Nothing is half-opened: either every record opens and matches the manifest, or BackupError
says in one plain sentence why the whole backup is refused.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated, Any, Final, Literal, TypedDict

import msgspec

from server.backup import crypto

FORMAT: Final = "tend-backup"
VERSION: Final = 1
EXPORT_FORMAT: Final = "tend-export"
EXPORT_VERSION: Final = 1
MANIFEST_TYPE: Final = "backup-manifest"
MANIFEST_VERSION: Final = 1
MIN_ITERATIONS: Final = 600_000
MAX_ITERATIONS: Final = 10_000_000  # more would only hang the command: a tampered file
SALT_BYTES: Final = 16

Reason = Literal["not-a-backup", "newer-version", "weak-password-check", "wrong-secret", "damaged"]
MESSAGES: Final[dict[Reason, str]] = {
    "not-a-backup": "This file is not a Tend backup, or it is damaged.",
    "newer-version": (
        "This backup was made by a newer version of Tend. Please update Tend first, then try again."
    ),
    "weak-password-check": (
        "This backup asks for a password check Tend never uses, so it may have been "
        "tampered with. It has not been opened."
    ),
    "wrong-secret": "That password or recovery code does not open this backup.",
    "damaged": "This backup is damaged, so it can't be opened.",
}

_UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_UUID_V4 = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
Uuid = Annotated[str, msgspec.Meta(pattern=_UUID)]
RecordId = Annotated[str, msgspec.Meta(pattern=_UUID_V4)]
RecordType = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_-]*$")]
Version = Annotated[int, msgspec.Meta(ge=1, le=crypto.MAX_SAFE_INTEGER)]
Base64Url = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]*$")]


class BackupError(Exception):
    """A backup was refused. ``str(error)`` is the sentence to show her; ``reason`` says which
    row of docs/export.md's table it is."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(MESSAGES[reason])
        self.reason = reason


class PasswordKey(msgspec.Struct, frozen=True):
    """The data key wrapped by her password when the backup was made."""

    salt: Base64Url
    iterations: Version
    wrapped_data_key: Base64Url


class RecoveryKey(msgspec.Struct, frozen=True):
    """The data key wrapped by her recovery code."""

    salt: Base64Url
    wrapped_data_key: Base64Url


class BackupKeys(msgspec.Struct, frozen=True):
    password: PasswordKey
    recovery: RecoveryKey | None = None


class BackupRecord(msgspec.Struct, frozen=True):
    """One envelope, exactly as on the device and the server."""

    id: RecordId
    type: RecordType
    version: Version
    updated_at: str
    envelope: Base64Url


class Backup(msgspec.Struct, frozen=True):
    """A ``.tendbackup`` file, its shape checked; nothing in it opened yet."""

    format: Literal["tend-backup"]
    version: Literal[1]
    backup_id: RecordId
    created_at: str
    user_id: Uuid
    keys: BackupKeys
    manifest: Base64Url
    records: list[BackupRecord]


class _Head(msgspec.Struct):
    """Just enough to tell a backup, and which version, before checking the rest."""

    format: Any = None
    version: Any = None


class _Manifest(msgspec.Struct, frozen=True):
    user_id: str
    created_at: str
    records: list[tuple[str, str, int]]


class OpenedRecord(msgspec.Struct, frozen=True):
    """A record with its content, as it goes into the JSON export."""

    id: str
    type: str
    version: int
    updated_at: str
    content: Any
    unreadable: bool = False


class ExportRecord(TypedDict, total=False):
    id: str
    type: str
    version: int
    updated_at: str
    content: Any
    unreadable: bool


class Export(TypedDict):
    """The JSON export (docs/export.md)."""

    format: str
    version: int
    exported_at: str
    user_id: str
    records: list[ExportRecord]


def read_backup(data: bytes) -> Backup:
    """The backup in ``data``, its shape strictly checked (no secret is needed for this).

    Raises BackupError: not a backup (not JSON, another format, a field missing or of the
    wrong kind), a newer version, or a password check weaker than 600,000 iterations.
    """
    try:
        head = msgspec.json.decode(data, type=_Head)
    except (msgspec.DecodeError, msgspec.ValidationError) as error:
        raise BackupError("not-a-backup") from error
    if head.format != FORMAT:
        raise BackupError("not-a-backup")
    if _whole_number(head.version) and head.version > VERSION:
        raise BackupError("newer-version")
    try:
        backup = msgspec.json.decode(data, type=Backup)
    except (msgspec.DecodeError, msgspec.ValidationError) as error:
        raise BackupError("not-a-backup") from error
    _check_values(backup)
    return backup


def open_backup(backup: Backup, secret: str) -> list[OpenedRecord]:
    """Every record of the backup, opened with her password or recovery code.

    A secret that parses as a recovery code opens the recovery copy of the data key when the
    backup has one; otherwise, or if it does not open that copy, it is taken as the password.
    The manifest must open and list exactly the records in the file, and every record must
    open, or the whole backup is refused (BackupError).
    """
    data_key = _data_key(backup.keys, secret)
    listed = _listed_records(backup, data_key)
    in_file = {(record.id, record.type, record.version) for record in backup.records}
    if in_file != listed or len({record.id for record in backup.records}) != len(backup.records):
        raise BackupError("damaged")  # records removed, added, repeated or relabelled
    try:
        return [
            OpenedRecord(
                id=record.id,
                type=record.type,
                version=record.version,
                updated_at=record.updated_at,
                content=crypto.open_record(
                    data_key, record.id, record.type, record.version, record.envelope
                ),
            )
            for record in backup.records
        ]
    except crypto.RecordError as error:
        raise BackupError("damaged") from error


def json_export(backup: Backup, records: Iterable[OpenedRecord]) -> Export:
    """The JSON export of opened records: sorted by type, then updated_at, then id.

    ``exported_at`` is the backup's ``created_at``: the records are as they were then, so it
    is the export the browser would have made at that moment.
    """
    ordered = sorted(records, key=lambda record: (record.type, record.updated_at, record.id))
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": backup.created_at,
        "user_id": backup.user_id,
        "records": [_export_record(record) for record in ordered],
    }


def encode_export(export: Export) -> bytes:
    """The JSON export as a file's bytes: UTF-8, indented, ending in a new line."""
    # The json module, not msgspec: content may hold whole numbers too big for 64 bits.
    return (json.dumps(export, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def export_stem(backup: Backup) -> str:
    """``tend-export-YYYY-MM-DD``, by the date (UTC) the backup was made."""
    return f"tend-export-{_instant(backup.created_at).astimezone(UTC):%Y-%m-%d}"


def count_by_type(records: Iterable[OpenedRecord | BackupRecord]) -> dict[str, int]:
    """How many records of each type, by type name."""
    return dict(sorted(Counter(record.type for record in records).items()))


def _export_record(record: OpenedRecord) -> ExportRecord:
    exported: ExportRecord = {
        "id": record.id,
        "type": record.type,
        "version": record.version,
        "updated_at": record.updated_at,
        "content": None if record.unreadable else record.content,
    }
    if record.unreadable:
        exported["unreadable"] = True
    return exported


def _check_values(backup: Backup) -> None:
    """What a type cannot say: base64url that decodes to the right lengths, real timestamps,
    and a password check at least as strong as Tend's."""
    password, recovery = backup.keys.password, backup.keys.recovery
    try:
        _decode(password.salt, SALT_BYTES)
        _decode(password.wrapped_data_key, crypto.WRAPPED_KEY_BYTES)
        if recovery is not None:
            _decode(recovery.salt, SALT_BYTES)
            _decode(recovery.wrapped_data_key, crypto.WRAPPED_KEY_BYTES)
        crypto.b64url_decode(backup.manifest)
        _instant(backup.created_at)
        for record in backup.records:
            crypto.b64url_decode(record.envelope)
            _instant(record.updated_at)
    except ValueError as error:
        raise BackupError("not-a-backup") from error
    if not MIN_ITERATIONS <= password.iterations <= MAX_ITERATIONS:
        raise BackupError("weak-password-check")


def _data_key(keys: BackupKeys, secret: str) -> bytes:
    if keys.recovery is not None:
        try:
            code = crypto.parse_recovery_code(secret)
        except crypto.NotARecoveryCode:
            code = None
        if code is not None:
            wrapping_key = crypto.recovery_wrapping_key(code, _decode(keys.recovery.salt))
            try:
                return crypto.unwrap_data_key(_decode(keys.recovery.wrapped_data_key), wrapping_key)
            except crypto.WrongKeyError:
                pass  # a password can look like a recovery code: try it as one
    password = keys.password
    wrapping_key = crypto.password_wrapping_key(secret, _decode(password.salt), password.iterations)
    try:
        return crypto.unwrap_data_key(_decode(password.wrapped_data_key), wrapping_key)
    except crypto.WrongKeyError as error:
        raise BackupError("wrong-secret") from error


def _listed_records(backup: Backup, data_key: bytes) -> set[tuple[str, str, int]]:
    """The records the manifest lists, once it has opened and agrees with the file."""
    try:
        content = crypto.open_record(
            data_key, backup.backup_id, MANIFEST_TYPE, MANIFEST_VERSION, backup.manifest
        )
        manifest = msgspec.convert(content, _Manifest)
        same_moment = _instant(manifest.created_at) == _instant(backup.created_at)
    except (crypto.RecordError, msgspec.ValidationError, ValueError) as error:
        raise BackupError("damaged") from error
    listed = set(manifest.records)
    if (
        manifest.user_id != backup.user_id
        or not same_moment
        or len(listed) != len(manifest.records)
    ):
        raise BackupError("damaged")
    return listed


def _decode(text: str, length: int | None = None) -> bytes:
    data = crypto.b64url_decode(text)
    if length is not None and len(data) != length:
        raise ValueError(f"expected {length} bytes, not {len(data)}")
    return data


def _instant(text: str) -> datetime:
    """An ISO 8601 timestamp with its offset ("…Z" included); ValueError for anything else."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("a timestamp needs its offset from UTC")
    return moment


def _whole_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
