"""Sync push and pull throughput with many concurrent clients, against the same app
answering an empty endpoint (``/health``) in the same run.

    .venv/bin/python bench/sync.py [--clients 50] [--batches 4] [--batch-size 10]
                                   [--database-url postgresql://…]

Each simulated client is a signed-in person with their own session. Every client pushes
``batches`` batches of ``batch-size`` new records (about 2 KB envelopes, the padded size
of a typical journal entry), then pulls all of its changes back. The app runs in this
process behind httpx's ASGI transport, so what is measured is Tend (routing, sessions,
validation, the database), not a network. Prints requests per second for each, and the
ratio to the empty endpoint (1.0 would mean sync costs nothing beyond a request).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from _app import b64, random_account, running_app

from server.accounts.schemas import NewAccount
from server.accounts.services import create_person, hash_account_keys
from server.accounts.sessions import cookie_name, start_session
from server.org.tables import Organisation

ENVELOPE_BYTES = 1 + 12 + 2048 + 16


async def make_people(count: int, settings) -> list[tuple[str, str]]:
    """``count`` people in one organisation, each with a session: (cookie, csrf)."""
    organisation = Organisation(name="Bench")
    await Organisation.insert(organisation).run()
    account = random_account("Bench", "x@example.org")
    hashes = await hash_account_keys(account)
    people = []
    for i in range(count):
        mine = NewAccount(
            display_name=f"Person {i}",
            email=f"person{i}.{uuid.uuid4().hex[:6]}@example.org",
            password=account.password,
            recovery=account.recovery,
        )
        person_id = await create_person(organisation.id, mine, hashes, ["worker"], None)
        people.append(await start_session(person_id, settings.accounts, "bench"))
    return people


async def run_clients(clients: list[httpx.AsyncClient], work) -> tuple[int, float]:
    started = time.perf_counter()
    counts = await asyncio.gather(*(work(client) for client in clients))
    return sum(counts), time.perf_counter() - started


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        async with running_app(url) as (app, settings):
            people = await make_people(args.clients, settings)
            transport = httpx.ASGITransport(app=app)
            clients = [
                httpx.AsyncClient(
                    transport=transport,
                    base_url="http://bench",
                    cookies={cookie_name(settings.accounts): token},
                    headers={"x-csrf-token": csrf},
                )
                for token, csrf in people
            ]
            requests = args.batches * 2

            async def empty(client: httpx.AsyncClient) -> int:
                for _ in range(requests):
                    assert (await client.get("/health")).status_code == 200
                return requests

            async def push(client: httpx.AsyncClient) -> int:
                for _ in range(args.batches):
                    batch = [
                        {
                            "mutation_id": str(uuid.uuid4()),
                            "record_id": str(uuid.uuid4()),
                            "type": "journal",
                            "base_version": 0,
                            "ciphertext": b64(ENVELOPE_BYTES),
                        }
                        for _ in range(args.batch_size)
                    ]
                    response = await client.post("/api/sync/push", json={"mutations": batch})
                    assert response.status_code == 200, response.text
                return args.batches

            async def pull(client: httpx.AsyncClient) -> int:
                cursor, pages = "", 0
                while True:
                    page = (
                        await client.get(
                            f"/api/sync/changes?cursor={cursor}&limit={args.batch_size}"
                        )
                    ).json()
                    pages += 1
                    cursor = page["cursor"]
                    if not page["more"]:
                        return pages

            base_n, base_t = await run_clients(clients, empty)
            push_n, push_t = await run_clients(clients, push)
            pull_n, pull_t = await run_clients(clients, pull)
            for client in clients:
                await client.aclose()

    base = base_n / base_t
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(
        f"{args.clients} clients on {engine}; batches of {args.batch_size} records of "
        f"{ENVELOPE_BYTES} bytes"
    )
    print(f"  empty endpoint (baseline): {base:8.0f} requests/s")
    print(
        f"  push:                      {push_n / push_t:8.0f} requests/s "
        f"({push_n * args.batch_size / push_t:.0f} records/s)  ratio {push_n / push_t / base:.2f}"
    )
    print(
        f"  pull:                      {pull_n / pull_t:8.0f} requests/s "
        f"({push_n * args.batch_size / pull_t:.0f} records/s)  ratio {pull_n / pull_t / base:.2f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--batches", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--database-url", default="")
    asyncio.run(main(parser.parse_args()))
