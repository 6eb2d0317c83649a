"""An organisation and its teams (homes, service areas)."""

from __future__ import annotations

import uuid

from piccolo.columns import UUID, ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Organisation(Table):
    id = UUID(primary_key=True, default=uuid.uuid4)
    name = Varchar(length=120)
    created_at = Timestamptz(default=TimestamptzNow())


class Team(Table):
    """Unique by name within its organisation (an index in the migration)."""

    id = UUID(primary_key=True, default=uuid.uuid4)
    organisation = ForeignKey(Organisation, on_delete=OnDelete.cascade, null=False)
    name = Varchar(length=80)
    created_at = Timestamptz(default=TimestamptzNow())
