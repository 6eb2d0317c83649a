"""What a curious administrator with the database would find: no secrets in the clear."""

from __future__ import annotations

from server.accounts.tables import Person
from server.lib.tokens import hash_token


async def test_the_database_holds_no_key_or_token_in_the_clear(app, admin, worker):
    from server.piccolo_conf import APP_REGISTRY

    dump = ""
    for app_config in APP_REGISTRY.app_configs.values():
        for table in app_config.table_classes:
            rows = await table.raw(f"SELECT * FROM {table._meta.tablename}").run()
            dump += repr(rows)
    session_token = worker.client.cookies["tend-session"]
    for secret in (
        worker.keys.auth_key,
        worker.keys.recovery_auth_key,
        session_token,
    ):
        assert secret not in dump
    assert hash_token(session_token) in dump, "only the token's hash is kept"
    row = await Person.select().where(Person.id == worker.me["id"]).first()
    assert row["auth_hash"].startswith("$argon2id$")
    assert row["recovery_auth_hash"].startswith("$argon2id$")
    # The wrapped data key is stored as sent: ciphertext the server cannot open.
    assert row["wrapped_data_key"] == worker.keys.wrapped_data_key
