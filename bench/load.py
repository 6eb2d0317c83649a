"""Tend under load (issue 11): 200 simulated people against a real ``tend serve`` process,
against a bare Litestar endpoint served the same way in the same run.

    .venv/bin/python bench/load.py [--users 200] [--seconds 10] [--warmup 2]
        [--interval 1.0] [--database sqlite] [--database postgresql://…]
        [--server uvicorn] [--server granian] [--quick]

Scenarios, each a phase of ``--warmup`` seconds then ``--seconds`` measured:

- **check-in sync**: what the PWA does after a check-in is saved: push it (one mutation,
  an envelope padded to 512 B or 1 KiB as check-ins are) and pull from her cursor.
- **dashboard**: ``GET /api/supervision/overview`` (the PWA's supervisees page: each person
  with what they share and any request to talk) and ``GET /api/supervision/supervisees``
  (the plain list). Everyone is a worker and a supervisor of 8 others, each of whom has
  shared a weekly summary and an agenda; every third has asked to talk.
- **sign-in**: ``POST /api/auth/sign-in``. Argon2id by design, so reported on its own and
  never judged against the bare endpoint.
- **bare** (the baseline): a minimal Litestar app with one msgspec JSON route
  (bench/_serve.py), served by the same server with the same options and one process.

Each runs *saturated* (every user sends her next request when the last is answered: the
throughput, compared with the baseline's) and, but for sign-in, *paced* (every user acts
once each ``--interval`` seconds; latency counts from when the action was due). Saturated
latency is mostly queueing (N users waiting: mean ≈ N / throughput), so the p99 target is
judged on the paced phase: 200 people each syncing once a second is far busier than the
PWA (once a minute while open, and after each save).

Servers: ``tend serve`` (uvicorn, one process) and, if granian is installed in the venv,
granian (``--interface asgi --workers 1``, Tend built by its environment factory, behind
uvicorn's proxy-headers middleware as under uvicorn). Each simulated user has her own
account and session, made through the service layer before the server starts (one
Argon2id hash shared by all: the server only ever sees derived keys), and her own address
through ``X-Forwarded-For`` from a trusted proxy (``TEND_TRUSTED_PROXIES=127.0.0.1``), as
behind a reverse proxy: the per-address sign-in limit then applies per person.

The load generator (bench/_load_client.py) is a process of its own, but on 2 cores it
competes with the server anyway: its CPU use is printed beside the server's. Memory is
the server process tree's resident set, read from /proc every 50 ms, and its high-water
mark (VmHWM). Runs on a temporary SQLite file, then on PostgreSQL in a database of its own
that it creates and drops. Prints PASS or SHORT against the targets; never asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import itertools
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import msgspec
from _app import random_account, running_app, with_own_postgres_database
from _load_client import process_tree, rss_kb, status_kb
from supervision import share_body

from server.accounts.schemas import NewAccount
from server.accounts.services import create_person, hash_account_keys
from server.accounts.sessions import cookie_name, start_session
from server.accounts.tables import Supervision
from server.org.tables import Organisation
from server.settings import load_settings

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
CASELOAD = 8
SYNC_P99_MS = 25.0
SYNC_SHARE_OF_BARE = 0.5
RSS_MB = 150.0
SERVERS = ("uvicorn", "granian")


class Target:
    def __init__(self, ok: bool, text: str) -> None:
        self.ok, self.text = ok, text

    def __str__(self) -> str:
        return f"  {'PASS ' if self.ok else 'SHORT'} {self.text}"


# --- set-up -------------------------------------------------------------------------------


async def set_up(database_url: str, count: int) -> list[dict]:
    """``count`` people, each a worker and supervisor, with sessions and shares."""
    today = datetime.now(UTC).date()
    async with running_app(database_url) as (app, settings):
        organisation = Organisation(name="Load")
        await Organisation.insert(organisation).run()
        account = random_account()
        hashes = await hash_account_keys(account)
        people = []
        for i in range(count):
            email = f"load{i}.{uuid.uuid4().hex[:6]}@example.org"
            mine = NewAccount(
                display_name=f"Person {i:03}",
                email=email,
                password=account.password,
                recovery=account.recovery,
            )
            roles = ["worker", "supervisor"]
            person_id = await create_person(organisation.id, mine, hashes, roles, None)
            token, csrf = await start_session(person_id, settings.accounts, "bench")
            people.append(
                {
                    "id": person_id,
                    "email": email,
                    "auth_key": account.password.auth_key,
                    "token": token,
                    "csrf": csrf,
                    "address": f"10.77.{i // 200}.{i % 200 + 1}",
                }
            )
        caseload = min(CASELOAD, count - 1)
        await Supervision.insert(
            *(
                Supervision(supervisor=people[(i - k) % count]["id"], worker=person["id"])
                for i, person in enumerate(people)
                for k in range(1, caseload + 1)
            )
        ).run()

        transport = httpx.ASGITransport(app=app)
        room = asyncio.Semaphore(16)

        async def share(i: int, person: dict) -> None:
            supervisor_id = people[(i - 1) % count]["id"]
            async with (
                room,
                httpx.AsyncClient(
                    transport=transport,
                    base_url="http://bench",
                    cookies={cookie_name(settings.accounts): person["token"]},
                    headers={"x-csrf-token": person["csrf"]},
                ) as client,
            ):
                for kind in ("summary", "agenda"):
                    body = share_body(kind, supervisor_id, today, i)
                    response = await client.put("/api/sharing/shares", json=body)
                    assert response.status_code == 200, response.text
                if i % 3 == 0:
                    body = {"supervisor_id": str(supervisor_id), "how_soon": "this-week"}
                    response = await client.post("/api/sharing/talk", json=body)
                    assert response.status_code == 201, response.text

        await asyncio.gather(*(share(i, person) for i, person in enumerate(people)))
    return [{k: v for k, v in person.items() if k != "id"} for person in people]


# --- servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def granian_path() -> Path | None:
    path = Path(sys.executable).parent / "granian"
    return path if path.exists() else None


class Server:
    """One server process (and its workers) on a free port, its memory watched."""

    def __init__(self, kind: str, app: str, env: dict[str, str], log: Path) -> None:
        self.kind, self.app, self.log = kind, app, log
        self.port = free_port()
        self.env = {**env, "TEND_HOST": "127.0.0.1", "TEND_PORT": str(self.port)}
        self.peak_kb = self.hwm_kb = 0
        self._stop = threading.Event()

    def command(self) -> list[str]:
        if self.kind == "uvicorn":
            if self.app == "tend":
                return [sys.executable, "-m", "server.cli", "serve"]
            return [sys.executable, str(BENCH / "_serve.py")]
        return [
            str(granian_path()),
            "--interface",
            "asgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            "1",
            "--factory",
            f"_serve:granian_{self.app}",
        ]

    def __enter__(self) -> Server:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                self.command(), cwd=ROOT, env=self.env, stdout=log, stderr=log
            )
        self._wait_ready()
        self.pids = process_tree(self.process.pid)
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        return self

    def _wait_ready(self) -> None:
        path = "/health" if self.app == "tend" else "/bare"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", path)
                if connection.getresponse().status == 200:
                    connection.close()
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.process.kill()
        self.process.wait()
        tail = self.log.read_text(errors="replace").splitlines()[-15:]
        raise RuntimeError(f"{self.kind} did not serve {self.app}:\n    " + "\n    ".join(tail))

    def _sample(self) -> None:
        last_tree = time.monotonic()
        while not self._stop.wait(0.05):
            if time.monotonic() - last_tree > 1:
                self.pids, last_tree = process_tree(self.process.pid), time.monotonic()
            rss = rss_kb(self.pids)
            self.peak_kb = max(self.peak_kb, rss)
            self.hwm_kb = max(self.hwm_kb, sum(status_kb(pid, "VmHWM") for pid in self.pids))

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._sampler.join()
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def server_env(database_url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEND_")}
    env.update(
        TEND_DATABASE_URL=database_url,
        TEND_DATA_DIR=str(data_dir),
        TEND_TRUSTED_PROXIES="127.0.0.1",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(BENCH)]),
    )
    return env


# --- running a load -----------------------------------------------------------------------


class Phase(msgspec.Struct):
    name: str
    scenario: str
    seconds: float
    warmup: float
    interval: float | None = None


class Result(msgspec.Struct):
    name: str
    latencies: dict[str, list[float]]
    statuses: dict[str, int]
    errors: dict[str, int]
    seconds: float
    client_cpu: float
    server_cpu: float
    peak_rss_kb: int

    def count(self, label: str | None = None) -> int:
        if label:
            return len(self.latencies.get(label, []))
        return sum(len(v) for v in self.latencies.values())

    def rate(self, label: str | None = None) -> float:
        return self.count(label) / self.seconds

    def percentile(self, q: int, label: str | None = None) -> float:
        everything = itertools.chain(*self.latencies.values())
        values = self.latencies.get(label, []) if label else list(everything)
        if len(values) < 2:
            return values[0] if values else float("nan")
        return statistics.quantiles(values, n=100, method="inclusive")[q - 1]

    @property
    def failures(self) -> int:
        return sum(self.statuses.values()) + sum(self.errors.values())


class Run:
    """What one server did with one app: its phases' results and memory."""

    def __init__(self, server: str, results: list[Result], peak_kb: int, hwm_kb: int) -> None:
        self.server, self.peak_kb, self.hwm_kb = server, peak_kb, hwm_kb
        self.results = {r.name: r for r in results}


