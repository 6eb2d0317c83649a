"""Web Push delivery, sent for real over HTTPS to the local push service (tests/push_service.py),
which verifies the VAPID JWT and decrypts each message with libraries of its own."""

from __future__ import annotations

import asyncio
import base64
import logging
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from email.utils import formatdate
from typing import get_args

import httpx
import jwt
import msgspec
import pytest
from webpush import WebPush
from webpush.types import WebPushSubscription

from server.reminders.push import (
    DELIVERY,
    MAX_PAYLOAD,
    InvalidSubscription,
    PushSender,
    PushTarget,
    VapidKey,
    VapidSigner,
    new_vapid_key,
    origin_of,
    parse_retry_after,
    topic_for,
)
from server.reminders.schemas import DeviceWrite, PushPayload, ReminderKind
from tests.push_service import PushService, Reply

SUBJECT = "mailto:reminders@example.org"
KINDS: tuple[ReminderKind, ...] = get_args(ReminderKind)
BASE = 5.0  # PushSender's default backoff_base
CAP = 30 * 60.0  # and backoff_cap


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


class CountingClock:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> float:
        self.calls += 1
        return time.time()


def payload(kind: ReminderKind = "checkin", ident: str = "r1") -> bytes:
    return msgspec.json.encode(PushPayload(kind=kind, id=ident, wording="discreet"))


@pytest.fixture(scope="module")
def running_service() -> Iterator[PushService]:
    with PushService() as service:
        yield service


@pytest.fixture
def service(running_service: PushService) -> Iterator[PushService]:
    running_service.reset()
    yield running_service
    running_service.latency = 0.0


@pytest.fixture(scope="module")
def key() -> VapidKey:
    return new_vapid_key()


@pytest.fixture
async def sender(service: PushService, key: VapidKey) -> AsyncIterator[PushSender]:
    async with PushSender(key, SUBJECT, verify=service.ca_path) as sender:
        yield sender


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Keys, policy and helpers


def test_a_new_vapid_key_is_a_p256_key_pair_that_survives_json() -> None:
    key = new_vapid_key()
    assert msgspec.json.decode(msgspec.json.encode(key), type=VapidKey) == key
    point = base64.urlsafe_b64decode(key.public_key + "==")
    assert len(point) == 65
    assert point[0] == 4
    assert key.private_pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    VapidSigner(key, SUBJECT)  # loads


def test_a_signer_refuses_mismatched_keys_and_bad_subjects() -> None:
    one, other = new_vapid_key(), new_vapid_key()
    with pytest.raises(ValueError, match="does not belong"):
        VapidSigner(VapidKey(one.private_pem, other.public_key), SUBJECT)
    with pytest.raises(ValueError, match="mailto"):
        VapidSigner(one, "reminders@example.org")
    VapidSigner(one, "https://tend.example.org/contact")


def test_every_kind_has_a_deliberate_ttl_and_urgency() -> None:
    assert set(DELIVERY) == set(KINDS)
    for ttl, urgency in DELIVERY.values():
        assert 60 <= ttl <= 24 * 3600
        assert urgency in ("very-low", "low", "normal", "high")
    assert DELIVERY["talk-request"].urgency == "high"
    assert DELIVERY["test"].ttl <= 15 * 60


def test_origins_keep_a_port_that_is_not_443() -> None:
    assert origin_of("https://push.example.org/x/y?z") == "https://push.example.org"
    assert origin_of("https://Push.Example.org:443/x") == "https://push.example.org"
    assert origin_of("https://127.0.0.1:8443/push/a") == "https://127.0.0.1:8443"
    assert origin_of("https://[::1]:8443/push/a") == "https://[::1]:8443"
    with pytest.raises(ValueError, match="https"):
        origin_of("http://push.example.org/x")


