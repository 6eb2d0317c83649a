"""Administering an organisation: its teams, people, roles, supervisors, and audit log.

Every query is scoped to the admin's own organisation; anything else is "not found".
An admin can change what someone may do, never read or reset their private data.
"""

from __future__ import annotations

from uuid import UUID

from server.accounts import audit
from server.accounts.audit import Client
from server.accounts.schemas import PersonRef, Ref, Role, decode_roles, encode_roles
from server.accounts.sessions import end_sessions
from server.accounts.tables import AuditEvent, Person, Supervision
from server.lib.errors import AppError
from server.org.common import lock_organisation, not_found, people_refs, supervisors_in, team_in
from server.org.schemas import (
    AuditRead,
    OrganisationRead,
    PersonRead,
    PersonUpdate,
)
from server.org.tables import Organisation, Team
from server.reminders.services import end_reminders
from server.sharing.relations import end_sharing

_PERSON_COLUMNS = (
    Person.id,
    Person.display_name,
    Person.email,
    Person.is_worker,
    Person.is_supervisor,
    Person.is_admin,
    Person.active,
    Person.created_at,
    Person.team.id.as_alias("team_id"),
    Person.team.name.as_alias("team_name"),
)


async def organisation(organisation_id: UUID) -> OrganisationRead:
    row = await Organisation.select().where(Organisation.id == organisation_id).first()
    if row is None:
        raise not_found()
    teams = await (
        Team.select(Team.id, Team.name)
        .where(Team.organisation == organisation_id)
        .order_by(Team.name)
    )
    return OrganisationRead(id=row["id"], name=row["name"], teams=[Ref(**t) for t in teams])


async def rename_organisation(organisation_id: UUID, name: str) -> OrganisationRead:
    name = " ".join(name.split())
    if not name:
        raise AppError("Please give your organisation a name.", status=422, code="validation_error")
    await (
        Organisation.update({Organisation.name: name})
        .where(Organisation.id == organisation_id)
        .run()
    )
    return await organisation(organisation_id)


async def add_team(organisation_id: UUID, name: str) -> Ref:
    name = " ".join(name.split())
    if not name:
        raise AppError("Please give the team a name.", status=422, code="validation_error")
    if await Team.exists().where((Team.organisation == organisation_id) & (Team.name == name)):
        raise AppError("There is already a team with that name.", status=409, code="team_exists")
    team = Team(organisation=organisation_id, name=name)
    await Team.insert(team).run()
    return Ref(id=team.id, name=name)


async def rename_team(organisation_id: UUID, team_id: UUID, name: str) -> Ref:
    if not await Team.exists().where((Team.id == team_id) & (Team.organisation == organisation_id)):
        raise not_found()
    name = " ".join(name.split())
    clash = await Team.exists().where(
        (Team.organisation == organisation_id) & (Team.name == name) & (Team.id != team_id)
    )
    if not name or clash:
        raise AppError("Please choose a name no other team has.", status=409, code="team_exists")
    await Team.update({Team.name: name}).where(Team.id == team_id).run()
    return Ref(id=team_id, name=name)


async def _supervisors_of(worker_ids: list[UUID]) -> dict[UUID, list[PersonRef]]:
    if not worker_ids:
        return {}
    rows = await Supervision.select(
        Supervision.worker,
        Supervision.supervisor.id.as_alias("id"),
        Supervision.supervisor.display_name.as_alias("display_name"),
    ).where(Supervision.worker.is_in(worker_ids))
    result: dict[UUID, list[PersonRef]] = {}
    for row in rows:
        result.setdefault(row["worker"], []).append(
            PersonRef(id=row["id"], display_name=row["display_name"])
        )
    return result


def _person(row: dict, supervisors: dict[UUID, list[PersonRef]]) -> PersonRead:
    return PersonRead(
        id=row["id"],
        display_name=row["display_name"],
        email=row["email"],
        roles=decode_roles(row),
        team=Ref(id=row["team_id"], name=row["team_name"]) if row["team_id"] else None,
        supervisors=sorted(supervisors.get(row["id"], []), key=lambda p: p.display_name),
        active=row["active"],
        created_at=row["created_at"],
    )


async def list_people(organisation_id: UUID) -> list[PersonRead]:
    rows = await (
        Person.select(*_PERSON_COLUMNS)
        .where(Person.organisation == organisation_id)
        .order_by(Person.display_name)
    )
    supervisors = await _supervisors_of([row["id"] for row in rows])
    return [_person(row, supervisors) for row in rows]


async def get_person(organisation_id: UUID, person_id: UUID) -> PersonRead:
    row = await (
        Person.select(*_PERSON_COLUMNS)
        .where((Person.id == person_id) & (Person.organisation == organisation_id))
        .first()
    )
    if row is None:
        raise not_found()
    return _person(row, await _supervisors_of([person_id]))


async def _admins_left(organisation_id: UUID, without: UUID) -> int:
    return await Person.count().where(
        (Person.organisation == organisation_id)
        & (Person.is_admin == True)  # noqa: E712
        & (Person.active == True)  # noqa: E712
        & (Person.id != without)
    )


