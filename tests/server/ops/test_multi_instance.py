"""Two Tend instances behind one load balancer: two `tend serve` processes on one database
(the PostgreSQL pass makes it PostgreSQL; the SQLite pass, one SQLite file) and one Redis.
Whichever instance a request reaches, a person's session holds, her rate limits are the
same, and a reminder due once is sent once."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import os
import random
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import redis

from server.accounts.sessions import cookie_name
from server.lib.tokens import hash_token
from server.reminders.dispatcher import BATCH
from server.reminders.tables import ReminderDue
from tests.conftest import REPO
from tests.push_service import PushService
from tests.server.accounts.helpers import b64, join
from tests.server.reminders.test_reminders_api import device_body
from tests.server.sync.test_sync import change

TIMEOUT = 20


@pytest.fixture
def new_address(redis_url) -> Iterator[Callable[[], str]]:
    """Makes addresses of this test's own (in 198.18.0.0/15, for benchmarks), to be passed
    on by a trusted proxy, so that other runs sharing this Redis never count against them;
    their counters are deleted afterwards, and nobody else's."""
    network = ipaddress.ip_network("198.18.0.0/15")
    made: list[str] = []

    def make() -> str:
        made.append(str(network[random.randrange(1, network.num_addresses - 1)]))  # noqa: S311
        return made[-1]

    yield make
    for address in made:
        _forget(redis_url, f"tend:throttle:*:{address}:*")


def _forget(url: str, pattern: str) -> None:
    client = redis.Redis.from_url(url)
    names = list(client.scan_iter(match=pattern))
    if names:
        client.delete(*names)


async def _two(serve, settings, **env: str) -> list[str]:
    """Two `tend serve` processes on ``settings``' database, started side by side."""
    starting = [asyncio.to_thread(serve, settings, **env) for _ in range(2)]
    return list(await asyncio.gather(*starting))


def _signed_in(url: str, response: httpx.Response, settings) -> httpx.AsyncClient:
    """A client for ``url`` carrying the session that ``response`` (a sign-in) began."""
    assert response.status_code == 200, response.text
    name = cookie_name(settings.accounts)
    return httpx.AsyncClient(
        base_url=url,
        cookies={name: response.cookies[name]},
        headers={"x-csrf-token": response.json()["csrf_token"]},
        timeout=TIMEOUT,
    )


async def test_a_session_begun_on_one_instance_works_on_the_other(app, worker, serve):
    settings = app.state.settings
    first, second = await _two(serve, settings)
    async with httpx.AsyncClient(base_url=first, timeout=TIMEOUT) as anonymous:
        answer = await anonymous.post(
            "/api/auth/sign-in",
            json={"email": worker.me["email"], "auth_key": worker.keys.auth_key},
        )
    async with (
        _signed_in(first, answer, settings) as on_a,
        _signed_in(second, answer, settings) as on_b,
    ):
        assert (await on_b.get("/api/session")).json()["me"]["id"] == worker.me["id"]
        batch = [change() for _ in range(3)]
        pushed = await on_b.post("/api/sync/push", json={"mutations": batch})
        assert pushed.status_code == 200, pushed.text
        assert [r["status"] for r in pushed.json()["results"]] == ["applied"] * 3

        pulled = await on_a.get("/api/sync/changes")
        assert pulled.status_code == 200, pulled.text
        assert sorted(c["record_id"] for c in pulled.json()["changes"]) == sorted(
            m["record_id"] for m in batch
        )

        assert (await on_b.post("/api/auth/sign-out")).status_code == 204
        assert (await on_a.get("/api/sync/changes")).status_code == 401, "ended everywhere"


async def _sign_ins(urls: list[str], bodies: list[dict], address: str) -> list[int]:
    """Each attempt in turn, to the instances in turn, from ``address`` via the proxy."""
    statuses = []
    async with httpx.AsyncClient(timeout=TIMEOUT, headers={"x-forwarded-for": address}) as c:
        for n, body in enumerate(bodies):
            answer = await c.post(f"{urls[n % len(urls)]}/api/auth/sign-in", json=body)
            statuses.append(answer.status_code)
    return statuses


