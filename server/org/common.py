"""Lookups the organisation services share, always scoped to one organisation."""

from __future__ import annotations

from uuid import UUID

from server.accounts.schemas import PersonRef
from server.accounts.tables import Person
from server.lib.errors import AppError, ErrorDetail
from server.org.tables import Organisation, Team


def not_found() -> AppError:
    return AppError("There is nothing here.", status=404)


async def lock_organisation(organisation_id: UUID) -> None:
    """Within a transaction, make changes to one organisation take turns: two admins
    removing each other at once cannot leave nobody in charge, and two additions cannot
    pass a limit together. (SQLite writes already take turns: every write transaction
    begins IMMEDIATE.)"""
    if Organisation._meta.db.engine_type == "postgres":
        await Organisation.raw(
            "SELECT id FROM organisation WHERE id = {} FOR UPDATE", organisation_id
        ).run()


async def team_in(organisation_id: UUID, team_id: UUID | None) -> UUID | None:
    """The team if it is this organisation's; 422 otherwise (never another's)."""
    if team_id is None:
        return None
    if not await Team.exists().where((Team.id == team_id) & (Team.organisation == organisation_id)):
        raise AppError(
            "That team does not exist.",
            status=422,
            code="validation_error",
            details=[ErrorDetail(field="body.team_id", message="no such team")],
        )
    return team_id


async def still_supervising(organisation_id: UUID, ids: list[UUID]) -> list[UUID]:
    """Those of the ids that are active supervisors in this organisation, in order."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    rows = await Person.select(Person.id).where(
        Person.id.is_in(wanted)
        & (Person.organisation == organisation_id)
        & (Person.is_supervisor == True)  # noqa: E712 - a column comparison
        & (Person.active == True)  # noqa: E712
    )
    found = {row["id"] for row in rows}
    return [i for i in wanted if i in found]


async def supervisors_in(organisation_id: UUID, ids: list[UUID]) -> list[UUID]:
    """The ids, if each is an active supervisor in this organisation; 422 otherwise."""
    wanted = list(dict.fromkeys(ids))
    if await still_supervising(organisation_id, wanted) != wanted:
        raise AppError(
            "Supervisors must be people in your organisation with the supervisor role.",
            status=422,
            code="validation_error",
            details=[ErrorDetail(field="body.supervisor_ids", message="not a supervisor here")],
        )
    return wanted


async def people_refs(ids: list[UUID]) -> dict[UUID, PersonRef]:
    if not ids:
        return {}
    rows = await Person.select(Person.id, Person.display_name).where(Person.id.is_in(list(ids)))
    return {row["id"]: PersonRef(**row) for row in rows}