def test_topics_are_32_base64url_characters_and_stable() -> None:
    topic = topic_for("checkin/2026-12-01T07:00")
    assert len(topic) == 32
    assert topic == topic_for("checkin/2026-12-01T07:00")
    assert topic != topic_for("checkin/2026-12-02T07:00")
    assert set(topic) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = 1_800_000_000.0
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after(formatdate(now + 90, usegmt=True), now) == pytest.approx(90, abs=1)
    assert parse_retry_after(formatdate(now - 90, usegmt=True), now) == 0.0
    assert parse_retry_after("99999999", now) == 24 * 3600
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after("-5", now) is None
    assert parse_retry_after(None, now) is None


def test_the_signer_signs_once_per_origin_across_threads() -> None:
    signer = VapidSigner(new_vapid_key(), SUBJECT)
    headers: list[str] = []

    def sign() -> None:
        headers.extend(signer.authorization("https://push.example.org") for _ in range(50))

    threads = [threading.Thread(target=sign) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(headers)) == 1
    assert signer.authorization("https://other.example.org") != headers[0]


# Sending


async def test_content_round_trips(service: PushService, sender: PushSender) -> None:
    subscription = service.subscribe()
    body = payload("follow-up", "0f4c2a")
    outcome = await sender.send(subscription.target, body, kind="follow-up")
    assert (outcome.result, outcome.status, outcome.retry_after) == ("delivered", 201, None)
    [received] = service.received_for(subscription.id)
    assert received.payload == body
    assert msgspec.json.decode(received.payload, type=PushPayload).id == "0f4c2a"


async def test_the_largest_payload_fits_and_a_larger_one_is_refused(
    service: PushService, sender: PushSender
) -> None:
    subscription = service.subscribe()
    largest = b"x" * MAX_PAYLOAD
    assert (await sender.send(subscription.target, largest, kind="test")).result == "delivered"
    assert service.received_for(subscription.id)[0].payload == largest
    with pytest.raises(ValueError, match="at most"):
        await sender.send(subscription.target, largest + b"x", kind="test")


async def test_a_browser_subscription_becomes_a_target(
    service: PushService, sender: PushSender
) -> None:
    subscription = service.subscribe()
    device = msgspec.convert(subscription.to_json(), DeviceWrite)
    outcome = await sender.send(PushTarget.from_subscription(device), payload(), kind="checkin")
    assert outcome.result == "delivered"


@pytest.mark.parametrize("kind", KINDS)
async def test_ttl_urgency_and_topic_follow_the_kind(
    service: PushService, sender: PushSender, kind: ReminderKind
) -> None:
    subscription = service.subscribe()
    topic = topic_for(f"{kind}/2026-12-01T07:00")
    await sender.send(subscription.target, payload(kind), kind=kind, topic=topic)
    await sender.send(subscription.target, payload(kind), kind=kind)
    with_topic, without = service.received_for(subscription.id)
    assert (with_topic.ttl, with_topic.urgency) == DELIVERY[kind]
    assert with_topic.topic == topic
    assert (without.ttl, without.urgency, without.topic) == (*DELIVERY[kind], None)


async def test_max_ttl_shortens_but_never_reaches_zero(
    service: PushService, sender: PushSender
) -> None:
    subscription = service.subscribe()
    await sender.send(subscription.target, payload(), kind="supervision", max_ttl=1800)
    await sender.send(subscription.target, payload(), kind="supervision", max_ttl=-5)
    await sender.send(subscription.target, payload(), kind="supervision", max_ttl=10**9)
    assert [r.ttl for r in service.received_for(subscription.id)] == [
        1800,
        1,
        DELIVERY["supervision"].ttl,
    ]


