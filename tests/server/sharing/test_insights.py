"""Organisation figures: shown for five or more people, hidden (with no count) below, never
derivable for fewer than five by subtracting one offered figure from another, and frozen
once worked out, so that moving or closing one person cannot be read off a before and after.
Pulses leave only tallies behind."""

from __future__ import annotations

import asyncio
import itertools
import random
import uuid
from datetime import UTC, date, datetime, timedelta

import msgspec
import pytest

from server.accounts.tables import Person
from server.lib.errors import AppError
from server.org.tables import Team
from server.sharing import pulses
from server.sharing.insights import (
    MIN_GROUP,
    REASON,
    accept_months,
    months_before,
    open_months,
    organisation_insights,
    shown_groups,
    week_of,
)
from server.sharing.schemas import Contributions, MonthFigures, PulseWrite
from server.sharing.tables import (
    Contribution,
    InsightSnapshot,
    OrgSharing,
    PulseTally,
    SupervisionSession,
)
from tests.server.accounts.helpers import set_up

TODAY = date(2026, 11, 23)
MONTH = "2026-10"  # the last whole month before TODAY
EARLIER = "2026-09"
BEFORE_THAT = "2026-08"
URL = "/api/admin/insights"


# ── setting up (these rows are written by other endpoints; here they are made directly) ──


async def add_team(organisation_id: str, name: str) -> uuid.UUID:
    team = Team(organisation=organisation_id, name=name)
    await Team.insert(team).run()
    return team.id


async def add_worker(
    organisation_id: str, team_id: uuid.UUID | None, *, opted_in=True, active=True
) -> uuid.UUID:
    tag = uuid.uuid4().hex[:10]
    person = Person(
        organisation=organisation_id,
        team=team_id,
        email=f"worker-{tag}@example.org",
        display_name=f"Worker {tag}",
        is_worker=True,
        active=active,
    )
    await Person.insert(person).run()
    if opted_in:
        await OrgSharing.insert(OrgSharing(worker=person.id)).run()
    return person.id


async def contribute(worker_id, month=MONTH, checkin_days=3, stress=3, energy=3, sleep=3):
    """Her device's figures for a month, filed (as the endpoint files them) under the team
    she is in as she sends them."""
    team = (await Person.select(Person.team).where(Person.id == worker_id).first())["team"]
    await Contribution.insert(
        Contribution(
            worker=worker_id,
            month=month,
            team_id=team,
            checkin_days=checkin_days,
            stress=stress,
            energy=energy,
            sleep=sleep,
        )
    ).run()


async def supervised(worker_id, supervisor_id, held_on: date) -> uuid.UUID:
    session = SupervisionSession(
        supervisor=supervisor_id, worker=worker_id, held_on=held_on, kind="one-to-one"
    )
    await SupervisionSession.insert(session).run()
    return session.id


async def answered(worker_id, supervisor_id, held_on: date, heard=4, checked_in=4, useful=4):
    """A session, and her answers about it through the pulse service."""
    session = await supervised(worker_id, supervisor_id, held_on)
    answers = PulseWrite(heard=heard, checked_in=checked_in, useful=useful)
    await pulses.give(worker_id, session, answers)
    return session


async def a_supervisor(organisation_id) -> uuid.UUID:
    supervisor = await add_worker(organisation_id, None, opted_in=False)
    await Person.update({Person.is_worker: False}).where(Person.id == supervisor)
    return supervisor


async def admin_only(admin) -> None:
    """Priya set up Tend as an admin and a worker; here she is only an admin."""
    await Person.update({Person.is_worker: False}).where(Person.id == admin.me["id"])


def organisation_of(admin) -> str:
    return admin.me["organisation"]["id"]


async def insights(admin, today: date = TODAY) -> dict:
    result = await organisation_insights(uuid.UUID(organisation_of(admin)), today=today)
    return msgspec.to_builtins(result)


def wellbeing(result: dict, group: str, month: str = MONTH) -> dict:
    row = next(r for r in result["wellbeing"] if r["group"]["name"] == group)
    return next(m for m in row["months"] if m["month"] == month)


def quality(result: dict, group: str, month: str = MONTH) -> dict:
    row = next(r for r in result["quality"] if r["group"]["name"] == group)
    return next(m for m in row["months"] if m["month"] == month)


def coverage(result: dict, group: str) -> dict:
    return next(r for r in result["coverage"] if r["group"]["name"] == group)


