"""Reminders that fit shift work: the schedule worked out from a plan, in the person's own
wall-clock time, across clock changes and far-off zones, with her limits applied."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from server.reminders.schedule import (
    occurrences,
    place,
    place_on_day,
    plan_problems,
    shifts_between,
)
from server.reminders.schemas import (
    OneOffShift,
    ReminderPlan,
    ReminderSettings,
    ShiftPattern,
    ShiftTimes,
)

LONDON = ZoneInfo("Europe/London")
LONG_DAY = ShiftTimes("long-day", "07:00", "19:00")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def make_plan(
    pattern: ShiftPattern | None = None,
    shifts: tuple[OneOffShift, ...] = (),
    **settings,
) -> ReminderPlan:
    settings.setdefault("never_during_shift", False)
    return ReminderPlan(ReminderSettings(**settings), pattern, list(shifts))


def one_off(starts_at: str, ends_at: str, kind: str = "other") -> OneOffShift:
    return OneOffShift(uuid.uuid4(), kind, starts_at, ends_at)


def local(moment: datetime, zone: str = "Europe/London") -> str:
    """A UTC moment as wall-clock time in ``zone``, with the offset, for readable asserts."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %z")


def whole_days(first: date, count: int, zone: ZoneInfo = LONDON) -> tuple[datetime, datetime]:
    """The UTC window covering ``count`` local days from ``first``."""
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(first + timedelta(days=count), datetime.min.time(), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def due(plan: ReminderPlan, start: datetime, end: datetime, kind: str | None = None) -> list:
    return [o for o in occurrences(plan, start, end) if kind is None or o.kind == kind]


# Fixed times across the clock changes (Europe/London, 2026)


def test_a_1930_check_in_stays_1930_by_the_clock_when_the_clocks_go_forward():
    found = due(make_plan(checkin_times=["19:30"]), utc(2026, 3, 27), utc(2026, 3, 31))
    assert [o.due_at for o in found] == [
        utc(2026, 3, 27, 19, 30),
        utc(2026, 3, 28, 19, 30),
        utc(2026, 3, 29, 18, 30),
        utc(2026, 3, 30, 18, 30),
    ]
    assert [o.key for o in found] == [f"checkin:2026-03-{d}T19:30" for d in (27, 28, 29, 30)]


def test_a_1930_check_in_stays_1930_by_the_clock_when_the_clocks_go_back():
    found = due(make_plan(checkin_times=["19:30"]), utc(2026, 10, 24), utc(2026, 10, 27))
    assert [o.due_at for o in found] == [
        utc(2026, 10, 24, 18, 30),
        utc(2026, 10, 25, 19, 30),
        utc(2026, 10, 26, 19, 30),
    ]
    assert {local(o.due_at)[11:16] for o in found} == {"19:30"}


def test_a_0130_check_in_on_the_morning_the_clocks_go_forward_comes_once_an_hour_later():
    found = due(make_plan(checkin_times=["01:30"]), utc(2026, 3, 28), utc(2026, 3, 31))
    assert [(o.key, local(o.due_at)) for o in found] == [
        ("checkin:2026-03-28T01:30", "2026-03-28 01:30 +0000"),
        # 01:30 never happens on 29 March: it comes at 02:30 BST (01:30 GMT).
        ("checkin:2026-03-29T01:30", "2026-03-29 02:30 +0100"),
        ("checkin:2026-03-30T01:30", "2026-03-30 01:30 +0100"),
    ]


def test_a_0130_check_in_on_the_morning_the_clocks_go_back_comes_once_the_first_time_round():
    found = due(make_plan(checkin_times=["01:30"]), utc(2026, 10, 24), utc(2026, 10, 27))
    assert [(o.key, o.due_at) for o in found] == [
        ("checkin:2026-10-24T01:30", utc(2026, 10, 24, 0, 30)),
        # 01:30 happens twice on 25 October: only the first (BST), not 01:30 GMT as well.
        ("checkin:2026-10-25T01:30", utc(2026, 10, 25, 0, 30)),
        ("checkin:2026-10-26T01:30", utc(2026, 10, 26, 1, 30)),
    ]


@pytest.mark.parametrize("first", [date(2026, 3, 27), date(2026, 10, 23)])
def test_cutting_the_time_into_windows_anywhere_never_repeats_or_loses_a_reminder(first: date):
    """The sender asks for one window after another: each reminder must fall in exactly one."""
    plan = make_plan(
        ShiftPattern(first, [ShiftTimes("night", "00:30", "01:30")]),
        checkin_times=["00:30", "01:00", "01:30", "02:00"],
        after_shift_minutes=0,
        next_supervision=f"{first + timedelta(days=3)}T01:30",
        supervision_hours_before=48,
    )
    start, end = whole_days(first, 5)
    whole = occurrences(plan, start, end)
    for step in (timedelta(minutes=30), timedelta(hours=1), timedelta(hours=7)):
        pieces = []
        for k in itertools.count():
            if start + k * step >= end:
                break
            pieces += occurrences(plan, start + k * step, min(start + (k + 1) * step, end))
        assert pieces == whole
    keys = [o.key for o in whole]
    assert len(keys) == len(set(keys)) == 4 * 5 + 5 + 1


# Rotas


def test_four_on_four_off_over_sixteen_days():
    plan = make_plan(ShiftPattern(date(2026, 1, 5), [LONG_DAY] * 4 + [None] * 4))
    found = shifts_between(plan, *whole_days(date(2026, 1, 5), 16))
    assert [start.date().day for start, _, _ in found] == [5, 6, 7, 8, 13, 14, 15, 16]
    assert all(end - start == timedelta(hours=12) for start, end, _ in found)
    assert found[0] == (utc(2026, 1, 5, 7), utc(2026, 1, 5, 19), "long-day")


def test_a_pattern_begins_on_its_first_day_and_not_before():
    plan = make_plan(ShiftPattern(date(2026, 1, 5), [LONG_DAY, None]))
    found = shifts_between(plan, *whole_days(date(2026, 1, 1), 8))
    assert [start.date().day for start, _, _ in found] == [5, 7]


def test_an_earlies_lates_nights_rotation():
    early = ShiftTimes("early", "07:00", "15:00")
    late = ShiftTimes("late", "14:30", "22:30")
    night = ShiftTimes("night", "22:00", "07:30")
    plan = make_plan(ShiftPattern(date(2026, 2, 2), [early, early, late, late, night, night, None]))
    found = shifts_between(plan, *whole_days(date(2026, 2, 2), 14))
    assert [(local(s), local(e)[11:16], kind) for s, e, kind in found[:6]] == [
        ("2026-02-02 07:00 +0000", "15:00", "early"),
        ("2026-02-03 07:00 +0000", "15:00", "early"),
        ("2026-02-04 14:30 +0000", "22:30", "late"),
        ("2026-02-05 14:30 +0000", "22:30", "late"),
        ("2026-02-06 22:00 +0000", "07:30", "night"),
        ("2026-02-07 22:00 +0000", "07:30", "night"),
    ]
    # The second week repeats the first, and the last night ends on the Sunday morning.
    assert [s - timedelta(days=7) for s, _, _ in found[6:]] == [s for s, _, _ in found[:6]]
    assert found[5][1] == utc(2026, 2, 8, 7, 30)


def test_a_window_that_starts_in_the_middle_of_a_night_shift_includes_it():
    plan = make_plan(ShiftPattern(date(2026, 2, 2), [ShiftTimes("night", "21:00", "07:00")]))
    found = shifts_between(plan, utc(2026, 2, 3, 3), utc(2026, 2, 3, 4))
    assert found == [(utc(2026, 2, 2, 21), utc(2026, 2, 3, 7), "night")]
    # A shift that ends as the window starts, or starts as it ends, is not in it.
    assert shifts_between(plan, utc(2026, 2, 3, 7), utc(2026, 2, 3, 21)) == []


@pytest.mark.parametrize(
    ("night_of", "hours"),
    [(date(2026, 3, 28), 9), (date(2026, 10, 24), 11)],
)
def test_a_night_shift_crosses_midnight_and_a_clock_change_by_the_clock(night_of, hours):
    plan = make_plan(ShiftPattern(night_of, [ShiftTimes("night", "21:00", "07:00")]))
    [(start, end, kind)] = shifts_between(plan, *whole_days(night_of, 1))
    assert (local(start)[:16], local(end)[:16], kind) == (
        f"{night_of} 21:00",
        f"{night_of + timedelta(days=1)} 07:00",
        "night",
    )
    assert end - start == timedelta(hours=hours)


def test_a_sleep_in_of_24_hours_as_a_one_off_shift():
    sleep_in = one_off("2026-05-01T09:00", "2026-05-02T09:00", "sleep-in")
    plan = make_plan(
        shifts=(sleep_in,),
        checkin_times=["13:00"],
        after_shift_minutes=30,
        never_during_shift=True,
    )
    assert plan_problems(plan) == []
    start, end = whole_days(date(2026, 4, 30), 4)
    assert shifts_between(plan, start, end) == [
        (utc(2026, 5, 1, 8), utc(2026, 5, 2, 8), "sleep-in")
    ]
    assert [(o.kind, o.key) for o in occurrences(plan, start, end)] == [
        ("checkin", "checkin:2026-04-30T13:00"),
        # None at 13:00 on 1 May, while she is at work; on 2 May she has gone home.
        ("after-shift", "after-shift:2026-05-02T09:00"),
        ("checkin", "checkin:2026-05-02T13:00"),
        ("checkin", "checkin:2026-05-03T13:00"),
    ]
    assert local(occurrences(plan, start, end)[1].due_at) == "2026-05-02 09:30 +0100"


def test_a_24_hour_sleep_in_over_the_clocks_going_back_is_25_hours_and_allowed():
    plan = make_plan(shifts=(one_off("2026-10-24T21:00", "2026-10-25T21:00", "sleep-in"),))
    assert plan_problems(plan) == []
    [(start, end, _)] = shifts_between(plan, utc(2026, 10, 24), utc(2026, 10, 26))
    assert end - start == timedelta(hours=25)


# After a shift


def test_a_check_in_30_minutes_after_each_shift_ends():
    plan = make_plan(
        ShiftPattern(date(2026, 1, 5), [LONG_DAY] * 4 + [None] * 4),
        after_shift_minutes=30,
        never_during_shift=True,
    )
    found = occurrences(plan, *whole_days(date(2026, 1, 5), 16))
    assert [o.kind for o in found] == ["after-shift"] * 8
    assert [local(o.due_at)[8:16] for o in found] == [
        f"{day:02} 19:30" for day in (5, 6, 7, 8, 13, 14, 15, 16)
    ]
    assert found[0].key == "after-shift:2026-01-05T19:00"


def test_an_after_shift_reminder_for_a_night_names_the_morning_it_ended():
    plan = make_plan(
        ShiftPattern(date(2026, 3, 28), [ShiftTimes("night", "21:00", "07:00"), None]),
        after_shift_minutes=30,
    )
    [found] = occurrences(plan, *whole_days(date(2026, 3, 28), 2))
    assert (found.key, local(found.due_at)) == (
        "after-shift:2026-03-29T07:00",
        "2026-03-29 07:30 +0100",
    )


def test_an_after_shift_reminder_due_as_the_window_opens_is_in_it():
    plan = make_plan(
        shifts=(one_off("2026-06-01T08:00", "2026-06-01T16:00"),), after_shift_minutes=30
    )
    # 16:30 BST is 15:30 UTC.
    assert [o.due_at for o in occurrences(plan, utc(2026, 6, 1, 15, 30), utc(2026, 6, 2))] == [
        utc(2026, 6, 1, 15, 30)
    ]
    assert occurrences(plan, utc(2026, 6, 1, 15, 31), utc(2026, 6, 2)) == []
    assert occurrences(plan, utc(2026, 6, 1), utc(2026, 6, 1, 15, 30)) == []


def test_an_after_shift_reminder_is_not_held_back_by_the_shift_that_ended():
    plan = make_plan(
        shifts=(one_off("2026-06-01T08:00", "2026-06-01T16:00"),),
        after_shift_minutes=0,
        never_during_shift=True,
    )
    [found] = occurrences(plan, utc(2026, 6, 1), utc(2026, 6, 2))
    assert local(found.due_at) == "2026-06-01 16:00 +0100"


def test_an_after_shift_reminder_is_dropped_once_another_shift_has_started():
    shifts = (
        one_off("2026-06-01T06:00", "2026-06-01T14:00"),
        one_off("2026-06-01T14:15", "2026-06-01T22:00"),
    )
    plan = make_plan(shifts=shifts, after_shift_minutes=30, never_during_shift=True)
    found = occurrences(plan, utc(2026, 6, 1), utc(2026, 6, 2))
    assert [o.key for o in found] == ["after-shift:2026-06-01T22:00"]
    relaxed = make_plan(shifts=shifts, after_shift_minutes=30, never_during_shift=False)
    assert len(occurrences(relaxed, utc(2026, 6, 1), utc(2026, 6, 2))) == 2


def test_an_after_shift_reminder_in_quiet_hours_or_a_pause_is_dropped():
    night = ShiftPattern(date(2026, 6, 1), [ShiftTimes("night", "21:00", "07:00")])
    quiet = make_plan(night, after_shift_minutes=30, quiet_start="22:00", quiet_end="08:00")
    assert occurrences(quiet, *whole_days(date(2026, 6, 2), 3)) == []
    paused = make_plan(night, after_shift_minutes=30, paused_until=date(2026, 6, 3))
    assert [o.key for o in occurrences(paused, *whole_days(date(2026, 6, 2), 3))] == [
        "after-shift:2026-06-04T07:00"
    ]


# Her limits


def test_quiet_hours_that_run_past_midnight():
    plan = make_plan(
        checkin_times=["06:59", "07:00", "21:59", "22:00", "23:30"],
        quiet_start="22:00",
        quiet_end="07:00",
    )
    found = occurrences(plan, *whole_days(date(2026, 6, 1), 2))
    assert [o.key[8:] for o in found] == [
        "2026-06-01T07:00",
        "2026-06-01T21:59",
        "2026-06-02T07:00",
        "2026-06-02T21:59",
    ]


def test_quiet_hours_within_one_day():
    plan = make_plan(
        checkin_times=["12:59", "13:00", "14:59", "15:00"], quiet_start="13:00", quiet_end="15:00"
    )
    found = occurrences(plan, *whole_days(date(2026, 6, 1), 1))
    assert [o.key[-5:] for o in found] == ["12:59", "15:00"]


def test_never_during_shift_drops_a_check_in_in_a_shift_and_keeps_it_when_turned_off():
    pattern = ShiftPattern(date(2026, 6, 1), [LONG_DAY, None])
    times = ["06:59", "07:00", "12:00", "19:00"]
    window = whole_days(date(2026, 6, 1), 1)
    on = make_plan(pattern, checkin_times=times, never_during_shift=True)
    assert [o.key[-5:] for o in occurrences(on, *window)] == ["06:59", "19:00"]
    off = make_plan(pattern, checkin_times=times, never_during_shift=False)
    assert [o.key[-5:] for o in occurrences(off, *window)] == times
    # On a day off, nothing is held back.
    assert len(occurrences(on, *whole_days(date(2026, 6, 2), 1))) == 4


def test_a_pause_lasts_until_the_end_of_its_last_day_in_her_zone():
    plan = make_plan(checkin_times=["00:00", "23:30"], paused_until=date(2026, 6, 10))
    found = occurrences(plan, *whole_days(date(2026, 6, 9), 3))
    assert [(o.key, o.due_at) for o in found] == [
        ("checkin:2026-06-11T00:00", utc(2026, 6, 10, 23)),
        ("checkin:2026-06-11T23:30", utc(2026, 6, 11, 22, 30)),
    ]
    assert place(plan, utc(2026, 6, 10, 22, 59), defer=True) is None
    assert place(plan, utc(2026, 6, 10, 23), defer=False) == utc(2026, 6, 10, 23)


def test_a_pause_in_auckland_ends_at_her_midnight_not_londons():
    plan = make_plan(time_zone="Pacific/Auckland", paused_until=date(2026, 6, 10))
    # Midnight at the end of 10 June in Auckland (NZST, +12) is 12:00 UTC on the 10th.
    assert place(plan, utc(2026, 6, 10, 11, 59), defer=False) is None
    assert place(plan, utc(2026, 6, 10, 12), defer=False) == utc(2026, 6, 10, 12)


def test_a_deferred_follow_up_waits_for_quiet_hours_and_then_the_shift_that_follows():
    plan = make_plan(
        shifts=(one_off("2026-06-02T07:00", "2026-06-02T19:00", "long-day"),),
        quiet_start="22:00",
        quiet_end="07:00",
        never_during_shift=True,
    )
    due_at = utc(2026, 6, 1, 22)  # 23:00 BST
    assert place(plan, due_at, defer=False) is None
    assert local(place(plan, due_at, defer=True)) == "2026-06-02 19:00 +0100"
    # Without the shift, only the quiet hours hold it back.
    off = make_plan(quiet_start="22:00", quiet_end="07:00")
    assert local(place(off, due_at, defer=True)) == "2026-06-02 07:00 +0100"


def test_a_reminder_outside_her_limits_is_not_moved():
    plan = make_plan(quiet_start="22:00", quiet_end="07:00", never_during_shift=True)
    moment = utc(2026, 6, 1, 12, 34, 56)
    assert place(plan, moment, defer=True) == moment
    assert place(plan, moment, defer=False) == moment


def test_a_deferred_reminder_that_cannot_come_within_8_days_is_dropped():
    days = [date(2026, 6, 1) + timedelta(days=n) for n in range(10)]
    shifts = tuple(
        one_off(f"{d}T09:00", f"{d + timedelta(days=1)}T09:00", "sleep-in") for d in days
    )
    plan = make_plan(shifts=shifts, never_during_shift=True)
    assert place(plan, utc(2026, 6, 1, 12), defer=True) is None
    # With one shift fewer she is free on the morning of 10 June.
    shorter = make_plan(shifts=shifts[:8], never_during_shift=True)
    assert local(place(shorter, utc(2026, 6, 1, 12), defer=True)) == "2026-06-09 09:00 +0100"


def test_a_follow_up_deferred_over_the_clocks_going_back_leaves_quiet_hours_at_their_end():
    plan = make_plan(quiet_start="00:30", quiet_end="01:45")
    # 01:15 GMT, the second time round: quiet hours end at 01:45 GMT, not 01:45 BST.
    assert place(plan, utc(2026, 10, 25, 1, 15), defer=True) == utc(2026, 10, 25, 1, 45)
    # 01:15 BST, the first time round: they end at 01:45 BST, and begin again at 01:00 GMT.
    assert place(plan, utc(2026, 10, 25, 0, 15), defer=True) == utc(2026, 10, 25, 0, 45)
    assert place(plan, utc(2026, 10, 25, 0, 50), defer=False) == utc(2026, 10, 25, 0, 50)
    assert place(plan, utc(2026, 10, 25, 1, 5), defer=False) is None


@pytest.mark.parametrize(
    ("due_at", "expected"),
    [
        # 24 h after a check-in at 22:30 falls in the night: the last free quarter-hour
        # before it, still "tomorrow".
        (utc(2026, 11, 24, 22, 30), "2026-11-24 21:45 +0000"),
        (utc(2026, 11, 24, 23, 59), "2026-11-24 21:45 +0000"),
        # After a night shift's small hours: the morning of the same day.
        (utc(2026, 11, 24, 2), "2026-11-24 08:00 +0000"),
        (utc(2026, 11, 24, 12, 34), "2026-11-24 12:34 +0000"),
        # Summer time: the night is 22:00-08:00 by her clock.
        (utc(2026, 6, 10, 21, 30), "2026-06-10 21:45 +0100"),
    ],
)
def test_a_follow_up_stays_on_the_day_it_was_promised_for(due_at, expected):
    plan = make_plan(quiet_start="22:00", quiet_end="08:00")
    assert local(place_on_day(plan, due_at)) == expected


def test_a_follow_up_on_a_day_taken_up_by_shifts_and_quiet_hours_comes_after_them():
    long_day = (one_off("2026-06-02T07:00", "2026-06-02T22:00", "long-day"),)
    plan = make_plan(
        shifts=long_day, quiet_start="22:00", quiet_end="06:00", never_during_shift=True
    )
    # In the shift with the night to follow: back to before the shift began.
    assert local(place_on_day(plan, utc(2026, 6, 2, 20))) == "2026-06-02 06:45 +0100"
    # Quiet until the shift starts and from when it ends: the morning after.
    taken = make_plan(
        shifts=long_day, quiet_start="22:00", quiet_end="07:00", never_during_shift=True
    )
    assert local(place_on_day(taken, utc(2026, 6, 2, 20))) == "2026-06-03 07:00 +0100"
    whole = make_plan(
        shifts=(one_off("2026-06-02T00:00", "2026-06-03T00:00", "sleep-in"),),
        never_during_shift=True,
    )
    # The whole day is a sleep-in: the first free moment after it.
    assert local(place_on_day(whole, utc(2026, 6, 2, 10))) == "2026-06-03 00:00 +0100"
    # In a pause: nothing.
    paused = make_plan(paused_until=date(2026, 6, 5))
    assert place_on_day(paused, utc(2026, 6, 2, 10)) is None


# Far-off zones and moving between them


@pytest.mark.parametrize(
    ("zone", "day", "clock", "expected"),
    [
        ("Pacific/Auckland", date(2026, 1, 15), "07:00", utc(2026, 1, 14, 18)),  # NZDT +13
        ("Pacific/Auckland", date(2026, 7, 15), "07:00", utc(2026, 7, 14, 19)),  # NZST +12
        ("Pacific/Kiritimati", date(2026, 1, 2), "07:00", utc(2026, 1, 1, 17)),  # +14
        ("Pacific/Pago_Pago", date(2026, 1, 1), "19:30", utc(2026, 1, 2, 6, 30)),  # -11
        ("America/St_Johns", date(2026, 1, 15), "19:30", utc(2026, 1, 15, 23)),  # -3:30
        ("America/St_Johns", date(2026, 7, 15), "19:30", utc(2026, 7, 15, 22)),  # -2:30
    ],
)
def test_check_ins_far_from_utc_come_at_her_local_time_each_day(zone, day, clock, expected):
    plan = make_plan(time_zone=zone, checkin_times=[clock])
    # One UTC day holds exactly one of her check-ins, whichever local day it belongs to.
    [found] = occurrences(
        plan, expected.replace(hour=0, minute=0), expected.replace(hour=23, minute=59)
    )
    assert (found.due_at, found.key) == (expected, f"checkin:{day}T{clock}")
    several = occurrences(plan, expected - timedelta(days=3), expected + timedelta(days=3))
    assert len(several) == 6
    assert {local(o.due_at, zone)[11:16] for o in several} == {clock}


def test_a_night_shift_in_auckland_when_the_clocks_go_back_there():
    # New Zealand's clocks go back at 03:00 on 5 April 2026.
    plan = make_plan(
        ShiftPattern(date(2026, 4, 4), [ShiftTimes("night", "22:00", "08:00")]),
        time_zone="Pacific/Auckland",
        after_shift_minutes=30,
    )
    start, end = whole_days(date(2026, 4, 4), 1, ZoneInfo("Pacific/Auckland"))
    [(shift_start, shift_end, _)] = shifts_between(plan, start, end)
    assert shift_end - shift_start == timedelta(hours=11)
    assert local(shift_end, "Pacific/Auckland") == "2026-04-05 08:00 +1200"


def test_the_same_plan_in_a_new_time_zone_comes_at_the_same_local_time():
    london = make_plan(checkin_times=["19:30"])
    kolkata = make_plan(checkin_times=["19:30"], time_zone="Asia/Kolkata")
    window = (utc(2026, 6, 15), utc(2026, 6, 16))
    [in_london] = occurrences(london, *window)
    [in_kolkata] = occurrences(kolkata, *window)
    assert in_london.key == in_kolkata.key == "checkin:2026-06-15T19:30"
    assert in_london.due_at == utc(2026, 6, 15, 18, 30)
    assert in_kolkata.due_at == utc(2026, 6, 15, 14)
    assert local(in_kolkata.due_at, "Asia/Kolkata") == "2026-06-15 19:30 +0530"


# Supervision


def test_a_reminder_the_chosen_hours_before_supervision_by_the_clock():
    plan = make_plan(next_supervision="2026-03-30T10:00")
    [found] = occurrences(plan, utc(2026, 3, 25), utc(2026, 4, 5))
    # 24 hours before 10:00 on Monday is 10:00 on Sunday, though the clocks went forward between.
    assert (found.kind, found.key) == ("supervision", "supervision:2026-03-30T10:00")
    assert local(found.due_at) == "2026-03-29 10:00 +0100"
    earlier = make_plan(next_supervision="2026-03-30T10:00", supervision_hours_before=3)
    assert [o.due_at for o in occurrences(earlier, utc(2026, 3, 25), utc(2026, 4, 5))] == [
        utc(2026, 3, 30, 6)
    ]


def test_a_supervision_reminder_respects_her_limits_and_the_window():
    plan = make_plan(next_supervision="2026-06-10T09:00", supervision_hours_before=12)
    assert occurrences(plan, utc(2026, 6, 9, 21), utc(2026, 6, 10)) == []
    assert len(occurrences(plan, utc(2026, 6, 9, 20), utc(2026, 6, 9, 21))) == 1
    quiet = make_plan(
        next_supervision="2026-06-10T09:00",
        supervision_hours_before=12,
        quiet_start="21:00",
        quiet_end="07:00",
    )
    assert occurrences(quiet, utc(2026, 6, 9), utc(2026, 6, 11)) == []


def test_everything_together_is_sorted_by_time():
    plan = make_plan(
        ShiftPattern(date(2026, 6, 1), [LONG_DAY]),
        checkin_times=["20:00", "06:00"],
        after_shift_minutes=60,
        next_supervision="2026-06-02T12:00",
    )
    found = occurrences(plan, *whole_days(date(2026, 6, 1), 1))
    assert [o.key for o in found] == [
        "checkin:2026-06-01T06:00",
        "supervision:2026-06-02T12:00",
        "after-shift:2026-06-01T19:00",
        "checkin:2026-06-01T20:00",
    ]
    assert found == sorted(found)


# What is wrong with a plan


def test_a_sensible_plan_has_no_problems():
    plan = make_plan(
        ShiftPattern(date(2026, 1, 5), [LONG_DAY, None]),
        shifts=(one_off("2026-01-10T21:00", "2026-01-11T07:00", "night"),),
        time_zone="America/St_Johns",
        checkin_times=["07:30", "19:30"],
        quiet_start="22:00",
        quiet_end="07:00",
        next_supervision="2026-02-01T10:00",
    )
    assert plan_problems(plan) == []


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../etc", "localtime", "Europe", "UTC/../x"])
def test_an_unknown_time_zone_is_a_problem(zone: str):
    assert plan_problems(make_plan(time_zone=zone)) == [
        ("settings.time_zone", "We don't know that time zone.")
    ]


@pytest.mark.parametrize(
    ("start", "end", "problem"),
    [
        ("22:00", None, ("settings.quiet_end", "Choose when quiet hours end, too.")),
        (None, "07:00", ("settings.quiet_start", "Choose when quiet hours start, too.")),
        (
            "07:00",
            "07:00",
            ("settings.quiet_end", "Quiet hours need to end at a different time from the start."),
        ),
    ],
)
def test_quiet_hours_need_a_start_and_a_different_end(start, end, problem):
    assert plan_problems(make_plan(quiet_start=start, quiet_end=end)) == [problem]


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "problem"),
    [
        ("2026-01-10T09:00", "2026-01-10T09:00", "A shift needs to end after it starts."),
        ("2026-01-10T09:00", "2026-01-10T08:00", "A shift needs to end after it starts."),
        ("2026-01-10T09:00", "2026-01-11T09:01", "A shift can be 24 hours long at most."),
    ],
)
def test_a_one_off_shift_must_end_after_it_starts_and_last_24_hours_at_most(
    starts_at, ends_at, problem
):
    shifts = (one_off("2026-01-09T09:00", "2026-01-09T17:00"), one_off(starts_at, ends_at))
    assert plan_problems(make_plan(shifts=shifts)) == [("shifts[1].ends_at", problem)]


