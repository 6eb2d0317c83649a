"""A local Web Push service for tests and benchmarks: a real HTTPS server on 127.0.0.1 that
checks what a real push service checks, and decrypts what it is given.

    with PushService() as service:                      # a background thread, its own loop
        subscription = service.subscribe()              # what a browser's subscribe() makes
        ... PushSender(key, subject, verify=service.ca_path).send(subscription.target, ...)
        service.received                                # what arrived, decrypted

It verifies the VAPID ``Authorization`` header itself with ``cryptography`` (ES256 against the
``k=`` key; ``aud`` must be its own origin, port included; ``exp`` in the future and at most
24 h away; ``sub`` present) and decrypts with ``http_ece`` (aes128gcm), so nothing it checks
shares code with the sender. Invalid credentials get 401, a key other than the one the
subscription was made with 403, missing or malformed push headers 400, a body over 4096
bytes 413, an unknown subscription 404 and an unsubscribed one 410. Any subscription can be
scripted to answer otherwise (``respond``).

``fast=True`` is for benchmarks, where the service must not be the bottleneck: each distinct
JWT is verified once, and only every ``sample_every``-th message is decrypted.

As its own process (the benchmark uses the other core that way):

    python -m tests.push_service --subscriptions 10000 [--fast]

prints one JSON line (origin, CA certificate, subscriptions), serves until its standard
input closes, and answers ``GET /_stats`` with its counters.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import collections
import ipaddress
import json
import os
import re
import socket
import ssl
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import http_ece
import uvicorn
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from server.reminders.push import PushTarget

URGENCIES = ("very-low", "low", "normal", "high")
TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
MAX_BODY = 4096
DAY = 24 * 3600


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Reply:
    """A scripted answer: a 2xx status means "process the message normally and answer with
    this status"; anything else is sent as it is, without looking at the message. ``delay``
    holds the answer back (seconds)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class Received:
    """A message the service accepted. ``payload`` is ``None`` only in fast mode, for the
    messages it did not decrypt."""

    subscription_id: str
    payload: bytes | None
    ttl: int
    urgency: str
    topic: str | None
    token: str
    at: float


