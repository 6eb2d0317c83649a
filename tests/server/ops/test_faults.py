"""Faults an operator will meet: a server killed in the middle of a sync push, PostgreSQL
restarted under load, and SQLite under many concurrent writers. Each runs real `tend serve`
processes on loopback, with deadlines on every wait, and cleans up whatever it started."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import pwd
import random
import shutil
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import httpx
import pytest

from server.accounts.sessions import cookie_name
from server.accounts.tables import Session
from server.sync.tables import AppliedMutation, Record
from tests.conftest import POSTGRES_URL
from tests.live import LiveServer, free_port, start_server
from tests.server.accounts.helpers import Browser, Keys
from tests.server.sync.test_sync import change, envelope

TIMEOUT = 10  # for an answer while PostgreSQL is away: longer is a hang
PATIENCE = 30  # for an answer under heavy load on a busy 2-core machine
ERROR_SHAPE = {"status", "code", "message", "request_id"}
KILL_SEED = 2024  # picks the kill's moment (this one: 4 ms after a whole batch was sent)
KILL_AFTER = 3  # answers before the kill
PIECES = 8  # a batch in flight is sent in this many pieces, the kill after one of them

sqlite_pass = pytest.mark.skipif(bool(POSTGRES_URL), reason="runs in the SQLite pass of the suite")
postgres_pass = pytest.mark.skipif(
    not POSTGRES_URL, reason="runs in the PostgreSQL pass of the suite"
)


@pytest.fixture
def tend(tmp_path_factory) -> Iterator[Callable[..., LiveServer]]:
    """Starts `tend serve` processes (``tend(database_url, data_dir, **env)``) that a test
    may kill; whatever is still running at the end is stopped."""
    started: list[LiveServer] = []

    def start(database_url: str, data_dir: Path | None = None, **env: str) -> LiveServer:
        workdir = tmp_path_factory.mktemp("serve")
        server = start_server(database_url, workdir, data_dir=data_dir, env=env)
        started.append(server)
        return server

    yield start
    for server in started:
        if server.process.poll() is None:
            server.stop()


def _session_of(person: Browser, url: str, settings) -> httpx.AsyncClient:
    """A client for ``url`` carrying ``person``'s session (sessions live in the database)."""
    name = cookie_name(settings.accounts)
    return httpx.AsyncClient(
        base_url=url,
        cookies={name: person.client.cookies[name]},
        headers={"x-csrf-token": person.csrf},
        timeout=PATIENCE,
    )


async def _pull_all(client: httpx.AsyncClient) -> list[dict]:
    changes, cursor = [], ""
    while True:
        page = await client.get(f"/api/sync/changes?cursor={cursor}&limit=500")
        assert page.status_code == 200, page.text
        changes += page.json()["changes"]
        cursor = page.json()["cursor"]
        if not page.json()["more"]:
            return changes


# Killed in the middle of a sync push.


async def _push_and_lose_the_answer(client: httpx.AsyncClient, body: bytes) -> None:
    """Send a push and hang up as soon as its answer begins, without reading it."""
    url = client.base_url
    head = "".join(
        f"{name}: {value}\r\n"
        for name, value in {
            "Host": url.netloc.decode(),
            "Content-Type": "application/json",
            "Content-Length": str(len(body)),
            "Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items()),
            "X-CSRF-Token": client.headers["x-csrf-token"],
        }.items()
    )
    reader, writer = await asyncio.open_connection(url.host, url.port)
    try:
        writer.write(f"POST /api/sync/push HTTP/1.1\r\n{head}\r\n".encode() + body)
        await writer.drain()
        assert await asyncio.wait_for(reader.read(1), PATIENCE), "no answer began"
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


def _json(body: bytes) -> dict[str, str]:
    return {"content-type": "application/json", "content-length": str(len(body))}


