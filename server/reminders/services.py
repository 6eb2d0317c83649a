"""A person's reminder plan, her devices, follow-ups, and the reminders due from them.

Every query is by the signed-in person's id: another person's shift, device or follow-up
is simply not found (404).
"""

from __future__ import annotations

import hmac
import logging
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec

from server.lib.errors import AppError, ErrorDetail
from server.reminders import keys
from server.reminders.push import origin_of
from server.reminders.schedule import occurrences, place, place_on_day, plan_problems
from server.reminders.schemas import (
    DeviceRead,
    DeviceRenewal,
    DeviceWrite,
    FollowUpWrite,
    OneOffShift,
    ReminderKind,
    ReminderPlan,
    ReminderSettings,
    RemindersRead,
    ShiftPattern,
    ShiftWrite,
    UpcomingRead,
)
from server.reminders.tables import PushDevice, ReminderDue, ReminderPlanRow
from server.settings import PushSettings

logger = logging.getLogger("tend.reminders")

# Reminders are worked out this far ahead, and extended by the dispatcher as time passes.
HORIZON = timedelta(hours=48)
# Kinds that come from the plan, worked out again whenever it changes.
PLAN_KINDS: tuple[ReminderKind, ...] = ("checkin", "after-shift", "supervision")
UPCOMING = 5
MAX_FOLLOW_UPS = 6
MAX_DEVICES = 10


# Follow-ups and requests to talk come at a moment Tend picks, not one she chose: without
# quiet hours of her own, never in the night.
NIGHT = ("22:00", "08:00")


def _now() -> datetime:
    return datetime.now(UTC)


def _with_nights(plan: ReminderPlan) -> ReminderPlan:
    """The plan, with quiet nights assumed when she has set no quiet hours."""
    if plan.settings.quiet_start is not None:
        return plan
    quiet = msgspec.structs.replace(plan.settings, quiet_start=NIGHT[0], quiet_end=NIGHT[1])
    return msgspec.structs.replace(plan, settings=quiet)


def not_found(what: str) -> AppError:
    return AppError(f"That {what} isn't here any more.", status=404, code="not_found")


# The plan


async def plan_of(person_id: UUID) -> ReminderPlan:
    row = (
        await ReminderPlanRow.select(ReminderPlanRow.plan)
        .where(ReminderPlanRow.person == person_id)
        .first()
    )
    return ReminderPlan() if row is None else decode_plan(row["plan"])


def decode_plan(stored: str | dict) -> ReminderPlan:
    """A plan as a JSON column gives it back (text, or already decoded)."""
    if isinstance(stored, str):
        return msgspec.json.decode(stored, type=ReminderPlan)
    return msgspec.convert(stored, ReminderPlan)


def _check(plan: ReminderPlan, part: str) -> None:
    """422 naming the fields of the body she sent (which is the plan's ``part``)."""
    problems = [
        (path.removeprefix(f"{part}."), message)
        for path, message in plan_problems(plan)
        if not part or path.startswith(f"{part}.")
    ]
    if problems:
        raise AppError(
            problems[0][1],
            status=422,
            code="validation_error",
            details=[ErrorDetail(f"body.{path}", message) for path, message in problems],
        )


async def save_plan(
    person_id: UUID, plan: ReminderPlan, part: str = "", now: datetime | None = None
) -> None:
    """Keep the plan and work out its reminders again (a reminder already sent stays sent:
    the same moment is never sent twice). ``part`` is what the request changed."""
    _check(plan, part)
    now = now or _now()
    until = now + HORIZON
    document = msgspec.to_builtins(plan)
    async with ReminderPlanRow._meta.db.transaction():
        updated = (
            await ReminderPlanRow.update(
                {
                    ReminderPlanRow.plan: document,
                    ReminderPlanRow.updated_at: now,
                    ReminderPlanRow.scheduled_until: until,
                }
            )
            .where(ReminderPlanRow.person == person_id)
            .returning(ReminderPlanRow.id)
        )
        if not updated:
            await ReminderPlanRow.insert(
                ReminderPlanRow(
                    person=person_id, plan=document, updated_at=now, scheduled_until=until
                )
            )
        await ReminderDue.delete().where(
            (ReminderDue.person == person_id)
            & (ReminderDue.state == "due")
            & ReminderDue.kind.is_in(list(PLAN_KINDS))
            & (ReminderDue.next_at > now)
            # One already tried (waiting for a busy push service) stays: some devices
            # may have it, and it must not be made again as new.
            & (ReminderDue.attempts == 0)
        )
        await add_occurrences(person_id, plan, now, until)