def load(server: Server, users: list[dict], phases: list[Phase], cookie: str, work: Path) -> Run:
    plan = work / f"plan-{uuid.uuid4().hex[:8]}.json"
    plan.write_bytes(
        msgspec.json.encode(
            {
                "host": "127.0.0.1",
                "port": server.port,
                "server_pid": server.process.pid,
                "cookie": cookie,
                "users": users,
                "phases": phases,
            }
        )
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(BENCH / "_load_client.py"), str(plan)],
        capture_output=True,
        check=False,
    )
    if done.returncode or not done.stdout.strip():
        raise RuntimeError(f"the load generator failed:\n{done.stderr.decode(errors='replace')}")
    try:
        results = msgspec.json.decode(done.stdout, type=list[Result])
    except msgspec.DecodeError as error:
        raise RuntimeError(
            f"the load generator's report did not decode ({error}; {len(done.stdout)} bytes):"
            f"\n{done.stderr.decode(errors='replace')[-2000:]}"
        ) from None
    return Run(server.kind, results, server.peak_kb, server.hwm_kb)


def phases_for(scenarios: list[str], args: argparse.Namespace) -> list[Phase]:
    phases = []
    for scenario in scenarios:
        phases.append(Phase(f"{scenario} saturated", scenario, args.seconds, args.warmup))
        if scenario != "sign-in":
            phases.append(
                Phase(f"{scenario} paced", scenario, args.seconds, args.warmup, args.interval)
            )
    return phases


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def baselines(servers: list[str], args, work: Path) -> dict[str, Run]:
    users = [
        {"address": f"10.77.{i // 200}.{i % 200 + 1}", "token": "", "csrf": ""}
        for i in range(args.users)
    ]
    env = server_env(f"sqlite:///{work / 'unused.sqlite3'}", work)
    runs = {}
    for kind in servers:
        say(f"baseline: bare Litestar under {kind}")
        with Server(kind, "bare", env, work / f"bare-{kind}.log") as server:
            runs[kind] = load(server, users, phases_for(["bare"], args), "", work)
    return runs


