from pathlib import Path

from piccolo.conf.apps import AppConfig

from server.ownership.tables import EndedSession

APP_CONFIG = AppConfig(
    app_name="ownership",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[EndedSession],
)