async def add_occurrences(
    person_id: UUID, plan: ReminderPlan, start: datetime, end: datetime
) -> None:
    """Insert the plan's reminders in [start, end); ones already there are left alone."""
    rows = [
        ReminderDue(person=person_id, kind=o.kind, key=o.key, due_at=o.due_at, next_at=o.due_at)
        for o in occurrences(plan, start, end)
    ]
    if rows:
        await ReminderDue.insert(*rows).on_conflict(action="DO NOTHING")


async def update_settings(person_id: UUID, settings: ReminderSettings) -> None:
    plan = await plan_of(person_id)
    await save_plan(person_id, msgspec.structs.replace(plan, settings=settings), "settings")


async def set_pattern(person_id: UUID, pattern: ShiftPattern | None) -> None:
    plan = await plan_of(person_id)
    await save_plan(person_id, msgspec.structs.replace(plan, pattern=pattern), "pattern")


async def add_shift(person_id: UUID, data: ShiftWrite) -> UUID:
    plan = await plan_of(person_id)
    shift = OneOffShift(
        id=uuid.uuid4(), kind=data.kind, starts_at=data.starts_at, ends_at=data.ends_at
    )
    # Shifts long past are dropped as new ones come, so the plan stays small.
    cutoff = _local_cutoff(plan)
    keep = [s for s in plan.shifts if s.ends_at >= cutoff]
    if len(keep) >= 200:
        raise AppError(
            "That's as many shifts as Tend can hold. Remove some older ones first.",
            status=409,
            code="too_many_shifts",
        )
    changed = msgspec.structs.replace(plan, shifts=[*keep, shift])
    # Problems are reported against the body she sent: the new shift, last in the list.
    await save_plan(person_id, changed, f"shifts[{len(keep)}]")
    return shift.id


def _local_cutoff(plan: ReminderPlan) -> str:
    """A week ago, as her wall clock writes it."""
    local = (_now() - timedelta(days=7)).astimezone(ZoneInfo(plan.settings.time_zone))
    return local.strftime("%Y-%m-%dT%H:%M")


async def delete_shift(person_id: UUID, shift_id: UUID) -> None:
    plan = await plan_of(person_id)
    keep = [s for s in plan.shifts if s.id != shift_id]
    if len(keep) == len(plan.shifts):
        raise not_found("shift")
    await save_plan(person_id, msgspec.structs.replace(plan, shifts=keep))


# Devices


async def add_device(
    person_id: UUID, session_id: UUID, label: str, data: DeviceWrite, push: PushSettings
) -> DeviceRead:
    """Remember a browser's subscription. An endpoint already known moves to whoever now
    holds it: only the browser itself can present it with its keys."""
    _check_push_service(data.endpoint, push)
    server_key = await _known_key(data.server_key, push)
    values = {
        PushDevice.person: person_id,
        PushDevice.p256dh: data.keys.p256dh,
        PushDevice.auth: data.keys.auth,
        PushDevice.server_key: server_key,
        PushDevice.label: label[:80],
        PushDevice.session_id: session_id,
    }
    async with PushDevice._meta.db.transaction():
        theirs = await PushDevice.count().where(
            (PushDevice.person == person_id) & (PushDevice.endpoint != data.endpoint)
        )
        if theirs >= MAX_DEVICES:
            raise AppError(
                f"Reminders are on for {MAX_DEVICES} devices already. Remove one first.",
                status=409,
                code="too_many_devices",
            )
        moved = (
            await PushDevice.update(values)
            .where(PushDevice.endpoint == data.endpoint)
            .returning(PushDevice.id)
        )
        if moved:
            device_id = moved[0]["id"]
        else:
            row = PushDevice(endpoint=data.endpoint, **{c._meta.name: v for c, v in values.items()})
            await PushDevice.insert(row)
            device_id = row.id
    return next(d for d in await devices(person_id, session_id) if d.id == device_id)