def tend_runs(database_url: str, servers: list[str], args, work: Path) -> dict[str, Run]:
    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    say(f"{engine}: making {args.users} people")
    users = asyncio.run(set_up(database_url, args.users))
    data_dir = work / f"data-{uuid.uuid4().hex[:6]}"
    data_dir.mkdir()
    env = server_env(database_url, data_dir)
    settings = load_settings(environ={**env, "TEND_PORT": "8000"}, env_file=None)
    cookie = cookie_name(settings.accounts)
    phases = phases_for(["sync", "overview", "supervisees", "sign-in"], args)
    runs = {}
    for kind in servers:
        say(f"{engine}: Tend under {kind}")
        with Server(kind, "tend", env, work / f"tend-{kind}.log") as server:
            runs[kind] = load(server, users, phases, cookie, work)
    return runs


# --- report -------------------------------------------------------------------------------

HEADER = (
    f"  {'':32} {'mode':9} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'vs bare':>8} "
    f"{'failed':>7} {'server CPU':>11} {'client CPU':>11} {'peak RSS':>9}"
)


def row(name: str, mode: str, result: Result, label: str | None, bare: float | None) -> str:
    ratio = f"{result.rate(label) / bare:8.2f}" if bare else f"{'':8}"
    whole = ""
    if label is None:
        whole = (
            f"{result.failures:7} {result.server_cpu:11.0%} {result.client_cpu:11.0%} "
            f"{result.peak_rss_kb / 1024:6.0f} MB"
        )
    return (
        f"  {name:32} {mode:9} {result.rate(label):7.0f} {result.percentile(50, label):8.1f} "
        f"{result.percentile(99, label):8.1f} {ratio} {whole}"
    ).rstrip()


