"""Encrypted records and what sync needs to apply each change exactly once.

The server sees a record's id, owner, type, version, whether it is deleted, when it
changed, and an opaque ciphertext whose length is padded to a size class. Nothing else.
"""

from __future__ import annotations

import uuid

from piccolo.columns import (
    UUID,
    BigInt,
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Person


class Record(Table):
    """One encrypted record. ``id`` is made by the client; ``seq`` orders changes for pull
    (an index on owner and seq is in the migration)."""

    id = UUID(primary_key=True)
    owner = ForeignKey(Person, on_delete=OnDelete.cascade, null=False)
    type = Varchar(length=20)
    version = Integer()
    deleted = Boolean(default=False)
    ciphertext = Text(null=True, default=None)
    size = Integer(default=0)
    seq = BigInt()
    updated_at = Timestamptz(default=TimestamptzNow())


class SyncState(Table):
    """Per person: the last change number given out, and the bytes stored. Pushes lock
    this row, so one person's changes are numbered in the order they commit."""

    id = UUID(primary_key=True, default=uuid.uuid4)
    owner = ForeignKey(Person, on_delete=OnDelete.cascade, null=False, unique=True)
    seq = BigInt(default=0)
    used_bytes = BigInt(default=0)


class AppliedMutation(Table):
    """Each client mutation id once per person, with its outcome, so that a retried or
    duplicated batch changes nothing twice (unique pair: an index in the migration)."""

    id = UUID(primary_key=True, default=uuid.uuid4)
    owner = ForeignKey(Person, on_delete=OnDelete.cascade, null=False)
    mutation_id = UUID()
    record_id = UUID()
    status = Varchar(length=12)
    version = Integer()
    applied_at = Timestamptz(default=TimestamptzNow())
