"""How pushes are faring, for an organisation's admins: counts only, never a person."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from uuid import UUID

from msgspec import Struct
from piccolo.query.functions.aggregate import Sum

from server.accounts.tables import Person
from server.reminders.push import origin_of
from server.reminders.tables import PushDevice, PushOutcomeCount, ReminderDue
from server.sharing.rules import MIN_GROUP

DAYS = 14


class ServiceHealth(Struct, frozen=True):
    """One push service (e.g. ``https://fcm.googleapis.com``) over the last fortnight, or
    "other" for those each used by fewer than 5 of the organisation's devices."""

    service: str
    delivered: int = 0
    gone: int = 0
    retry: int = 0
    rejected: int = 0


class PushHealth(Struct, frozen=True):
    days: int
    services: list[ServiceHealth]
    devices: int
    # Reminders whose time has come and that are not sent yet (a few are normal: they are
    # being sent, or waiting for a push service that asked for patience).
    waiting: int
    oldest_waiting_since: datetime | None


async def push_health(organisation_id: UUID) -> PushHealth:
    """Counts per push service. A service used by fewer than 5 devices here is folded into
    "other" (and that too is left out under 5): which browser one person uses, and how
    often she is reminded, is not for an admin to see."""
    now = datetime.now(UTC)
    rows = await PushOutcomeCount.select(
        PushOutcomeCount.service, PushOutcomeCount.result, PushOutcomeCount.count
    ).where(
        (PushOutcomeCount.organisation == organisation_id)
        & (PushOutcomeCount.day >= (now - timedelta(days=DAYS - 1)).date())
    )
    totals: dict[str, dict[str, int]] = {}
    for row in rows:
        counts = totals.setdefault(row["service"], {})
        counts[row["result"]] = counts.get(row["result"], 0) + row["count"]
    people = Person.select(Person.id).where(Person.organisation == organisation_id)
    endpoints = await PushDevice.select(PushDevice.endpoint).where(PushDevice.person.is_in(people))
    in_use = Counter(service_of(row["endpoint"]) for row in endpoints)
    shown = {service for service, devices in in_use.items() if devices >= MIN_GROUP}
    others = sum(devices for service, devices in in_use.items() if service not in shown)
    merged: dict[str, dict[str, int]] = {}
    for service, counts in totals.items():
        name = service if service in shown else "other"
        if name == "other" and others < MIN_GROUP:
            continue
        into = merged.setdefault(name, {})
        for result, count in counts.items():
            into[result] = into.get(result, 0) + count
    waiting = await (
        ReminderDue.select(ReminderDue.next_at)
        .where(
            ReminderDue.person.is_in(people)
            & ReminderDue.state.is_in(["due", "sending"])
            & (ReminderDue.next_at <= now)
        )
        .order_by(ReminderDue.next_at)
    )
    return PushHealth(
        days=DAYS,
        services=[ServiceHealth(service, **counts) for service, counts in sorted(merged.items())],
        devices=len(endpoints),
        waiting=len(waiting),
        oldest_waiting_since=waiting[0]["next_at"] if waiting else None,
    )


async def outcome_totals() -> dict[tuple[str, str], int]:
    """Pushes ever counted, by (push service, result), all organisations together."""
    rows = await PushOutcomeCount.select(
        PushOutcomeCount.service,
        PushOutcomeCount.result,
        Sum(PushOutcomeCount.count).as_alias("count"),
    ).group_by(PushOutcomeCount.service, PushOutcomeCount.result)
    return {(row["service"], row["result"]): int(row["count"]) for row in rows}


def service_of(endpoint: str) -> str:
    """The push service an endpoint belongs to (its origin), as outcomes are counted."""
    try:
        return origin_of(endpoint)[:120]
    except ValueError:
        return "unknown"
