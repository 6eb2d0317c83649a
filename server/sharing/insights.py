"""Organisation figures for admins: wellbeing bands, check-in participation, supervision
coverage and how supervision feels, by team and month, never about a person.

The rule that keeps them anonymous (docs/privacy.md, "Organisation figures: the
suppression rule"): a figure shows only when at least ``MIN_GROUP`` people are behind it,
and a team is held back too when the people outside every shown team number 1 to
``MIN_GROUP - 1``, so that no subtraction of the organisation's figure and the teams' can
single anyone out. Hidden figures carry no count: a count of 3 is itself a disclosure.

Figures are frozen, so that nobody can compare a period's figures before and after moving,
closing or changing one person: the first time a closed month is needed, its figures are
worked out once (each contribution and pulse in the team it was sent from), stored in an
``insight_snapshot`` row, and the rows they came from are deleted; supervision coverage is
worked out once per ISO week. Every other request reads the snapshots: two queries,
however many people, teams or months (a few more, once a week, to freeze).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

import msgspec

from server.accounts.tables import Person
from server.lib.errors import AppError, ErrorDetail
from server.org.common import not_found
from server.sharing.insight_schemas import (
    CoverageRow,
    Figure,
    Group,
    InsightsRead,
    QualityMonth,
    QualityRow,
    SuppressionRule,
    WellbeingMonth,
    WellbeingRow,
)
from server.sharing.pulses import NO_TEAM
from server.sharing.rules import MIN_GROUP
from server.sharing.schemas import Contributions
from server.sharing.tables import Contribution, InsightSnapshot, OrgSharing, PulseTally

# The rule's numbers: MIN_GROUP lives with the privacy page's rules; these, and RULE (in
# every answer, for pages that explain it), live here.
MONTHS_SHOWN = 12
COVERAGE_DAYS = (28, 56)  # "within 4 weeks" and "within 8 weeks"
RULE = SuppressionRule(min_group=MIN_GROUP, months=MONTHS_SHOWN, coverage_days=list(COVERAGE_DAYS))
REASON = f"fewer_than_{MIN_GROUP}"
HIDDEN = Figure(value=None, reason=REASON)

MEASURES = ("stress", "energy", "sleep")
QUESTIONS = ("heard", "checked_in", "useful")
ORGANISATION = "organisation"  # the key of the whole organisation's row (teams are UUIDs)

Counts = tuple[int, ...]
Row = Mapping[str, int]


# ── the rule ───────────────────────────────────────────────────────────────────────────


def _enough(counts: Counts) -> bool:
    return all(count >= MIN_GROUP for count in counts)


def _safe_remainder(counts: Counts) -> bool:
    return all(count == 0 or count >= MIN_GROUP for count in counts)


def shown_groups(teams: Mapping[UUID, Counts], organisation: Counts) -> tuple[set[UUID], bool]:
    """Which teams, and whether the organisation, may show one figure for one period.

    Each count (people, and values or answers where they differ) must reach ``MIN_GROUP``.
    The organisation is every team plus people in no team, so if the people outside the
    shown teams number 1 to ``MIN_GROUP - 1`` (by any count), the smallest shown teams are
    held back too until that remainder is empty or large enough.
    """
    shown = {team for team, counts in teams.items() if _enough(counts)}
    while shown:
        remainder = tuple(
            total - sum(teams[team][i] for team in shown) for i, total in enumerate(organisation)
        )
        if _safe_remainder(remainder):
            break
        shown.remove(min(shown, key=lambda team: (teams[team], str(team))))
    return shown, _enough(organisation)


def _figures(
    team_ids: Iterable[UUID],
    rows: Mapping[UUID | None, Row],
    fields: tuple[str, ...],
    counts: Callable[[Row], Counts],
    value: Callable[[Row], float | None],
) -> dict[UUID | str, Figure]:
    """One figure for each team and the organisation, from rows added up by team (people in
    no team, or in a team that is not the organisation's, count towards the organisation)."""
    empty = dict.fromkeys(fields, 0)
    by_team = {team: rows.get(team, empty) for team in team_ids}
    total = {field: sum(row[field] for row in rows.values()) for field in fields}
    shown, organisation_shown = shown_groups(
        {team: counts(row) for team, row in by_team.items()}, counts(total)
    )
    figures: dict[UUID | str, Figure] = {
        team: Figure(value=value(row)) if team in shown else HIDDEN for team, row in by_team.items()
    }
    figures[ORGANISATION] = Figure(value=value(total)) if organisation_shown else HIDDEN
    return figures


def _rounded(numerator: int, denominator: int, places: str) -> float | None:
    if not denominator:
        return None
    exact = Decimal(numerator) / Decimal(denominator)
    return float(exact.quantize(Decimal(places), rounding=ROUND_HALF_UP))


def _average(field: str, count: str) -> Callable[[Row], float | None]:
    """An average band, to one decimal place."""
    return lambda row: _rounded(row[field], row[count], "0.1")


def _percent(part: str, whole: str) -> Callable[[Row], float | None]:
    """A whole-number percentage."""
    return lambda row: _rounded(100 * row[part], row[whole], "1")


# ── the periods ────────────────────────────────────────────────────────────────────────


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _month(day: date) -> str:
    return day.strftime("%Y-%m")


def months_before(today: date, count: int = MONTHS_SHOWN) -> list[str]:
    """The ``count`` whole months before today's, oldest first ("YYYY-MM"). The month under
    way is left out: its figures would change from day to day, one person at a time."""
    months, day = [], _month_start(today)
    for _ in range(count):
        day = _month_start(day - timedelta(days=1))
        months.append(_month(day))
    return months[::-1]


def week_of(day: date) -> str:
    """The ISO week ("2026-W48") whose coverage figures are worked out once and kept."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def open_months(today: date) -> set[str]:
    """The months a device may send: this month and the one before, as the calendar stands
    anywhere from a day behind to a day ahead (her phone's date is not the server's)."""
    months = set()
    for day in (today - timedelta(days=1), today, today + timedelta(days=1)):
        months |= {_month(day), _month(_month_start(day) - timedelta(days=1))}
    return months


# ── the queries ────────────────────────────────────────────────────────────────────────


def _uuid(value: object) -> UUID | None:
    if value is None or isinstance(value, UUID):
        return value
    return UUID(str(value))


def _team(value: object) -> UUID | None:
    team = _uuid(value)
    return None if team == NO_TEAM else team


def _by_month_and_team(rows: list[dict]) -> dict[str, dict[UUID | None, dict]]:
    result: dict[str, dict[UUID | None, dict]] = {}
    for row in rows:
        result.setdefault(row["month"], {})[_team(row["team_id"])] = row
    return result


async def _organisation_and_teams(organisation_id: UUID) -> tuple[str, list[Group]]:
    rows = await Person.raw(
        "SELECT o.name AS organisation, t.id AS team_id, t.name AS team_name "
        "FROM organisation o LEFT JOIN team t ON t.organisation = o.id WHERE o.id = {}",
        organisation_id,
    )
    if not rows:
        raise not_found()
    teams = [
        Group(id=_uuid(row["team_id"]), name=row["team_name"], kind="team")
        for row in rows
        if row["team_id"] is not None
    ]
    return rows[0]["organisation"], sorted(teams, key=lambda g: (g.name.casefold(), str(g.id)))


CONTRIBUTION_FIELDS = (
    "contributors",
    "checked_in",
    *(f"{m}_{part}" for m in MEASURES for part in ("n", "sum")),
)

# Opted-in, active workers' months, added up by the team each month was sent from.
CONTRIBUTIONS_SQL = """
SELECT c.team_id AS team_id, c.month AS month, COUNT(*) AS contributors,
       SUM(CASE WHEN c.checkin_days >= 1 THEN 1 ELSE 0 END) AS checked_in,
       COUNT(c.stress) AS stress_n, COALESCE(SUM(c.stress), 0) AS stress_sum,
       COUNT(c.energy) AS energy_n, COALESCE(SUM(c.energy), 0) AS energy_sum,
       COUNT(c.sleep) AS sleep_n, COALESCE(SUM(c.sleep), 0) AS sleep_sum
FROM contribution c
JOIN person p ON p.id = c.worker
JOIN org_sharing o ON o.worker = c.worker
WHERE p.organisation = {} AND p.active = {} AND p.is_worker = {}
  AND c.month >= {} AND c.month <= {}
GROUP BY c.team_id, c.month
"""

# The pulse tallies (one row per team the answers came from, and month).
TALLIES_SQL = """
SELECT team_id, month, people, answers, heard AS heard_sum,
       checked_in AS checked_in_sum, useful AS useful_sum
FROM pulse_tally
WHERE organisation = {} AND month >= {} AND month <= {}
"""

# Active workers by current team, and how many had supervision on or after each cut-off.
COVERAGE_SQL = """
SELECT team_id, COUNT(*) AS people,
       SUM(CASE WHEN last_held >= {} THEN 1 ELSE 0 END) AS within_4_weeks,
       SUM(CASE WHEN last_held >= {} THEN 1 ELSE 0 END) AS within_8_weeks
FROM (
    SELECT p.id AS person_id, p.team AS team_id, MAX(s.held_on) AS last_held
    FROM person p
    LEFT JOIN supervision_session s ON s.worker = p.id AND s.held_on <= {}
    WHERE p.organisation = {} AND p.active = {} AND p.is_worker = {}
    GROUP BY p.id, p.team
) AS workers
GROUP BY team_id
"""

# Once the closed months are frozen, the rows they came from go: each contribution is one
# person's month, and nothing will read them again.
DELETE_CONTRIBUTIONS_SQL = """
DELETE FROM contribution
WHERE month <= {} AND worker IN (SELECT id FROM person WHERE organisation = {})
"""


async def _contributions(organisation_id: UUID, first: str, last: str) -> list[dict]:
    return await Person.raw(CONTRIBUTIONS_SQL, organisation_id, True, True, first, last)


async def _tallies(organisation_id: UUID, first: str, last: str) -> list[dict]:
    return await Person.raw(TALLIES_SQL, organisation_id, first, last)


async def _coverage(organisation_id: UUID, today: date) -> list[dict]:
    cut_offs = (today - timedelta(days=days) for days in COVERAGE_DAYS)
    return await Person.raw(COVERAGE_SQL, *cut_offs, today, organisation_id, True, True)


# ── freezing ───────────────────────────────────────────────────────────────────────────


class Snapshot(msgspec.Struct, frozen=True):
    """One period's frozen figures: {"wellbeing" | "quality" | "coverage": {group key:
    {figure: value, or null when hidden}}}, group keys being team ids and "organisation"."""

    taken_on: date
    figures: dict[str, dict[str, dict[str, float | None]]]


_figures_json = msgspec.json.Decoder(dict[str, dict[str, dict[str, float | None]]])


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


async def _snapshots(organisation_id: UUID, periods: list[str]) -> dict[str, Snapshot]:
    rows = await InsightSnapshot.select(
        InsightSnapshot.period, InsightSnapshot.taken_on, InsightSnapshot.figures
    ).where(
        (InsightSnapshot.organisation == organisation_id) & InsightSnapshot.period.is_in(periods)
    )
    return {
        row["period"]: Snapshot(
            taken_on=_as_date(row["taken_on"]),
            figures=_figures_json.decode(
                row["figures"]
                if isinstance(row["figures"], str | bytes)
                else msgspec.json.encode(row["figures"])
            ),
        )
        for row in rows
    }


def _stored(by_figure: Mapping[str, Mapping[UUID | str, Figure]]) -> dict[str, dict]:
    """{figure: {group: Figure}} as kept: {group key: {figure: value or null}}."""
    stored: dict[str, dict] = {}
    for name, figures in by_figure.items():
        for group, figure in figures.items():
            stored.setdefault(str(group), {})[name] = figure.value
    return stored


async def _freeze(
    organisation_id: UUID,
    team_ids: list[UUID],
    months: list[str],
    missing: list[str],
    week: str | None,
    today: date,
) -> None:
    """Work out and keep the missing closed months (and this week's coverage), then delete
    what they came from. Two admins at once: the first to insert wins, the other's figures
    are dropped (ON CONFLICT DO NOTHING) and both read the same snapshot."""
    snapshots = []
    async with InsightSnapshot._meta.db.transaction():
        if missing:
            first, last = min(missing), max(missing)
            contributions = _by_month_and_team(await _contributions(organisation_id, first, last))
            tallies = _by_month_and_team(await _tallies(organisation_id, first, last))
            wellbeing = _wellbeing(team_ids, missing, contributions)
            quality = _quality(team_ids, missing, tallies)
            snapshots += [
                InsightSnapshot(
                    organisation=organisation_id,
                    period=month,
                    taken_on=today,
                    figures={
                        "wellbeing": _stored(wellbeing[month]),
                        "quality": _stored(quality[month]),
                    },
                )
                for month in missing
            ]
        if week:
            rows = await _coverage(organisation_id, today)
            covered = _covered(team_ids, {_uuid(row["team_id"]): row for row in rows})
            snapshots.append(
                InsightSnapshot(
                    organisation=organisation_id,
                    period=week,
                    taken_on=today,
                    figures={"coverage": _stored(covered)},
                )
            )
        await InsightSnapshot.insert(*snapshots).on_conflict(
            target=(InsightSnapshot.organisation, InsightSnapshot.period), action="DO NOTHING"
        )
        # Every closed month is frozen now (or too old to be shown): what it came from goes.
        await Person.raw(DELETE_CONTRIBUTIONS_SQL, months[-1], organisation_id)
        await PulseTally.delete().where(
            (PulseTally.organisation == organisation_id) & (PulseTally.month <= months[-1])
        )
        # Older months and weeks will never be shown again.
        await InsightSnapshot.delete().where(
            (InsightSnapshot.organisation == organisation_id)
            & InsightSnapshot.period.not_in([*months, week_of(today)])
        )


# ── the service ────────────────────────────────────────────────────────────────────────


async def organisation_insights(organisation_id: UUID, today: date | None = None) -> InsightsRead:
    """The organisation's figures: the 12 whole months before today's, each frozen the
    first time it was asked for, and coverage as worked out on the first request this week."""
    today = today or datetime.now(UTC).date()
    months = months_before(today)
    week = week_of(today)
    periods = [*months, week]
    (name, teams), snapshots = await asyncio.gather(
        _organisation_and_teams(organisation_id), _snapshots(organisation_id, periods)
    )
    missing = [month for month in months if month not in snapshots]
    if missing or week not in snapshots:
        team_ids = [group.id for group in teams]
        fresh_week = None if week in snapshots else week
        await _freeze(organisation_id, team_ids, months, missing, fresh_week, today)
        snapshots = await _snapshots(organisation_id, periods)
    groups = [*teams, Group(id=None, name=name, kind="organisation")]

    def figure(period: str, section: str, group: Group, name: str) -> Figure:
        # A team made since the period was frozen has no figure in it: hidden, like any
        # other. (So is a period whose snapshot a request on the next day has just retired.)
        key = str(group.id) if group.id else ORGANISATION
        snapshot = snapshots.get(period)
        value = snapshot.figures.get(section, {}).get(key, {}).get(name) if snapshot else None
        return HIDDEN if value is None else Figure(value=value)

    def wellbeing_row(group: Group) -> WellbeingRow:
        fields = (*MEASURES, "participation")
        return WellbeingRow(
            group=group,
            months=[
                WellbeingMonth(
                    month=month, **{f: figure(month, "wellbeing", group, f) for f in fields}
                )
                for month in months
            ],
        )

    def quality_row(group: Group) -> QualityRow:
        return QualityRow(
            group=group,
            months=[
                QualityMonth(
                    month=month, **{q: figure(month, "quality", group, q) for q in QUESTIONS}
                )
                for month in months
            ],
        )

    def coverage_row(group: Group) -> CoverageRow:
        return CoverageRow(
            group=group,
            within_4_weeks=figure(week, "coverage", group, "within_4_weeks"),
            within_8_weeks=figure(week, "coverage", group, "within_8_weeks"),
        )

    return InsightsRead(
        organisation=name,
        as_of=snapshots[week].taken_on if week in snapshots else today,
        months=months,
        wellbeing=[wellbeing_row(group) for group in groups],
        coverage=[coverage_row(group) for group in groups],
        quality=[quality_row(group) for group in groups],
        rule=RULE,
    )


def _wellbeing(
    team_ids: list[UUID], months: list[str], rows: dict[str, dict[UUID | None, dict]]
) -> dict[str, dict[str, dict[UUID | str, Figure]]]:
    """For each month: each measure's average over those who gave it, and participation."""
    result = {}
    for month in months:
        month_rows = rows.get(month, {})
        figures = {
            measure: _figures(
                team_ids,
                month_rows,
                CONTRIBUTION_FIELDS,
                counts=lambda row, m=measure: (row[f"{m}_n"],),
                value=_average(f"{measure}_sum", f"{measure}_n"),
            )
            for measure in MEASURES
        }
        figures["participation"] = _figures(
            team_ids,
            month_rows,
            CONTRIBUTION_FIELDS,
            counts=lambda row: (row["contributors"],),
            value=_percent("checked_in", "contributors"),
        )
        result[month] = figures
    return result


TALLY_FIELDS = ("people", "answers", *(f"{q}_sum" for q in QUESTIONS))


def _quality(
    team_ids: list[UUID], months: list[str], tallies: dict[str, dict[UUID | None, dict]]
) -> dict[str, dict[str, dict[UUID | str, Figure]]]:
    """For each month, the pulses' averages where both answers and people reach the rule.
    A tally counts each person once a month, in the team she answered from first."""
    return {
        month: {
            question: _figures(
                team_ids,
                tallies.get(month, {}),
                TALLY_FIELDS,
                counts=lambda row: (row["people"], row["answers"]),
                value=_average(f"{question}_sum", "answers"),
            )
            for question in QUESTIONS
        }
        for month in months
    }


def _covered(
    team_ids: list[UUID], rows: dict[UUID | None, dict]
) -> dict[str, dict[UUID | str, Figure]]:
    """For each window, the percentage of active workers supervised within it."""
    windows = ("within_4_weeks", "within_8_weeks")
    return {
        window: _figures(
            team_ids,
            rows,
            ("people", *windows),
            counts=lambda row: (row["people"],),
            value=_percent(window, "people"),
        )
        for window in windows
    }


# ── what a device sends ────────────────────────────────────────────────────────────────


def _invalid(field: str, message: str, text: str) -> AppError:
    return AppError(
        text, status=422, code="validation_error", details=[ErrorDetail(field, message)]
    )


async def accept_months(worker_id: UUID, data: Contributions, today: date | None = None) -> None:
    """Keep this month's and last month's figures from her device (only while she has opted
    in), with the team she is in now. A month whose figures are already frozen is final:
    what arrives for it is thanked and dropped. Any other month is refused (422)."""
    months = [m.month for m in data.months]
    if len(set(months)) != len(months):
        raise _invalid("body.months", "each month once", "Each month can be sent only once.")
    allowed = open_months(today or datetime.now(UTC).date())
    for i, month in enumerate(months):
        if month not in allowed:
            raise _invalid(
                f"body.months[{i}].month",
                "only this month or last month",
                "Only this month's and last month's figures can be sent.",
            )
    async with Contribution._meta.db.transaction():
        if not await OrgSharing.exists().where(OrgSharing.worker == worker_id):
            raise AppError(
                "You aren't adding your check-ins to your organisation's figures.",
                status=409,
                code="not_sharing",
            )
        if not months:
            return
        person = (
            await Person.select(Person.organisation, Person.team)
            .where(Person.id == worker_id)
            .first()
        )
        frozen = {
            row["period"]
            for row in await InsightSnapshot.select(InsightSnapshot.period).where(
                (InsightSnapshot.organisation == person["organisation"])
                & InsightSnapshot.period.is_in(months)
            )
        }
        fresh = [m for m in data.months if m.month not in frozen]
        if not fresh:
            return
        await Contribution.insert(
            *[
                Contribution(
                    worker=worker_id,
                    month=m.month,
                    team_id=person["team"],
                    checkin_days=m.checkin_days,
                    stress=m.stress,
                    energy=m.energy,
                    sleep=m.sleep,
                )
                for m in fresh
            ]
        ).on_conflict(
            target=(Contribution.worker, Contribution.month),
            action="DO UPDATE",
            values=[
                Contribution.team_id,
                Contribution.checkin_days,
                Contribution.stress,
                Contribution.energy,
                Contribution.sleep,
            ],
        )
