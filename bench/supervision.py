"""The supervisor's dashboard with 50 supervisees (issue 7), against a trivial signed-in GET
in the same run: milliseconds and queries per request, on SQLite and PostgreSQL.

    .venv/bin/python bench/supervision.py [--supervisees 50] [--requests 200]
        [--postgres postgresql://postgres@127.0.0.1:5432/test] [--sqlite-only]

One supervisor gets ``supervisees`` workers. Through the API, as each of them, every worker
shares 2 to 4 things with her (a summary, an agenda, a recovery balance, a journal entry),
every third asks to talk, and the supervisor records three sessions with each. A second
supervisor in the same organisation gets 5 supervisees the same way, to show that the
number of queries does not grow with the caseload. The app runs in this process behind
httpx's ASGI transport.

Timed, one request after another: ``GET /api/supervision/overview`` (the dashboard list)
and ``GET /api/supervision/supervisees/{id}`` (preparing one person, going round them all;
each logs views, as it should), against ``GET /api/account``.

Queries are counted where every Piccolo query reaches the engine (``run_querystring``;
BEGIN and COMMIT are not queries there), and checked against what the driver itself was
asked to run: sqlite3's trace callback, or asyncpg's ``Connection._execute``.

Runs on a temporary SQLite file, then on PostgreSQL in a database of its own that it
creates and drops (``--sqlite-only`` to skip). Prints ratios, never asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
from _app import QueryCounter, random_account, running_app, with_own_postgres_database

from server.accounts.schemas import NewAccount
from server.accounts.services import create_person, hash_account_keys
from server.accounts.sessions import cookie_name, start_session
from server.org.tables import Organisation

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
SHARE_KINDS = ("summary", "agenda", "recovery", "entry")
SESSIONS_EACH = 3
SMALL = 5
NOT_QUERIES = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA", "--")


class DriverCounter:
    """What the database driver was asked to run, to check ``QueryCounter`` against."""

    def __init__(self) -> None:
        self.count = 0
        self._undo = None

    def _saw(self, sql: str) -> None:
        if not sql.lstrip().upper().startswith(NOT_QUERIES):
            self.count += 1

    async def install(self, engine) -> None:
        if hasattr(engine, "_all"):  # Tend's SQLite engine: its long-lived connections
            for connection in engine._all:
                await connection.set_trace_callback(self._saw)
            return
        original = asyncpg.connection.Connection._execute
        counter = self

        async def _execute(self, query, *args, **kwargs):
            counter._saw(query)
            return await original(self, query, *args, **kwargs)

        asyncpg.connection.Connection._execute = _execute

        def undo() -> None:
            asyncpg.connection.Connection._execute = original

        self._undo = undo

    def remove(self) -> None:
        if self._undo:
            self._undo()


def share_body(kind: str, supervisor_id: uuid.UUID, today: date, i: int) -> dict:
    week_ending = (today - timedelta(days=today.weekday() + 1)).isoformat()
    content = {
        "summary": {
            "kind": "summary",
            "week_ending": week_ending,
            "checkin_days": 3 + i % 5,
            "stress": {"level": 1 + i % 5, "direction": "higher"},
            "energy": {"level": 1 + (i + 2) % 5},
            "sleep": {"level": 1 + (i + 4) % 5, "direction": "steady"},
        },
        "agenda": {
            "kind": "agenda",
            "items": ["The Tuesday visits", "Cover for leave", "A difficult call"],
            "reflection": "Mostly fine; the rota is the hard part.",
        },
        "recovery": {
            "kind": "recovery",
            "period_ending": today.isoformat(),
            "period_days": 30,
            "demanding_days": 10 + i % 10,
            "recovery_days": 6,
            "days_since_day_off": i % 9,
        },
        "entry": {
            "kind": "entry",
            "written_on": today.isoformat(),
            "title": "After the visit",
            "body": "What I want to bring to supervision. " * 20,
            "tags": ["visits", "team"],
        },
    }[kind]
    body = {"supervisor_id": str(supervisor_id), "content": content}
    if kind == "entry":
        body["entry_id"] = str(uuid.uuid4())
    return body


class Caseload:
    """One supervisor, her supervisees and their API clients."""

    def __init__(self, supervisor: httpx.AsyncClient, supervisor_id, workers) -> None:
        self.supervisor = supervisor
        self.supervisor_id = supervisor_id
        self.workers: list[tuple[uuid.UUID, httpx.AsyncClient]] = workers
        self.shares = self.requests = self.sessions = 0


async def make_caseload(
    organisation_id, size: int, settings, transport, today: date, tag: str
) -> Caseload:
    account = random_account("Bench", "x@example.org")
    hashes = await hash_account_keys(account)

    async def person(name: str, roles: list[str], supervisor_ids=()):
        mine = NewAccount(
            display_name=name,
            email=f"{tag}.{uuid.uuid4().hex[:8]}@example.org",
            password=account.password,
            recovery=account.recovery,
        )
        person_id = await create_person(organisation_id, mine, hashes, roles, None, supervisor_ids)
        token, csrf = await start_session(person_id, settings.accounts, "bench")
        client = httpx.AsyncClient(
            transport=transport,
            base_url="http://bench",
            cookies={cookie_name(settings.accounts): token},
            headers={"x-csrf-token": csrf},
        )
        return person_id, client

    supervisor_id, supervisor = await person(f"Supervisor {tag}", ["supervisor"])
    workers = [
        await person(f"Worker {tag} {i:02}", ["worker"], [supervisor_id]) for i in range(size)
    ]
    caseload = Caseload(supervisor, supervisor_id, workers)

    async def share_and_ask(i: int, client: httpx.AsyncClient) -> None:
        for kind in SHARE_KINDS[: 2 + i % 3]:
            body = share_body(kind, supervisor_id, today, i)
            response = await client.put("/api/sharing/shares", json=body)
            assert response.status_code == 200, response.text
            caseload.shares += 1
        if i % 3 == 0:
            response = await client.post(
                "/api/sharing/talk",
                json={
                    "supervisor_id": str(supervisor_id),
                    "how_soon": "this-week",
                    "note": "About the rota",
                },
            )
            assert response.status_code == 201, response.text
            caseload.requests += 1

    await asyncio.gather(*(share_and_ask(i, client) for i, (_, client) in enumerate(workers)))
    for i, (worker_id, _) in enumerate(workers):
        for k in range(SESSIONS_EACH):
            held_on = today - timedelta(days=1 + 28 * k + i % 14)
            response = await supervisor.post(
                "/api/supervision/sessions",
                json={"worker_id": str(worker_id), "held_on": held_on.isoformat()},
            )
            assert response.status_code == 201, response.text
            caseload.sessions += 1
    return caseload


class Result:
    def __init__(self, ms: float, queries: list[int], driver: int) -> None:
        self.ms = ms
        self.queries = sum(queries) / len(queries)
        self.fewest, self.most = min(queries), max(queries)
        self.driver = driver / len(queries)

    @property
    def span(self) -> str:
        if self.fewest == self.most:
            return f"{self.queries:4.1f}"
        return f"{self.queries:4.1f} ({self.fewest}-{self.most})"


async def measure(
    client: httpx.AsyncClient,
    counter: QueryCounter,
    driver: DriverCounter,
    urls: list[str],
    requests: int,
) -> Result:
    """Mean milliseconds and queries per request, after one request to warm up; ``urls``
    are taken in turn."""
    assert (await client.get(urls[0])).status_code == 200
    queries = []
    driver_before = driver.count
    started = time.perf_counter()
    for i in range(requests):
        before = counter.count
        response = await client.get(urls[i % len(urls)])
        queries.append(counter.count - before)
        assert response.status_code == 200, response.text
    elapsed = time.perf_counter() - started
    return Result(elapsed * 1000 / requests, queries, driver.count - driver_before)


async def run(database_url: str, args: argparse.Namespace) -> None:
    today = datetime.now(UTC).date()
    async with running_app(database_url) as (app, settings):
        transport = httpx.ASGITransport(app=app)
        organisation = Organisation(name="Bench")
        await Organisation.insert(organisation).run()
        started = time.perf_counter()
        large = await make_caseload(
            organisation.id, args.supervisees, settings, transport, today, "large"
        )
        small = await make_caseload(organisation.id, SMALL, settings, transport, today, "small")
        set_up = time.perf_counter() - started

        counter = QueryCounter(app.state.engine)
        driver = DriverCounter()
        await driver.install(app.state.engine)
        results: dict[tuple[str, str], Result] = {}
        try:
            for name, caseload, requests in (
                ("large", large, args.requests),
                ("small", small, max(20, args.requests // 10)),
            ):
                people = [
                    f"/api/supervision/supervisees/{worker_id}" for worker_id, _ in caseload.workers
                ]
                for label, urls in (
                    ("account", ["/api/account"]),
                    ("overview", ["/api/supervision/overview"]),
                    ("prepare", people),
                ):
                    results[name, label] = await measure(
                        caseload.supervisor, counter, driver, urls, requests
                    )
        finally:
            driver.remove()
            for caseload in (large, small):
                await caseload.supervisor.aclose()
                for _, client in caseload.workers:
                    await client.aclose()

    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    print(
        f"{engine}: one supervisor, {args.supervisees} supervisees ({large.shares} shares, "
        f"{large.requests} open requests to talk, {large.sessions} sessions); "
        f"set up through the API in {set_up:.1f} s; {args.requests} requests each"
    )
    base = results["large", "account"]
    names = {
        "account": "GET /api/account (baseline)",
        "overview": "GET /api/supervision/overview",
        "prepare": "GET /api/supervision/supervisees/{id}",
    }
    for label, name in names.items():
        result = results["large", label]
        print(
            f"  {name:39} {result.ms:6.2f} ms/request {1000 / result.ms:6.0f} requests/s  "
            f"ratio {result.ms / base.ms:5.2f}  queries/request {result.span}"
        )
    for label in ("overview", "prepare"):
        print(
            f"  queries per {names[label]} with {SMALL} supervisees: "
            f"{results['small', label].span.strip()}, with {args.supervisees}: "
            f"{results['large', label].span.strip()}"
        )
    mismatches = [
        f"{names[label]} ({name}): counted {r.queries:.2f}, driver {r.driver:.2f}"
        for (name, label), r in results.items()
        if abs(r.queries - r.driver) > 1e-9
    ]
    if mismatches:
        print("  query counter DISAGREES with the driver: " + "; ".join(mismatches))
    else:
        print(
            "  query counts agree with the driver's own count on every request "
            f"(GET /api/account: {base.queries:.0f}, the session lookup and the person)"
        )


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        await run(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args)
    if not args.sqlite_only:
        print()
        await with_own_postgres_database(args.postgres, lambda url: run(url, args))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--supervisees", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--postgres", default=POSTGRES, help="a PostgreSQL server to use too")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    asyncio.run(main(parser.parse_args()))