def failures(result: Result) -> str:
    seen = {**result.statuses, **result.errors}
    return ", ".join(f"{k}: {v}" for k, v in sorted(seen.items()))


def memory(run: Run) -> str:
    return (
        f"server peak RSS over the whole run {run.peak_kb / 1024:.0f} MB "
        f"(high-water mark {run.hwm_kb / 1024:.0f} MB)"
    )


def report_baselines(runs: dict[str, Run]) -> None:
    print("Baseline: bare Litestar, one msgspec JSON route (GET /bare), one process")
    print(HEADER)
    for kind, run in runs.items():
        for mode in ("saturated", "paced"):
            print(row(f"bare, {kind}", mode, run.results[f"bare {mode}"], None, None))
        print(f"  {kind}: {memory(run)}")
    print()


SCENARIO_NAMES = {
    "sync": "check-in sync (push, then pull)",
    "overview": "dashboard: …/overview",
    "supervisees": "dashboard: …/supervisees",
    "sign-in": "sign-in (Argon2id; not compared)",
}


def report_tend(engine: str, run: Run, bare: Run, args) -> list[Target]:
    base = bare.results["bare saturated"].rate()
    print(f"{engine}, Tend under {run.server} (one process)")
    print(HEADER)
    for scenario, title in SCENARIO_NAMES.items():
        for mode in ("saturated", "paced"):
            result = run.results.get(f"{scenario} {mode}")
            if result is None:
                continue
            compared = base if mode == "saturated" and scenario != "sign-in" else None
            print(row(title, mode, result, None, compared))
            if scenario == "sync":
                for label in ("push", "pull"):
                    print(row(f"  {label}", "", result, label, compared))
            if result.failures:
                print(f"    failed: {failures(result)}")
    print(f"  {memory(run)}")

    saturated, paced = run.results["sync saturated"], run.results["sync paced"]
    push99, pull99 = paced.percentile(99, "push"), paced.percentile(99, "pull")
    share = saturated.rate() / base
    peak = max(run.peak_kb, run.hwm_kb) / 1024
    others = [r for r in run.results.values() if r.name != "sign-in saturated"]
    without_sign_in = max(r.peak_rss_kb for r in others)
    targets = [
        Target(
            max(push99, pull99) < SYNC_P99_MS and not paced.failures,
            f"check-in sync p99 with {args.users} users acting every {args.interval:g} s: "
            f"push {push99:.1f} ms, pull {pull99:.1f} ms (target < {SYNC_P99_MS:.0f} ms"
            + (f"; {paced.failures} failed" if paced.failures else "")
            + ")",
        ),
        Target(
            share >= SYNC_SHARE_OF_BARE and not saturated.failures,
            f"check-in sync throughput {saturated.rate():.0f} requests/s = {share:.0%} of bare "
            f"{run.server} ({base:.0f}/s; target ≥ {SYNC_SHARE_OF_BARE:.0%}"
            + (f"; {saturated.failures} failed" if saturated.failures else "")
            + ")",
        ),
        Target(
            peak < RSS_MB,
            f"server memory at peak {peak:.0f} MB ({without_sign_in / 1024:.0f} MB in every "
            f"phase but sign-in, whose Argon2id takes 12 MiB a hash; target < {RSS_MB:.0f} MB)",
        ),
    ]
    print(
        f"  saturated sync p99 (queueing at {args.users} users, not judged): "
        f"{saturated.percentile(99):.0f} ms"
    )
    for target in targets:
        print(target)
    print()
    return targets


