"""Tend's SQLite engine against Piccolo's stock one, measured in the same run.

    .venv/bin/python bench/sqlite_engine.py [--rows 1000] [--concurrency 20]

Both engines run the same Piccolo queries on their own WAL-mode database file: single-row
inserts (each its own write) and selects by an indexed column, first one at a time, then
from many concurrent tasks. It prints operations per second and the ratio
Tend / stock for each (above 1 means Tend's engine is faster).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import tempfile
import time
from pathlib import Path

from piccolo.columns import Integer, Varchar
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.table import Table

from server.lib.db import TendSQLiteEngine


class Reading(Table):
    label = Varchar(length=32, index=True)
    value = Integer()


async def timed(operation, count: int, concurrency: int) -> float:
    """Operations per second for ``count`` calls of ``operation(i)`` over ``concurrency`` tasks."""
    queue = iter(range(count))

    async def worker() -> None:
        for i in queue:
            await operation(i)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return count / (time.perf_counter() - started)


async def measure(engine, rows: int, concurrency: int) -> dict[str, float]:
    Reading._meta.db = engine
    await Reading.create_table(if_not_exists=True).run()

    async def insert(i: int) -> None:
        await Reading.insert(Reading(label=f"r{i}", value=i)).run()

    async def select(i: int) -> None:
        await Reading.select(Reading.value).where(Reading.label == f"r{i % rows}").first().run()

    await insert(-1)  # warm up the connection(s)
    results = {
        "insert, 1 client": await timed(insert, rows, 1),
        "select, 1 client": await timed(select, rows, 1),
        f"insert, {concurrency} clients": await timed(insert, rows, concurrency),
        f"select, {concurrency} clients": await timed(select, rows, concurrency),
    }
    await Reading.alter().drop_table().run()
    return results


def wal_database(folder: Path, name: str) -> Path:
    path = folder / name
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode = WAL")
    return path


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        stock = SQLiteEngine(path=str(wal_database(Path(folder), "stock.sqlite3")), timeout=5)
        baseline = await measure(stock, args.rows, args.concurrency)

        tend = TendSQLiteEngine(wal_database(Path(folder), "tend.sqlite3"))
        await tend.start_connection_pool()
        try:
            candidate = await measure(tend, args.rows, args.concurrency)
        finally:
            await tend.close_connection_pool()

    print(f"{'operation':<22}{'stock Piccolo/s':>16}{'Tend engine/s':>15}{'ratio':>8}")
    for name, base in baseline.items():
        print(f"{name:<22}{base:>16,.0f}{candidate[name]:>15,.0f}{candidate[name] / base:>7.1f}x")


if __name__ == "__main__":
    asyncio.run(main())
