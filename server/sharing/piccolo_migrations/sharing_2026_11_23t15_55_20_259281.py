import uuid

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-11-23T15:55:20:259281"
VERSION = "1.38.0"
DESCRIPTION = "One tally per team and month, one snapshot per period; old pulses into tallies"

NO_TEAM = uuid.UUID(int=0)
CREATE = (
    "CREATE UNIQUE INDEX pulse_tally_once ON pulse_tally (organisation, team_id, month)",
    "CREATE UNIQUE INDEX insight_snapshot_once ON insight_snapshot (organisation, period)",
    "CREATE INDEX contribution_month ON contribution (month)",
)
DROP = (
    "DROP INDEX pulse_tally_once",
    "DROP INDEX insight_snapshot_once",
    "DROP INDEX contribution_month",
    # The pulse table is back (the next migration's way back made it): its index too.
    "CREATE INDEX IF NOT EXISTS pulse_month ON pulse (organisation, month)",
)
# Contributions already sent count in the team their sender is in now: the best there is.
CONTRIBUTION_TEAMS = "UPDATE contribution SET team_id = (SELECT p.team FROM person p WHERE p.id = contribution.worker)"
# Pulse rows sent so far, added up by organisation and month. Who answered was counted by
# current team, which is not the team a row was filed under, so the old answers go to no
# team: they count for the whole organisation only, with the people counted exactly there.
OLD_PULSES = (
    "SELECT organisation, month, COUNT(*) AS answers, SUM(heard) AS heard, "
    "SUM(checked_in) AS checked_in, SUM(useful) AS useful FROM pulse GROUP BY organisation, month"
)
OLD_PEOPLE = (
    "SELECT p.organisation AS organisation, {month} AS month, COUNT(DISTINCT s.worker) AS people "
    "FROM supervision_session s JOIN person p ON p.id = s.worker "
    "WHERE s.pulse_given = {{}} GROUP BY 1, 2"
)
SESSION_MONTH = {"postgres": "to_char(s.held_on, 'YYYY-MM')", "sqlite": "substr(s.held_on, 1, 7)"}
TALLY = (
    "INSERT INTO pulse_tally (id, organisation, team_id, month, answers, people, heard, "
    "checked_in, useful) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {})"
)


async def run(statements: tuple[str, ...]) -> None:
    # The engine of this run (not one remembered from an earlier run in this process).
    for sql in statements:
        await engine_finder().run_querystring(QueryString(sql))


async def tally_old_pulses() -> None:
    engine = engine_finder()
    pulses = await engine.run_querystring(QueryString(OLD_PULSES))
    givers = await engine.run_querystring(
        QueryString(OLD_PEOPLE.format(month=SESSION_MONTH[engine.engine_type]), True)
    )
    people = {(str(row["organisation"]), row["month"]): row["people"] for row in givers}
    for row in pulses:
        key = (str(row["organisation"]), row["month"])
        await engine.run_querystring(
            QueryString(
                TALLY,
                uuid.uuid4(),
                row["organisation"],
                NO_TEAM,
                row["month"],
                row["answers"],
                min(people.get(key, 0), row["answers"]),
                row["heard"],
                row["checked_in"],
                row["useful"],
            )
        )


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="sharing", description=DESCRIPTION)

    async def create_indexes_and_tallies():
        await run(CREATE)
        await run((CONTRIBUTION_TEAMS,))
        await tally_old_pulses()

    async def drop_indexes():
        await run(DROP)

    manager.add_raw(create_indexes_and_tallies)
    manager.add_raw_backwards(drop_indexes)
    return manager
