"""The organisation figures page's API for 2,000 workers x 12 months, against a trivial
signed-in GET and the admin's people list on the same data, in the same run.

    .venv/bin/python bench/insights.py [--workers 2000] [--teams 20] [--requests 20]
                                       [--postgres postgresql://postgres@127.0.0.1:5432/test]

One organisation gets ``workers`` workers in ``teams`` teams (a few in no team), 80% of them
adding their check-ins (a contribution for each of the last 12 months and this one, as if
no admin had looked for a year: the most a first request can have to freeze), a
supervision session a month each and a pulse after most of them, kept as tallies by team
and month. A second organisation has a tenth of that, to show that the number of queries
does not grow with the data. The app runs in this process behind httpx's ASGI transport;
every query the engine runs is counted.

The first request freezes the 12 months and this week's coverage (and deletes the
contributions and tallies it froze); it is timed on its own. Every later request reads the
snapshots.

Runs on SQLite, and also on PostgreSQL when ``--postgres`` names a server: the benchmark
creates its own database there and drops it afterwards. Prints milliseconds and queries per
request, and the ratio to the trivial GET (``/api/account``) and to ``/api/admin/people``.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from _app import QueryCounter, random_account, running_app, with_own_postgres_database

from server.accounts.services import create_person, hash_account_keys
from server.accounts.sessions import cookie_name, start_session
from server.accounts.tables import Person
from server.org.tables import Organisation, Team
from server.sharing.insights import months_before
from server.sharing.pulses import NO_TEAM
from server.sharing.tables import Contribution, OrgSharing, PulseTally, SupervisionSession

CHUNK = 500  # rows per INSERT, well inside SQLite's limit on parameters


async def insert(table, rows: list) -> None:
    for start in range(0, len(rows), CHUNK):
        await table.insert(*rows[start : start + CHUNK]).run()


async def make_organisation(workers: int, teams: int, today: date, rng: random.Random) -> uuid.UUID:
    """An organisation with its people and a year of figures; returns its id."""
    organisation = Organisation(name=f"Bench {workers}")
    await Organisation.insert(organisation).run()
    team_rows = [Team(organisation=organisation.id, name=f"Team {i}") for i in range(teams)]
    await insert(Team, team_rows)
    people = [
        Person(
            organisation=organisation.id,
            # One in twenty in no team.
            team=None if i % 20 == 19 else team_rows[i % teams].id,
            email=f"w{i}.{uuid.uuid4().hex[:8]}@example.org",
            display_name=f"Worker {i}",
            is_worker=True,
            is_supervisor=i < workers // 20,
        )
        for i in range(workers)
    ]
    await insert(Person, people)
    supervisors = people[: max(1, workers // 20)]
    opted_in = [p for p in people if rng.random() < 0.8]
    await insert(OrgSharing, [OrgSharing(worker=p.id) for p in opted_in])
    months = months_before(today)
    band = lambda: rng.choice([1, 2, 3, 3, 4, 5, None])  # noqa: E731
    await insert(
        Contribution,
        [
            Contribution(
                worker=p.id,
                month=month,
                team_id=p.team,
                checkin_days=rng.randint(0, 25),
                stress=band(),
                energy=band(),
                sleep=band(),
            )
            for p in opted_in
            for month in [*months, today.strftime("%Y-%m")]
        ],
    )
    sessions, tallies = [], {}
    for i, person in enumerate(people):
        for month in months:
            held_on = date.fromisoformat(f"{month}-01") + timedelta(days=rng.randint(0, 27))
            given = rng.random() < 0.7
            sessions.append(
                SupervisionSession(
                    supervisor=supervisors[i % len(supervisors)].id,
                    worker=person.id,
                    held_on=held_on,
                    kind="one-to-one",
                    pulse_given=given,
                )
            )
            if given:  # one session a month each: every answer is a person
                tally = tallies.setdefault(
                    (person.team or NO_TEAM, month),
                    PulseTally(organisation=organisation.id, team_id=person.team or NO_TEAM),
                )
                tally.month = month
                tally.answers += 1
                tally.people += 1
                tally.heard += rng.randint(1, 5)
                tally.checked_in += rng.randint(1, 5)
                tally.useful += rng.randint(1, 5)
        # And one this month, for coverage.
        if rng.random() < 0.6:
            sessions.append(
                SupervisionSession(
                    supervisor=supervisors[i % len(supervisors)].id,
                    worker=person.id,
                    held_on=today - timedelta(days=rng.randint(0, 20)),
                    kind="one-to-one",
                )
            )
    await insert(SupervisionSession, sessions)
    await insert(PulseTally, list(tallies.values()))
    return organisation.id


async def admin_session(organisation_id: uuid.UUID, settings) -> tuple[str, str]:
    account = random_account("Priya", f"priya.{uuid.uuid4().hex[:8]}@example.org")
    hashes = await hash_account_keys(account)
    person_id = await create_person(organisation_id, account, hashes, ["admin"], None)
    return await start_session(person_id, settings.accounts, "bench")


async def first(client: httpx.AsyncClient, counter: QueryCounter, url: str):
    """Milliseconds and queries of one request (for the insights, the one that freezes)."""
    queries = counter.count
    started = time.perf_counter()
    response = await client.get(url)
    assert response.status_code == 200, response.text
    return (time.perf_counter() - started) * 1000, counter.count - queries


async def measure(client: httpx.AsyncClient, counter: QueryCounter, url: str, requests: int):
    """Mean milliseconds and queries per request, after one request to warm up."""
    assert (await client.get(url)).status_code == 200
    queries = counter.count
    started = time.perf_counter()
    for _ in range(requests):
        response = await client.get(url)
        assert response.status_code == 200, response.text
    elapsed = time.perf_counter() - started
    return elapsed * 1000 / requests, (counter.count - queries) / requests


async def run(database_url: str, args: argparse.Namespace) -> None:
    rng = random.Random(2026)  # noqa: S311 - made-up data
    today = datetime.now(UTC).date()
    async with running_app(database_url) as (app, settings):
        started = time.perf_counter()
        large = await make_organisation(args.workers, args.teams, today, rng)
        small = await make_organisation(args.workers // 10, args.teams // 2, today, rng)
        set_up = time.perf_counter() - started
        counter = QueryCounter(app.state.engine)
        transport = httpx.ASGITransport(app=app)
        results = {}
        for name, organisation_id in (("large", large), ("small", small)):
            token, _ = await admin_session(organisation_id, settings)
            async with httpx.AsyncClient(
                transport=transport,
                base_url="http://bench",
                cookies={cookie_name(settings.accounts): token},
            ) as client:
                results[name, "freeze"] = await first(client, counter, "/api/admin/insights")
                for url in ("/api/account", "/api/admin/people", "/api/admin/insights"):
                    results[name, url] = await measure(client, counter, url, args.requests)

    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    contributions = round(args.workers * 0.8) * 13
    print(
        f"{engine}: {args.workers} workers in {args.teams} teams x 12 months "
        f"(~{contributions} contributions, ~{args.workers * 12} sessions, "
        f"~{round(args.workers * 12 * 0.7)} pulses in tallies); data made in {set_up:.1f} s"
    )
    ms, queries = results["large", "freeze"]
    _, small_queries = results["small", "freeze"]
    print(
        f"  {'first insights (freezes)':22} {ms:8.1f} ms           {queries:4d} queries "
        f"({small_queries} at a tenth of the data)"
    )
    base_ms, _ = results["large", "/api/account"]
    people_ms, _ = results["large", "/api/admin/people"]
    for url in ("/api/account", "/api/admin/people", "/api/admin/insights"):
        ms, queries = results["large", url]
        _, small_queries = results["small", url]
        print(
            f"  {url:22} {ms:8.1f} ms/request  {queries:4.1f} queries/request "
            f"({small_queries:.1f} at a tenth of the data)  "
            f"ratio to /api/account {ms / base_ms:6.1f}  to /api/admin/people "
            f"{ms / people_ms:5.2f}"
        )


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        await run(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args)
    if args.postgres:
        await with_own_postgres_database(args.postgres, lambda url: run(url, args))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2000)
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--postgres", default="", help="a PostgreSQL server to use as well")
    asyncio.run(main(parser.parse_args()))