HIDDEN = {"value": None, "reason": REASON}


def shown(value: float) -> dict:
    return {"value": value, "reason": None}


# ── the threshold ─────────────────────────────────────────────────────────────────────────


async def test_four_contributors_are_hidden_and_five_are_shown(admin):
    """Four people in the earlier month, five in the last: each month is frozen the first
    time it is asked for, so the two are side by side in one answer."""
    org = organisation_of(admin)
    oak = await add_team(org, "Oak Court")
    bands = [(1, 2, 5), (2, 2, 4), (3, 3, 4), (4, 3, 3), (5, 3, 2)]
    people = [await add_worker(org, oak) for _ in bands]
    for i, (person, (stress, energy, sleep)) in enumerate(zip(people, bands, strict=True)):
        if i < 4:
            await contribute(person, EARLIER, stress=stress, energy=energy, sleep=sleep)
        await contribute(person, stress=stress, energy=energy, sleep=sleep, checkin_days=i)
    # Months from people who have not opted in, or whose account is closed, never count.
    for month in (EARLIER, MONTH):
        await contribute(await add_worker(org, oak, opted_in=False), month)
        await contribute(await add_worker(org, oak, active=False), month)

    result = await insights(admin)
    for group in ("Oak Court", "Harbour Care"):
        four = wellbeing(result, group, EARLIER)
        assert all(four[f] == HIDDEN for f in ("stress", "energy", "sleep", "participation"))
        five = wellbeing(result, group)
        assert five["stress"] == shown(3.0)
        assert five["energy"] == shown(2.6)
        assert five["sleep"] == shown(3.6)
        assert five["participation"] == shown(80)  # one of the five checked in on no day
    # Other months have nobody: hidden just the same (no "0" that would differ from "3").
    assert wellbeing(result, "Oak Court", BEFORE_THAT)["stress"] == HIDDEN


async def test_an_average_needs_five_values_not_just_five_contributors(admin):
    org = organisation_of(admin)
    oak = await add_team(org, "Oak Court")
    for i in range(6):
        await contribute(
            await add_worker(org, oak),
            stress=4 if i == 0 else None,  # one person gave a stress band
            sleep=2 if i < 4 else None,  # four gave a sleep band
            energy=3,
        )
    month = wellbeing(await insights(admin), "Oak Court")
    assert month["stress"] == HIDDEN
    assert month["sleep"] == HIDDEN
    assert month["energy"] == shown(3.0)
    assert month["participation"] == shown(100)


async def test_months_are_the_twelve_whole_months_before_this_one(admin):
    result = await insights(admin)
    assert result["months"] == months_before(TODAY)
    assert result["months"][0] == "2025-11"
    assert result["months"][-1] == "2026-10"
    assert result["rule"] == {"min_group": MIN_GROUP, "months": 12, "coverage_days": [28, 56]}


# ── no differencing ───────────────────────────────────────────────────────────────────────


def derivable_small_groups(
    result: dict, members: dict[str, dict[tuple[str, str], set]]
) -> list[tuple]:
    """Every way an admin could subtract offered figures: for each figure and month, the
    organisation's figure minus any combination of the shown teams' (teams do not overlap;
    months and figures are not nested in each other). Returns each group of 1 to 4 people
    whose figure could be worked out, and each shown figure resting on fewer than 5."""
    found = []
    for (figure, month), by_group in members.items():
        organisation = members[(figure, month)]["Harbour Care"]
        shown_teams = []
        for group, people in by_group.items():
            cell = figure_cell(result, figure, group, month)
            if cell["value"] is None:
                continue
            if len(people) < MIN_GROUP:
                found.append((figure, month, group, "shown", len(people)))
            if group != "Harbour Care":
                shown_teams.append(people)
        if figure_cell(result, figure, "Harbour Care", month)["value"] is None:
            continue
        for size in range(len(shown_teams) + 1):
            for teams in itertools.combinations(shown_teams, size):
                rest = organisation - set().union(*teams)
                if 0 < len(rest) < MIN_GROUP:
                    found.append((figure, month, "organisation minus teams", len(rest)))
    return found


def figure_cell(result: dict, figure: str, group: str, month: str) -> dict:
    if figure.startswith("within_"):
        return coverage(result, group)[figure]
    return wellbeing(result, group, month)[figure]


