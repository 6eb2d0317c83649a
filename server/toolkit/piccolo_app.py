from pathlib import Path

from piccolo.conf.apps import AppConfig

from server.toolkit.tables import LibraryItem, SupportResource

APP_CONFIG = AppConfig(
    app_name="toolkit",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[SupportResource, LibraryItem],
    migration_dependencies=["server.org.piccolo_app"],
)
