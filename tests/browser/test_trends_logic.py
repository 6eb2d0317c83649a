"""Unit tests of the on-device pattern logic (pwa/js/trends.js) and reflection scoring
(pwa/js/reflection.js), run in Chromium against the app's own modules."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page

from server.reflection.instrument import DEFAULT_INSTRUMENT
from tests.browser.accounts import asset_root
from tests.browser.pages import TendApp

pytestmark = pytest.mark.browser


@pytest.fixture
def js(page: Page, live_server):
    TendApp(page).open("/")
    root = asset_root(page)

    def run(body: str, arg=None):
        return page.evaluate(
            f"""async ({{root, arg}}) => {{
                const t = await import(`${{root}}/js/trends.js`);
                const r = await import(`${{root}}/js/reflection.js`);
                const days = (checkins) => t.summariseDays(checkins);
                {body}
            }}""",
            {"root": root, "arg": arg},
        )

    return run


def day(key: str, **fields) -> dict:
    return {"day": key, "stress": None, "energy": None, "sleep": None, "helped": [],
            "context": None, "difficult": False, **fields}  # fmt: skip


def test_days_merge_several_check_ins_and_skip_unreadable_ones(js):
    checkins = [
        day("2026-11-02", stress=2, helped=["rest"], context="on-shift"),
        day("2026-11-02", stress=4, energy=3, helped=["music"], difficult=True),
        day("2026-11-01", sleep=5, stress=7),  # 7 is not on the scale
        {"id": "x", "unreadable": True},
    ]
    summary = js(
        """return days(arg).map((d) => ({...d, helped: [...d.helped].sort(),
           contexts: [...d.contexts]}));""",
        checkins,
    )
    assert summary == [
        {"day": "2026-11-01", "helped": [], "contexts": [], "difficult": False, "count": 1,
         "stress": None, "energy": None, "sleep": 5},
        {"day": "2026-11-02", "helped": ["music", "rest"], "contexts": ["on-shift"],
         "difficult": True, "count": 2, "stress": 3, "energy": 3, "sleep": None},
    ]  # fmt: skip


def test_calendar_days_cross_months_and_leave_gaps(js):
    got = js(
        """return {
             after: t.addDays('2026-02-27', 3), before: t.addDays('2026-03-01', -1),
             between: t.daysBetween('2025-12-30', '2026-01-02'),
             series: t.series(days(arg), 'stress', '2026-03-02', 4),
           };""",
        [day("2026-02-27", stress=2), day("2026-03-02", stress=5)],
    )
    assert got["after"] == "2026-03-02"
    assert got["before"] == "2026-02-28"
    assert got["between"] == 3
    assert got["series"] == [
        {"day": "2026-02-27", "value": 2}, {"day": "2026-02-28", "value": None},
        {"day": "2026-03-01", "value": None}, {"day": "2026-03-02", "value": 5},
    ]  # fmt: skip


def test_recovery_balance_counts_demanding_days_against_days_with_recovery(js):
    checkins = [
        day("2026-11-01", stress=4),  # demanding
        day("2026-11-02", difficult=True, helped=["talking to someone"]),  # both
        day("2026-11-03", context="night-shift", stress=2),  # demanding (night shift)
        day("2026-11-04", context="day-off", stress=5),  # both
        day("2026-11-05", stress=3, context="on-shift"),  # neither
        day("2026-11-06", helped=["rest"]),  # recovery
    ]
    assert js("return t.recoveryBalance(days(arg));", checkins) == {
        "demanding": 4,
        "recovery": 3,
        "days": 6,
    }
    assert js("return t.recoveryBalance([]);") == {"demanding": 0, "recovery": 0, "days": 0}


def test_days_since_a_day_off_and_the_latest_run_of_shifts(js):
    checkins = [
        day("2026-11-01", context="day-off"),
        day("2026-11-02", context="on-shift"),
        day("2026-11-04", context="sleep-in"),  # the 3rd is missing: a new run starts
        day("2026-11-05", context="night-shift"),
        day("2026-11-06", context="after-shift"),
    ]
    got = js(
        """const d = days(arg);
           return {since: t.daysSinceDayOff(d, '2026-11-08'), run: t.shiftRun(d),
                   none: t.daysSinceDayOff(d.slice(1), '2026-11-08'),
                   today: t.daysSinceDayOff(d, '2026-11-01'),
                   offLast: t.shiftRun(t.summariseDays([...arg, {day: '2026-11-07',
                     context: 'day-off'}]))};""",
        checkins,
    )
    assert got["since"] == 7
    assert got["none"] is None
    assert got["today"] == 0
    assert got["run"] == {"length": 3, "start": "2026-11-04", "end": "2026-11-06"}
    assert got["offLast"] == {"length": 0, "start": None, "end": None}


def seems(js, with_days: int, without_days: int, with_stress=2, without_stress=4):
    checkins = [
        day(f"2026-10-{n + 1:02d}", stress=with_stress, helped=["time outside"])
        for n in range(with_days)
    ] + [day(f"2026-11-{n + 1:02d}", stress=without_stress) for n in range(without_days)]
    return js("return t.seemsToGoWith(days(arg));", checkins)


def test_seems_to_go_with_needs_five_days_with_and_five_without(js):
    assert seems(js, 4, 9) == []
    assert seems(js, 9, 4) == []
    assert seems(js, 5, 5) == [
        {"activity": "time outside", "withAverage": 2, "withoutAverage": 4, "daysWith": 5,
         "daysWithout": 5, "difference": 2},
    ]  # fmt: skip
    assert seems(js, 6, 6, with_stress=3, without_stress=3) == [], "no difference: nothing"
    assert seems(js, 6, 6, with_stress=4, without_stress=2) == [], "higher stress: nothing"


def test_a_gentle_insight_after_three_hard_days_and_quiet_for_a_week_once_dismissed(js):
    hard = [
        day("2026-11-05", stress=2),
        day("2026-11-06", stress=4),
        day("2026-11-07", difficult=True, stress=2),
        day("2026-11-08", stress=5),
    ]
    got = js(
        """const d = days(arg);
           return {
             today: t.gentleInsight(d, '2026-11-08'),
             twoOnly: t.gentleInsight(d.slice(0, 3), '2026-11-07'),
             stale: t.gentleInsight(d, '2026-11-12'),
             dismissed: t.gentleInsight(d, '2026-11-09', [{kind: 'hard-days', day: '2026-11-08'}]),
             weekLater: t.gentleInsight(d, '2026-11-09', [{kind: 'hard-days', day: '2026-11-02'}]),
           };""",
        hard,
    )
    assert got["today"] == {"kind": "hard-days", "days": 3}
    assert got["twoOnly"] is None
    assert got["stale"] is None, "a run that ended days ago is not news"
    assert got["dismissed"] is None
    assert got["weekLater"] == {"kind": "hard-days", "days": 3}


INSTRUMENT = json.loads(DEFAULT_INSTRUMENT.read_text())


def test_reflection_scoring_counts_reversed_items_from_the_other_end(js):
    answers = {item["id"]: 4 for item in INSTRUMENT["items"]}
    answers["s4"] = 1  # "My work felt pointless": never → counts as 5
    answers["w3"] = 5  # "I was able to switch off": very often → counts as 1
    results = js("return r.scoreReflection(arg.instrument, arg.answers);",
                 {"instrument": INSTRUMENT, "answers": answers})  # fmt: skip
    by_id = {r["id"]: r for r in results}
    assert by_id["satisfaction"]["score"] == 4 + 4 + 4 + 5
    assert by_id["satisfaction"]["band"]["label"] == "Higher this month"
    assert by_id["worn-out"]["score"] == 4 + 4 + 1 + 4
    assert by_id["worn-out"]["band"]["label"] == "In the middle"
    assert by_id["carrying"]["score"] == 16
    assert (by_id["carrying"]["lowest"], by_id["carrying"]["highest"]) == (4, 20)


def test_a_subscale_with_a_skipped_item_is_not_scored(js):
    answers = {item["id"]: 1 for item in INSTRUMENT["items"] if item["id"] != "c2"}
    answers["w1"] = 9  # not on the scale: as if skipped
    results = js("return r.scoreReflection(arg.instrument, arg.answers);",
                 {"instrument": INSTRUMENT, "answers": answers})  # fmt: skip
    by_id = {r["id"]: r for r in results}
    assert by_id["satisfaction"]["score"] == 1 + 1 + 1 + 5
    assert by_id["satisfaction"]["band"]["label"] == "Lower this month"
    assert by_id["carrying"]["score"] is None
    assert by_id["carrying"]["answered"] == 3
    assert by_id["worn-out"]["score"] is None
    assert by_id["worn-out"]["band"] is None


def test_a_difference_of_exactly_half_a_point_counts_and_just_under_does_not(js):
    def rated(month: int, stresses, helped=()):
        return [
            day(f"2026-{month:02d}-{n + 1:02d}", stress=v, helped=list(helped))
            for n, v in enumerate(stresses)
        ]

    music = rated(10, [1, 2, 2, 2, 2], ["music"])  # 1.8 on average
    # Against 2.3: 0.4999… in floating point, but half a point all the same.
    found = js(
        "return t.seemsToGoWith(days(arg));", music + rated(11, [2, 2, 3, 2, 2, 3, 2, 3, 2, 2])
    )
    assert [f["activity"] for f in found] == ["music"]
    assert round(found[0]["withoutAverage"], 2) == 2.3
    # Against 2.2: under half a point, so nothing.
    assert (
        js("return t.seemsToGoWith(days(arg));", music + rated(11, [2, 2, 2, 2, 3, 2, 2, 2, 2, 3]))
        == []
    )


def test_a_put_away_suggestion_stays_quiet_on_the_sixth_day_and_returns_on_the_seventh(js):
    hard = [day(f"2026-11-{d:02d}", stress=5) for d in range(1, 15)]
    got = js(
        """const d = days(arg);
           const away = [{kind: 'hard-days', day: '2026-11-08'}];
           return {sixth: t.gentleInsight(d, '2026-11-14', away),
                   seventh: t.gentleInsight(d.concat(days([{day: '2026-11-15', stress: 5}])),
                                            '2026-11-15', away)};""",
        hard,
    )
    assert got["sixth"] is None
    assert got["seventh"] == {"kind": "hard-days", "days": 15}


def test_a_reversed_item_on_an_unevenly_spaced_scale_stays_on_the_scale(js):
    instrument = {
        "scale": [{"value": v, "label": str(v)} for v in (0, 1, 2, 3, 10)],
        "subscales": [
            {"id": "a", "name": "A", "bands": [{"up_to": 20, "label": "x", "text": "y"}]}
        ],
        "items": [{"id": "i1", "subscale": "a", "text": "t", "reversed": True},
                  {"id": "i2", "subscale": "a", "text": "t"}],
    }  # fmt: skip
    results = js(
        "return r.scoreReflection(arg, {i1: 1, i2: 10});",
        instrument,
    )
    assert results[0]["score"] == 3 + 10