async def test_no_subtraction_of_offered_figures_singles_out_fewer_than_five(admin):
    """A team of 5, a team of 6, a team of 2 and one person in no team. Shown naively, the
    organisation minus the two larger teams would be the other three people's figure, so the
    smaller shown team (5) is held back too."""
    org = organisation_of(admin)
    sizes = {"Ash": 5, "Birch": 6, "Cedar": 2, None: 1}
    teams = {name: await add_team(org, name) for name in sizes if name}
    members: dict[tuple[str, str], dict[str, set]] = {}
    supervisor = await add_worker(org, None, opted_in=False)  # supervises; no contributions
    await Person.update({Person.is_worker: False}).where(Person.id == supervisor)
    rng = random.Random(7)  # noqa: S311 - made-up bands
    for name, size in sizes.items():
        for _ in range(size):
            person = await add_worker(org, teams.get(name))
            await contribute(person, stress=rng.randint(1, 5), energy=rng.randint(1, 5))
            await contribute(
                person, month=EARLIER, stress=rng.randint(1, 5), energy=None, sleep=None
            )
            await supervised(person, supervisor, TODAY - timedelta(days=rng.randint(1, 50)))
            for group in (name or "no team", "Harbour Care"):
                for figure in ("stress", "energy", "sleep", "participation"):
                    members.setdefault((figure, MONTH), {}).setdefault(group, set()).add(person)
                for figure in ("stress", "participation"):
                    members.setdefault((figure, EARLIER), {}).setdefault(group, set()).add(person)
                for figure in ("within_4_weeks", "within_8_weeks"):
                    members.setdefault((figure, "now"), {}).setdefault(group, set()).add(person)
    # Priya, the admin, is a worker in no team too, never supervised: active, so counted.
    for figure in ("within_4_weeks", "within_8_weeks"):
        members[(figure, "now")]["Harbour Care"].add(uuid.UUID(admin.me["id"]))
    for by_group in members.values():
        by_group.pop("no team")  # not a group anyone is offered

    result = await insights(admin)

    assert derivable_small_groups(result, members) == []
    # The complementary suppression is what made that so: Ash (5) is held back with Cedar.
    month = wellbeing(result, "Ash")
    assert month["stress"] == HIDDEN
    assert month["participation"] == HIDDEN
    assert wellbeing(result, "Cedar")["stress"] == HIDDEN
    assert wellbeing(result, "Birch")["stress"]["value"] is not None
    assert wellbeing(result, "Harbour Care")["stress"]["value"] is not None
    assert coverage(result, "Ash")["within_8_weeks"] == HIDDEN
    assert coverage(result, "Birch")["within_8_weeks"] == shown(100)
    assert coverage(result, "Harbour Care")["within_8_weeks"] == shown(93)  # all but Priya
    # In the earlier month nobody gave an energy band: hidden, like any group below five.
    assert wellbeing(result, "Birch", EARLIER)["energy"] == HIDDEN
    assert wellbeing(result, "Harbour Care", EARLIER)["energy"] == HIDDEN
    assert wellbeing(result, "Birch", EARLIER)["stress"]["value"] is not None


def test_the_rule_holds_for_any_team_sizes():
    """Thousands of made-up organisations: whatever the sizes, what is shown rests on five
    or more, and the organisation minus every shown team is nobody or five or more."""
    rng = random.Random(2026)  # noqa: S311 - made-up sizes
    for _ in range(5000):
        teams = {uuid.uuid4(): (rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 9, 12]),) for _ in range(5)}
        outside = rng.choice([0, 0, 1, 2, 3, 4, 5, 8])
        total = (sum(c[0] for c in teams.values()) + outside,)
        shown, organisation_shown = shown_groups(teams, total)
        assert all(teams[t][0] >= MIN_GROUP for t in shown)
        assert organisation_shown == (total[0] >= MIN_GROUP)
        if organisation_shown:
            for size in range(len(shown) + 1):
                for subset in itertools.combinations(shown, size):
                    rest = total[0] - sum(teams[t][0] for t in subset)
                    assert rest == 0 or rest >= MIN_GROUP, (teams, outside, shown)
        # Nothing is held back without need: when showing every team of five or more
        # leaves nobody, or five or more, outside them, all of them are shown.
        large = {t for t, (count,) in teams.items() if count >= MIN_GROUP}
        rest = total[0] - sum(teams[t][0] for t in large)
        if rest == 0 or rest >= MIN_GROUP:
            assert shown == large


