from pathlib import Path

from piccolo.conf.apps import AppConfig

from server.org.tables import Organisation, Team

APP_CONFIG = AppConfig(
    app_name="org",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Organisation, Team],
)