async def devices(person_id: UUID, session_id: UUID) -> list[DeviceRead]:
    rows = (
        await PushDevice.select(
            PushDevice.id,
            PushDevice.label,
            PushDevice.endpoint,
            PushDevice.created_at,
            PushDevice.last_sent_at,
            PushDevice.session_id,
        )
        .where(PushDevice.person == person_id)
        .order_by(PushDevice.created_at)
    )
    return [
        DeviceRead(
            id=row["id"],
            label=row["label"],
            endpoint_origin=_origin(row["endpoint"]),
            created_at=row["created_at"],
            last_sent_at=row["last_sent_at"],
            this_device=str(row["session_id"]) == str(session_id),
        )
        for row in rows
    ]


async def _known_key(server_key: str | None, push: PushSettings) -> str:
    """The key a subscription was made with: the current one when not said; 409 for one
    the server no longer has (the browser subscribes again with the current key)."""
    if server_key is None:
        return (await keys.current_key(push)).public_key
    if server_key not in await keys.all_keys(push):
        raise AppError(
            "Reminders were set up with an old key. Please turn them on again.",
            status=409,
            code="stale_server_key",
        )
    return server_key


def _check_push_service(endpoint: str, push: PushSettings) -> None:
    try:
        host = urlsplit(endpoint).hostname or ""
    except ValueError:  # e.g. a broken IPv6 literal
        host = ""
    if not push.allows(host):
        raise AppError(
            "This browser's reminder service isn't one Tend can send to.",
            status=422,
            code="validation_error",
            details=[ErrorDetail("body.endpoint", "not a push service Tend sends to")],
        )


def _origin(endpoint: str) -> str:
    try:
        return origin_of(endpoint)
    except ValueError:
        return ""


async def remove_device(person_id: UUID, device_id: UUID) -> None:
    removed = (
        await PushDevice.delete()
        .where((PushDevice.id == device_id) & (PushDevice.person == person_id))
        .returning(PushDevice.id)
    )
    if not removed:
        raise not_found("device")


async def renew_device(data: DeviceRenewal, push: PushSettings) -> None:
    """The service worker's new subscription replacing its old one; the old endpoint and
    auth secret prove it is the same browser. 404 for anything else."""
    row = (
        await PushDevice.select(PushDevice.id, PushDevice.auth)
        .where(PushDevice.endpoint == data.old_endpoint)
        .first()
    )
    if row is None or not hmac.compare_digest(row["auth"].encode(), data.old_auth.encode()):
        raise not_found("device")
    new = data.subscription
    _check_push_service(new.endpoint, push)
    server_key = await _known_key(new.server_key, push) if new.server_key else None
    async with PushDevice._meta.db.transaction():
        await PushDevice.delete().where(
            (PushDevice.endpoint == new.endpoint) & (PushDevice.id != row["id"])
        )
        values = {
            PushDevice.endpoint: new.endpoint,
            PushDevice.p256dh: new.keys.p256dh,
            PushDevice.auth: new.keys.auth,
        }
        if server_key:
            values[PushDevice.server_key] = server_key
        await PushDevice.update(values).where(PushDevice.id == row["id"])


async def send_test(person_id: UUID, device_id: UUID) -> UUID:
    """A test reminder to one of her devices, now."""
    theirs = await PushDevice.select(PushDevice.id).where(PushDevice.person == person_id)
    ids = [str(row["id"]) for row in theirs]
    if str(device_id) not in ids:
        raise not_found("device")
    now = _now()
    row = ReminderDue(
        person=person_id,
        kind="test",
        key=f"test:{uuid.uuid4().hex}",
        due_at=now,
        next_at=now,
        # Her other devices count as done already: the test is for this one.
        delivered_to=[i for i in ids if i != str(device_id)],
    )
    await ReminderDue.insert(row)
    return row.id


# Follow-ups and requests