# ── supervision: coverage and pulses ─────────────────────────────────────────────────────


async def test_coverage_counts_active_workers_supervised_in_4_and_8_weeks(admin):
    org = organisation_of(admin)
    await admin_only(admin)
    oak = await add_team(org, "Oak Court")
    supervisor = await add_worker(org, None, opted_in=False)
    await Person.update({Person.is_worker: False}).where(Person.id == supervisor)
    days_ago = [3, 27, 28, 40, 56, 57, None]  # 28 days ago counts as within 4 weeks
    for days in days_ago:
        worker = await add_worker(org, oak, opted_in=False)  # coverage needs no opting in
        if days is not None:
            await supervised(worker, supervisor, TODAY - timedelta(days=days))
            await supervised(worker, supervisor, TODAY - timedelta(days=days + 90))
    closed = await add_worker(org, oak, active=False)
    await supervised(closed, supervisor, TODAY - timedelta(days=1))
    future = await add_worker(org, oak)
    await supervised(future, supervisor, TODAY + timedelta(days=3))

    result = await insights(admin)
    # 8 active workers: 3 within 28 days, 5 within 56.
    assert coverage(result, "Oak Court") == {
        "group": coverage(result, "Oak Court")["group"],
        "within_4_weeks": shown(38),  # 37.5, rounded half up
        "within_8_weeks": shown(63),  # 62.5
    }
    assert coverage(result, "Harbour Care")["within_4_weeks"] == shown(38)


async def test_pulses_need_five_people_not_just_five_answers(admin):
    """The earlier month: four people, six answers (one answered after three sessions).
    The last month: the same, and a fifth person."""
    org = organisation_of(admin)
    oak = await add_team(org, "Oak Court")
    supervisor = await a_supervisor(org)
    workers = [await add_worker(org, oak, opted_in=False) for _ in range(4)]
    fifth = await add_worker(org, oak, opted_in=False)
    for first_day in (date(2026, 9, 1), date(2026, 10, 1)):
        for i, worker in enumerate([*workers, workers[0], workers[0]]):
            held_on = first_day + timedelta(days=i)
            await answered(worker, supervisor, held_on, heard=5, useful=3 + i % 2)
        # A session she did not answer about does not make her a pulse giver.
        await supervised(fifth, supervisor, first_day + timedelta(days=19))
    await answered(fifth, supervisor, date(2026, 10, 21), heard=3, checked_in=2, useful=4)

    result = await insights(admin)
    for group in ("Oak Court", "Harbour Care"):
        assert quality(result, group, EARLIER) == {
            "month": EARLIER,
            "heard": HIDDEN,
            "checked_in": HIDDEN,
            "useful": HIDDEN,
        }
        month = quality(result, group)
        assert month["heard"] == shown(4.7)  # (6 x 5 + 3) / 7
        assert month["checked_in"] == shown(3.7)  # (6 x 4 + 2) / 7
        assert month["useful"] == shown(3.6)  # (3 + 4 + 3 + 4 + 3 + 4 + 4) / 7


async def test_pulses_of_people_outside_the_shown_teams_hold_a_team_back(admin):
    org = organisation_of(admin)
    oak = await add_team(org, "Oak Court")
    elm = await add_team(org, "Elm Row")
    supervisor = await a_supervisor(org)
    for team, count in ((oak, 6), (elm, 2)):
        for i in range(count):
            worker = await add_worker(org, team, opted_in=False)
            await answered(worker, supervisor, date(2026, 10, 1 + i), heard=1 if team == elm else 5)
    result = await insights(admin)
    # Shown together, the organisation minus Oak Court would be Elm Row's two pulses.
    assert quality(result, "Oak Court")["heard"] == HIDDEN
    assert quality(result, "Elm Row")["heard"] == HIDDEN
    assert quality(result, "Harbour Care")["heard"] == shown(4.0)


# ── frozen: each closed month once, coverage once a week ──────────────────────────────────


