"""The load generator for bench/load.py, run in a process of its own:

    python bench/_load_client.py PLAN.json      # prints one JSON line of results

Each simulated user has her own keep-alive HTTP/1.1 connection, session cookie, CSRF token
and (through ``X-Forwarded-For``, from a trusted proxy) address. The HTTP client is a few
lines over asyncio streams on uvloop, far cheaper per request than a general client, so
that as much of the two cores as possible is left to the server.

A phase runs for ``warmup`` seconds, then is measured for ``seconds``: requests that
complete inside that window count. ``saturated``: every user sends her next request as
soon as the last is answered (throughput; latency is then mostly queueing: with N users
waiting, mean latency is N / throughput). ``paced``: every user starts one action each
``interval`` seconds, their starts spread evenly; latency counts from when the action was due, so
a server that falls behind shows it (no coordinated omission).
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import itertools
import os
import sys
import time
import uuid
from pathlib import Path

import msgspec

CHECKIN_PADDED = (512, 1024)  # the size classes a check-in pads to (docs/sync.md)
ENVELOPES = itertools.cycle(
    [
        base64.urlsafe_b64encode(os.urandom(1 + 12 + size + 16)).rstrip(b"=").decode()
        for _ in range(16)
        for size in CHECKIN_PADDED
    ]
)
USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
)


class Response:
    __slots__ = ("body", "cookies", "headers", "status")

    def __init__(self, status: int, headers: dict[bytes, bytes], cookies: list[bytes], body):
        self.status, self.headers, self.cookies, self.body = status, headers, cookies, body

    def json(self):
        body = self.body
        if self.headers.get(b"content-encoding") == b"gzip":
            body = gzip.decompress(body)
        return msgspec.json.decode(body)


class Connection:
    """One keep-alive HTTP/1.1 connection, one request at a time."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, target: str, headers: bytes, body: bytes = b""):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = f"{method} {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n".encode()
        if body:
            head += b"Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
        try:
            self.writer.write(head + headers + b"\r\n" + body)
            return await self._response()
        except BaseException:
            self.close()
            raise

    async def _response(self) -> Response:
        assert self.reader is not None
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw[:-4].split(b"\r\n")
        status = int(lines[0][9:12])
        headers, cookies = {}, []
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name, value = name.strip().lower(), value.strip()
            if name == b"set-cookie":
                cookies.append(value)
            headers[name] = value
        if b"content-length" in headers:
            body = await self.reader.readexactly(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding") == b"chunked":
            body = b""
            while size := int((await self.reader.readuntil(b"\r\n")).strip(), 16):
                body += (await self.reader.readexactly(size + 2))[:-2]
            await self.reader.readuntil(b"\r\n")
        else:
            body = b""
        if headers.get(b"connection") == b"close":
            self.close()
        return Response(status, headers, cookies, body)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class User:
    """One simulated person: her connection, credentials and sync cursor."""

    def __init__(self, spec: dict, host: str, port: int, cookie: str) -> None:
        self.spec, self.cookie_name = spec, cookie
        self.connection = Connection(host, port)
        self.cursor = ""
        self.signed_in_token = ""  # the session her own sign-ins made (one browser, one)
        common = (
            f"User-Agent: {USER_AGENT}\r\nAccept: application/json\r\n"
            f"Accept-Encoding: gzip\r\nX-Forwarded-For: {spec['address']}\r\n"
        )
        self.anonymous = common.encode()
        self.headers = (
            common + f"Cookie: {cookie}={spec['token']}\r\nX-CSRF-Token: {spec['csrf']}\r\n"
        ).encode()


class Stats:
    """Latencies (ms) by request label, and what went wrong, for the measured window."""

    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = {}
        self.statuses: dict[str, int] = {}
        self.errors: dict[str, int] = {}
        self.window = (0.0, 0.0)

    def counts(self, done: float) -> bool:
        return self.window[0] <= done <= self.window[1]

    def add(self, label: str, started: float, done: float, status: int) -> None:
        if not self.counts(done):
            return
        if 200 <= status < 300:
            self.latencies.setdefault(label, []).append((done - started) * 1000)
        else:
            key = f"{label} {status}"
            self.statuses[key] = self.statuses.get(key, 0) + 1

    def failed(self, label: str, error: BaseException) -> None:
        if self.counts(time.perf_counter()):
            key = f"{label} {type(error).__name__}"
            self.errors[key] = self.errors.get(key, 0) + 1


async def timed(stats: Stats, label: str, user: User, started: float, *request):
    """Send one request; record its latency from ``started``. None if it failed."""
    try:
        response = await user.connection.request(*request)
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as error:
        stats.failed(label, error)
        return None
    stats.add(label, started, time.perf_counter(), response.status)
    return response


async def bare(user: User, stats: Stats, started: float) -> None:
    await timed(stats, "GET /bare", user, started, "GET", "/bare", user.anonymous)


async def pull(user: User, stats: Stats, started: float) -> bool:
    """Changes after her cursor; False if there are more waiting."""
    target = f"/api/sync/changes?cursor={user.cursor}&limit=100"
    response = await timed(stats, "pull", user, started, "GET", target, user.headers)
    if response is None or response.status != 200:
        return True
    page = response.json()
    user.cursor = page["cursor"]
    return not page["more"]


async def sync(user: User, stats: Stats, started: float) -> None:
    """What the PWA does after a check-in is saved: push it, then pull from the cursor."""
    body = msgspec.json.encode(
        {
            "mutations": [
                {
                    "mutation_id": str(uuid.uuid4()),
                    "record_id": str(uuid.uuid4()),
                    "type": "checkin",
                    "base_version": 0,
                    "ciphertext": next(ENVELOPES),
                }
            ]
        }
    )
    pushed = await timed(stats, "push", user, started, "POST", "/api/sync/push", user.headers, body)
    if pushed is not None:
        await pull(user, stats, time.perf_counter())


async def overview(user: User, stats: Stats, started: float) -> None:
    target = "/api/supervision/overview"
    await timed(stats, "overview", user, started, "GET", target, user.headers)


async def supervisees(user: User, stats: Stats, started: float) -> None:
    target = "/api/supervision/supervisees"
    await timed(stats, "supervisees", user, started, "GET", target, user.headers)


async def sign_in(user: User, stats: Stats, started: float) -> None:
    """Sign in (the browser has derived the key); her previous sign-in's session ends."""
    body = msgspec.json.encode({"email": user.spec["email"], "auth_key": user.spec["auth_key"]})
    headers = user.anonymous
    if user.signed_in_token:
        headers += f"Cookie: {user.cookie_name}={user.signed_in_token}\r\n".encode()
    response = await timed(
        stats, "sign-in", user, started, "POST", "/api/auth/sign-in", headers, body
    )
    prefix = f"{user.cookie_name}=".encode()
    for cookie in response.cookies if response else ():
        if cookie.startswith(prefix):
            user.signed_in_token = cookie[len(prefix) :].split(b";", 1)[0].decode()


SCENARIOS = {
    "bare": bare,
    "sync": sync,
    "overview": overview,
    "supervisees": supervisees,
    "sign-in": sign_in,
}


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of these processes (those still running)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def status_kb(pid: int, field: str) -> int:
    """A ``kB`` field of /proc/PID/status (0 if the process has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_kb(pids: list[int]) -> int:
    return sum(status_kb(pid, "VmRSS") for pid in pids)


def process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


async def run_phase(users: list[User], phase: dict, server_pids: list[int]) -> dict:
    step = SCENARIOS[phase["scenario"]]
    stats = Stats()
    if phase["scenario"] == "sync":  # catch up first, as an opened app does
        for user in users:
            while not await pull(user, stats, time.perf_counter()):
                pass
    interval = phase.get("interval")
    start = time.perf_counter()
    stats.window = (start + phase["warmup"], start + phase["warmup"] + phase["seconds"])
    end = stats.window[1]

    async def saturated(user: User, _: int) -> None:
        while time.perf_counter() < end:
            await step(user, stats, time.perf_counter())

    async def paced(user: User, nth: int) -> None:  # starts spread over the interval
        due = start + interval * nth / len(users)
        while due < end:
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            await step(user, stats, due)
            due += interval

    cpu: dict[str, float] = {}

    async def meter() -> None:
        await asyncio.sleep(max(0.0, stats.window[0] - time.perf_counter()))
        cpu["client"], cpu["server"] = time.process_time(), cpu_seconds(server_pids)
        await asyncio.sleep(max(0.0, end - time.perf_counter()))
        cpu["client"] = time.process_time() - cpu["client"]
        cpu["server"] = cpu_seconds(server_pids) - cpu["server"]

    peak = {"rss_kb": 0}

    async def watch() -> None:  # the server's memory, through warm-up and the window
        while True:
            peak["rss_kb"] = max(peak["rss_kb"], rss_kb(server_pids))
            await asyncio.sleep(0.05)

    loop = paced if interval else saturated
    tasks = [asyncio.ensure_future(loop(user, nth)) for nth, user in enumerate(users)]
    watcher = asyncio.ensure_future(watch())
    await meter()
    _, late = await asyncio.wait(tasks, timeout=60)
    watcher.cancel()
    for task in late:
        task.cancel()
        stats.errors["unfinished after 60 s"] = stats.errors.get("unfinished after 60 s", 0) + 1
    seconds = phase["seconds"]
    return {
        "name": phase["name"],
        "latencies": stats.latencies,
        "statuses": stats.statuses,
        "errors": stats.errors,
        "seconds": seconds,
        "client_cpu": cpu["client"] / seconds,
        "server_cpu": cpu["server"] / seconds,
        "peak_rss_kb": peak["rss_kb"],
    }


async def main(plan: dict) -> list[dict]:
    users = [User(spec, plan["host"], plan["port"], plan["cookie"]) for spec in plan["users"]]
    server_pids = process_tree(plan["server_pid"])
    results = [await run_phase(users, phase, server_pids) for phase in plan["phases"]]
    for user in users:
        user.connection.close()
    return results


if __name__ == "__main__":
    plan = msgspec.json.decode(Path(sys.argv[1]).read_bytes())
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        results = asyncio.run(main(plan))
    else:
        results = uvloop.run(main(plan))
    sys.stdout.buffer.write(msgspec.json.encode(results) + b"\n")
