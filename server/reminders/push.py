"""Delivering Web Push messages: VAPID (RFC 8292), aes128gcm encryption (RFC 8291) and the
push protocol (RFC 8030). No database here: the caller says whom to send what, and gets back
an outcome that says what to do next (nothing, delete the subscription, or try again later).

One ``PushSender`` serves a whole process. It holds a pooled HTTP client, one VAPID JWT per
push-service origin (signed once and reused for about an hour), and a concurrency limit per
origin so that a big fan-out cannot flood one push service.

Endpoints are capability URLs (anyone who knows one can push to that browser), so nothing
here ever logs an endpoint or a payload: at most the push service's origin.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import logging
import os
import random
import re
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC
from email.utils import parsedate_to_datetime
from types import MappingProxyType
from typing import Any, Literal, NamedTuple, Self, get_args
from urllib.parse import urlsplit

import httptools
import jwt
import msgspec
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from webpush import WebPush
from webpush.types import WebPushSubscription
from webpush.vapid import VAPID

from server.reminders.schemas import DeviceWrite, ReminderKind

logger = logging.getLogger("tend.push")

Urgency = Literal["very-low", "low", "normal", "high"]
Result = Literal["delivered", "gone", "retry", "rejected"]

HOUR = 3600

# RFC 8030 section 7.2: a push service must accept a body of at least 4096 bytes. The
# aes128gcm body is a 86-byte header (salt 16, record size 4, key length 1, key 65), the
# plaintext, one padding delimiter byte and a 16-byte tag, so 3993 bytes of payload is the
# most every push service is bound to take.
MAX_BODY = 4096
MAX_PAYLOAD = MAX_BODY - 86 - 1 - 16

_TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
# Printable ASCII only: it goes into the request line as it is.
_ENDPOINT = re.compile(r"^https://[!-~]+$", re.ASCII)


# Delivery policy


class Delivery(NamedTuple):
    """``ttl``: seconds a push service keeps the message for a device that is offline (never
    0: a TTL of 0 means "drop unless the device is reachable this instant"). ``urgency``
    (RFC 8030 section 5.3) lets the device save battery: ``low`` messages may wait until it
    is on power or Wi-Fi, ``high`` ones wake it even on a low battery."""

    ttl: int
    urgency: Urgency


DELIVERY: Mapping[ReminderKind, Delivery] = MappingProxyType(
    {
        # A nudge to check in at a time she chose. Worth having for a few hours (she may
        # be out of signal on a visit), pointless by the next one; it can wait until the
        # phone is on power or Wi-Fi, so it costs no battery.
        "checkin": Delivery(4 * HOUR, "low"),
        # After a shift (0-4 h after it ends): the moment is the journey home or the first
        # hours back. Still a gentle nudge, so low; stale once the evening is over.
        "after-shift": Delivery(4 * HOUR, "low"),
        # "How are you now?", 24 or 72 hours after a hard day: still relevant later that
        # day, so it is kept longer, and delivered normally rather than held back.
        "follow-up": Delivery(12 * HOUR, "normal"),
        # Before supervision (1-72 h ahead, 24 h by default). Useful until about the time
        # it starts: 6 h covers a phone that was off overnight; the caller caps it with
        # ``max_ttl`` when the supervision is sooner than that.
        "supervision": Delivery(6 * HOUR, "normal"),
        # Someone has asked to talk: the one kind that must not wait for Wi-Fi or power,
        # and is still worth delivering a day later.
        "talk-request": Delivery(24 * HOUR, "high"),
        # She pressed "send a test" and is looking at her screen: useless after a few
        # minutes (and a stale test would only confuse).
        "test": Delivery(10 * 60, "normal"),
    }
)
if set(DELIVERY) != set(get_args(ReminderKind)):  # pragma: no cover - caught at import
    raise RuntimeError("every ReminderKind needs a DELIVERY entry")


def topic_for(key: str) -> str:
    """A push ``Topic`` for a reminder's unique key: 32 base64url characters of its SHA-256.
    Sending again with the same topic (after a crash, say) replaces a message the push
    service still holds instead of adding a second one; the key itself never leaves."""
    return base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()[:24]).decode()


# VAPID


class VapidKey(msgspec.Struct, frozen=True):
    """The application server's key pair: ``private_pem`` is a PKCS8 PEM P-256 key,
    ``public_key`` the browser's ``applicationServerKey`` (base64url of the uncompressed
    point)."""

    private_pem: bytes
    public_key: str


def new_vapid_key() -> VapidKey:
    """A fresh VAPID key pair."""
    private_pem, _public_pem, application_server_key = VAPID.generate_keys()
    return VapidKey(private_pem=private_pem, public_key=application_server_key)


def origin_of(url: str) -> str:
    """The RFC 6454 origin of an https URL: ``https://host``, plus ``:port`` when it is not
    443. This is the VAPID ``aud`` (RFC 8292 section 2) and the key of the per-push-service
    limits."""
    parts = urlsplit(url)
    host = parts.hostname
    if parts.scheme != "https" or not host:
        raise ValueError("not an https URL")
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    port = parts.port  # raises ValueError when it is not a number in range
    return f"https://{host}" if port in (None, 443) else f"https://{host}:{port}"


def _load_private_key(key: VapidKey) -> ec.EllipticCurvePrivateKey:
    private = serialization.load_pem_private_key(key.private_pem, password=None)
    if not isinstance(private, ec.EllipticCurvePrivateKey) or private.curve.name != "secp256r1":
        raise ValueError("a VAPID key must be a P-256 key")
    if VAPID.get_application_server_key(private.public_key()) != key.public_key:
        raise ValueError("the VAPID public key does not belong to its private key")
    return private


class VapidSigner:
    """Builds ``Authorization: vapid t=<JWT>, k=<public key>`` for a push service's origin.

    A token is valid for ``lifetime`` (12 h; RFC 8292 allows at most 24 h) and is reused
    for every message to that origin until it is ``refresh_after`` old (1 h), so a token in
    use always has at least 11 hours left. The private key is parsed once. The cache is
    guarded by a lock, so the signer may be shared by threads as well as by tasks.
    """

    def __init__(
        self,
        key: VapidKey,
        subject: str,
        *,
        clock: Callable[[], float] = time.time,
        lifetime: int = 12 * HOUR,
        refresh_after: int = HOUR,
    ) -> None:
        if not subject.startswith(("mailto:", "https://")):
            raise ValueError("a VAPID subject is a mailto: or https: URL")
        if not 0 < refresh_after < lifetime <= 24 * HOUR:
            raise ValueError("need 0 < refresh_after < lifetime <= 24 h")
        self.public_key = key.public_key
        self._private = _load_private_key(key)
        self.public_pem = self._private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self._subject = subject
        self._clock = clock
        self._lifetime = lifetime
        self._refresh_after = refresh_after
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, str]] = {}  # origin -> (signed at, header)

    def _fresh(self, entry: tuple[float, str] | None, now: float) -> bool:
        # A clock that went backwards also forces a new token.
        return entry is not None and 0 <= now - entry[0] < self._refresh_after

    def authorization(self, origin: str) -> str:
        """The ``Authorization`` header for messages to push-service ``origin``."""
        now = self._clock()
        entry = self._cache.get(origin)
        if self._fresh(entry, now):
            return entry[1]  # type: ignore[index]
        with self._lock:
            entry = self._cache.get(origin)
            if self._fresh(entry, now):
                return entry[1]  # type: ignore[index]
            token = jwt.encode(
                {"aud": origin, "exp": int(now) + self._lifetime, "sub": self._subject},
                self._private,
                algorithm="ES256",
            )
            header = f"vapid t={token}, k={self.public_key}"
            if len(self._cache) >= 1024:  # endpoints are user-supplied: keep this bounded
                self._cache = {o: e for o, e in self._cache.items() if self._fresh(e, now)}
            self._cache[origin] = (now, header)
            return header


class _CachedVapid:
    """Stands in for ``WebPush.vapid``: hands ``WebPush.get()`` our cached per-origin
    header instead of letting it sign a JWT per message (with the port left out of
    ``aud``)."""

    def __init__(self, signer: VapidSigner) -> None:
        self._signer = signer

    def get_authorization_header(self, endpoint: Any, subscriber: Any, expiration: Any) -> str:
        return self._signer.authorization(origin_of(str(endpoint)))


# Sending


class PushTarget(msgspec.Struct, frozen=True):
    """Where a message goes: a browser's push subscription."""

    endpoint: str
    p256dh: str
    auth: str

    @classmethod
    def from_subscription(cls, subscription: DeviceWrite) -> PushTarget:
        return cls(subscription.endpoint, subscription.keys.p256dh, subscription.keys.auth)