async def test_a_topic_lets_the_push_service_replace_a_resend(
    service: PushService, sender: PushSender
) -> None:
    subscription = service.subscribe()
    topic = topic_for("checkin/2026-12-01T07:00")
    await sender.send(subscription.target, payload(ident="first"), kind="checkin", topic=topic)
    await sender.send(subscription.target, payload(ident="again"), kind="checkin", topic=topic)
    [kept] = service.inbox(subscription.id)
    assert kept.payload == payload(ident="again")
    with pytest.raises(ValueError, match="topic"):
        await sender.send(subscription.target, payload(), kind="checkin", topic="no spaces")
    with pytest.raises(ValueError, match="topic"):
        await sender.send(subscription.target, payload(), kind="checkin", topic="a" * 33)


async def test_the_jwt_audience_is_the_origin_with_its_port(
    service: PushService, sender: PushSender, key: VapidKey
) -> None:
    # Bound to our key, as the browser's subscribe({applicationServerKey}) binds it: the
    # service checks k= too.
    subscription = service.subscribe(application_server_key=key.public_key)
    assert (await sender.send(subscription.target, payload(), kind="checkin")).status == 201
    [received] = service.received_for(subscription.id)
    port = service.origin.rsplit(":", 1)[1]
    public = VapidSigner(key, SUBJECT).public_pem
    claims = jwt.decode(received.token, public, algorithms=["ES256"], audience=service.origin)
    assert claims["aud"] == f"https://127.0.0.1:{port}"
    assert claims["sub"] == SUBJECT
    assert 11 * 3600 < claims["exp"] - time.time() <= 12 * 3600 + 5
    assert jwt.get_unverified_header(received.token)["alg"] == "ES256"


def test_the_push_service_refuses_webpushs_own_header_without_the_port(
    service: PushService, key: VapidKey
) -> None:
    """Why Tend signs its own JWT: webpush 1.0.6 leaves the port out of ``aud``."""
    subscription = service.subscribe()
    message = WebPush(
        private_key=key.private_pem,
        public_key=VapidSigner(key, SUBJECT).public_pem,
        subscriber="reminders@example.org",
        ttl=60,
    ).get(
        payload(),
        WebPushSubscription(
            endpoint=subscription.endpoint,
            keys={"p256dh": subscription.p256dh, "auth": subscription.auth},
        ),
    )
    response = httpx.post(
        subscription.endpoint,
        content=message.encrypted,
        headers=dict(message.headers),
        verify=service.ssl_context(),
    )
    assert response.status_code == 401
    assert service.refusals == [(401, "JWT aud is not this origin")]


async def test_the_jwt_is_reused_and_signed_again_after_an_hour(
    service: PushService, key: VapidKey
) -> None:
    clock = Clock()
    subscriptions = [service.subscribe() for _ in range(4)]
    async with PushSender(key, SUBJECT, verify=service.ca_path, clock=clock) as sender:
        for subscription in subscriptions[:2]:
            await sender.send(subscription.target, payload(), kind="checkin")
        clock.now += 59 * 60
        await sender.send(subscriptions[2].target, payload(), kind="checkin")
        clock.now += 2 * 60
        outcome = await sender.send(subscriptions[3].target, payload(), kind="checkin")
    assert outcome.result == "delivered"  # the new token verifies too
    tokens = [service.received_for(s.id)[0].token for s in subscriptions]
    assert tokens[0] == tokens[1] == tokens[2] != tokens[3]
    first, renewed = (jwt.decode(t, options={"verify_signature": False}) for t in tokens[2:])
    assert renewed["exp"] - first["exp"] == 61 * 60


@pytest.mark.parametrize("how", ["unknown", "unsubscribed", "scripted"])
async def test_404_and_410_mean_gone(service: PushService, sender: PushSender, how: str) -> None:
    subscription = service.subscribe()
    target = subscription.target
    if how == "unknown":
        target = PushTarget(f"{service.origin}/push/nobody", target.p256dh, target.auth)
    elif how == "unsubscribed":
        service.unsubscribe(subscription.id)
    else:
        service.respond(subscription.id, [404])
    outcome = await sender.send(target, payload(), kind="checkin")
    expected = 410 if how == "unsubscribed" else 404
    assert (outcome.result, outcome.status, outcome.retry_after) == ("gone", expected, None)


