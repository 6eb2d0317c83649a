from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T15:55:20:259282"
VERSION = "1.38.0"
DESCRIPTION = "No pulse rows: answers live only in the tallies"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="sharing", description=DESCRIPTION)
    manager.drop_table(class_name="Pulse", tablename="pulse", schema=None)
    return manager