async def test_moving_or_closing_one_person_does_not_change_a_frozen_month(admin):
    """The reviewer's probe: Ash has six people, stress 2, 2, 2, 2, 2 and hers 5 (2.5 with
    her, 2.0 without). Once the month is frozen, moving her to Birch or closing someone's
    account changes nothing in it; coverage holds for the rest of the week."""
    org = organisation_of(admin)
    await admin_only(admin)
    ash, birch = await add_team(org, "Ash"), await add_team(org, "Birch")
    supervisor = await a_supervisor(org)
    her = await add_worker(org, ash)
    ash_people = [her, *[await add_worker(org, ash) for _ in range(5)]]
    for person in ash_people:
        await contribute(person, stress=5 if person == her else 2)
        await answered(person, supervisor, date(2026, 10, 5), heard=1 if person == her else 4)
        await supervised(person, supervisor, TODAY - timedelta(days=3))
    for _ in range(6):
        person = await add_worker(org, birch)
        await contribute(person, stress=4)
        await answered(person, supervisor, date(2026, 10, 6), heard=5)
        await supervised(person, supervisor, TODAY - timedelta(days=40))

    before = await insights(admin)
    assert wellbeing(before, "Ash")["stress"] == shown(2.5)
    assert quality(before, "Ash")["heard"] == shown(3.5)  # (1 + 5 x 4) / 6
    assert coverage(before, "Ash")["within_4_weeks"] == shown(100)
    assert coverage(before, "Birch")["within_4_weeks"] == shown(0)
    assert before["as_of"] == TODAY.isoformat()

    await Person.update({Person.team: birch}).where(Person.id == her)
    await Person.update({Person.active: False}).where(Person.id == ash_people[1])
    assert await insights(admin) == before
    assert await insights(admin, TODAY + timedelta(days=6)) == before  # Sunday: same week

    # Next week, coverage is worked out again for the people there are now (Ash has four
    # left: hidden, and Birch with it, or the organisation minus Birch would be Ash); the
    # frozen month is as it was.
    next_week = await insights(admin, TODAY + timedelta(days=7))
    assert next_week["as_of"] == (TODAY + timedelta(days=7)).isoformat()
    assert next_week["wellbeing"] == before["wellbeing"]
    assert next_week["quality"] == before["quality"]
    assert coverage(next_week, "Ash")["within_4_weeks"] == HIDDEN
    assert coverage(next_week, "Birch")["within_4_weeks"] == HIDDEN


async def test_each_month_counts_in_the_team_it_was_sent_from(admin):
    """She sent her month and answered her pulse from Ash, then moved to Birch before the
    month was frozen: both count in Ash, where the other four people are."""
    org = organisation_of(admin)
    ash, birch = await add_team(org, "Ash"), await add_team(org, "Birch")
    supervisor = await a_supervisor(org)
    her = await add_worker(org, ash)
    for person in [her, *[await add_worker(org, ash) for _ in range(4)]]:
        await contribute(person, stress=5 if person == her else 1)
        await answered(person, supervisor, date(2026, 10, 5), useful=5 if person == her else 2)
    for _ in range(5):
        person = await add_worker(org, birch)
        await contribute(person, stress=3)
        await answered(person, supervisor, date(2026, 10, 6), useful=3)
    await Person.update({Person.team: birch}).where(Person.id == her)

    result = await insights(admin)
    assert wellbeing(result, "Ash")["stress"] == shown(1.8)  # (5 + 4 x 1) / 5
    assert wellbeing(result, "Birch")["stress"] == shown(3.0)
    assert quality(result, "Ash")["useful"] == shown(2.6)  # (5 + 4 x 2) / 5
    assert quality(result, "Birch")["useful"] == shown(3.0)