def test_a_date_that_does_not_exist_is_a_problem():
    plan = make_plan(
        shifts=(one_off("2026-02-30T09:00", "2026-03-01T09:00"),),
        next_supervision="2026-04-31T10:00",
    )
    assert plan_problems(plan) == [
        ("settings.next_supervision", "That date doesn't exist."),
        ("shifts[0].starts_at", "That date doesn't exist."),
    ]


def test_two_shifts_with_the_same_id_are_a_problem():
    first = one_off("2026-01-09T09:00", "2026-01-09T17:00")
    again = OneOffShift(first.id, "late", "2026-01-10T14:00", "2026-01-10T22:00")
    other = one_off("2026-01-11T09:00", "2026-01-11T17:00")
    assert plan_problems(make_plan(shifts=(first, other, again))) == [
        ("shifts[2].id", "This shift is already in your rota.")
    ]


def test_the_same_check_in_time_twice_is_a_problem():
    plan = make_plan(checkin_times=["07:00", "19:30", "07:00"])
    assert plan_problems(plan) == [
        ("settings.checkin_times[2]", "That time is already in your list.")
    ]


def test_working_it_out_twice_over_never_makes_two_of_a_reminder():
    night = ShiftTimes("night", "21:00", "07:00")
    plan = make_plan(
        ShiftPattern(date(2026, 6, 1), [night]),
        shifts=(one_off("2026-06-01T21:00", "2026-06-02T07:00", "night"),),
        checkin_times=["12:00", "12:00"],
        after_shift_minutes=30,
    )
    found = occurrences(plan, *whole_days(date(2026, 6, 2), 1))
    assert [o.key for o in found] == [
        "after-shift:2026-06-02T07:00",
        "checkin:2026-06-02T12:00",
    ]


def test_a_one_off_shift_that_began_days_before_the_window_still_holds_back_a_check_in():
    plan = make_plan(
        shifts=(
            one_off("2026-06-01T20:00", "2026-06-02T20:00", "sleep-in"),
            one_off("2026-05-01T09:00", "2026-05-01T17:00"),
            one_off("2026-07-01T09:00", "2026-07-01T17:00"),
        ),
        checkin_times=["19:00"],
        never_during_shift=True,
    )
    window = (utc(2026, 6, 2, 17), utc(2026, 6, 2, 19))
    assert shifts_between(plan, *window) == [(utc(2026, 6, 1, 19), utc(2026, 6, 2, 19), "sleep-in")]
    assert occurrences(plan, *window) == []
    assert place(plan, utc(2026, 6, 2, 18), defer=True) == utc(2026, 6, 2, 19)
