"""An organisation's support resources, and its own journal prompts and feeling words.

Nothing here is personal: an admin writes all of it for everyone in the organisation.
"""

from __future__ import annotations

import uuid

from piccolo.columns import (
    JSON,
    UUID,
    ForeignKey,
    Integer,
    OnDelete,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.org.tables import Organisation


class SupportResource(Table, tablename="support_resource"):
    """Somewhere to turn: a helpline, the employee assistance programme, a named person.
    ``team_ids`` empty means everyone; otherwise only people in those teams see it."""

    id = UUID(primary_key=True, default=uuid.uuid4)
    organisation = ForeignKey(Organisation, on_delete=OnDelete.cascade, null=False, index=True)
    name = Varchar(length=80)
    description = Varchar(length=400, default="")
    phone = Varchar(length=40, null=True, default=None)
    text = Varchar(length=40, null=True, default=None)
    web = Varchar(length=300, null=True, default=None)
    hours = Varchar(length=100, default="")
    team_ids = JSON(default=[])
    position = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class LibraryItem(Table, tablename="library_item"):
    """A journal prompt (``kind`` "prompt", with its ``moment``) or a feeling word
    ("feeling", stored lowercase) an organisation adds to Tend's own. Retired, never
    deleted: old journal entries still show their prompt's words. An active word is
    unique in its organisation: an index in the migration."""

    id = UUID(primary_key=True, default=uuid.uuid4)
    organisation = ForeignKey(Organisation, on_delete=OnDelete.cascade, null=False, index=True)
    kind = Varchar(length=8)
    moment = Varchar(length=24, null=True, default=None)
    text = Varchar(length=300)
    created_at = Timestamptz(default=TimestamptzNow())
    retired_at = Timestamptz(null=True, default=None)
