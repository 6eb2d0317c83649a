"""The dispatcher: sends every reminder that is due, exactly once per device, however many
dispatchers run (inside ``tend serve`` or as ``tend worker`` processes).

A dispatcher *claims* due reminders in one short transaction — ``FOR UPDATE SKIP LOCKED``
on PostgreSQL, the single writer lock on SQLite — marking them ``sending`` with a lease, so
no other dispatcher takes them. It sends, then records per device what was delivered, in
small chunks. After a crash, a lease runs out and another dispatcher takes the reminder
again, sending only to devices not yet recorded; a message that was in flight at the
moment of the crash is sent again with the same ``Topic`` (the push service replaces the
one it still holds) and the same notification tag (the phone replaces the one it shows),
so she sees it once. docs/reminders.md has the whole story.
"""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec

from server.accounts.tables import Person
from server.reminders import keys
from server.reminders.health import service_of as _service
from server.reminders.push import (
    PushOutcome,
    PushSender,
    PushTarget,
    VapidKey,
    topic_for,
)
from server.reminders.schemas import PushPayload, ReminderKind, ReminderPlan
from server.reminders.services import HORIZON, add_occurrences, decode_plan
from server.reminders.tables import PushDevice, PushOutcomeCount, ReminderDue, ReminderPlanRow
from server.settings import PushSettings

logger = logging.getLogger("tend.dispatcher")

# How late a reminder may still go out (after the server was down, or retries): a check-in
# nudge two hours late is noise; a request to talk is still worth a day.
LATE: dict[ReminderKind, timedelta] = {
    "checkin": timedelta(hours=1),
    "after-shift": timedelta(hours=1),
    "follow-up": timedelta(hours=6),
    "supervision": timedelta(hours=2),
    "talk-request": timedelta(hours=24),
    "test": timedelta(minutes=10),
}
# A claim lasts this long, and is renewed every third of it while its batch is being sent;
# only a dispatcher that has died lets it lapse.
LEASE = timedelta(minutes=5)
BATCH = 50
# Finished reminders are kept this long (for "last sent"), then deleted.
KEEP_DONE = timedelta(days=2)
MAX_ATTEMPTS = 8
POLL_SECONDS = 15.0
# Plans whose reminders are worked out less far ahead than this are extended.
EXTEND_BEFORE = timedelta(hours=24)

CLAIM = """
UPDATE reminder_due SET state = 'sending', claim = {}, lease_until = {}, attempts = attempts + 1
WHERE id IN (
    SELECT id FROM reminder_due
    WHERE (state = 'due' AND next_at <= {}) OR (state = 'sending' AND lease_until < {})
    ORDER BY next_at
    LIMIT {}%s
)
RETURNING id, person, kind, key, due_at, attempts, delivered_to
"""
SKIP_LOCKED = {"postgres": " FOR UPDATE SKIP LOCKED", "sqlite": ""}
COUNT = """
INSERT INTO push_outcome_count (id, organisation, day, service, result, count)
VALUES ({}, {}, {}, {}, {}, {})
ON CONFLICT (organisation, day, service, result)
DO UPDATE SET count = push_outcome_count.count + excluded.count
"""


def _now() -> datetime:
    return datetime.now(UTC)


class Claimed(msgspec.Struct):
    id: UUID
    person: UUID
    kind: ReminderKind
    key: str
    due_at: datetime
    attempts: int
    delivered_to: list[str]