async def update_person(
    organisation_id: UUID, actor_id: UUID, person_id: UUID, change: PersonUpdate, client: Client
) -> PersonRead:
    before = await get_person(organisation_id, person_id)
    values: dict = {}
    roles_changed = change.roles is not None and set(change.roles) != set(before.roles)
    if roles_changed:
        roles: list[Role] = list(dict.fromkeys(change.roles))
        values.update({getattr(Person, k): v for k, v in encode_roles(roles).items()})
    team_id = before.team.id if before.team else None
    if change.clear_team:
        team_id = None
    elif change.team_id is not None:
        team_id = await team_in(organisation_id, change.team_id)
    if team_id != (before.team.id if before.team else None):
        values[Person.team] = team_id
    if not values:
        return before
    stops_admin = roles_changed and "admin" in before.roles and "admin" not in change.roles
    async with Person._meta.db.transaction():
        if stops_admin:
            await lock_organisation(organisation_id)
            if not await _admins_left(organisation_id, person_id):
                raise AppError(
                    "Someone else must be an admin before this person stops being one.",
                    status=409,
                    code="last_admin",
                )
        await Person.update(values).where(Person.id == person_id).run()
        if (
            "supervisor" in before.roles
            and change.roles is not None
            and "supervisor" not in change.roles
        ):
            await Supervision.delete().where(Supervision.supervisor == person_id).run()
            await end_sharing(supervisor=person_id)
        if "worker" in before.roles and change.roles is not None and "worker" not in change.roles:
            await end_sharing(worker=person_id)
        if roles_changed:
            await audit.record(
                "roles_changed",
                organisation_id=organisation_id,
                actor_id=actor_id,
                subject_id=person_id,
                client=client,
                detail={"roles": sorted(set(change.roles or []))},
            )
        if Person.team in values:
            await audit.record(
                "team_changed",
                organisation_id=organisation_id,
                actor_id=actor_id,
                subject_id=person_id,
                client=client,
            )
    return await get_person(organisation_id, person_id)


async def set_supervisors(
    organisation_id: UUID, actor_id: UUID, worker_id: UUID, ids: list[UUID], client: Client
) -> PersonRead:
    await get_person(organisation_id, worker_id)
    wanted = await supervisors_in(organisation_id, ids)
    if worker_id in wanted:
        raise AppError("Nobody can supervise themselves.", status=422, code="validation_error")
    async with Person._meta.db.transaction():
        await Supervision.delete().where(Supervision.worker == worker_id).run()
        # What she shared with, or asked of, someone who no longer supervises her goes too.
        await end_sharing(worker=worker_id, keep=wanted)
        for supervisor_id in wanted:
            await Supervision.insert(Supervision(supervisor=supervisor_id, worker=worker_id)).run()
        await audit.record(
            "supervisors_changed",
            organisation_id=organisation_id,
            actor_id=actor_id,
            subject_id=worker_id,
            client=client,
            detail={"supervisors": len(wanted)},
        )
    return await get_person(organisation_id, worker_id)


async def set_active(
    organisation_id: UUID, actor_id: UUID, person_id: UUID, active: bool, client: Client
) -> PersonRead:
    """Deactivating ends every session of the person at once."""
    before = await get_person(organisation_id, person_id)
    if not active and person_id == actor_id:
        raise AppError("You can't close your own account here.", status=409, code="self")
    if before.active == active:
        return before
    async with Person._meta.db.transaction():
        if not active and "admin" in before.roles:
            await lock_organisation(organisation_id)
            if not await _admins_left(organisation_id, person_id):
                raise AppError("Tend needs at least one admin.", status=409, code="last_admin")
        await Person.update({Person.active: active}).where(Person.id == person_id).run()
        if not active:
            await end_sessions(person_id)
            # A closed account can't stop sharing: what it shared, or was shown, goes now.
            await end_sharing(worker=person_id)
            await end_sharing(supervisor=person_id)
            await end_reminders(person_id)
        await audit.record(
            "account_reactivated" if active else "account_deactivated",
            organisation_id=organisation_id,
            actor_id=actor_id,
            subject_id=person_id,
            client=client,
        )
    return await get_person(organisation_id, person_id)


async def my_supervisors(person_id: UUID) -> list[PersonRef]:
    return (await _supervisors_of([person_id])).get(person_id, [])


async def my_supervisees(supervisor_id: UUID) -> list[PersonRef]:
    rows = await (
        Supervision.select(
            Supervision.worker.id.as_alias("id"),
            Supervision.worker.display_name.as_alias("display_name"),
        )
        .where((Supervision.supervisor == supervisor_id) & (Supervision.worker.active == True))  # noqa: E712
        .order_by(Supervision.worker.display_name)
    )
    return [PersonRef(**row) for row in rows]


# When someone signs in or out is theirs to know (their own sign-in history shows it);
# admins see failures, lock-outs and every change to accounts.
PRIVATE_EVENTS = ["sign_in", "sign_out", "session_ended"]


async def audit_log(organisation_id: UUID, limit: int = 200) -> list[AuditRead]:
    rows = await (
        AuditEvent.select()
        .where(
            (AuditEvent.organisation_id == organisation_id)
            & AuditEvent.event.not_in(PRIVATE_EVENTS)
        )
        .order_by(AuditEvent.at, ascending=False)
        .limit(limit)
    )
    ids = {row[k] for row in rows for k in ("actor_id", "subject_id") if row[k]}
    refs = await people_refs(list(ids))

    def ref(value: UUID | None) -> PersonRef | None:
        if value is None:
            return None
        return refs.get(value, PersonRef(id=value, display_name="A former member"))

    return [
        AuditRead(
            id=row["id"],
            at=row["at"],
            event=row["event"],
            actor=ref(row["actor_id"]),
            subject=ref(row["subject_id"]),
            ip=row["ip"],
            device=row["device"],
            detail=row["detail"] if isinstance(row["detail"], dict) else _json(row["detail"]),
        )
        for row in rows
    ]


def _json(value) -> dict:
    import json

    try:
        loaded = json.loads(value or "{}")
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}