@dataclass(frozen=True)
class Subscription:
    """What a browser holds for one push subscription."""

    id: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    application_server_key: str | None = None

    @property
    def p256dh(self) -> str:
        return b64(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return b64(self.auth_secret)

    @property
    def target(self) -> PushTarget:
        return PushTarget(self.endpoint, self.p256dh, self.auth)

    def to_json(self) -> dict[str, Any]:
        """As ``PushSubscription.toJSON()`` gives it."""
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": self.p256dh, "auth": self.auth},
        }


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def make_certificates(directory: Path, host: str = "127.0.0.1") -> tuple[Path, Path, Path]:
    """A throwaway CA and a server certificate it signed for ``host``: (ca, cert, key)."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tend test push service CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]), False
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = directory / "ca.pem", directory / "cert.pem", directory / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


class PushService:
    """A push service on ``https://127.0.0.1:<free port>``; ``start()``/``stop()`` or
    ``with``. ``application_server_key``, if given, is required of every subscription
    (``subscribe()`` can also bind one, as a browser does). ``latency`` holds every answer
    back that long (so that concurrency shows). ``clock`` is what ``exp`` is checked against.
    ``keep_alive``: seconds an idle connection is kept open.
    """

    def __init__(
        self,
        *,
        fast: bool = False,
        sample_every: int = 100,
        latency: float = 0.0,
        application_server_key: str | None = None,
        clock: Callable[[], float] = time.time,
        keep_alive: int = 60,
        use_uvloop: bool = False,
    ) -> None:
        self.fast = fast
        self.sample_every = max(1, sample_every)
        self.latency = latency
        self.application_server_key = application_server_key
        self.clock = clock
        self._keep_alive = keep_alive
        self._use_uvloop = use_uvloop
        self._lock = threading.Lock()
        self._subscriptions: dict[str, Subscription] = {}
        self._gone: set[str] = set()
        self._scripts: dict[str, collections.deque[Reply]] = {}
        self._verified: dict[tuple[str, str], int] = {}  # fast mode: (token, k) -> exp
        self._received: list[Received] = []
        self._refusals: list[tuple[int, str]] = []
        self._in_flight = 0
        self.max_concurrent = 0
        self.verifications = 0  # full JWT signature checks
        self.decryptions = 0
        self._accepted = 0
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._thread: threading.Thread | None = None
        self._server: uvicorn.Server | None = None
        self._error: BaseException | None = None
        self.origin = ""
        self.ca_path = Path()

    # Running

    def start(self) -> PushService:
        self._tmp = tempfile.TemporaryDirectory(prefix="tend-push-")
        self.ca_path, cert, key = make_certificates(Path(self._tmp.name))
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted sockets inherit this. Without it, asyncio's TLS server transport meets the
        # client's delayed ACK and every answer waits ~40 ms.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(("127.0.0.1", 0))
        self.origin = f"https://127.0.0.1:{sock.getsockname()[1]}"
        config = uvicorn.Config(
            self._app,
            ssl_certfile=str(cert),
            ssl_keyfile=str(key),
            interface="asgi3",
            proxy_headers=False,
            lifespan="off",
            access_log=False,
            log_config=None,  # leave the host process's logging alone
            log_level="warning",
            timeout_keep_alive=self._keep_alive,
            timeout_graceful_shutdown=2,
            backlog=2048,
        )
        self._server = uvicorn.Server(config)

        def run() -> None:
            try:
                if self._use_uvloop:
                    import uvloop

                    uvloop.run(self._server.serve(sockets=[sock]))  # type: ignore[union-attr]
                else:
                    asyncio.run(self._server.serve(sockets=[sock]))  # type: ignore[union-attr]
            except BaseException as error:  # SystemExit included: uvicorn exits on failure
                self._error = error
            finally:
                sock.close()

        self._thread = threading.Thread(target=run, name="push-service", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the push service did not start: {self._error!r}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=15)
            self._thread = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> PushService:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts this service (and nothing else)."""
        return ssl.create_default_context(cafile=str(self.ca_path))

    # Subscriptions and scripts

    def subscribe(self, application_server_key: str | None = None) -> Subscription:
        """A new subscription, as ``pushManager.subscribe()`` makes one."""
        ident = b64(uuid.uuid4().bytes)
        subscription = Subscription(
            id=ident,
            endpoint=f"{self.origin}/push/{ident}",
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth_secret=os.urandom(16),
            application_server_key=application_server_key,
        )
        with self._lock:
            self._subscriptions[ident] = subscription
        return subscription

    def unsubscribe(self, subscription_id: str) -> None:
        """From now on, messages to it get 410 Gone."""
        with self._lock:
            self._subscriptions.pop(subscription_id, None)
            self._gone.add(subscription_id)

    def respond(
        self, subscription_id: str, replies: Iterable[int | tuple[int, dict[str, str]] | Reply]
    ) -> None:
        """Answer the next messages to this subscription with these, in order; then as
        usual. ``201`` means "as usual"; ``(429, {"Retry-After": "2"})`` adds headers."""
        script: collections.deque[Reply] = collections.deque()
        for reply in replies:
            if isinstance(reply, int):
                reply = Reply(reply)
            elif isinstance(reply, tuple):
                reply = Reply(reply[0], dict(reply[1]))
            script.append(reply)
        with self._lock:
            self._scripts[subscription_id] = script

    # What happened

    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def received_for(self, subscription_id: str) -> list[Received]:
        return [r for r in self.received if r.subscription_id == subscription_id]

    def inbox(self, subscription_id: str) -> list[Received]:
        """What a device that was offline all along would get: a message with a topic
        replaces an earlier one with the same topic (RFC 8030 section 5.4)."""
        messages: list[Received] = []
        for message in self.received_for(subscription_id):
            if message.topic is not None:
                messages = [m for m in messages if m.topic != message.topic]
            messages.append(message)
        return messages

    @property
    def refusals(self) -> list[tuple[int, str]]:
        """(status, reason) of each message refused on its merits (not scripted ones)."""
        with self._lock:
            return list(self._refusals)

    def reset(self) -> None:
        """Forget what was received and refused, and the concurrency seen so far."""
        with self._lock:
            self._received.clear()
            self._refusals.clear()
            self.max_concurrent = self._in_flight

    def stats(self) -> dict[str, Any]:
        with self._lock:
            reasons = collections.Counter(reason for _, reason in self._refusals)
            return {
                "accepted": len(self._received),
                "refused": dict(reasons),
                "max_concurrent": self.max_concurrent,
                "verifications": self.verifications,
                "decryptions": self.decryptions,
            }

    # The service

    async def _app(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        with self._lock:
            self._in_flight += 1
            self.max_concurrent = max(self.max_concurrent, self._in_flight)
        try:
            body = bytearray()
            while True:
                message = await receive()
                body += message.get("body", b"")
                if not message.get("more_body"):
                    break
            status, headers, content = await self._handle(scope, bytes(body))
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
                }
            )
            await send({"type": "http.response.body", "body": content})
        finally:
            with self._lock:
                self._in_flight -= 1

    async def _handle(
        self, scope: dict[str, Any], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        method, path = scope["method"], scope["path"]
        if method == "GET" and path == "/_stats":
            return 200, {"content-type": "application/json"}, json.dumps(self.stats()).encode()
        match = re.fullmatch(r"/push/([A-Za-z0-9_-]+)", path)
        if method != "POST" or match is None:
            return 404, {}, b""
        ident = match[1]
        with self._lock:
            subscription = self._subscriptions.get(ident)
            gone = ident in self._gone
            script = self._scripts.get(ident)
            reply = script.popleft() if script else None
        delay = self.latency + (reply.delay if reply else 0.0)
        if delay:
            await asyncio.sleep(delay)
        if reply is not None and not 200 <= reply.status < 300:
            return reply.status, reply.headers, b""
        if gone:
            return 410, {}, b""
        if subscription is None:
            return 404, {}, b""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            received = self._accept(subscription, headers, body)
        except Refused as refused:
            with self._lock:
                self._refusals.append((refused.status, refused.reason))
            return refused.status, {"content-type": "text/plain"}, refused.reason.encode()
        with self._lock:
            self._received.append(received)
        status = reply.status if reply is not None else 201
        return status, {"location": f"/message/{uuid.uuid4()}"}, b""

    def _accept(self, subscription: Subscription, headers: dict[str, str], body: bytes) -> Received:
        token = self._check_vapid(headers.get("authorization"), subscription)
        ttl = headers.get("ttl")
        if ttl is None or not ttl.isdigit():
            raise Refused(400, "TTL")
        urgency = headers.get("urgency", "normal")
        if urgency not in URGENCIES:
            raise Refused(400, "Urgency")
        topic = headers.get("topic")
        if topic is not None and not TOPIC.match(topic):
            raise Refused(400, "Topic")
        if headers.get("content-encoding") != "aes128gcm":
            raise Refused(400, "Content-Encoding")
        if len(body) > MAX_BODY:
            raise Refused(413, "too large")
        payload = None
        with self._lock:
            self._accepted += 1
            decrypt = not self.fast or (self._accepted - 1) % self.sample_every == 0
        if decrypt:
            try:
                payload = http_ece.decrypt(
                    body,
                    private_key=subscription.private_key,
                    auth_secret=subscription.auth_secret,
                    version="aes128gcm",
                )
            except Exception as error:
                raise Refused(400, "decryption") from error
            with self._lock:
                self.decryptions += 1
        return Received(subscription.id, payload, int(ttl), urgency, topic, token, self.clock())

    def _check_vapid(self, authorization: str | None, subscription: Subscription) -> str:
        """The JWT, once the header has passed RFC 8292's checks."""
        match = re.fullmatch(r"vapid\s+(.+)", authorization or "", re.IGNORECASE | re.DOTALL)
        if match is None:
            raise Refused(401, "no vapid authorization")
        params = {}
        for part in match[1].split(","):
            name, _, value = part.strip().partition("=")
            params[name.strip().lower()] = value.strip()
        token, k = params.get("t", ""), params.get("k", "")
        if not token or not k:
            raise Refused(401, "vapid t or k missing")
        now = self.clock()
        exp = self._verified.get((token, k)) if self.fast else None
        if exp is None:
            exp = self._verify_jwt(token, k, now)
            with self._lock:
                self.verifications += 1
                if self.fast:
                    self._verified[(token, k)] = exp
        if not now < exp <= now + DAY:
            raise Refused(401, "JWT expired or too long-lived")
        expected = subscription.application_server_key or self.application_server_key
        if expected is not None and k != expected:
            raise Refused(403, "not the subscription's applicationServerKey")
        return token

    def _verify_jwt(self, token: str, k: str, now: float) -> int:
        try:
            header_b64, claims_b64, signature_b64 = token.split(".")
            header = json.loads(unb64(header_b64))
            claims = json.loads(unb64(claims_b64))
            public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(k))
            signature = unb64(signature_b64)
        except ValueError as error:
            raise Refused(401, "malformed JWT or key") from error
        if not isinstance(header, dict) or header.get("alg") != "ES256":
            raise Refused(401, "JWT alg is not ES256")
        if len(signature) != 64:
            raise Refused(401, "malformed signature")
        der = encode_dss_signature(
            int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        )
        try:
            public.verify(
                der, f"{header_b64}.{claims_b64}".encode("ascii"), ec.ECDSA(hashes.SHA256())
            )
        except InvalidSignature as error:
            raise Refused(401, "bad JWT signature") from error
        if not isinstance(claims, dict) or claims.get("aud") != self.origin:
            raise Refused(401, "JWT aud is not this origin")
        exp = claims.get("exp")
        if not isinstance(exp, int) or isinstance(exp, bool):
            raise Refused(401, "JWT exp missing")
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub.startswith(("mailto:", "https:")):
            raise Refused(401, "JWT sub missing")
        return exp


def main() -> None:
    parser = argparse.ArgumentParser(description="A local Web Push service, as a process.")
    parser.add_argument("--subscriptions", type=int, default=0)
    parser.add_argument("--fast", action="store_true")
    parser.add_argument("--sample-every", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args()
    service = PushService(
        fast=args.fast, sample_every=args.sample_every, latency=args.latency, use_uvloop=True
    )
    with service:
        subscriptions = [service.subscribe() for _ in range(args.subscriptions)]
        hello = {
            "origin": service.origin,
            "ca_pem": service.ca_path.read_text(),
            "subscriptions": [[s.id, s.endpoint, s.p256dh, s.auth] for s in subscriptions],
        }
        sys.stdout.write(json.dumps(hello) + "\n")
        sys.stdout.flush()
        sys.stdin.read()  # until the parent closes it (or exits)


if __name__ == "__main__":
    main()
