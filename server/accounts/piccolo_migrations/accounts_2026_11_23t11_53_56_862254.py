from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-11-23T11:53:56:862254"
VERSION = "1.38.0"
DESCRIPTION = "Unique index supervision_pair"


async def run(sql: str) -> None:
    # The engine of this run (not one remembered from an earlier run in this process).
    await engine_finder().run_querystring(QueryString(sql))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)

    async def create_index():
        await run("CREATE UNIQUE INDEX supervision_pair ON supervision (supervisor, worker)")

    async def drop_index():
        await run("DROP INDEX supervision_pair")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
