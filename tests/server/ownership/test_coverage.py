"""A new table that names a person cannot be forgotten by deletion and the download."""

from __future__ import annotations

import re

from piccolo.columns import JSON, JSONB, UUID, Array, Column, ForeignKey, Text, Varchar
from piccolo.table import Table

from server.accounts.tables import Person
from server.ownership.deletion import PERSON_COLUMNS
from server.piccolo_conf import APP_REGISTRY

# Names that say "this is someone" even without a foreign key (ids kept as plain values,
# lists of ids in JSON).
SOMEONE = re.compile(r"person|owner|worker|supervisor|user|actor|subject|created_by|member")
# Column types that can hold an id (not flags such as ``is_worker``).
HOLDS_AN_ID = (UUID, Varchar, Text, JSON, JSONB, Array)


def names_a_person(column: Column) -> bool:
    if isinstance(column, ForeignKey):
        return column._foreign_key_meta.resolved_references is Person
    return isinstance(column, HOLDS_AN_ID) and bool(SOMEONE.search(column._meta.db_column_name))


def person_columns(tables) -> set[str]:
    return {
        f"{table._meta.tablename}.{column._meta.db_column_name}"
        for table in tables
        for column in table._meta.columns
        if names_a_person(column) or (table is Person and column is Person.id)
    }


def test_every_column_that_names_a_person_is_deleted_and_shown():
    tables = [t for config in APP_REGISTRY.app_configs.values() for t in config.table_classes]
    found = person_columns(tables)
    missing = found - PERSON_COLUMNS
    assert not missing, (
        f"{sorted(missing)} name a person: delete them in server/ownership/deletion.py, show "
        "them in server/ownership/data.py, add them to PERSON_COLUMNS, and seed them in "
        "tests/server/ownership/seed.py so that the deletion scan checks them"
    )
    gone = PERSON_COLUMNS - found
    assert not gone, f"no longer in the schema: {sorted(gone)}"


def test_a_new_table_naming_a_person_would_be_noticed():
    class Keepsake(Table, tablename="keepsake"):
        holder = ForeignKey(Person)
        user_id = UUID()
        colour = Varchar()

    assert person_columns([Keepsake]) == {"keepsake.holder", "keepsake.user_id"}
