from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-11-23T13:03:12:534433"
VERSION = "1.38.0"
DESCRIPTION = "Indexes for pulling changes and for applying each mutation once"

CREATE = (
    "CREATE INDEX record_owner_seq ON record (owner, seq)",
    "CREATE UNIQUE INDEX applied_mutation_once ON applied_mutation (owner, mutation_id)",
)
DROP = ("DROP INDEX record_owner_seq", "DROP INDEX applied_mutation_once")


async def run(statements: tuple[str, ...]) -> None:
    # The engine of this run (not one remembered from an earlier run in this process).
    for sql in statements:
        await engine_finder().run_querystring(QueryString(sql))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="sync", description=DESCRIPTION)

    async def create_indexes():
        await run(CREATE)

    async def drop_indexes():
        await run(DROP)

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
