"""When a person's reminders are due, worked out from her plan alone (no database, no clock).

Every time in a plan is a wall-clock time in her own zone, resolved with zoneinfo and
``fold=0``: a time the clocks skip (01:30 on the morning they go forward) comes an hour
later by the clock, once; a time that happens twice (01:30 on the morning they go back)
comes the first time round, once. Everything returned is in UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo, available_timezones

from server.reminders.schemas import (
    Occurrence,
    ReminderKind,
    ReminderPlan,
    ReminderSettings,
    ShiftKind,
    ShiftPattern,
)

# A deferred reminder that still cannot come within this long is dropped.
GIVE_UP = timedelta(days=8)
# The longest a one-off shift may be, by the clock (a sleep-in).
LONGEST_SHIFT = timedelta(hours=24)
DAY = timedelta(days=1)


class _Shift(NamedTuple):
    """A shift resolved to UTC."""

    start: datetime  # UTC
    end: datetime  # UTC
    kind: ShiftKind
    local_end: datetime  # naive, as written: names its after-shift reminder


@cache
def _known_zones() -> frozenset[str]:
    """IANA zone names a person may choose: not the system's own ``localtime``, nor the
    placeholder ``Factory``."""
    return frozenset(available_timezones() - {"localtime", "Factory"})


def _utc(local: datetime, zone: ZoneInfo) -> datetime:
    """A naive wall-clock moment in ``zone`` as UTC (``fold=0``)."""
    return local.replace(tzinfo=zone).astimezone(UTC)


def _written(local: datetime) -> str:
    """A naive wall-clock moment as "YYYY-MM-DDTHH:MM"."""
    return local.isoformat(timespec="minutes")


def _local_days(start: datetime, end: datetime, zone: ZoneInfo) -> list[date]:
    """Her local dates around the UTC window [start, end): two days to spare before (a
    night that began the day before) and one after, for clock changes near midnight."""
    first = start.astimezone(zone).date() - 2 * DAY
    return [first + n * DAY for n in range((end.astimezone(zone).date() + DAY - first).days + 1)]


# What is wrong with a plan


# Dates are kept to years a rota or a pause can sensibly name (and far from the ends of
# the calendar, where working out "the day after" would fail).
YEARS = range(2000, 2101)
FAR_DATE = "Please choose a date nearer to now."


def _moment_problem(value: str) -> str | None:
    """A "YYYY-MM-DDTHH:MM" that matches the pattern can still name a day that isn't."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return "That date doesn't exist."
    return None if moment.year in YEARS else FAR_DATE


def _settings_problems(settings: ReminderSettings) -> Iterator[tuple[str, str]]:
    if settings.time_zone not in _known_zones():
        yield "settings.time_zone", "We don't know that time zone."
    if settings.quiet_start is None and settings.quiet_end is not None:
        yield "settings.quiet_start", "Choose when quiet hours start, too."
    elif settings.quiet_end is None and settings.quiet_start is not None:
        yield "settings.quiet_end", "Choose when quiet hours end, too."
    elif settings.quiet_start is not None and settings.quiet_start == settings.quiet_end:
        yield "settings.quiet_end", "Quiet hours need to end at a different time from the start."
    for index, clock in enumerate(settings.checkin_times):
        if clock in settings.checkin_times[:index]:
            yield f"settings.checkin_times[{index}]", "That time is already in your list."
    if settings.next_supervision and (message := _moment_problem(settings.next_supervision)):
        yield "settings.next_supervision", message
    if settings.paused_until and settings.paused_until.year not in YEARS:
        yield "settings.paused_until", FAR_DATE


def _shift_problems(plan: ReminderPlan) -> Iterator[tuple[str, str]]:
    seen = set()
    for index, shift in enumerate(plan.shifts):
        path = f"shifts[{index}]"
        if shift.id in seen:
            yield f"{path}.id", "This shift is already in your rota."
        seen.add(shift.id)
        starts = _moment_problem(shift.starts_at)
        ends = _moment_problem(shift.ends_at)
        if starts:
            yield f"{path}.starts_at", starts
        if ends:
            yield f"{path}.ends_at", ends
        if starts or ends:
            continue
        length = datetime.fromisoformat(shift.ends_at) - datetime.fromisoformat(shift.starts_at)
        if length <= timedelta(0):
            yield f"{path}.ends_at", "A shift needs to end after it starts."
        elif length > LONGEST_SHIFT:
            yield f"{path}.ends_at", "A shift can be 24 hours long at most."