async def test_429_with_retry_after_is_retried_then(
    service: PushService, sender: PushSender
) -> None:
    subscription = service.subscribe()
    service.respond(subscription.id, [(429, {"Retry-After": "2"}), 201])
    outcome = await sender.send(subscription.target, payload(), kind="checkin")
    assert (outcome.result, outcome.status, outcome.retry_after) == ("retry", 429, 2.0)
    assert (await sender.send(subscription.target, payload(), kind="checkin")).status == 201
    assert len(service.received_for(subscription.id)) == 1


async def test_retry_after_as_an_http_date(service: PushService, key: VapidKey) -> None:
    clock = Clock()
    subscription = service.subscribe()
    service.respond(
        subscription.id, [(503, {"Retry-After": formatdate(clock.now + 300, usegmt=True)})]
    )
    async with PushSender(key, SUBJECT, verify=service.ca_path, clock=clock) as sender:
        outcome = await sender.send(subscription.target, payload(), kind="checkin")
    assert (outcome.result, outcome.status) == ("retry", 503)
    assert outcome.retry_after == pytest.approx(300, abs=1)


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_server_errors_are_retried_with_a_growing_capped_backoff(
    service: PushService, sender: PushSender, status: int
) -> None:
    subscription = service.subscribe()
    service.respond(subscription.id, [status] * 3)
    delays = []
    for attempt in (0, 3, 60):
        outcome = await sender.send(subscription.target, payload(), kind="checkin", attempt=attempt)
        assert (outcome.result, outcome.status) == ("retry", status)
        delays.append(outcome.retry_after)
    assert BASE / 2 <= delays[0] <= BASE
    assert BASE * 8 / 2 <= delays[1] <= BASE * 8
    assert CAP / 2 <= delays[2] <= CAP


@pytest.mark.parametrize("status", [400, 401, 403, 413, 422])
async def test_other_client_errors_are_rejected(
    service: PushService, sender: PushSender, status: int
) -> None:
    subscription = service.subscribe()
    service.respond(subscription.id, [status])
    outcome = await sender.send(subscription.target, payload(), kind="checkin")
    assert (outcome.result, outcome.status, outcome.retry_after) == ("rejected", status, None)


async def test_a_subscription_made_with_another_key_is_rejected_with_403(
    service: PushService, sender: PushSender
) -> None:
    subscription = service.subscribe(application_server_key=new_vapid_key().public_key)
    outcome = await sender.send(subscription.target, payload(), kind="checkin")
    assert (outcome.result, outcome.status) == ("rejected", 403)
    assert service.refusals == [(403, "not the subscription's applicationServerKey")]


async def test_a_refused_connection_is_retried(service: PushService, sender: PushSender) -> None:
    subscription = service.subscribe()
    endpoint = f"https://127.0.0.1:{closed_port()}/push/{subscription.id}"
    target = PushTarget(endpoint, subscription.p256dh, subscription.auth)
    outcome = await sender.send(target, payload(), kind="checkin", attempt=1)
    assert (outcome.result, outcome.status) == ("retry", None)
    assert BASE <= outcome.retry_after <= 2 * BASE


async def test_a_push_service_that_does_not_answer_in_time_is_retried(key: VapidKey) -> None:
    with PushService() as service:  # its own: the late answer must not reach other tests
        subscription = service.subscribe()
        service.respond(subscription.id, [Reply(201, delay=4.0)])
        async with PushSender(key, SUBJECT, verify=service.ca_path, timeout=1.5) as sender:
            outcome = await sender.send(subscription.target, payload(), kind="checkin")
            assert (outcome.result, outcome.status) == ("retry", None)
            again = await sender.send(subscription.target, payload(), kind="checkin")
        assert again.result == "delivered"