async def test_failed_sign_ins_split_between_instances_meet_one_limit(
    app, admin, serve, redis_url, new_address
):
    """5 failures per account and 30 per address (server/accounts/limits.py), wherever
    they land, counted in Redis."""
    settings = app.state.settings
    # An email of her own: the lock-out is kept in Redis, which other runs share.
    email = f"jade-{uuid.uuid4().hex[:12]}@example.org"
    jade = await join(app, admin, "Jade", email)
    env = {"TEND_REDIS_URL": redis_url, "TEND_TRUSTED_PROXIES": "127.0.0.1"}
    urls = await _two(serve, settings, **env)
    address = new_address()
    try:
        wrong = [{"email": email, "auth_key": b64(32)} for _ in range(6)]
        assert await _sign_ins(urls, wrong, address) == [401] * 5 + [429]
        right = {"email": email, "auth_key": jade.keys.auth_key}
        assert await _sign_ins(urls[1:], [right], address) == [429], "locked on both"

        other = new_address()
        guesses = [
            {"email": f"guess{n}-{uuid.uuid4().hex[:8]}@example.org", "auth_key": b64(32)}
            for n in range(31)
        ]
        assert await _sign_ins(urls, guesses, other) == [401] * 30 + [429]
        counted = redis.Redis.from_url(redis_url).keys(f"tend:throttle:*:{other}:*")
        assert counted, "the counts are in Redis"
    finally:
        _forget(redis_url, f"tend:throttle:sign-in-account:{hash_token(email)}:*")


# A reminder due once: dispatchers in two processes, cued at the same moment.


@pytest.fixture(scope="module")
def pushes() -> Iterator[PushService]:
    with PushService() as service:
        yield service


class _CuedDispatchers:
    def __init__(self, settings, ca_path, count: int) -> None:
        env = {
            **os.environ,
            "TEND_DATABASE_URL": settings.database.url,
            "TEND_DATA_DIR": str(settings.paths.data_dir),
            "TEND_PUSH_HOSTS": "127.0.0.1",
            "TEND_LOG_FORMAT": "json",
        }
        self.processes = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.server.ops.dispatch_on_cue", str(ca_path)],
                env=env,
                cwd=REPO,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(count)
        ]

    def _answers(self) -> list[str]:
        return [p.stdout.readline().strip() for p in self.processes]  # type: ignore[union-attr]

    def ready(self) -> None:
        assert self._answers() == ["ready"] * len(self.processes)

    def cue(self) -> list[int]:
        """Every process ticks once, all at the same moment; how many each claimed."""
        for process in self.processes:
            process.stdin.write("\n")  # type: ignore[union-attr]
        for process in self.processes:
            process.stdin.flush()  # type: ignore[union-attr]
        return [int(answer) for answer in self._answers()]

    def close(self) -> None:
        for process in self.processes:
            process.stdin.close()  # type: ignore[union-attr]
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def test_reminders_due_at_once_are_split_between_two_dispatchers_and_sent_once(
    app, worker, pushes
):
    """More reminders are due than one dispatcher claims in a tick (``BATCH``), and two
    dispatcher processes tick at the same moment: both must claim, so their claims meet.
    Each claims a part of its own, the parts together are all of them, and each reminder
    reaches the phone exactly once."""
    pushes.reset()
    phone = pushes.subscribe()
    added = await worker.post("/api/reminders/devices", json=device_body(phone))
    assert added.status_code == 201, added.text
    at = datetime.now(UTC) - timedelta(seconds=30)
    dues = [
        ReminderDue(person=worker.me["id"], kind="checkin", key=f"checkin:race-{n}", due_at=at)
        for n in range(BATCH + BATCH // 2)
    ]
    for due in dues:
        due.next_at = at
    await ReminderDue.insert(*dues)
    due_ids = sorted(str(due.id) for due in dues)

    dispatchers = _CuedDispatchers(app.state.settings, pushes.ca_path, 2)
    try:
        await asyncio.wait_for(asyncio.to_thread(dispatchers.ready), TIMEOUT)
        claimed = await asyncio.wait_for(asyncio.to_thread(dispatchers.cue), TIMEOUT)
        again = await asyncio.wait_for(asyncio.to_thread(dispatchers.cue), TIMEOUT)
    finally:
        await asyncio.to_thread(dispatchers.close)

    assert all(0 < n <= BATCH for n in claimed), f"both claimed, a batch at most: {claimed}"
    assert sum(claimed) == len(dues), f"no reminder claimed twice, none left: {claimed}"
    assert again == [0, 0], "nothing left to claim"
    rows = await ReminderDue.select(
        ReminderDue.id, ReminderDue.claim, ReminderDue.attempts, ReminderDue.state
    )
    assert sorted(str(row["id"]) for row in rows) == due_ids
    assert {row["state"] for row in rows} == {"sent"}
    # A second claim of a row would count a second attempt and put its own token on it.
    assert {row["attempts"] for row in rows} == {1}, "each claimed by one dispatcher, once"
    # Each tick claims under a token of its own: two parts, of the sizes each reported,
    # that together are every reminder.
    parts = Counter(str(row["claim"]) for row in rows)
    assert sorted(parts.values()) == sorted(claimed), parts

    received = [json.loads(m.payload)["id"] for m in pushes.received_for(phone.id)]
    assert sorted(received) == due_ids, "each reminder exactly once"