class Dispatcher:
    """Sends due reminders until stopped. ``verify`` is whom to trust for TLS (tests);
    ``clock`` gives the current time (tests)."""

    def __init__(
        self,
        push: PushSettings,
        *,
        verify: ssl.SSLContext | str | None = None,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self._push = push
        self._verify = verify
        self._clock = clock
        self._senders: dict[str, PushSender] = {}
        self._keys: dict[str, VapidKey] = {}
        self._wake = asyncio.Event()
        self.name = uuid.uuid4().hex[:8]

    async def __aenter__(self) -> Dispatcher:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for sender in self._senders.values():
            await sender.aclose()
        self._senders.clear()

    def wake(self) -> None:
        """Look for due reminders now (a test push, a request to talk)."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Tick until ``stop`` is set; a failing database only delays the next tick."""
        logger.info("dispatcher started", extra={"fields": {"dispatcher": self.name}})
        while not stop.is_set():
            # Cleared before the tick: a wake-up during it (a test push just queued) is kept.
            self._wake.clear()
            try:
                handled = await self.tick()
            except Exception:
                logger.exception("dispatcher tick failed; trying again shortly")
                handled = 0
            if handled >= BATCH:
                continue
            waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
            await asyncio.wait(waits, timeout=POLL_SECONDS, return_when=asyncio.FIRST_COMPLETED)
            for waiting in waits:
                waiting.cancel()
        logger.info("dispatcher stopped", extra={"fields": {"dispatcher": self.name}})

    async def tick(self) -> int:
        """Extend schedules, tidy up, then claim and send one batch (holding the claim while
        it is sent); returns how many were claimed."""
        now = self._clock()
        await self.extend(now)
        await ReminderDue.delete().where(
            ReminderDue.state.not_in(["due", "sending"]) & (ReminderDue.next_at < now - KEEP_DONE)
        )
        token = uuid.uuid4()
        claimed = await self.claim(now, token)
        if claimed:
            keeper = asyncio.create_task(self._keep_lease(token))
            try:
                await self._deliver(claimed, token)
            finally:
                keeper.cancel()
        return len(claimed)

    async def extend(self, now: datetime) -> None:
        """Work out reminders further ahead for plans that need it. A plan saved meanwhile
        (``updated_at`` moved on) is left alone: saving worked it out afresh."""
        rows = await (
            ReminderPlanRow.select(
                ReminderPlanRow.person,
                ReminderPlanRow.plan,
                ReminderPlanRow.scheduled_until,
                ReminderPlanRow.updated_at,
            )
            .where(ReminderPlanRow.scheduled_until < now + EXTEND_BEFORE)
            .limit(BATCH)
        )
        until = now + HORIZON
        for row in rows:
            try:
                async with ReminderPlanRow._meta.db.transaction():
                    still = (
                        await ReminderPlanRow.update({ReminderPlanRow.scheduled_until: until})
                        .where(
                            (ReminderPlanRow.person == row["person"])
                            & (ReminderPlanRow.updated_at == row["updated_at"])
                        )
                        .returning(ReminderPlanRow.id)
                    )
                    if still:
                        start = max(row["scheduled_until"], now)
                        await add_occurrences(row["person"], decode_plan(row["plan"]), start, until)
            except Exception:
                # One plan that cannot be worked out must not stop everyone's reminders.
                logger.exception("a reminder plan could not be extended; skipping it")
                await ReminderPlanRow.update({ReminderPlanRow.scheduled_until: until}).where(
                    ReminderPlanRow.person == row["person"]
                )

    async def claim(self, now: datetime, token: UUID) -> list[Claimed]:
        db = ReminderDue._meta.db
        sql = CLAIM % SKIP_LOCKED[db.engine_type]
        async with db.transaction():
            rows = await ReminderDue.raw(sql, token, now + LEASE, now, now, BATCH)
        return [_claimed(row) for row in rows]

    async def _keep_lease(self, token: UUID) -> None:
        while True:
            await asyncio.sleep(LEASE.total_seconds() / 3)
            await ReminderDue.update({ReminderDue.lease_until: self._clock() + LEASE}).where(
                (ReminderDue.claim == token) & (ReminderDue.state == "sending")
            )

    async def _deliver(self, batch: list[Claimed], token: UUID) -> None:
        now = self._clock()
        people = {c.person for c in batch}
        plans = await _plans(people)
        targets = await _devices(people)
        organisations = await _organisations(people)
        sends: list[tuple[Claimed, dict, Any]] = []
        finished: dict[UUID, str] = {}
        for claimed in batch:
            plan = plans.get(claimed.person, ReminderPlan())
            if now > claimed.due_at + LATE[claimed.kind]:
                finished[claimed.id] = "missed"
                continue
            if _paused(plan, now):
                finished[claimed.id] = "skipped"
                continue
            have_it = set(claimed.delivered_to)
            waiting = [d for d in targets.get(claimed.person, []) if str(d["id"]) not in have_it]
            if not waiting:
                finished[claimed.id] = "sent" if claimed.delivered_to else "skipped"
                continue
            payload = msgspec.json.encode(
                PushPayload(kind=claimed.kind, id=str(claimed.id), wording=plan.settings.wording)
            )
            for device in waiting:
                sends.append((claimed, device, self._send(device, payload, claimed)))
        outcomes = await asyncio.gather(*(send for _, _, send in sends))
        await _record(batch, token, sends, outcomes, finished, organisations, now)

    async def _send(self, device: dict, payload: bytes, claimed: Claimed) -> PushOutcome:
        sender = await self._sender(device["server_key"])
        if sender is None:
            return PushOutcome("rejected")
        return await sender.send(
            PushTarget(device["endpoint"], device["p256dh"], device["auth"]),
            payload,
            kind=claimed.kind,
            topic=topic_for(claimed.key),
            attempt=claimed.attempts - 1,
        )

    async def _sender(self, public_key: str) -> PushSender | None:
        if public_key not in self._senders:
            if public_key not in self._keys:
                self._keys = await keys.all_keys(self._push)
            key = self._keys.get(public_key)
            if key is None:
                return None
            self._senders[public_key] = PushSender(
                key,
                self._push.subject,
                per_origin_limit=self._push.per_service_limit,
                verify=self._verify,
            )
        return self._senders[public_key]


def wake_in_process(state: Any) -> None:
    """Tell this process's dispatcher, if it runs one, that something is due now (other
    processes find it at their next poll)."""
    dispatcher = state.get("dispatcher")
    if dispatcher is not None:
        dispatcher.wake()


def _claimed(row: dict) -> Claimed:
    """A claimed row as PostgreSQL (typed) or SQLite (text) returns it."""
    delivered = row["delivered_to"]
    if isinstance(delivered, str):
        delivered = json.loads(delivered)
    due_at = row["due_at"]
    if isinstance(due_at, str):
        due_at = datetime.fromisoformat(due_at)
    if due_at.tzinfo is None:
        due_at = due_at.replace(tzinfo=UTC)
    return Claimed(
        id=UUID(str(row["id"])),
        person=UUID(str(row["person"])),
        kind=row["kind"],
        key=row["key"],
        due_at=due_at,
        attempts=int(row["attempts"]),
        delivered_to=[str(d) for d in delivered or []],
    )


def _paused(plan: ReminderPlan, now: datetime) -> bool:
    until = plan.settings.paused_until
    return until is not None and now.astimezone(ZoneInfo(plan.settings.time_zone)).date() <= until


async def _plans(people: Iterable[UUID]) -> dict[UUID, ReminderPlan]:
    rows = await ReminderPlanRow.select(ReminderPlanRow.person, ReminderPlanRow.plan).where(
        ReminderPlanRow.person.is_in(list(people))
    )
    return {row["person"]: decode_plan(row["plan"]) for row in rows}


async def _devices(people: Iterable[UUID]) -> dict[UUID, list[dict]]:
    rows = await PushDevice.select(
        PushDevice.id,
        PushDevice.person,
        PushDevice.endpoint,
        PushDevice.p256dh,
        PushDevice.auth,
        PushDevice.server_key,
    ).where(PushDevice.person.is_in(list(people)))
    found: dict[UUID, list[dict]] = {}
    for row in rows:
        found.setdefault(row["person"], []).append(row)
    return found


async def _organisations(people: Iterable[UUID]) -> dict[UUID, UUID]:
    rows = await Person.select(Person.id, Person.organisation).where(Person.id.is_in(list(people)))
    return {row["id"]: row["organisation"] for row in rows}


async def _record(
    batch: list[Claimed],
    token: UUID,
    sends: list[tuple[Claimed, dict, Any]],
    outcomes: list[PushOutcome],
    finished: dict[UUID, str],
    organisations: dict[UUID, UUID],
    now: datetime,
) -> None:
    """Write what happened to one batch, in one transaction — only for reminders this claim
    still holds (a claim that lapsed belongs to another dispatcher now)."""
    delivered: dict[UUID, list[str]] = {c.id: list(c.delivered_to) for c in batch}
    wait: dict[UUID, float] = {}
    done_devices: list[UUID] = []
    gone: list[UUID] = []
    counts: Counter[tuple[UUID, str, str]] = Counter()
    for (claimed, device, _), outcome in zip(sends, outcomes, strict=True):
        counts[(organisations[claimed.person], _service(device["endpoint"]), outcome.result)] += 1
        if outcome.result == "delivered":
            delivered[claimed.id].append(str(device["id"]))
            done_devices.append(device["id"])
        elif outcome.result == "gone":
            gone.append(device["id"])
        elif outcome.result == "retry":
            wait[claimed.id] = max(wait.get(claimed.id, 0.0), outcome.retry_after or 60.0)
    db = ReminderDue._meta.db
    async with db.transaction():
        for claimed in batch:
            values: dict = {ReminderDue.delivered_to: delivered[claimed.id]}
            state = finished.get(claimed.id)
            if state is None and claimed.id in wait:
                next_at = now + timedelta(seconds=wait[claimed.id])
                if (
                    claimed.attempts < MAX_ATTEMPTS
                    and next_at <= claimed.due_at + LATE[claimed.kind]
                ):
                    values.update({ReminderDue.state: "due", ReminderDue.next_at: next_at})
                else:
                    state = "missed"
            elif state is None:
                state = "sent" if delivered[claimed.id] else "failed"
            if state is not None:
                values[ReminderDue.state] = state
                if state == "sent":
                    values[ReminderDue.sent_at] = now
            values[ReminderDue.lease_until] = None
            await ReminderDue.update(values).where(
                (ReminderDue.id == claimed.id)
                & (ReminderDue.claim == token)
                & (ReminderDue.state == "sending")
            )
        if gone:
            await PushDevice.delete().where(PushDevice.id.is_in(gone))
        if done_devices:
            await PushDevice.update({PushDevice.last_sent_at: now}).where(
                PushDevice.id.is_in(done_devices)
            )
        for (organisation, service, result), count in counts.items():
            await PushOutcomeCount.raw(
                COUNT, uuid.uuid4(), organisation, now.date(), service, result, count
            )
