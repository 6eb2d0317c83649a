"""Bodies for pushing and pulling encrypted records."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from msgspec import Meta, Struct

# Every kind of private record. A new kind (check-in, plan, …) is added here.
# journal entries, check-ins (and the suggestions she put away), monthly reflections, her
# supervision agenda, a supervisor's session notes, and her self-care plan
RecordType = Literal["journal", "checkin", "reflection", "agenda", "supervision", "plan"]
# 0x01 ‖ nonce ‖ ciphertext ‖ tag, base64url: at least 1 + 12 + 256 + 16 bytes.
Envelope = Annotated[str, Meta(min_length=380, pattern=r"^[A-Za-z0-9_-]+$")]
MAX_BATCH = 100


class Mutation(Struct, frozen=True):
    """One change to one record, made on a device while it may have been offline.

    ``base_version`` is the version the device changed (0 for a new record); the change,
    if applied, becomes ``base_version + 1``, which the ciphertext is bound to.
    """

    mutation_id: UUID
    record_id: UUID
    type: RecordType
    base_version: Annotated[int, Meta(ge=0)]
    deleted: bool = False
    ciphertext: Envelope | None = None


class PushRequest(Struct, frozen=True):
    mutations: Annotated[list[Mutation], Meta(min_length=1, max_length=MAX_BATCH)]


class RecordState(Struct, frozen=True):
    """A record as the server holds it (ciphertext is null for a deleted one)."""

    record_id: UUID
    type: str
    version: int
    deleted: bool
    ciphertext: str | None
    updated_at: datetime


MutationStatus = Literal["applied", "duplicate", "conflict"]


class MutationResult(Struct, frozen=True, omit_defaults=True):
    """``applied``: now at ``version``. ``duplicate``: seen before; this was its outcome.
    ``conflict``: the record had moved on; ``current`` is what the server holds."""

    mutation_id: UUID
    record_id: UUID
    status: MutationStatus
    version: int
    current: RecordState | None = None


class PushResult(Struct, frozen=True):
    results: list[MutationResult]
    used_bytes: int
    quota_bytes: int


class Changes(Struct, frozen=True):
    """Changes after the cursor, oldest first, deletions included. Pass ``cursor`` back
    to continue; ``more`` says whether another page is waiting."""

    changes: list[RecordState]
    cursor: str
    more: bool


class Usage(Struct, frozen=True):
    used_bytes: int
    quota_bytes: int
    max_record_bytes: int
