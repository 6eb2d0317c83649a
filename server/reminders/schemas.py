"""Reminder plans, shifts, devices and follow-ups: what the server needs to send a gentle
nudge at the right moment, and nothing about why.

Times a person gives are wall-clock times in her own IANA time zone ("07:00", or
"2026-12-01T07:00" for a one-off): a rota is written in local time, so it stays right
across daylight-saving changes and when she moves to another zone.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from msgspec import Meta, Struct, field

# "HH:MM", 24-hour clock.
Clock = Annotated[str, Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
# "YYYY-MM-DDTHH:MM", a wall-clock moment in the plan's time zone.
LocalMoment = Annotated[
    str, Meta(pattern=r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d$")
]
TimeZoneName = Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_+\-/]+$")]
ShiftKind = Literal["early", "late", "long-day", "night", "sleep-in", "other"]
Wording = Literal["discreet", "named"]
# What a reminder is for. The push payload carries only this and an id: the service worker
# holds the words, so nothing personal is ever in a push message.
ReminderKind = Literal["checkin", "after-shift", "follow-up", "supervision", "talk-request", "test"]
FollowUpHours = Literal[24, 72]


class ShiftTimes(Struct, frozen=True, forbid_unknown_fields=True):
    """One day's shift in a repeating pattern; an ``end`` at or before ``start`` is the
    next morning (a night or a sleep-in)."""

    kind: ShiftKind
    start: Clock
    end: Clock


class ShiftPattern(Struct, frozen=True, forbid_unknown_fields=True):
    """A rota that repeats: ``days[0]`` is ``starts_on``, then one entry a day, ``None`` for
    a day off; after the last entry it starts again (4 on / 4 off is 8 entries)."""

    starts_on: date
    days: Annotated[list[ShiftTimes | None], Meta(min_length=1, max_length=28)]


class OneOffShift(Struct, frozen=True, forbid_unknown_fields=True):
    """A single shift, in local wall-clock time; it may end the next day."""

    id: UUID
    kind: ShiftKind
    starts_at: LocalMoment
    ends_at: LocalMoment


class ReminderSettings(Struct, frozen=True, forbid_unknown_fields=True):
    """When reminders may come. Everything is off until she turns something on."""

    time_zone: TimeZoneName = "Europe/London"
    # Check-in reminders at fixed times each day.
    checkin_times: Annotated[list[Clock], Meta(max_length=4)] = []
    # A check-in reminder this many minutes after each shift ends; ``None`` for none.
    after_shift_minutes: Annotated[int, Meta(ge=0, le=240)] | None = None
    # No reminders between these times (may run past midnight); both or neither.
    quiet_start: Clock | None = None
    quiet_end: Clock | None = None
    never_during_shift: bool = True
    # Nothing at all until the end of this day (a holiday).
    paused_until: date | None = None
    # A reminder this many hours before her next supervision.
    next_supervision: LocalMoment | None = None
    supervision_hours_before: Annotated[int, Meta(ge=1, le=72)] = 24
    # How a notification reads on the lock screen.
    wording: Wording = "discreet"


class ReminderPlan(Struct, frozen=True, forbid_unknown_fields=True):
    """Everything the schedule is computed from (stored as one JSON document)."""

    settings: ReminderSettings = field(default_factory=ReminderSettings)
    pattern: ShiftPattern | None = None
    shifts: Annotated[list[OneOffShift], Meta(max_length=200)] = []


class Occurrence(Struct, frozen=True, order=True):
    """One reminder the schedule says is due: sorted by time. ``key`` names it uniquely
    for its person (kind and local wall-clock moment), so working it out twice can never
    make two reminders."""

    due_at: datetime  # UTC
    kind: ReminderKind
    key: str


# API bodies


class ShiftWrite(Struct, frozen=True, forbid_unknown_fields=True):
    kind: ShiftKind
    starts_at: LocalMoment
    ends_at: LocalMoment


class SubscriptionKeys(Struct, frozen=True, forbid_unknown_fields=True):
    p256dh: Annotated[str, Meta(min_length=80, max_length=100, pattern=r"^[A-Za-z0-9_-]+=*$")]
    auth: Annotated[str, Meta(min_length=16, max_length=32, pattern=r"^[A-Za-z0-9_-]+=*$")]


class DeviceWrite(Struct, frozen=True):
    """A browser's ``PushSubscription.toJSON()`` (unknown fields are ignored)."""

    endpoint: Annotated[str, Meta(min_length=12, max_length=1000, pattern=r"^https://\S+$")]
    keys: SubscriptionKeys
    # The applicationServerKey it subscribed with (the current one when absent).
    server_key: Annotated[str, Meta(max_length=100)] | None = None


class DeviceRenewal(Struct, frozen=True, forbid_unknown_fields=True):
    """From the service worker after ``pushsubscriptionchange``: the old subscription's
    endpoint and auth secret prove it is the same browser."""

    old_endpoint: Annotated[str, Meta(min_length=12, max_length=1000)]
    old_auth: Annotated[str, Meta(min_length=16, max_length=32)]
    subscription: DeviceWrite


class DeviceRead(Struct, frozen=True):
    id: UUID
    label: str
    endpoint_origin: str
    created_at: datetime
    last_sent_at: datetime | None
    this_device: bool


class FollowUpWrite(Struct, frozen=True, forbid_unknown_fields=True):
    after_hours: Annotated[list[FollowUpHours], Meta(min_length=1, max_length=2)]


class UpcomingRead(Struct, frozen=True):
    id: UUID
    kind: ReminderKind
    due_at: datetime


class RemindersRead(Struct, frozen=True):
    public_key: str
    plan: ReminderPlan
    devices: list[DeviceRead]
    # The next few reminders (follow-ups included), soonest first.
    upcoming: list[UpcomingRead]


class PushPayload(Struct, frozen=True):
    """Exactly what a push message carries, encrypted to the device."""

    kind: ReminderKind
    id: str
    wording: Wording
