from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-11-23T15:23:27:046202"
VERSION = "1.38.0"
DESCRIPTION = "One share per thing per supervisor, one contribution per month, ordered lookups"

CREATE = (
    "CREATE UNIQUE INDEX share_once ON share (worker, supervisor, kind, item_id)",
    "CREATE UNIQUE INDEX contribution_once ON contribution (worker, month)",
    "CREATE INDEX share_view_worker_at ON share_view (worker, viewed_at)",
    "CREATE INDEX supervision_session_pair ON supervision_session (supervisor, worker, held_on)",
    "CREATE INDEX pulse_month ON pulse (organisation, month)",
)
DROP = (
    "DROP INDEX share_once",
    "DROP INDEX contribution_once",
    "DROP INDEX share_view_worker_at",
    "DROP INDEX supervision_session_pair",
    "DROP INDEX pulse_month",
)


async def run(statements: tuple[str, ...]) -> None:
    # The engine of this run (not one remembered from an earlier run in this process).
    for sql in statements:
        await engine_finder().run_querystring(QueryString(sql))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="sharing", description=DESCRIPTION)

    async def create_indexes():
        await run(CREATE)

    async def drop_indexes():
        await run(DROP)

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