async def _pieces(
    body: bytes, count: int, after: Callable[[int], Awaitable[None]]
) -> AsyncIterator[bytes]:
    """``body`` in ``count`` pieces, awaiting ``after(n)`` once the n-th has been sent."""
    size = -(-len(body) // count)
    for n, start in enumerate(range(0, len(body), size), 1):
        yield body[start : start + size]
        await after(n)


async def test_a_push_cut_off_by_a_killed_server_applies_exactly_once_when_retried(
    app, worker, tend
):
    """Two devices push batches of 100 changes (about 600 KB each), each batch once the last
    is answered; once three are answered, the server is SIGKILLed in the middle of the next
    one (part of its body sent, or all of it while the server works on it: a seeded random
    choice); one earlier batch was applied but its answer never arrived. The devices retry
    every batch they have no answer for, with the same mutation ids, on the restarted
    server: whatever the kill interrupted (not yet read, or mid-transaction) applies now,
    what was committed answers ``duplicate``, and each change is applied once."""
    rng = random.Random(KILL_SEED)  # noqa: S311
    settings = app.state.settings
    server = tend(settings.database.url, settings.paths.data_dir, TEND_DISPATCHER="false")
    batches = [[change(ciphertext=envelope(4_300)) for _ in range(100)] for _ in range(12)]
    bodies = [json.dumps({"mutations": batch}).encode() for batch in batches]
    assert max(len(body) for body in bodies) < 700_000, "well under the 1 MiB request limit"
    answered: dict[int, list[dict]] = {}
    cut_off: list[int] = []  # the batch in flight when the server is killed
    killed = asyncio.Event()

    def kill() -> None:
        server.process.kill()
        killed.set()

    async def kill_after(piece: int, *, at: int) -> None:
        if piece == at:
            if at == PIECES:  # all of it sent: the server is reading it, or saving it
                await asyncio.sleep(rng.uniform(0, 0.02))
            kill()

    async with _session_of(worker, server.url, settings) as client:
        # One answer the device never reads (the server applied the batch; the connection
        # dropped before the answer arrived): exactly what a kill just after a commit does.
        await _push_and_lose_the_answer(client, bodies[1])

        async def device(indexes: list[int]) -> None:
            for index in indexes:
                if cut_off:  # no batch begins between the third answer and the kill
                    await killed.wait()
                content: bytes | AsyncIterator[bytes] = bodies[index]
                if len(answered) >= KILL_AFTER and not cut_off:
                    cut_off.append(index)
                    at = rng.randint(1, PIECES)
                    content = _pieces(bodies[index], PIECES, partial(kill_after, at=at))
                response = await client.post(
                    "/api/sync/push", content=content, headers=_json(bodies[index])
                )
                if response.status_code != 200:  # a failure, not the kill: stop the other too
                    kill()
                assert response.status_code == 200, response.text
                answered[index] = response.json()["results"]

        streams = [[i for i in range(n, len(batches), 2) if i != 1] for n in (0, 1)]
        devices = [asyncio.create_task(device(stream)) for stream in streams]
        outcomes = await asyncio.wait_for(
            asyncio.gather(*devices, return_exceptions=True), 3 * PATIENCE
        )
    # Every device had batches left, so each one found the server gone.
    assert all(isinstance(o, httpx.TransportError) for o in outcomes), outcomes
    assert len(answered) <= len(batches) - 3, "the kill came too late to cut anything off"

    restarted = tend(settings.database.url, settings.paths.data_dir, TEND_DISPATCHER="false")
    resent = min(answered)  # acknowledged, but sent again anyway
    async with _session_of(worker, restarted.url, settings) as client:
        for index, body in enumerate(bodies):
            if index in answered and index != resent:
                continue  # acknowledged: the device has dropped it
            retried = await client.post("/api/sync/push", content=body, headers=_json(body))
            assert retried.status_code == 200, retried.text
            results = retried.json()["results"]
            statuses = {r["status"] for r in results}
            assert statuses in ({"applied"}, {"duplicate"}), "a batch is all or nothing"
            assert {r["version"] for r in results} == {1}
            if index in (1, resent):
                assert statuses == {"duplicate"}, "applied before, though unanswered"
        changes = await _pull_all(client)

    sent = sorted(m["record_id"] for batch in batches for m in batch)
    assert sorted(c["record_id"] for c in changes) == sent, "every change once, none twice"
    assert {c["version"] for c in changes} == {1}
    assert await Record.count() == len(sent)
    assert await AppliedMutation.count() == len(sent)


# PostgreSQL restarted under load: a private throwaway cluster, never the machine's own.


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster of this test's own, in a temporary directory on a free port."""

    bin_dir: Path
    root: Path
    port: int
    run_as: list[str]

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/tend"

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(
            [*self.run_as, str(self.bin_dir / program), *args],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def init(self) -> None:
        self._run("initdb", "-D", str(self.root / "data"), "-U", "postgres", "--auth=trust", "-N")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off"
        )
        data, log = str(self.root / "data"), str(self.root / "postgres.log")
        self._run("pg_ctl", "-D", data, "-o", options, "-l", log, "-w", "-t", "30", "start")

    def create_database(self) -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "tend")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.root / "data"), "-m", mode, "-w", "-t", "30", "stop")