async def test_a_push_service_we_do_not_trust_is_retried_not_trusted(
    service: PushService, key: VapidKey
) -> None:
    subscription = service.subscribe()
    async with PushSender(key, SUBJECT) as sender:  # the system's trust: not our test CA
        outcome = await sender.send(subscription.target, payload(), kind="checkin")
    assert (outcome.result, outcome.status) == ("retry", None)
    assert service.received_for(subscription.id) == []


async def test_connections_closed_by_the_push_service_are_replaced(key: VapidKey) -> None:
    with PushService(keep_alive=1) as service:
        subscription = service.subscribe()
        async with PushSender(key, SUBJECT, verify=service.ca_path) as sender:
            assert (await sender.send(subscription.target, payload(), kind="test")).status == 201
            await asyncio.sleep(1.5)  # the service closes the idle connection
            assert (await sender.send(subscription.target, payload(), kind="test")).status == 201
        assert len(service.received_for(subscription.id)) == 2


@pytest.mark.parametrize(
    "change",
    [
        {"endpoint": "http://127.0.0.1:1/push/x"},
        {"endpoint": "https://user:secret@127.0.0.1:1/push/x"},
        {"endpoint": "https://127.0.0.1:1/push/a b"},
        {"p256dh": "A" * 87},
        {"p256dh": "not base64!"},
        {"auth": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},  # 24 bytes, not 16
    ],
)
async def test_a_target_that_can_never_work_is_rejected_without_a_request(
    service: PushService, sender: PushSender, change: dict[str, str]
) -> None:
    subscription = service.subscribe()
    target = msgspec.structs.replace(subscription.target, **change)
    with pytest.raises(InvalidSubscription):
        sender.prepare(target, payload(), kind="checkin")
    outcome = await sender.send(target, payload(), kind="checkin")
    assert (outcome.result, outcome.status, outcome.retry_after) == ("rejected", None, None)


async def test_the_per_origin_limit_holds(key: VapidKey) -> None:
    with PushService(latency=0.02) as service:  # its own; the latency makes requests overlap
        subscriptions = [service.subscribe() for _ in range(200)]
        async with PushSender(key, SUBJECT, verify=service.ca_path, per_origin_limit=16) as sender:
            outcomes = await asyncio.gather(
                *(sender.send(s.target, payload(), kind="checkin") for s in subscriptions)
            )
        assert {outcome.result for outcome in outcomes} == {"delivered"}
        assert len(service.received) == 200
        assert 8 <= service.max_concurrent <= 16


async def test_concurrent_sends_of_different_kinds_keep_their_own_headers(
    service: PushService, sender: PushSender
) -> None:
    service.latency = 0.005
    plan = [(service.subscribe(), KINDS[i % len(KINDS)]) for i in range(60)]
    outcomes = await asyncio.gather(
        *(
            sender.send(s.target, payload(kind, s.id), kind=kind, topic=topic_for(s.id))
            for s, kind in plan
        )
    )
    assert {outcome.result for outcome in outcomes} == {"delivered"}
    for subscription, kind in plan:
        [received] = service.received_for(subscription.id)
        assert (received.ttl, received.urgency) == DELIVERY[kind]
        assert received.topic == topic_for(subscription.id)
        assert received.payload == payload(kind, subscription.id)


async def test_logs_name_at_most_the_origin(
    service: PushService, sender: PushSender, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="tend.push")
    subscriptions = [service.subscribe() for _ in range(4)]
    service.respond(subscriptions[1].id, [403])
    service.respond(subscriptions[2].id, [410])
    secret = b"a private word"
    for subscription in subscriptions[:3]:
        await sender.send(subscription.target, secret, kind="checkin")
    unreachable = PushTarget(
        f"https://127.0.0.1:{closed_port()}/push/{subscriptions[3].id}",
        subscriptions[3].p256dh,
        subscriptions[3].auth,
    )
    await sender.send(unreachable, secret, kind="checkin")
    await sender.send(msgspec.structs.replace(unreachable, p256dh="bad"), secret, kind="checkin")
    assert len(caplog.records) >= 5
    for record in caplog.records:
        text = record.getMessage() + repr(getattr(record, "fields", {}))
        assert "/push/" not in text
        assert "a private word" not in text
        for subscription in subscriptions:
            assert subscription.id not in text
            assert subscription.auth not in text
    origins = {getattr(r, "fields", {}).get("origin") for r in caplog.records} - {None}
    assert service.origin in origins