def note_on_machine(bare: dict[str, Run], load_before: float) -> None:
    busiest = max(run.results["bare saturated"].client_cpu for run in bare.values())
    print(
        f"The load generator is one process on the same {os.cpu_count()} cores as the server, "
        f"so they compete: it used up to {busiest:.0%} of a core in the saturated baseline "
        "(near 100%, the baseline is limited by the client, which flatters every ratio). "
        f"Load average before the run: {load_before:.1f}; well above 0, other work shared "
        "the cores and these figures are not worth keeping."
    )


def main(args: argparse.Namespace) -> None:
    if args.quick:
        args.users, args.seconds, args.warmup = 20, 2.0, 0.5
    servers = args.server or list(SERVERS)
    if "granian" in servers and granian_path() is None:
        servers.remove("granian")
        say("granian is not installed in this venv (.venv/bin/pip install granian): skipped")
    databases = args.database or ["sqlite", POSTGRES]
    load_before = os.getloadavg()[0]
    print(
        f"{args.users} simulated users, {args.seconds:g} s measured per phase after "
        f"{args.warmup:g} s of warm-up; paced: each user acts every {args.interval:g} s"
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        bare = baselines(servers, args, work)
        report_baselines(bare)
        verdicts: list[tuple[str, str, list[Target]]] = []
        for database in databases:
            if database == "sqlite":
                runs = tend_runs(f"sqlite:///{work / 'tend.sqlite3'}", servers, args, work)
                engine = "SQLite"
            else:
                runs = {}

                async def on_postgres(url: str, runs=runs) -> None:
                    runs.update(await asyncio.to_thread(tend_runs, url, servers, args, work))

                try:
                    asyncio.run(with_own_postgres_database(database, on_postgres))
                except OSError as error:
                    print(f"PostgreSQL at {database} cannot be reached ({error}): skipped\n")
                    continue
                engine = "PostgreSQL"
            for kind, run in runs.items():
                verdicts.append((engine, kind, report_tend(engine, run, bare[kind], args)))
    note_on_machine(bare, load_before)
    if verdicts:
        print("\nTargets:")
        for engine, kind, targets in verdicts:
            passed = sum(t.ok for t in targets)
            print(f"  {engine} / {kind}: {passed} of {len(targets)} PASS")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=200, help="simulated people (200)")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured per phase (10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up per phase (2)")
    parser.add_argument(
        "--interval", type=float, default=1.0, help="paced: seconds between a user's actions (1)"
    )
    parser.add_argument(
        "--database",
        action="append",
        metavar="sqlite|URL",
        help="'sqlite', or a PostgreSQL server URL to make a fresh database on "
        f"(repeatable; default: sqlite and {POSTGRES})",
    )
    parser.add_argument(
        "--server", action="append", choices=SERVERS, help="repeatable; default: both"
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 20 users, 2 s per phase, 0.5 s warm-up"
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    main(parse_args())