def _owner_command() -> list[str]:
    """How to run PostgreSQL's programs: as ourselves, or (initdb refuses root) as the
    ``postgres`` user."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and there is no postgres user to run a cluster as")
    if shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--"]
    if shutil.which("setpriv"):
        user = pwd.getpwnam("postgres")
        return ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]
    pytest.skip("running as root without runuser or setpriv to run a cluster as postgres")


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found and not shutil.which("initdb"):
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    bin_dir = found[-1].parent if found else Path(shutil.which("initdb") or "").parent
    run_as = _owner_command()
    root = Path(tempfile.mkdtemp(prefix="tend-pg-"))
    if run_as:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
    cluster = PrivatePostgres(bin_dir, root, free_port(), run_as)
    try:
        cluster.init()
        cluster.start()
        cluster.create_database()
        yield cluster
    finally:
        with contextlib.suppress(subprocess.SubprocessError):  # not running
            cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class Attempt:
    what: str
    began: float
    ended: float
    status: int | str
    body: dict | None
    mutation: dict | None = None


async def _load(client: httpx.AsyncClient, log: list[Attempt], stop: asyncio.Event) -> None:
    """Push one change, pull, ask if ready; again and again until ``stop``."""
    while not stop.is_set():
        for what in ("push", "pull", "ready"):
            mutation = change() if what == "push" else None
            began = time.monotonic()
            try:
                if what == "push":
                    response = await client.post("/api/sync/push", json={"mutations": [mutation]})
                elif what == "pull":
                    response = await client.get("/api/sync/changes?limit=1")
                else:
                    response = await client.get("/ready")
                status: int | str = response.status_code
                body = response.json() if status != 200 else None
            except httpx.TimeoutException:
                status, body = "timeout", None
            except httpx.TransportError as error:
                status, body = type(error).__name__, None
            log.append(Attempt(what, began, time.monotonic(), status, body, mutation))
        await asyncio.sleep(0.01)


async def _first_success_after(log: list[Attempt], moment: float, within: float) -> float:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        done = [a for a in log if a.began >= moment and a.status == 200 and a.what == "push"]
        if done:
            return done[0].ended
        await asyncio.sleep(0.05)
    raise AssertionError(f"no push succeeded within {within} s of PostgreSQL's return")


async def _attempts_after(log: list[Attempt], moment: float, count: int, within: float) -> None:
    deadline = time.monotonic() + within
    while len([a for a in log if a.began > moment]) < count:
        assert time.monotonic() < deadline, f"fewer than {count} requests within {within} s"
        await asyncio.sleep(0.05)


@postgres_pass
async def test_requests_fail_cleanly_while_postgresql_restarts_and_then_recover(
    private_postgres, tend
):
    """Three clients push, pull and ask /ready in a loop while PostgreSQL stops (fast) for
    two seconds and starts again: while it is away every answer is a prompt 503 in the one
    error shape (never a 500, never a hang); once it is back the same Tend process answers
    200 again, and the refused pushes, sent again, land once."""
    server = tend(private_postgres.url)
    link = await asyncio.to_thread(server.setup_link)
    keys = Keys()
    async with httpx.AsyncClient(base_url=server.url, timeout=TIMEOUT) as anonymous:
        made = await anonymous.post(
            "/api/setup",
            json={
                "token": link.split("#", 1)[1],
                "organisation_name": "Restart House",
                "teams": [],
                "account": keys.account("Priya", "priya@example.org"),
            },
        )
    assert made.status_code == 201, made.text
    cookies = dict(made.cookies)
    log: list[Attempt] = []
    stop = asyncio.Event()
    async with httpx.AsyncClient(
        base_url=server.url,
        cookies=cookies,
        headers={"x-csrf-token": made.json()["csrf_token"]},
        timeout=TIMEOUT,
    ) as client:
        loaders = [asyncio.create_task(_load(client, log, stop)) for _ in range(3)]
        try:
            await asyncio.sleep(0.5)
            going = time.monotonic()
            await asyncio.to_thread(private_postgres.stop, "fast")
            down = time.monotonic()
            await asyncio.sleep(2)
            coming_back = time.monotonic()
            await asyncio.to_thread(private_postgres.start)
            up = time.monotonic()
            recovered = await _first_success_after(log, up, within=15)
            await _attempts_after(log, recovered + 0.5, count=10, within=15)
        finally:
            stop.set()
            await asyncio.gather(*loaders)

        # Acknowledged pushes are kept; refused ones, sent again as the app would, land once.
        refused = [a.mutation for a in log if a.what == "push" and a.status != 200]
        for mutation in refused:
            again = await client.post("/api/sync/push", json={"mutations": [mutation]})
            assert again.status_code == 200, again.text
            assert again.json()["results"][0]["status"] in ("applied", "duplicate")
        changes = await _pull_all(client)

    statuses = sorted({str(a.status) for a in log})
    assert all(a.status in (200, 503) for a in log), f"answers seen: {statuses}"
    for attempt in log:
        if attempt.status == 503:  # the one error shape, /ready included
            assert set(attempt.body or {}) >= ERROR_SHAPE, attempt.body
            assert attempt.body["status"] == 503
    assert max(a.ended - a.began for a in log) < TIMEOUT, "nothing hangs"
    before = [a for a in log if a.ended < going]
    outage = [a for a in log if a.began > down and a.ended < coming_back]
    after = [a for a in log if a.began > recovered + 0.5]
    assert before
    assert [a.status for a in before] == [200] * len(before)
    assert len(outage) >= 5, "requests kept coming while it was down"
    assert [a.status for a in outage] == [503] * len(outage), "refused while down"
    assert len(after) >= 10
    assert [a.status for a in after] == [200] * len(after), "recovered without a restart"
    assert server.process.poll() is None
    pushed = sorted(a.mutation["record_id"] for a in log if a.mutation)
    assert sorted(c["record_id"] for c in changes) == pushed


# SQLite under many concurrent writers: one process, and two on the same file.


@sqlite_pass
@pytest.mark.parametrize("instances", [1, 2])
async def test_sqlite_takes_many_concurrent_writers_without_failing_one(
    app, admin, supervisor, worker, serve, instances
):
    """Three people push journal batches and check-ins and sign in, 72 requests at once,
    through one process or two on the same file: none fails ("database is locked" or any
    other 5xx), and every write is there."""
    settings = app.state.settings
    urls = await asyncio.gather(*(asyncio.to_thread(serve, settings) for _ in range(instances)))
    people = [admin, supervisor, worker]
    sessions_before = await Session.count()

    async def sign_in(person: Browser, url: str) -> int:
        async with httpx.AsyncClient(base_url=url, timeout=PATIENCE) as anonymous:
            answer = await anonymous.post(
                "/api/auth/sign-in",
                json={"email": person.me["email"], "auth_key": person.keys.auth_key},
            )
        return answer.status_code

    clients = {
        (n, url): _session_of(person, url, settings)
        for n, person in enumerate(people)
        for url in urls
    }
    try:
        work = []
        for n, person in enumerate(people):
            for i in range(10):
                client = clients[(n, urls[i % instances])]
                journal = [change() for _ in range(10)]
                check_in = [{**change(), "type": "checkin"}]
                work.append(client.post("/api/sync/push", json={"mutations": journal}))
                work.append(client.post("/api/sync/push", json={"mutations": check_in}))
            work += [sign_in(person, urls[i % instances]) for i in range(4)]
        answers = await asyncio.gather(*work)
    finally:
        for client in clients.values():
            await client.aclose()

    statuses = [a if isinstance(a, int) else a.status_code for a in answers]
    failures = [a.text for a in answers if not isinstance(a, int) and a.status_code != 200]
    assert statuses == [200] * len(statuses), failures
    assert await Record.count() == len(people) * 10 * 11, "every write landed"
    assert await Session.count() == sessions_before + len(people) * 4
