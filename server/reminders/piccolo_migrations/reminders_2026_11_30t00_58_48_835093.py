from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-11-30T00:58:48:835093"
VERSION = "1.38.0"
DESCRIPTION = "One reminder per key per person, one outcome row per day and result, due lookups"

CREATE = (
    "CREATE UNIQUE INDEX reminder_due_once ON reminder_due (person, key)",
    "CREATE INDEX reminder_due_next ON reminder_due (state, next_at)",
    "CREATE UNIQUE INDEX push_outcome_once ON push_outcome_count (organisation, day, service, result)",
    "CREATE INDEX reminder_plan_horizon ON reminder_plan (scheduled_until)",
)
DROP = (
    "DROP INDEX reminder_due_once",
    "DROP INDEX reminder_due_next",
    "DROP INDEX push_outcome_once",
    "DROP INDEX reminder_plan_horizon",
)


async def run(statements: tuple[str, ...]) -> None:
    # The engine of this run (not one remembered from an earlier run in this process).
    for sql in statements:
        await engine_finder().run_querystring(QueryString(sql))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="reminders", description=DESCRIPTION)

    async def create_indexes():
        await run(CREATE)

    async def drop_indexes():
        await run(DROP)

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
