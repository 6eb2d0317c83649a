from pathlib import Path

from piccolo.conf.apps import AppConfig

from server.reminders.tables import (
    PushDevice,
    PushOutcomeCount,
    ReminderDue,
    ReminderPlanRow,
    VapidKeyRow,
)

APP_CONFIG = AppConfig(
    app_name="reminders",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[VapidKeyRow, PushDevice, ReminderPlanRow, ReminderDue, PushOutcomeCount],
    migration_dependencies=["server.accounts.piccolo_app", "server.org.piccolo_app"],
)