def plan_problems(plan: ReminderPlan) -> list[tuple[str, str]]:
    """What is wrong with a plan, as (field path, message for her) pairs; empty if nothing.
    The other functions here expect a plan with no problems."""
    far_pattern = plan.pattern is not None and plan.pattern.starts_on.year not in YEARS
    return [
        *_settings_problems(plan.settings),
        *_shift_problems(plan),
        *([("pattern.starts_on", FAR_DATE)] if far_pattern else []),
    ]


# Shifts


def _pattern_shifts(
    pattern: ShiftPattern | None, days: list[date]
) -> Iterator[tuple[ShiftKind, datetime, datetime]]:
    """(kind, local start, local end) of the pattern's shifts on these days; the pattern
    begins on ``starts_on``."""
    if pattern is None:
        return
    for day in days:
        offset = (day - pattern.starts_on).days
        times = pattern.days[offset % len(pattern.days)]
        if offset < 0 or times is None:
            continue
        start = datetime.combine(day, time.fromisoformat(times.start))
        end = datetime.combine(day, time.fromisoformat(times.end))
        yield times.kind, start, end if end > start else end + DAY


def _local_shifts(
    plan: ReminderPlan, days: list[date]
) -> Iterator[tuple[ShiftKind, datetime, datetime]]:
    """(kind, local start, local end) of the shifts, from the pattern and one-off, that
    touch these days."""
    yield from _pattern_shifts(plan.pattern, days)
    # "YYYY-MM-DDTHH:MM" sorts as time does, so the strings say which to read.
    first, after = days[0].isoformat(), (days[-1] + DAY).isoformat()
    for shift in plan.shifts:
        if shift.ends_at < first or shift.starts_at >= after:
            continue
        start, end = datetime.fromisoformat(shift.starts_at), datetime.fromisoformat(shift.ends_at)
        yield shift.kind, start, end


def _shifts(plan: ReminderPlan, zone: ZoneInfo, start: datetime, end: datetime) -> list[_Shift]:
    """Her shifts that overlap the UTC window [start, end), sorted, without repeats."""
    found = set()
    for kind, local_start, local_end in _local_shifts(plan, _local_days(start, end, zone)):
        shift = _Shift(_utc(local_start, zone), _utc(local_end, zone), kind, local_end)
        # A shift made empty by a clock change (01:30-02:00 the night they go forward) is none.
        if shift.start < end and shift.end > start and shift.start < shift.end:
            found.add(shift)
    return sorted(found)


def shifts_between(
    plan: ReminderPlan, start: datetime, end: datetime
) -> list[tuple[datetime, datetime, str]]:
    """Every shift, from the pattern and the one-off shifts, that overlaps the UTC window
    [start, end), as (start, end, kind) in UTC, sorted."""
    zone = ZoneInfo(plan.settings.time_zone)
    return [(shift.start, shift.end, shift.kind) for shift in _shifts(plan, zone, start, end)]


# Her limits


def _pause_end(settings: ReminderSettings, zone: ZoneInfo) -> datetime | None:
    """The first moment after her pause (the start of the day after ``paused_until``)."""
    if settings.paused_until is None:
        return None
    return _utc(datetime.combine(settings.paused_until + DAY, time()), zone)


def _quiet_end(settings: ReminderSettings, zone: ZoneInfo, moment: datetime) -> datetime | None:
    """When the quiet hours ``moment`` falls in end, or ``None`` if it is not in them."""
    if settings.quiet_start is None or settings.quiet_end is None:
        return None
    quiet_start, quiet_end = map(time.fromisoformat, (settings.quiet_start, settings.quiet_end))
    local = moment.astimezone(zone)
    clock = local.time()
    if quiet_start <= quiet_end:
        if not quiet_start <= clock < quiet_end:
            return None
    elif clock >= quiet_start:
        return _utc(datetime.combine(local.date() + DAY, quiet_end), zone)
    elif clock >= quiet_end:
        return None
    # Ends later today; keeping ``local``'s fold keeps it after ``moment`` in a repeated hour.
    ends = local.replace(hour=quiet_end.hour, minute=quiet_end.minute, second=0, microsecond=0)
    return ends.astimezone(UTC)


def _shift_end(shifts: list[_Shift], moment: datetime) -> datetime | None:
    """When the shifts ``moment`` falls in end, or ``None`` if it is in none."""
    return max((shift.end for shift in shifts if shift.start <= moment < shift.end), default=None)


