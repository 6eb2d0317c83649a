from pathlib import Path

from piccolo.conf.apps import AppConfig

from server.sharing.tables import (
    Contribution,
    InsightSnapshot,
    OrgSharing,
    PulseTally,
    Share,
    ShareView,
    SupervisionSession,
    TalkRequest,
)

APP_CONFIG = AppConfig(
    app_name="sharing",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[
        Share,
        ShareView,
        TalkRequest,
        SupervisionSession,
        PulseTally,
        OrgSharing,
        Contribution,
        InsightSnapshot,
    ],
    migration_dependencies=["server.accounts.piccolo_app", "server.org.piccolo_app"],
)