async def test_a_closed_sender_sends_nothing(service: PushService, key: VapidKey) -> None:
    sender = PushSender(key, SUBJECT, verify=service.ca_path)
    await sender.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await sender.send(service.subscribe().target, payload(), kind="checkin")


def test_it_runs_on_uvloop_as_tend_does(service: PushService, key: VapidKey) -> None:
    """uvicorn runs Tend on uvloop, whose create_connection differs from asyncio's."""
    uvloop = pytest.importorskip("uvloop")
    subscription = service.subscribe()
    service.respond(subscription.id, [Reply(201, delay=4.0)])
    unreachable = PushTarget(
        f"https://127.0.0.1:{closed_port()}/push/x", subscription.p256dh, subscription.auth
    )

    async def run() -> list[tuple[str, int | None]]:
        async with PushSender(key, SUBJECT, verify=service.ca_path, timeout=1.5) as sender:
            outcomes = [
                await sender.send(subscription.target, payload(), kind="test"),  # too slow
                await sender.send(subscription.target, payload(), kind="test"),
                await sender.send(subscription.target, payload(), kind="test"),  # reused
                await sender.send(unreachable, payload(), kind="test"),
            ]
        return [(outcome.result, outcome.status) for outcome in outcomes]

    assert uvloop.run(run()) == [
        ("retry", None),
        ("delivered", 201),
        ("delivered", 201),
        ("retry", None),
    ]


async def test_the_benchmarks_fast_push_service_still_checks_what_it_skips(
    key: VapidKey,
) -> None:
    with PushService(fast=True, sample_every=3) as service:
        subscriptions = [service.subscribe() for _ in range(7)]
        async with PushSender(key, SUBJECT, verify=service.ca_path) as sender:
            for subscription in subscriptions:
                await sender.send(subscription.target, payload(), kind="checkin")
        async with httpx.AsyncClient(verify=service.ssl_context()) as client:
            stats = (await client.get(f"{service.origin}/_stats")).json()
    assert stats["accepted"] == 7
    assert stats["refused"] == {}
    assert stats["verifications"] == 1  # one JWT for the origin, verified once
    assert stats["decryptions"] == 3  # the 1st, 4th and 7th
    assert [r.payload for r in service.received] == [payload(), None, None] * 2 + [payload()]


async def test_a_fan_out_encrypts_each_message_when_its_turn_comes(key: VapidKey) -> None:
    """Encrypting all of a big fan-out before sending any would hold the event loop for
    that long while the first requests' timeouts ran (it did: a 10,000 fan-out on a busy
    machine lost its first 64). Each message is encrypted once it may be sent, so the push
    service has the first before many more are encrypted."""
    sender_clock = CountingClock()  # the sender reads it once per message it encrypts
    encrypted_when_received: list[int] = []

    def service_clock() -> float:
        encrypted_when_received.append(sender_clock.calls)
        return time.time()

    with PushService(fast=True, clock=service_clock) as service:
        subscriptions = [service.subscribe() for _ in range(300)]
        async with PushSender(
            key, SUBJECT, verify=service.ca_path, per_origin_limit=4, clock=sender_clock
        ) as sender:
            outcomes = await asyncio.gather(
                *(sender.send(s.target, payload(), kind="checkin") for s in subscriptions)
            )
    assert {outcome.result for outcome in outcomes} == {"delivered"}
    assert encrypted_when_received[0] <= 4 + 1