async def add_follow_ups(person_id: UUID, data: FollowUpWrite) -> list[UpcomingRead]:
    """Gentle follow-ups tomorrow or in 3 days (24 or 72 hours from now), moved out of her
    quiet hours (the night, if she has none) and shifts but kept on that day where they can
    be. A day that already has one waiting keeps just that one (she may ask after a check-in
    and again on "after something difficult"). The server learns only that one is due."""
    plan = _with_nights(await plan_of(person_id))
    zone = ZoneInfo(plan.settings.time_zone)
    waiting = await ReminderDue.select(ReminderDue.id, ReminderDue.due_at).where(
        (ReminderDue.person == person_id)
        & (ReminderDue.kind == "follow-up")
        & (ReminderDue.state == "due")
    )
    on_day = {_local_day(row["due_at"], zone): row for row in waiting}
    now = _now()
    answer: list[UpcomingRead] = []
    rows = []
    for hours in sorted(set(data.after_hours)):
        due = place_on_day(plan, now + timedelta(hours=hours))
        if due is None:
            continue
        day = _local_day(due, zone)
        if day in on_day:
            found = on_day[day]
            answer.append(UpcomingRead(id=found["id"], kind="follow-up", due_at=found["due_at"]))
            continue
        key = f"follow-up:{uuid.uuid4().hex}"
        row = ReminderDue(person=person_id, kind="follow-up", key=key, due_at=due, next_at=due)
        rows.append(row)
        on_day[day] = {"id": row.id, "due_at": due}
        answer.append(UpcomingRead(id=row.id, kind="follow-up", due_at=due))
    if rows and len(waiting) + len(rows) > MAX_FOLLOW_UPS:
        raise AppError(
            "You already have several follow-ups coming. You can remove one in Reminders.",
            status=409,
            code="too_many_follow_ups",
        )
    if rows:
        await ReminderDue.insert(*rows)
    return answer


def _local_day(moment: datetime, zone: ZoneInfo):
    """The day a moment falls on by her clock (SQLite gives back naive UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).date()


async def cancel_follow_up(person_id: UUID, due_id: UUID) -> None:
    removed = (
        await ReminderDue.delete()
        .where(
            (ReminderDue.id == due_id)
            & (ReminderDue.person == person_id)
            & (ReminderDue.kind == "follow-up")
            & (ReminderDue.state == "due")
        )
        .returning(ReminderDue.id)
    )
    if not removed:
        raise not_found("follow-up")


async def notify_talk_request(supervisor_id: UUID, request_id: UUID) -> None:
    """A discreet push to a supervisor about a new "I'd like to talk" request — outside
    her quiet hours and shifts; none while she has paused reminders or has no device.
    Never stops the request itself: a push that cannot be arranged is only logged."""
    try:
        await _queue_talk_request(supervisor_id, request_id)
    except Exception:
        logger.exception("the push for a request to talk could not be queued")


async def cancel_talk_request(request_id: UUID) -> None:
    """The request was withdrawn or answered: no push about it any more."""
    await ReminderDue.delete().where(
        (ReminderDue.key == _talk_key(request_id)) & (ReminderDue.state == "due")
    )


def _talk_key(request_id: UUID) -> str:
    return f"talk-request:{request_id}"


async def _queue_talk_request(supervisor_id: UUID, request_id: UUID) -> None:
    if not await PushDevice.exists().where(PushDevice.person == supervisor_id):
        return
    due = place(_with_nights(await plan_of(supervisor_id)), _now(), defer=True)
    if due is None:
        return
    await ReminderDue.insert(
        ReminderDue(
            person=supervisor_id,
            kind="talk-request",
            key=_talk_key(request_id),
            due_at=due,
            next_at=due,
        )
    ).on_conflict(action="DO NOTHING")


async def end_reminders(person_id: UUID) -> None:
    """A closed account gets no more pushes: her devices and waiting reminders go (she
    turns them on again if the account is reopened)."""
    await PushDevice.delete().where(PushDevice.person == person_id)
    await ReminderDue.delete().where(
        (ReminderDue.person == person_id) & (ReminderDue.state == "due")
    )


# Reading it all back


async def upcoming(person_id: UUID, limit: int = UPCOMING) -> list[UpcomingRead]:
    rows = await (
        ReminderDue.select(ReminderDue.id, ReminderDue.kind, ReminderDue.next_at)
        .where(
            (ReminderDue.person == person_id)
            & (ReminderDue.state == "due")
            & (ReminderDue.kind != "test")
        )
        .order_by(ReminderDue.next_at)
        .limit(limit)
    )
    return [UpcomingRead(id=r["id"], kind=r["kind"], due_at=r["next_at"]) for r in rows]


async def overview(person_id: UUID, session_id: UUID, push: PushSettings) -> RemindersRead:
    return RemindersRead(
        public_key=(await keys.current_key(push)).public_key,
        plan=await plan_of(person_id),
        devices=await devices(person_id, session_id),
        upcoming=await upcoming(person_id),
    )
