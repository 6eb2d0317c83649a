"""Applying pushed changes exactly once, and listing changes since a cursor.

A push runs in one transaction that first locks the person's sync state, so two pushes
from two devices (or two app instances) take turns, and change numbers (``seq``) are
handed out in commit order: a pull that has seen ``seq`` n has seen everything before it.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from uuid import UUID, uuid4

from server.accounts.secrets import shared_secret
from server.lib.errors import AppError, ErrorDetail
from server.lib.metrics import count_mutations
from server.settings import SyncSettings
from server.sync.schemas import (
    Changes,
    Mutation,
    MutationResult,
    PushResult,
    RecordState,
    Usage,
)
from server.sync.tables import AppliedMutation, Record, SyncState

MAX_PAGE = 500


def envelope_bytes(ciphertext: str | None) -> int:
    """The size of the envelope a base64url string carries."""
    return 0 if ciphertext is None else len(ciphertext) * 3 // 4


async def _lock_state(owner: UUID) -> dict:
    """The person's sync state, locked until the transaction ends (made on first use).

    One statement: the no-op update takes the row lock on PostgreSQL; SQLite writes
    already take turns."""
    rows = await SyncState.raw(
        "INSERT INTO sync_state (id, owner, seq, used_bytes) VALUES ({}, {}, 0, 0) "
        "ON CONFLICT (owner) DO UPDATE SET seq = sync_state.seq RETURNING seq, used_bytes",
        uuid4(),
        owner,
    ).run()
    return rows[0]


def _marks(count: int) -> str:
    return ", ".join(["{}"] * count)


# The push path is every device's save, so its statements are written out: Piccolo spends
# longer building each than the database spends running it. Only constants and
# placeholders go into these strings (values are always parameters).
_RECORD_COLUMN_LIST = (
    "id",
    "owner",
    "type",
    "version",
    "deleted",
    "ciphertext",
    "size",
    "seq",
    "updated_at",
)
_RECORD_COLUMNS = ", ".join(_RECORD_COLUMN_LIST)
_SEEN_QUERY = (
    "SELECT mutation_id, record_id, version FROM applied_mutation "
    "WHERE owner = {{}} AND mutation_id IN ({})"
)
_CHANGES_QUERY = (
    f'SELECT {_RECORD_COLUMNS} FROM "record" WHERE owner = {{}} AND seq > {{}} '  # noqa: S608
    "ORDER BY seq LIMIT {}"
)
_RECORDS_QUERY = f'SELECT {_RECORD_COLUMNS} FROM "record" WHERE id IN ({{}})'  # noqa: S608


def _state(row: dict) -> RecordState:
    return RecordState(
        record_id=row["id"],
        type=row["type"],
        version=row["version"],
        deleted=row["deleted"],
        ciphertext=row["ciphertext"],
        updated_at=row["updated_at"],
    )


def _check_sizes(mutations: list[Mutation], settings: SyncSettings) -> None:
    details = []
    too_large = False
    for index, mutation in enumerate(mutations):
        if mutation.deleted and mutation.ciphertext is not None:
            details.append(
                ErrorDetail(f"body.mutations[{index}].ciphertext", "a deletion has none")
            )
        elif not mutation.deleted and mutation.ciphertext is None:
            details.append(ErrorDetail(f"body.mutations[{index}].ciphertext", "is required"))
        elif envelope_bytes(mutation.ciphertext) > settings.max_record_bytes:
            too_large = True
            details.append(
                ErrorDetail(
                    f"body.mutations[{index}].ciphertext",
                    f"is larger than {settings.max_record_bytes} bytes",
                )
            )
    if details:
        raise AppError(
            f"An entry is too long to keep in Tend (the most is "
            f"{settings.max_record_bytes // 1024} KB). It is still safe on this device: "
            "shorten it or split it in two."
            if too_large
            else "Some of these changes can't be saved as they are.",
            status=422,
            code="validation_error",
            details=details,
        )


async def push(owner: UUID, mutations: list[Mutation], settings: SyncSettings) -> PushResult:
    """Apply a batch of mutations in one transaction; each mutation id at most once.

    Raises:
        AppError: 413 ``quota_exceeded`` if the batch would pass the storage quota, 404 if
            a record id belongs to someone else, 422 for a malformed change. In every case
            nothing of the batch is applied.
    """
    _check_sizes(mutations, settings)
    results: list[MutationResult] = []
    async with Record._meta.db.transaction():
        state = await _lock_state(owner)
        seq, used = state["seq"], state["used_bytes"]
        mutation_ids = [m.mutation_id for m in mutations]
        seen = {
            row["mutation_id"]: row
            for row in await AppliedMutation.raw(
                _SEEN_QUERY.format(_marks(len(mutation_ids))), owner, *mutation_ids
            )
        }
        # Each record as it stands, updated in memory as the batch applies; written once.
        record_ids = list({m.record_id for m in mutations})
        records = {
            row["id"]: row
            for row in await Record.raw(_RECORDS_QUERY.format(_marks(len(record_ids))), *record_ids)
        }
        if any(row["owner"] != owner for row in records.values()):
            raise AppError("There is nothing here.", status=404)
        created: set[UUID] = set()
        changed: set[UUID] = set()
        applied: list[tuple] = []
        now = datetime.now(UTC)
        for mutation in mutations:
            if mutation.mutation_id in seen:
                earlier = seen[mutation.mutation_id]
                results.append(
                    MutationResult(
                        mutation_id=mutation.mutation_id,
                        record_id=earlier["record_id"],
                        status="duplicate",
                        version=earlier["version"],
                    )
                )
                continue
            current = records.get(mutation.record_id)
            version = current["version"] if current else 0
            if mutation.base_version != version:
                # Conflicts change nothing, so a retried one is simply looked at again.
                results.append(
                    MutationResult(
                        mutation_id=mutation.mutation_id,
                        record_id=mutation.record_id,
                        status="conflict",
                        version=version,
                        current=_state(current) if current else None,
                    )
                )
                continue
            seq += 1
            size = envelope_bytes(mutation.ciphertext)
            used += size - (current["size"] if current else 0)
            records[mutation.record_id] = {
                "id": mutation.record_id,
                "owner": owner,
                "type": mutation.type,
                "version": version + 1,
                "deleted": mutation.deleted,
                "ciphertext": mutation.ciphertext,
                "size": size,
                "seq": seq,
                "updated_at": now,
            }
            (changed if current and mutation.record_id not in created else created).add(
                mutation.record_id
            )
            applied.append(
                (uuid4(), owner, mutation.mutation_id, mutation.record_id, version + 1, now)
            )
            seen[mutation.mutation_id] = {"record_id": mutation.record_id, "version": version + 1}
            results.append(
                MutationResult(
                    mutation_id=mutation.mutation_id,
                    record_id=mutation.record_id,
                    status="applied",
                    version=version + 1,
                )
            )
        if created:
            rows = [records[i] for i in created]
            await Record.raw(
                f'INSERT INTO "record" ({_RECORD_COLUMNS}) VALUES '  # noqa: S608
                + ", ".join(f"({_marks(len(_RECORD_COLUMN_LIST))})" for _ in rows),
                *(row[column] for row in rows for column in _RECORD_COLUMN_LIST),
            ).run()
        for record_id in changed:
            row = records[record_id]
            await Record.raw(
                'UPDATE "record" SET type = {}, version = {}, deleted = {}, ciphertext = {}, '
                "size = {}, seq = {}, updated_at = {} WHERE id = {}",
                *(row[column] for column in _RECORD_COLUMN_LIST[2:]),
                record_id,
            ).run()
        if applied:
            await AppliedMutation.raw(
                "INSERT INTO applied_mutation "  # noqa: S608
                "(id, owner, mutation_id, record_id, version, applied_at, status) VALUES "
                + ", ".join("({}, {}, {}, {}, {}, {}, 'applied')" for _ in applied),
                *(value for row in applied for value in row),
            ).run()
        if used > settings.quota_bytes:
            raise AppError(
                "Your space in Tend is full, so these changes weren't saved on the server. "
                "They are still safe on this device.",
                status=413,
                code="quota_exceeded",
            )
        await SyncState.raw(
            "UPDATE sync_state SET seq = {}, used_bytes = {} WHERE owner = {}", seq, used, owner
        ).run()
    count_mutations(result.status for result in results)
    return PushResult(results=results, used_bytes=used, quota_bytes=settings.quota_bytes)


# A cursor names the database it came from (an "epoch", a random shared secret made on
# first use) and a change number. `tend restore` forgets the epoch, so after a restore
# every device starts its pull again instead of waiting past numbers the restored
# database has not reached: nothing is skipped.
EPOCH_NAME = "sync-epoch"


async def sync_epoch() -> str:
    return (await shared_secret(EPOCH_NAME)).hex()[:16]


def encode_cursor(seq: int, epoch: str) -> str:
    return base64.urlsafe_b64encode(f"v2:{epoch}:{seq}".encode()).rstrip(b"=").decode()


def _bad_cursor() -> AppError:
    return AppError(
        "This sync position isn't one Tend gave out. Start again from the beginning.",
        status=400,
        code="bad_cursor",
        details=[ErrorDetail("query.cursor", "is not a cursor from this server")],
    )


def decode_cursor(cursor: str, epoch: str) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, given_epoch, value = text.split(":")
        if prefix != "v2" or given_epoch != epoch or not value.isdigit():
            raise ValueError(text)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _bad_cursor() from None


async def changes(owner: UUID, cursor: str, limit: int) -> Changes:
    epoch = await sync_epoch()
    after = decode_cursor(cursor, epoch)
    if after:
        # Past the last number given out: a database restored from before it (a restore
        # that kept the epoch, such as pg_restore): start again rather than skip.
        state = await SyncState.raw("SELECT seq FROM sync_state WHERE owner = {}", owner)
        if not state or after > state[0]["seq"]:
            raise _bad_cursor()
    rows = await Record.raw(_CHANGES_QUERY, owner, after, limit + 1)
    page = rows[:limit]
    last = page[-1]["seq"] if page else after
    return Changes(
        changes=[_state(row) for row in page],
        cursor=encode_cursor(last, epoch),
        more=len(rows) > limit,
    )


async def usage(owner: UUID, settings: SyncSettings) -> Usage:
    row = await SyncState.select(SyncState.used_bytes).where(SyncState.owner == owner).first()
    return Usage(
        used_bytes=row["used_bytes"] if row else 0,
        quota_bytes=settings.quota_bytes,
        max_record_bytes=settings.max_record_bytes,
    )
