"""Web Push fan-out: 10,000 reminders to distinct subscriptions from one ``PushSender``,
against encrypting the same 10,000 messages (the same code path, no network) in the same run.

    .venv/bin/python bench/push_fanout.py [--messages 10000] [--limit 64] [--rounds 1]
    (or .venv/bin/python -m bench.push_fanout)

The push service is ``tests/push_service.py`` in its own process (so it has the other
core), in its fast mode: every request's VAPID header is checked, each distinct JWT's
signature is verified once, and one message in a hundred is decrypted and must be right.
Prints messages per second for both and their ratio: 1.0 would mean the network side
(HTTPS, pooling, the per-origin limit) costs nothing beyond the encryption every message
needs anyway. The target is a ratio of at least 0.5. Each phase also shows how busy the
process's CPU was (the sender's, and in the fan-out the push service's too): a sender well
under 100% either waited for a push service that had no more to give or lost its core to
other processes, and that round says more about the machine than about the code.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import ssl
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import msgspec

from server.reminders.push import PushSender, PushTarget, new_vapid_key, topic_for
from server.reminders.schemas import PushPayload

REPO = Path(__file__).resolve().parent.parent
KINDS = ("checkin", "after-shift", "follow-up", "supervision", "talk-request", "test")
TARGET_RATIO = 0.5


def start_service(count: int) -> tuple[subprocess.Popen, dict]:
    process = subprocess.Popen(  # noqa: S603 - a fixed command: this Python, the test service
        [sys.executable, "-m", "tests.push_service", "--subscriptions", str(count), "--fast"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=REPO,
    )
    line = process.stdout.readline()  # type: ignore[union-attr]
    if not line:
        process.wait()
        raise RuntimeError("the push service did not start")
    return process, json.loads(line)


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by another process (Linux; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop_service(process: subprocess.Popen) -> None:
    process.stdin.close()  # type: ignore[union-attr]
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def run(args: argparse.Namespace, hello: dict, service_pid: int) -> list[tuple[float, ...]]:
    trust = ssl.create_default_context(cadata=hello["ca_pem"])
    targets = [
        PushTarget(endpoint, p256dh, auth) for _, endpoint, p256dh, auth in hello["subscriptions"]
    ]
    messages = [
        (
            target,
            msgspec.json.encode(PushPayload(kind=KINDS[i % 6], id=f"r{i:08d}", wording="named")),
            KINDS[i % 6],
            topic_for(f"r{i:08d}"),
        )
        for i, target in enumerate(targets)
    ]
    results = []
    async with PushSender(
        new_vapid_key(),
        "mailto:bench@example.org",
        verify=trust,
        per_origin_limit=args.limit,
    ) as sender:
        for _ in range(args.rounds):
            started, cpu = time.perf_counter(), time.process_time()
            for target, payload, kind, topic in messages:
                sender.prepare(target, payload, kind=kind, topic=topic)
            elapsed = time.perf_counter() - started
            crypto, crypto_busy = len(messages) / elapsed, (time.process_time() - cpu) / elapsed

            started, cpu = time.perf_counter(), time.process_time()
            service_cpu = cpu_seconds(service_pid)
            outcomes = await asyncio.gather(
                *(
                    sender.send(target, payload, kind=kind, topic=topic)
                    for target, payload, kind, topic in messages
                )
            )
            elapsed = time.perf_counter() - started
            fanout = len(messages) / elapsed
            busy = (time.process_time() - cpu) / elapsed
            service_busy = (cpu_seconds(service_pid) - service_cpu) / elapsed
            tally = Counter((outcome.result, outcome.status) for outcome in outcomes)
            if tally != {("delivered", 201): len(messages)}:
                raise RuntimeError(f"not all delivered: {dict(tally)}")
            results.append((crypto, crypto_busy, fanout, busy, service_busy))
    async with httpx.AsyncClient(verify=trust) as client:
        stats = (await client.get(f"{hello['origin']}/_stats")).json()
    expected = len(messages) * args.rounds
    if stats["accepted"] != expected or stats["refused"]:
        raise RuntimeError(f"the push service saw something else: {stats}")
    print(
        f"push service: {stats['accepted']} accepted, none refused; {stats['verifications']} "
        f"JWT signature(s) verified, {stats['decryptions']} sampled messages decrypted"
    )
    return results


def main(args: argparse.Namespace) -> None:
    # The sender logs failures (only) at INFO, with the details in ``fields``.
    logging.basicConfig(format="%(levelname)s %(message)s %(fields)s")
    logging.getLogger("tend.push").setLevel(logging.INFO)
    logging.getLogger().handlers[0].addFilter(
        lambda record: setattr(record, "fields", getattr(record, "fields", "")) or True
    )
    process, hello = start_service(args.messages)
    try:
        if args.loop == "uvloop":
            import uvloop

            results = uvloop.run(run(args, hello, process.pid))
        else:
            results = asyncio.run(run(args, hello, process.pid))
    finally:
        stop_service(process)
    print(
        f"{args.messages} messages to {args.messages} distinct subscriptions, "
        f"per-origin limit {args.limit}, sender on {args.loop}"
    )
    for crypto, crypto_busy, fanout, busy, service_busy in results:
        ratio = fanout / crypto
        verdict = "PASS" if ratio >= TARGET_RATIO else "FAIL"
        print(f"  crypto only (baseline): {crypto:8.0f} messages/s  (CPU {crypto_busy:.0%} busy)")
        print(
            f"  fan-out over HTTPS:     {fanout:8.0f} messages/s  (CPU {busy:.0%} busy; "
            f"push service's {service_busy:.0%})"
        )
        print(f"  ratio {ratio:.2f} (target >= {TARGET_RATIO}): {verdict}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--limit", type=int, default=64, help="per-origin concurrency")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument(
        "--loop",
        choices=("asyncio", "uvloop"),
        default="asyncio",
        help="the sender's event loop (uvicorn picks uvloop when it is installed)",
    )
    main(parser.parse_args())
