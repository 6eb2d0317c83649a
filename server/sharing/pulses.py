"""The anonymous pulse after supervision: three answers that are never stored on their own.

Each answer is added to a running tally for her organisation, the team she is in when she
answers, and the month of the session: how many answers, how many different people, and
the sum of each question. No row anywhere holds her answers beside her id or the
session's; the session records only that she answered (so she is not asked twice).

``people`` grows only with her first answer about a session in that month, so a person who
answered after three sessions is three answers but one person. Both happen in the
transaction that marks the session: on PostgreSQL her sessions that month are locked first,
so two answers at once cannot both count her; SQLite has one writer at a time.

Once a month's figures are frozen (``insights.py``) its tallies are deleted, and a late
answer about a session in that month is thanked and marked but counts nowhere.
"""

from __future__ import annotations

import uuid
from datetime import date
from uuid import UUID

from server.lib.errors import AppError
from server.sharing.schemas import PulseWrite
from server.sharing.tables import InsightSnapshot, PulseTally, SupervisionSession

# The tally of people in no team (a unique index treats NULLs as all different).
NO_TEAM = UUID(int=0)

SESSION = """
SELECT s.held_on AS held_on, p.organisation AS organisation, p.team AS team
FROM supervision_session s JOIN person p ON p.id = s.worker
WHERE s.id = {} AND s.worker = {}
"""
# Her sessions in that month, and whether she has answered about each.
HER_MONTH = """
SELECT id, pulse_given FROM supervision_session
WHERE worker = {} AND held_on >= {} AND held_on < {}
ORDER BY id
"""
# PostgreSQL: wait for another answer of hers that month to finish, and then see it.
LOCKED = {"postgres": " FOR UPDATE", "sqlite": ""}

ADD = """
INSERT INTO pulse_tally
    (id, organisation, team_id, month, answers, people, heard, checked_in, useful)
VALUES ({}, {}, {}, {}, 1, {}, {}, {}, {})
ON CONFLICT (organisation, team_id, month) DO UPDATE SET
    answers = pulse_tally.answers + excluded.answers,
    people = pulse_tally.people + excluded.people,
    heard = pulse_tally.heard + excluded.heard,
    checked_in = pulse_tally.checked_in + excluded.checked_in,
    useful = pulse_tally.useful + excluded.useful
"""


def _month_bounds(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start, end


def _same_id(a: object, b: UUID) -> bool:
    return str(a) == str(b)


def already_answered() -> AppError:
    return AppError(
        "You've already said how this session felt. Thank you.",
        status=409,
        code="already_answered",
    )


async def give(worker_id: UUID, session_id: UUID, data: PulseWrite) -> None:
    """Add her answers to the tally and mark the session answered, together or not at all.
    404 for a session that is not hers, 409 for a second answer."""
    db = SupervisionSession._meta.db
    async with db.transaction():
        found = await SupervisionSession.raw(SESSION, session_id, worker_id)
        if not found:
            raise AppError("There is nothing here.", status=404)
        session = found[0]
        held_on = session["held_on"]
        if isinstance(held_on, str):
            held_on = date.fromisoformat(held_on)
        start, end = _month_bounds(held_on)
        month = start.strftime("%Y-%m")
        sessions = await SupervisionSession.raw(
            HER_MONTH + LOCKED[db.engine_type], worker_id, start, end
        )
        if any(_same_id(s["id"], session_id) and s["pulse_given"] for s in sessions):
            raise already_answered()
        counted = any(s["pulse_given"] for s in sessions if not _same_id(s["id"], session_id))
        marked = (
            await SupervisionSession.update({SupervisionSession.pulse_given: True})
            .where(
                (SupervisionSession.id == session_id)
                & (SupervisionSession.worker == worker_id)
                & (SupervisionSession.pulse_given == False)  # noqa: E712
            )
            .returning(SupervisionSession.id)
        )
        if not marked:
            raise already_answered()
        organisation = session["organisation"]
        frozen = await InsightSnapshot.exists().where(
            (InsightSnapshot.organisation == organisation) & (InsightSnapshot.period == month)
        )
        if frozen:
            return  # that month's figures are final: thanked, and counted nowhere
        await PulseTally.raw(
            ADD,
            uuid.uuid4(),
            organisation,
            session["team"] or NO_TEAM,
            month,
            0 if counted else 1,
            data.heard,
            data.checked_in,
            data.useful,
        )
