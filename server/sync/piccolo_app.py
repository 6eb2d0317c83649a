from pathlib import Path

from piccolo.conf.apps import AppConfig

from server.sync.tables import AppliedMutation, Record, SyncState

APP_CONFIG = AppConfig(
    app_name="sync",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Record, SyncState, AppliedMutation],
    migration_dependencies=["server.accounts.piccolo_app"],
)