class PushOutcome(msgspec.Struct, frozen=True):
    """What happened: ``delivered`` (the push service took it), ``gone`` (the subscription
    no longer exists: delete it), ``retry`` (try again in ``retry_after`` seconds) or
    ``rejected`` (the push service refused this request; retrying will not help)."""

    result: Result
    status: int | None = None
    retry_after: float | None = None


class PreparedPush(NamedTuple):
    """One encrypted message, ready to POST to ``origin`` + ``path``."""

    origin: str
    path: str
    body: bytes
    headers: dict[str, str]


class InvalidSubscription(ValueError):
    """The target can never receive a message (not https, or keys that are not keys)."""


def _b64decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (a number of seconds or an HTTP-date),
    at most a day; ``None`` when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        if value.isdigit():
            seconds = float(value)
        else:
            when = parsedate_to_datetime(value)
            if when.tzinfo is None:  # "-0000": HTTP-dates are GMT
                when = when.replace(tzinfo=UTC)
            seconds = when.timestamp() - now
    except (TypeError, ValueError, OverflowError):
        return None
    return min(max(seconds, 0.0), 24.0 * HOUR)


# HTTP


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection to a push service, one request at a time.
    Responses are parsed by httptools (llhttp, uvicorn's parser); their bodies are
    discarded, so a push service's answer costs no memory whatever its size."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.lost = asyncio.get_running_loop().create_future()  # done once closed
        self.closed = False
        self.idle_since = 0.0
        self.answered = False  # any byte of a response to the current request
        self._parser = httptools.HttpResponseParser(self)
        self._waiter: asyncio.Future[tuple[int, str | None, bool]] | None = None
        self._retry_after: str | None = None
        self._headers_done = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.answered = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError:
            self.abort(ConnectionError("malformed HTTP response"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.lost.done():
            self.lost.set_result(None)
        if self._headers_done and self._waiter is not None and not self._waiter.done():
            # A body that ran until the connection closed: the answer is complete.
            self._waiter.set_result((self._parser.get_status_code(), self._retry_after, False))
        self.abort(ConnectionResetError("connection closed"))

    # httptools callbacks

    def on_message_begin(self) -> None:
        self._retry_after = None
        self._headers_done = False

    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() == b"retry-after":
            self._retry_after = value.decode("latin-1")

    def on_headers_complete(self) -> None:
        self._headers_done = True

    def on_message_complete(self) -> None:
        status = self._parser.get_status_code()
        if status < 200:  # an interim answer (1xx): the real one follows
            return
        waiter, self._waiter = self._waiter, None
        if waiter is None or waiter.done():  # an answer nobody asked for
            self.abort(ConnectionError("unexpected HTTP response"))
            return
        waiter.set_result((status, self._retry_after, self._parser.should_keep_alive()))

    def abort(self, error: Exception) -> None:
        """Close at once (no TLS goodbye: this connection's state is unknown or useless)."""
        self.closed = True
        if self.transport is not None:
            self.transport.abort()
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(error)

    async def request(self, data: bytes) -> tuple[int, str | None, bool]:
        """Send one whole request; (status, Retry-After, whether to keep the connection)."""
        if self.closed or self.transport is None or self.transport.is_closing():
            raise ConnectionResetError("connection closed")
        self.answered = False
        self._waiter = asyncio.get_running_loop().create_future()
        self.transport.write(data)
        return await self._waiter


class _Pool:
    """Keep-alive connections per push-service origin.

    Tend's own, rather than httpx or aiohttp: on the fan-out benchmark
    (bench/push_fanout.py) httpx 0.28 took about 1 ms of CPU per HTTPS request, and its
    pool scans every connection for every queued request (quadratic in the concurrency),
    so it managed 100-700 messages/s; aiohttp took 200-250 us a request, and the fan-out
    ran at 0.41-0.67 of the encryption-only rate, often under the 0.5 target; this takes
    about 100 us. A push request is one POST with a small body and an answer whose status
    and ``Retry-After`` are all we read, so little of an HTTP client is needed: TLS is the
    ssl module's, parsing is httptools'. The per-origin semaphores bound the connections.
    """

    def __init__(
        self, ssl_context: ssl.SSLContext, connect_timeout: float, idle_timeout: float
    ) -> None:
        self._ssl = ssl_context
        self._connect_timeout = connect_timeout
        self._idle_timeout = idle_timeout
        self._idle: dict[str, list[_Connection]] = {}
        self._closed = False

    async def _connect(self, origin: str) -> _Connection:
        parts = urlsplit(origin)
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(self._connect_timeout):
            # (No happy_eyeballs_delay: uvloop, which uvicorn runs Tend on, lacks it.)
            _, connection = await loop.create_connection(
                _Connection, parts.hostname, parts.port or 443, ssl=self._ssl
            )
        return connection

    def _usable(self, connection: _Connection, now: float) -> bool:
        return not connection.closed and now - connection.idle_since < self._idle_timeout

    def _reusable(self, origin: str) -> _Connection | None:
        idle = self._idle.get(origin, [])
        now = time.monotonic()
        while idle:
            connection = idle.pop()
            if self._usable(connection, now):
                return connection
            connection.abort(ConnectionResetError("idle too long"))
        self._idle.pop(origin, None)
        return None

    def _keep(self, origin: str, connection: _Connection) -> None:
        now = connection.idle_since = time.monotonic()
        self._idle.setdefault(origin, []).append(connection)
        if len(self._idle) > 16:  # endpoints are user-supplied: drop what has gone stale
            for key, idle in list(self._idle.items()):
                for stale in [c for c in idle if not self._usable(c, now)]:
                    stale.abort(ConnectionResetError("idle too long"))
                    idle.remove(stale)
                if not idle:
                    del self._idle[key]

    async def post(self, prepared: PreparedPush) -> tuple[int, str | None]:
        if self._closed:
            raise RuntimeError("the PushSender is closed")
        data = b"".join(
            (
                f"POST {prepared.path} HTTP/1.1\r\n"
                f"Host: {prepared.origin.removeprefix('https://')}\r\n"
                f"User-Agent: Tend\r\n"
                f"Content-Length: {len(prepared.body)}\r\n".encode("ascii"),
                *(
                    f"{name}: {value}\r\n".encode("ascii")
                    for name, value in prepared.headers.items()
                ),
                b"\r\n",
                prepared.body,
            )
        )
        connection = self._reusable(prepared.origin)
        reused = connection is not None
        try:
            if connection is None:
                connection = await self._connect(prepared.origin)
            try:
                status, retry_after, keep = await connection.request(data)
            except ConnectionError:
                # A kept-alive connection the push service closed before reading a byte
                # of this request (a race every HTTP client meets): try once on a new one.
                if not reused or connection.answered:
                    raise
                connection = await self._connect(prepared.origin)
                status, retry_after, keep = await connection.request(data)
        except BaseException:  # timeouts and cancellation included: its state is unknown
            if connection is not None:
                connection.abort(ConnectionResetError("abandoned"))
            raise
        if keep and not connection.closed and not self._closed:
            self._keep(prepared.origin, connection)
        else:
            connection.abort(ConnectionResetError("not kept alive"))
        return status, retry_after

    async def close(self) -> None:
        self._closed = True
        connections = [connection for idle in self._idle.values() for connection in idle]
        self._idle.clear()
        for connection in connections:
            connection.closed = True
            if connection.transport is not None:
                connection.transport.close()  # says goodbye (TLS close_notify)
        if connections:
            await asyncio.wait([c.lost for c in connections], timeout=2)
        for connection in connections:
            if not connection.lost.done():
                connection.abort(ConnectionResetError("closed"))
        if connections:
            await asyncio.sleep(0)  # let the aborted ones close their sockets


class _Gate:
    __slots__ = ("semaphore", "users")

    def __init__(self, limit: int) -> None:
        self.semaphore = asyncio.Semaphore(limit)
        self.users = 0


class PushSender:
    """Sends Web Push messages; one per process, used with ``async with`` (or ``aclose()``).

    ``subject`` is the VAPID contact (``mailto:`` or ``https:``). ``verify`` is whom to
    trust for TLS: ``None`` for the system's usual trust, or an ``ssl.SSLContext`` or a CA
    file (tests). ``per_origin_limit`` caps concurrent requests to one push service.
    ``backoff_base``/``backoff_cap`` shape the suggested delay before a retry when the push
    service gives none. ``clock`` is for tests. A sender belongs to the event loop that
    first uses it.
    """

    def __init__(
        self,
        key: VapidKey,
        subject: str,
        *,
        per_origin_limit: int = 64,
        verify: ssl.SSLContext | str | os.PathLike[str] | None = None,
        timeout: float = 10.0,
        connect_timeout: float = 5.0,
        backoff_base: float = 5.0,
        backoff_cap: float = 30 * 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if per_origin_limit < 1:
            raise ValueError("per_origin_limit must be at least 1")
        self.signer = VapidSigner(key, subject, clock=clock)
        # Encryption is webpush's RFC 8291 code, reached through its public ``get()``: one
        # instance for the process, whose ``vapid`` is replaced by an adapter that returns
        # our cached header. We never pass ``ttl``, ``subscriber`` or ``expiration`` to
        # ``get()``, the only arguments it stores on the instance, so nothing on it changes
        # after construction and it is safe to share between concurrent sends (threads
        # included). Its ``ttl`` header (always the constructor's) is discarded: TTL,
        # Urgency and Topic are ours. Calling its private ``_encrypt`` would save a few
        # microseconds of pydantic validation but tie us to a private signature.
        self._webpush = WebPush(
            private_key=key.private_pem,
            public_key=self.signer.public_pem,
            subscriber=subject,
            ttl=60,
        )
        self._webpush.vapid = _CachedVapid(self.signer)  # type: ignore[assignment]
        self._limit = per_origin_limit
        self._gates: dict[str, _Gate] = {}
        self._clock = clock
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._random = random.Random()  # noqa: S311 - jitter, not secrets
        if isinstance(verify, (str, os.PathLike)):
            verify = ssl.create_default_context(cafile=os.fspath(verify))
        self._pool = _Pool(
            verify if verify is not None else ssl.create_default_context(),
            connect_timeout,
            idle_timeout=30.0,
        )
        self._timeout = timeout

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._pool.close()

    def prepare(
        self,
        target: PushTarget,
        payload: bytes,
        *,
        kind: ReminderKind,
        topic: str | None = None,
        max_ttl: int | None = None,
    ) -> PreparedPush:
        """Encrypt ``payload`` for ``target`` and build the request's headers (no network).
        Raises ``InvalidSubscription`` for a target that can never work, ``ValueError`` for
        a payload over ``MAX_PAYLOAD`` bytes or a malformed topic."""
        if not isinstance(payload, bytes):
            raise TypeError("payload must be bytes")
        if len(payload) > MAX_PAYLOAD:
            raise ValueError(f"payload is {len(payload)} bytes; at most {MAX_PAYLOAD}")
        if topic is not None and not _TOPIC.match(topic):
            raise ValueError("a topic is 1-32 base64url characters")
        ttl, urgency = DELIVERY[kind]
        if max_ttl is not None:
            ttl = max(1, min(ttl, max_ttl))
        try:
            if len(_b64decode(target.auth)) != 16:
                raise ValueError("auth secret")
            subscription = WebPushSubscription(
                endpoint=target.endpoint,  # type: ignore[arg-type]
                keys={"p256dh": target.p256dh, "auth": target.auth},  # type: ignore[arg-type]
            )
            parts = urlsplit(target.endpoint)
            if not _ENDPOINT.match(target.endpoint) or "@" in parts.netloc:
                raise ValueError("endpoint")
            origin = origin_of(target.endpoint)
            path = parts.path or "/"
            if parts.query:
                path = f"{path}?{parts.query}"
            message = self._webpush.get(payload, subscription)
        except (ValueError, binascii.Error) as error:
            # binascii.Error and pydantic's ValidationError are ValueErrors too; nothing
            # from the target goes into the message.
            raise InvalidSubscription(type(error).__name__) from None
        headers = {
            "TTL": str(ttl),
            "Urgency": urgency,
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "Authorization": message.headers["authorization"],
        }
        if topic is not None:
            headers["Topic"] = topic
        return PreparedPush(origin, path, message.encrypted, headers)

    def backoff(self, attempt: int) -> float:
        """Suggested seconds before retry number ``attempt + 1``: doubling from
        ``backoff_base``, capped, with jitter (between half and all of it) so that
        messages that failed together do not all come back together."""
        delay = min(self._backoff_cap, self._backoff_base * 2.0 ** min(max(attempt, 0), 40))
        return delay * self._random.uniform(0.5, 1.0)

    async def send(
        self,
        target: PushTarget,
        payload: bytes,
        *,
        kind: ReminderKind,
        topic: str | None = None,
        attempt: int = 0,
        max_ttl: int | None = None,
    ) -> PushOutcome:
        """Send one message. ``attempt`` counts earlier failed tries of this message (for
        the backoff); ``max_ttl`` shortens the kind's TTL (a reminder that is moot at a
        known time). A target that can never work comes back ``rejected``."""
        try:
            origin = origin_of(target.endpoint)
        except ValueError:
            return self._invalid(InvalidSubscription("endpoint"))
        gate = self._gates.get(origin)
        if gate is None:
            gate = self._gates[origin] = _Gate(self._limit)
        gate.users += 1
        try:
            async with gate.semaphore:
                # Encrypt only when it is this message's turn: a fan-out of thousands then
                # interleaves encryption with the requests in flight, rather than encrypting
                # everything first while the first requests' timeouts run out.
                try:
                    prepared = self.prepare(
                        target, payload, kind=kind, topic=topic, max_ttl=max_ttl
                    )
                except InvalidSubscription as error:
                    return self._invalid(error)
                async with asyncio.timeout(self._timeout):
                    status, retry_after = await self._pool.post(prepared)
        except (OSError, TimeoutError) as error:  # refused, reset, DNS, TLS, timed out
            logger.info(
                "push failed",
                extra={"fields": {"origin": origin, "error": type(error).__name__}},
            )
            return PushOutcome("retry", None, self.backoff(attempt))
        finally:
            gate.users -= 1
            if gate.users == 0:
                del self._gates[origin]
        outcome = self._outcome(status, retry_after, attempt)
        log = logger.warning if outcome.result == "rejected" else logger.debug
        log(
            "push %s",
            outcome.result,
            extra={"fields": {"origin": origin, "status": status}},
        )
        return outcome

    def _invalid(self, error: InvalidSubscription) -> PushOutcome:
        logger.warning("push target is invalid", extra={"fields": {"error": str(error)}})
        return PushOutcome("rejected")

    def _outcome(self, status: int, retry_after: str | None, attempt: int) -> PushOutcome:
        if 200 <= status < 300:
            return PushOutcome("delivered", status)
        if status in (404, 410):
            return PushOutcome("gone", status)
        # 408 is a 4xx that asks to be repeated; 429 and 5xx are the push service's trouble.
        if status in (408, 429) or status >= 500:
            delay = parse_retry_after(retry_after, self._clock())
            return PushOutcome("retry", status, self.backoff(attempt) if delay is None else delay)
        # 400 (malformed), 401/403 (VAPID refused or not this subscription's key), 413
        # (too big), 3xx (push services do not redirect) and the rest: sending the same
        # request again would fail the same way.
        return PushOutcome("rejected", status)
