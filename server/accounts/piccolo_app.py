from pathlib import Path

from piccolo.conf.apps import AppConfig

from server.accounts.tables import (
    AuditEvent,
    Invitation,
    OneTimeToken,
    Person,
    ServerSecret,
    Session,
    Supervision,
    Throttle,
)

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[
        Person,
        Session,
        Invitation,
        Supervision,
        AuditEvent,
        OneTimeToken,
        Throttle,
        ServerSecret,
    ],
    migration_dependencies=["server.org.piccolo_app"],
)
