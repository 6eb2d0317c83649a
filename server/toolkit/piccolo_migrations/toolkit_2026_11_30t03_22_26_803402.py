from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-11-30T03:22:26:803402"
VERSION = "1.38.0"
DESCRIPTION = "One active copy of a feeling word per organisation"

CREATE = (
    "CREATE UNIQUE INDEX library_item_active_word ON library_item (organisation, text) "
    "WHERE kind = 'feeling' AND retired_at IS NULL",
)
DROP = ("DROP INDEX library_item_active_word",)


async def run(statements: tuple[str, ...]) -> None:
    # The engine of this run (not one remembered from an earlier run in this process).
    for sql in statements:
        await engine_finder().run_querystring(QueryString(sql))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="toolkit", description=DESCRIPTION)

    async def create_indexes():
        await run(CREATE)

    async def drop_indexes():
        await run(DROP)

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