def _place(
    settings: ReminderSettings,
    zone: ZoneInfo,
    shifts: list[_Shift],
    due_at: datetime,
    *,
    defer: bool,
) -> datetime | None:
    """``place``, given the shifts that may hold it back (none if she doesn't mind)."""
    pause_end = _pause_end(settings, zone)
    if pause_end is not None and due_at < pause_end:
        return None
    moment = due_at
    while moment < due_at + GIVE_UP:
        later = _quiet_end(settings, zone, moment) or _shift_end(shifts, moment)
        if later is None:
            return moment.astimezone(UTC)
        if not defer:
            return None
        moment = later
    return None


def place(plan: ReminderPlan, due_at: datetime, *, defer: bool) -> datetime | None:
    """When a reminder due at ``due_at`` (UTC) may come: ``None`` in a pause; in quiet hours
    or (if she asked) a shift, ``None``, or with ``defer`` the first moment after them
    (``None`` if there is none within ``GIVE_UP``)."""
    settings = plan.settings
    zone = ZoneInfo(settings.time_zone)
    blocking = _shifts(plan, zone, due_at, due_at + GIVE_UP) if settings.never_during_shift else []
    return _place(settings, zone, blocking, due_at, defer=defer)


STEP_BACK = timedelta(minutes=15)


def place_on_day(plan: ReminderPlan, due_at: datetime) -> datetime | None:
    """``place`` for a follow-up promised for a day ("tomorrow", "in 3 days"): moved out of
    her quiet hours and shifts but kept on that local day where it can be, later if that
    stays on the day, else at the last free quarter-hour before (22:30 in a night from 22:00
    comes at 21:45); only when the whole day is taken, the first free moment after."""
    settings = plan.settings
    zone = ZoneInfo(settings.time_zone)
    blocking = _shifts(plan, zone, due_at - timedelta(days=1), due_at + GIVE_UP)
    if not settings.never_during_shift:
        blocking = []
    later = _place(settings, zone, blocking, due_at, defer=True)
    day = due_at.astimezone(zone).date()
    if later is None or later.astimezone(zone).date() == day:
        return later
    # Back to the quarter-hour before it, then a quarter-hour at a time.
    moment = due_at.replace(minute=due_at.minute // 15 * 15, second=0, microsecond=0)
    if moment == due_at:
        moment -= STEP_BACK
    while moment.astimezone(zone).date() == day:
        if _quiet_end(settings, zone, moment) is None and _shift_end(blocking, moment) is None:
            return moment.astimezone(UTC)
        moment -= STEP_BACK
    return later


# Reminders from the plan


def _candidates(
    settings: ReminderSettings,
    zone: ZoneInfo,
    shifts: list[_Shift],
    days: list[date],
) -> Iterator[tuple[datetime, ReminderKind, str]]:
    """(due at, kind, key) of every reminder the plan asks for around these days."""
    for day in days:
        for clock in settings.checkin_times:
            local = datetime.combine(day, time.fromisoformat(clock))
            yield _utc(local, zone), "checkin", f"checkin:{_written(local)}"
    if settings.after_shift_minutes is not None:
        after = timedelta(minutes=settings.after_shift_minutes)
        for shift in shifts:
            yield shift.end + after, "after-shift", f"after-shift:{_written(shift.local_end)}"
    if settings.next_supervision:
        # Hours before by the clock: 24 hours before 10:00 is 10:00 the day before.
        before = timedelta(hours=settings.supervision_hours_before)
        local = datetime.fromisoformat(settings.next_supervision) - before
        yield _utc(local, zone), "supervision", f"supervision:{settings.next_supervision}"


def occurrences(plan: ReminderPlan, start: datetime, end: datetime) -> list[Occurrence]:
    """The reminders her plan makes due in the UTC window [start, end), with her limits
    applied (not deferred), sorted by time, one per key."""
    settings = plan.settings
    zone = ZoneInfo(settings.time_zone)
    # Shifts that ended up to ``after_shift_minutes`` before the window, too.
    reach = timedelta(minutes=(settings.after_shift_minutes or 0) + 1)
    shifts = _shifts(plan, zone, start - reach, end)
    blocking = shifts if settings.never_during_shift else []
    found: dict[str, Occurrence] = {}
    for due_at, kind, key in _candidates(settings, zone, shifts, _local_days(start, end, zone)):
        if not start <= due_at < end:
            continue
        if (placed := _place(settings, zone, blocking, due_at, defer=False)) is not None:
            found[key] = Occurrence(placed, kind, key)
    return sorted(found.values())