async def test_a_frozen_months_contributions_are_deleted_and_late_ones_refused(admin):
    org = organisation_of(admin)
    oak = await add_team(org, "Oak Court")
    supervisor = await a_supervisor(org)
    people = [await add_worker(org, oak) for _ in range(5)]
    for person in people:
        sent = [
            MonthFigures(month=MONTH, checkin_days=4, stress=2),
            MonthFigures(month="2026-11", checkin_days=2, stress=4),
        ]
        await accept_months(person, Contributions(months=sent), today=TODAY)
        await answered(person, supervisor, date(2026, 10, 9), heard=2)
    rows = await Contribution.select(Contribution.month, Contribution.team_id)
    assert len(rows) == 10
    assert {str(row["team_id"]) for row in rows} == {str(oak)}  # the team, as it was sent
    assert await PulseTally.count().where(PulseTally.month == MONTH) == 1

    frozen = await insights(admin)
    assert wellbeing(frozen, "Oak Court")["stress"] == shown(2.0)
    # Once frozen, the month's own rows are gone: this month's stay until it is frozen too.
    assert {row["month"] for row in await Contribution.select(Contribution.month)} == {"2026-11"}
    assert await Contribution.count() == 5
    assert await PulseTally.count().where(PulseTally.month <= MONTH) == 0
    # The snapshot holds figures and nulls, never a count.
    for snapshot in await InsightSnapshot.select(InsightSnapshot.figures).output(load_json=True):
        for groups in snapshot["figures"].values():
            for figures in groups.values():
                assert set(figures) <= {
                    "stress", "energy", "sleep", "participation",
                    "heard", "checked_in", "useful", "within_4_weeks", "within_8_weeks",
                }  # fmt: skip
                assert all(v is None or isinstance(v, float) for v in figures.values())

    # A late month for a frozen period is thanked and dropped; an older one is refused.
    late = Contributions(months=[MonthFigures(month=MONTH, checkin_days=9, stress=5)])
    await accept_months(people[0], late, today=TODAY)
    assert await Contribution.count().where(Contribution.month == MONTH) == 0
    older = Contributions(months=[MonthFigures(month=EARLIER, checkin_days=9, stress=5)])
    with pytest.raises(AppError) as refused:
        await accept_months(people[0], older, today=TODAY)
    assert refused.value.status == 422
    assert refused.value.details[0].field == "body.months[0].month"
    # A late pulse about a session in the frozen month: marked answered, counted nowhere.
    late_session = await answered(people[0], supervisor, date(2026, 10, 30), heard=5)
    assert (
        await SupervisionSession.select(SupervisionSession.pulse_given)
        .where(SupervisionSession.id == late_session)
        .first()
    ) == {"pulse_given": True}
    assert await PulseTally.count() == 0
    assert await insights(admin) == frozen


def test_a_device_may_send_this_month_and_the_one_before():
    assert open_months(date(2026, 11, 15)) == {"2026-10", "2026-11"}
    # A day's grace either side of midnight on the 1st, for a phone's own calendar.
    assert open_months(date(2026, 12, 1)) == {"2026-10", "2026-11", "2026-12"}
    assert open_months(date(2026, 11, 30)) == {"2026-10", "2026-11", "2026-12"}
    assert open_months(date(2027, 1, 1)) == {"2026-11", "2026-12", "2027-01"}
    assert week_of(TODAY) == "2026-W48"
    assert week_of(date(2027, 1, 1)) == "2026-W53"


# ── pulses: tallies only ─────────────────────────────────────────────────────────────────


async def every_row() -> dict[str, list[dict]]:
    """Every row of every table in the database."""
    if Person._meta.db.engine_type == "sqlite":
        listing = "SELECT name FROM sqlite_master WHERE type = 'table'"
    else:
        listing = "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
    tables = [row["name"] for row in await Person.raw(listing)]
    assert {"pulse_tally", "supervision_session", "person"} <= set(tables)
    return {name: await Person.raw(f'SELECT * FROM "{name}"') for name in tables}


async def test_a_pulse_leaves_no_row_that_joins_her_answers_to_her(admin):
    org = organisation_of(admin)
    oak = await add_team(org, "Oak Court")
    supervisor = await a_supervisor(org)
    jade = await add_worker(org, oak, opted_in=False)
    session = await answered(jade, supervisor, date(2026, 10, 5), heard=2, checked_in=5, useful=1)

    hers = {str(jade), str(session)}
    for table, rows in (await every_row()).items():
        for row in rows:
            if hers & {str(value) for value in row.values()}:
                assert not {"heard", "checked_in", "useful", "answers"} & set(row), table
    # The tally, every column of it: where it counts, and the sums; nothing of her.
    (tally,) = await PulseTally.select()
    assert {k: str(v) for k, v in tally.items() if k != "id"} == {
        "organisation": org,
        "team_id": str(oak),
        "month": MONTH,
        "answers": "1",
        "people": "1",
        "heard": "2",
        "checked_in": "5",
        "useful": "1",
    }
    assert str(tally["id"]) not in hers
    with pytest.raises(AppError) as twice:
        await pulses.give(jade, session, PulseWrite(heard=1, checked_in=1, useful=1))
    assert twice.value.status == 409
    assert (await PulseTally.select(PulseTally.answers).first())["answers"] == 1


