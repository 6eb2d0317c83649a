"""Where a test looks for plaintext that must not be there: every IndexedDB store of the
page's origin, and everything the server stored."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg

DUMP_INDEXEDDB = """async () => {
    const dump = {};
    for (const {name} of await indexedDB.databases()) {
        const db = await new Promise((resolve, reject) => {
            const request = indexedDB.open(name);
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error);
        });
        for (const storeName of db.objectStoreNames) {
            const rows = await new Promise((resolve, reject) => {
                const request = db.transaction(storeName).objectStore(storeName).getAll();
                request.onsuccess = () => resolve(request.result);
                request.onerror = () => reject(request.error);
            });
            dump[`${name}/${storeName}`] = JSON.stringify(rows);
        }
        db.close();
    }
    return dump;
}"""


def database_contents(database_url: str) -> list[tuple[str, bytes]]:
    """Everything the server stored, raw: every SQLite file (WAL included), or every row of
    every PostgreSQL table as text (bytea shows as hex, hence the hex check too)."""
    if database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite:///"))
        files = [p for p in path.parent.glob(path.name + "*") if p.is_file()]
        assert files
        return [(str(file), file.read_bytes()) for file in files]

    async def dump() -> list[tuple[str, bytes]]:
        connection = await asyncpg.connect(database_url)
        try:
            tables = await connection.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
            assert {"record", "applied_mutation"} <= {t["tablename"] for t in tables}
            found = []
            for table in tables:
                name = table["tablename"]
                rows = await connection.fetch(f'SELECT t::text AS row FROM "{name}" t')
                found.append((name, "\n".join(r["row"] for r in rows).encode()))
            return found
        finally:
            await connection.close()

    with ThreadPoolExecutor(1) as pool:  # Playwright's own loop is running in this thread
        return pool.submit(asyncio.run, dump()).result()
