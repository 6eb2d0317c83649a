"""People, their sessions and invitations, supervision links, the audit log, and the
small bits of shared state (rate-limit counters, one-time tokens, server secrets).

Nothing here is personal content: the key material is the salt, an Argon2id hash of a
key derived in the browser, and the data key wrapped by a key the server never sees.
"""

from __future__ import annotations

import uuid

from piccolo.columns import (
    JSON,
    UUID,
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

from server.org.tables import Organisation, Team


class Person(Table):
    id = UUID(primary_key=True, default=uuid.uuid4)
    organisation = ForeignKey(Organisation, on_delete=OnDelete.cascade, null=False)
    team = ForeignKey(Team, on_delete=OnDelete.set_null, null=True)
    email = Varchar(length=254, unique=True)
    display_name = Varchar(length=80)
    is_worker = Boolean(default=False)
    is_supervisor = Boolean(default=False)
    is_admin = Boolean(default=False)
    active = Boolean(default=True)
    kdf_salt = Varchar(length=32)
    kdf_iterations = Integer()
    auth_hash = Text()
    wrapped_data_key = Varchar(length=96)
    recovery_salt = Varchar(length=32)
    recovery_auth_hash = Text()
    recovery_wrapped_key = Varchar(length=96)
    created_at = Timestamptz(default=TimestamptzNow())
    credentials_changed_at = Timestamptz(default=TimestamptzNow())


class Session(Table):
    """A signed-in device. Only a hash of the cookie's token is kept."""

    id = UUID(primary_key=True, default=uuid.uuid4)
    token_hash = Varchar(length=64, unique=True)
    person = ForeignKey(Person, on_delete=OnDelete.cascade, null=False, index=True)
    csrf_token = Varchar(length=64)
    device = Varchar(length=80)
    created_at = Timestamptz(default=TimestamptzNow())
    last_seen_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()


class Invitation(Table):
    id = UUID(primary_key=True, default=uuid.uuid4)
    organisation = ForeignKey(Organisation, on_delete=OnDelete.cascade, null=False)
    token_hash = Varchar(length=64, unique=True)
    label = Varchar(length=80, default="")
    is_worker = Boolean(default=False)
    is_supervisor = Boolean(default=False)
    is_admin = Boolean(default=False)
    team = ForeignKey(Team, on_delete=OnDelete.set_null, null=True)
    supervisor_ids = JSON(default=[])
    created_by = ForeignKey(Person, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    accepted_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class Supervision(Table):
    """``supervisor`` supervises ``worker`` (unique pair: an index in the migration)."""

    id = UUID(primary_key=True, default=uuid.uuid4)
    supervisor = ForeignKey(Person, on_delete=OnDelete.cascade, null=False, index=True)
    worker = ForeignKey(Person, on_delete=OnDelete.cascade, null=False, index=True)


class AuditEvent(Table):
    """Append-only record of security events. Ids are plain values, not foreign keys, so
    that removing a person never rewrites history; no personal content is stored."""

    id = UUID(primary_key=True, default=uuid.uuid4)
    organisation_id = UUID(null=True, default=None, index=True)
    at = Timestamptz(default=TimestamptzNow(), index=True)
    event = Varchar(length=40)
    actor_id = UUID(null=True, default=None)
    subject_id = UUID(null=True, default=None, index=True)
    ip = Varchar(length=45, default="")
    device = Varchar(length=80, default="")
    detail = JSON(default={})


class OneTimeToken(Table):
    """Set-up links and recovery grants: hashed, expiring, used once."""

    token_hash = Varchar(length=64, primary_key=True)
    purpose = Varchar(length=20)
    person_id = UUID(null=True, default=None)
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class Throttle(Table):
    """Sliding-window counters for rate limits when Redis is not configured: the count in
    the window starting at ``window_start`` and in the window before it."""

    key = Varchar(length=200, primary_key=True)
    window_start = Integer()
    count = Integer()
    previous_count = Integer(default=0)


class ServerSecret(Table):
    """Random secrets the instances share (e.g. for stable decoy sign-in parameters)."""

    name = Varchar(length=40, primary_key=True)
    value = Varchar(length=128)