async def test_people_are_counted_once_a_month(admin):
    org = organisation_of(admin)
    oak, elm = await add_team(org, "Oak Court"), await add_team(org, "Elm Row")
    supervisor = await a_supervisor(org)
    jade = await add_worker(org, oak, opted_in=False)
    amir = await add_worker(org, oak, opted_in=False)
    await answered(jade, supervisor, date(2026, 10, 1))
    await answered(jade, supervisor, date(2026, 10, 8))
    await answered(amir, supervisor, date(2026, 10, 2))
    await Person.update({Person.team: elm}).where(Person.id == jade)
    await answered(jade, supervisor, date(2026, 10, 15))  # counted already this month
    await answered(jade, supervisor, date(2026, 9, 20))
    # Two answers of his at once, about two sessions in one month: one person.
    sessions = [await supervised(amir, supervisor, date(2026, 9, day)) for day in (3, 4)]
    await asyncio.gather(
        *(pulses.give(amir, s, PulseWrite(heard=3, checked_in=3, useful=3)) for s in sessions)
    )

    tallies = {
        (str(row["team_id"]), row["month"]): (row["answers"], row["people"])
        for row in await PulseTally.select()
    }
    assert tallies == {
        (str(oak), MONTH): (3, 2),
        (str(elm), MONTH): (1, 0),
        (str(elm), EARLIER): (1, 1),
        (str(oak), EARLIER): (2, 1),
    }


# ── who may see it, and what it never contains ────────────────────────────────────────────


async def seed_last_month(admin, team_name: str, count: int, stress: int) -> list[uuid.UUID]:
    """`count` opted-in workers in a new team, each with last month's bands."""
    org = organisation_of(admin)
    team = await add_team(org, team_name)
    last_month = months_before(datetime.now(UTC).date())[-1]
    people = []
    for _ in range(count):
        person = await add_worker(org, team)
        await contribute(person, month=last_month, stress=stress, energy=2, sleep=4)
        people.append(person)
    return people


async def test_only_admins_may_see_the_figures(admin, supervisor, worker):
    for person in (worker, supervisor):
        response = await person.get(URL)
        assert response.status_code == 403, response.text
    response = await admin.get(URL)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"


async def test_an_admin_sees_only_her_own_organisation(app, admin):
    await seed_last_month(admin, "Willow Bank", 6, stress=5)
    other = await set_up(
        app, organisation="Other Care", teams=("Poplar",), email="olu@other.example"
    )
    mine = (await admin.get(URL)).json()
    theirs = (await other.get(URL)).json()

    assert [r["group"]["name"] for r in mine["wellbeing"]] == [
        "Elm Lodge",
        "Oak House",
        "Willow Bank",
        "Harbour Care",
    ]
    assert mine["wellbeing"][2]["months"][-1]["stress"] == shown(5.0)
    assert [r["group"]["name"] for r in theirs["wellbeing"]] == ["Poplar", "Other Care"]
    figures = [
        cell
        for section in ("wellbeing", "quality")
        for row in theirs[section]
        for month in row["months"]
        for key, cell in month.items()
        if key != "month"
    ] + [cell for row in theirs["coverage"] for key, cell in row.items() if key != "group"]
    assert figures
    assert all(cell == HIDDEN for cell in figures)
    text = (await other.get(URL)).text
    assert "Willow Bank" not in text
    assert "Harbour Care" not in text


async def test_the_figures_never_name_or_identify_a_worker(admin, supervisor, worker):
    people = await seed_last_month(admin, "Willow Bank", 7, stress=2)
    response = await admin.get(URL)
    assert response.status_code == 200
    text = response.text
    assert "2.0" in text or '"value":2' in text  # the team's figure is there
    rows = await Person.select(Person.id, Person.display_name, Person.email).where(
        Person.id.is_in([*people, uuid.UUID(worker.me["id"]), uuid.UUID(supervisor.me["id"])])
    )
    assert len(rows) == 9
    for row in rows:
        for identifying in (str(row["id"]), row["display_name"], row["email"]):
            assert identifying not in text, identifying


@pytest.mark.parametrize("today", [date(2026, 1, 1), date(2026, 3, 31), date(2024, 3, 1)])
def test_months_before_crosses_years(today):
    months = months_before(today)
    assert len(months) == 12
    assert months == sorted(months)
    assert months[-1] < today.strftime("%Y-%m")
    assert len(set(months)) == 12
