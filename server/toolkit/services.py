"""An organisation's support resources, and its own journal prompts and feeling words.

Every query is scoped to one organisation: another's resource or item is "not found".
Each change is one transaction, taken in turn within the organisation (so two admins
cannot pass a limit together), and goes in the audit log with a resource's name at most.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal
from uuid import UUID

from server.accounts import audit
from server.accounts.audit import Client
from server.accounts.tables import Person
from server.lib.errors import AppError
from server.org.common import lock_organisation, not_found
from server.org.tables import Team
from server.toolkit.rules import (
    MAX_FEELINGS,
    MAX_PROMPTS,
    MAX_RESOURCES,
    clean_prompt,
    clean_resource,
    clean_word,
    invalid,
)
from server.toolkit.schemas import (
    FeelingAdminRead,
    FeelingRead,
    FeelingWrite,
    LibraryAdminRead,
    PromptAdminRead,
    PromptRead,
    PromptWrite,
    ResourceAdminRead,
    ResourceRead,
    ResourceWrite,
    ToolkitRead,
)
from server.toolkit.tables import LibraryItem, SupportResource

Kind = Literal["prompt", "feeling"]
LIMITS: dict[Kind, int] = {"prompt": MAX_PROMPTS, "feeling": MAX_FEELINGS}
NAMES: dict[Kind, str] = {"prompt": "journal prompts", "feeling": "feeling words"}


def _now() -> datetime:
    return datetime.now(UTC)


def _transaction():
    return SupportResource._meta.db.transaction()


# What everyone sees


async def toolkit(organisation_id: UUID, person_id: UUID) -> ToolkitRead:
    """The resources for her team (and everyone's), every prompt, the active words."""
    person = await Person.select(Person.team).where(Person.id == person_id).first()
    team = str(person["team"]) if person and person["team"] else None
    resources = [
        ResourceRead(**_read_fields(row))
        for row in await _resource_rows(organisation_id)
        if not row["team_ids"] or team in row["team_ids"]
    ]
    items = await _library_rows(organisation_id)
    return ToolkitRead(
        resources=resources,
        prompts=[
            PromptRead(
                id=row["id"],
                moment=row["moment"],
                text=row["text"],
                retired=row["retired_at"] is not None,
            )
            for row in items
            if row["kind"] == "prompt"
        ],
        feelings=[
            FeelingRead(id=row["id"], word=row["text"])
            for row in items
            if row["kind"] == "feeling" and row["retired_at"] is None
        ],
    )


# Support resources


async def _resource_rows(organisation_id: UUID) -> list[dict]:
    return await (
        SupportResource.select()
        .where(SupportResource.organisation == organisation_id)
        .order_by(SupportResource.position, SupportResource.created_at, SupportResource.id)
        .output(load_json=True)
    )


def _read_fields(row: dict) -> dict:
    return {field: row[field] for field in ResourceRead.__struct_fields__}


def _resource(row: dict) -> ResourceAdminRead:
    return ResourceAdminRead(
        **_read_fields(row),
        team_ids=[UUID(team_id) for team_id in row["team_ids"] or []],
        updated_at=row["updated_at"],
    )


async def list_resources(organisation_id: UUID) -> list[ResourceAdminRead]:
    return [_resource(row) for row in await _resource_rows(organisation_id)]


async def _get_resource(organisation_id: UUID, resource_id: UUID) -> dict:
    row = await (
        SupportResource.select()
        .where(
            (SupportResource.id == resource_id) & (SupportResource.organisation == organisation_id)
        )
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise not_found()
    return row


async def _check_teams(organisation_id: UUID, team_ids: list[UUID]) -> None:
    if not team_ids:
        return
    found = await Team.select(Team.id).where(
        (Team.organisation == organisation_id) & Team.id.is_in(team_ids)
    )
    if len(found) != len(team_ids):
        raise invalid([("team_ids", "Choose teams from your organisation.")])


async def add_resource(
    organisation_id: UUID, actor_id: UUID, data: ResourceWrite, client: Client
) -> ResourceAdminRead:
    """Added at the end of the list."""
    clean = clean_resource(data)
    async with _transaction():
        await lock_organisation(organisation_id)
        await _check_teams(organisation_id, clean.team_ids)
        positions = await SupportResource.select(SupportResource.position).where(
            SupportResource.organisation == organisation_id
        )
        if len(positions) >= MAX_RESOURCES:
            raise AppError(
                f"There can be up to {MAX_RESOURCES} support resources. "
                "Please remove one before adding another.",
                status=409,
                code="too_many",
            )
        now = _now()
        resource = SupportResource(
            organisation=organisation_id,
            name=clean.name,
            description=clean.description,
            phone=clean.phone,
            text=clean.text,
            web=clean.web,
            hours=clean.hours,
            team_ids=[str(team_id) for team_id in clean.team_ids],
            position=max((row["position"] for row in positions), default=-1) + 1,
            created_at=now,
            updated_at=now,
        )
        await SupportResource.insert(resource).run()
        await _record("support_resource_added", organisation_id, actor_id, client, clean.name)
    return _resource(await _get_resource(organisation_id, resource.id))


async def change_resource(
    organisation_id: UUID,
    actor_id: UUID,
    resource_id: UUID,
    data: ResourceWrite,
    client: Client,
) -> ResourceAdminRead:
    clean = clean_resource(data)
    async with _transaction():
        await lock_organisation(organisation_id)
        await _get_resource(organisation_id, resource_id)
        await _check_teams(organisation_id, clean.team_ids)
        await (
            SupportResource.update(
                {
                    SupportResource.name: clean.name,
                    SupportResource.description: clean.description,
                    SupportResource.phone: clean.phone,
                    SupportResource.text: clean.text,
                    SupportResource.web: clean.web,
                    SupportResource.hours: clean.hours,
                    SupportResource.team_ids: [str(team_id) for team_id in clean.team_ids],
                    SupportResource.updated_at: _now(),
                }
            )
            .where(SupportResource.id == resource_id)
            .run()
        )
        await _record("support_resource_changed", organisation_id, actor_id, client, clean.name)
    return _resource(await _get_resource(organisation_id, resource_id))


async def remove_resource(
    organisation_id: UUID, actor_id: UUID, resource_id: UUID, client: Client
) -> None:
    async with _transaction():
        await lock_organisation(organisation_id)
        row = await _get_resource(organisation_id, resource_id)
        await SupportResource.delete().where(SupportResource.id == resource_id).run()
        await _record("support_resource_removed", organisation_id, actor_id, client, row["name"])


async def reorder_resources(
    organisation_id: UUID, actor_id: UUID, ids: list[UUID], client: Client
) -> list[ResourceAdminRead]:
    """``ids`` must be exactly the organisation's resources: a list that changed since the
    admin loaded it (another admin added or removed one) is refused, not guessed at."""
    async with _transaction():
        await lock_organisation(organisation_id)
        current = [row["id"] for row in await _resource_rows(organisation_id)]
        if len(ids) != len(set(ids)) or set(ids) != set(current):
            raise AppError(
                "The list changed while you were moving things. Please reload and try again.",
                status=409,
                code="order_out_of_date",
            )
        if ids != current:
            for position, resource_id in enumerate(ids):
                await (
                    SupportResource.update({SupportResource.position: position})
                    .where(SupportResource.id == resource_id)
                    .run()
                )
            await _record("support_resources_reordered", organisation_id, actor_id, client)
    return await list_resources(organisation_id)


# Prompts and feeling words


async def _library_rows(organisation_id: UUID) -> list[dict]:
    return await (
        LibraryItem.select()
        .where(LibraryItem.organisation == organisation_id)
        .order_by(LibraryItem.created_at, LibraryItem.id)
    )


def _prompt(row: dict) -> PromptAdminRead:
    return PromptAdminRead(
        id=row["id"], moment=row["moment"], text=row["text"], retired_at=row["retired_at"]
    )


def _feeling(row: dict) -> FeelingAdminRead:
    return FeelingAdminRead(id=row["id"], word=row["text"], retired_at=row["retired_at"])


async def library(organisation_id: UUID) -> LibraryAdminRead:
    rows = sorted(await _library_rows(organisation_id), key=lambda r: r["retired_at"] is not None)
    return LibraryAdminRead(
        prompts=[_prompt(row) for row in rows if row["kind"] == "prompt"],
        feelings=[_feeling(row) for row in rows if row["kind"] == "feeling"],
    )


async def _get_item(organisation_id: UUID, kind: Kind, item_id: UUID) -> dict:
    row = await (
        LibraryItem.select()
        .where(
            (LibraryItem.id == item_id)
            & (LibraryItem.organisation == organisation_id)
            & (LibraryItem.kind == kind)
        )
        .first()
    )
    if row is None:
        raise not_found()
    return row


async def _check_room(organisation_id: UUID, kind: Kind) -> None:
    active = await LibraryItem.count().where(
        (LibraryItem.organisation == organisation_id)
        & (LibraryItem.kind == kind)
        & LibraryItem.retired_at.is_null()
    )
    if active >= LIMITS[kind]:
        raise AppError(
            f"There can be up to {LIMITS[kind]} {NAMES[kind]} in use. "
            "Please retire one before adding another.",
            status=409,
            code="too_many",
        )


async def _check_word_is_new(organisation_id: UUID, word: str) -> None:
    if await LibraryItem.exists().where(
        (LibraryItem.organisation == organisation_id)
        & (LibraryItem.kind == "feeling")
        & (LibraryItem.text == word)
        & LibraryItem.retired_at.is_null()
    ):
        raise AppError(
            f"\u201c{word}\u201d is already in the list.", status=409, code="already_there"
        )


async def add_prompt(
    organisation_id: UUID, actor_id: UUID, data: PromptWrite, client: Client
) -> PromptAdminRead:
    moment, text = clean_prompt(data.moment, data.text)
    item = LibraryItem(
        organisation=organisation_id, kind="prompt", moment=moment, text=text, created_at=_now()
    )
    async with _transaction():
        await lock_organisation(organisation_id)
        await _check_room(organisation_id, "prompt")
        await LibraryItem.insert(item).run()
        await _record("library_item_added", organisation_id, actor_id, client, kind="prompt")
    return await prompt(organisation_id, item.id)


async def add_feeling(
    organisation_id: UUID, actor_id: UUID, data: FeelingWrite, client: Client
) -> tuple[FeelingAdminRead, bool]:
    """The word, and whether it is new: a retired copy of it is brought back instead."""
    word = clean_word(data.word)
    async with _transaction():
        await lock_organisation(organisation_id)
        await _check_word_is_new(organisation_id, word)
        await _check_room(organisation_id, "feeling")
        retired = await (
            LibraryItem.select(LibraryItem.id)
            .where(
                (LibraryItem.organisation == organisation_id)
                & (LibraryItem.kind == "feeling")
                & (LibraryItem.text == word)
            )
            .order_by(LibraryItem.retired_at, ascending=False)
            .first()
        )
        if retired is not None:
            item_id = retired["id"]
            await (
                LibraryItem.update({LibraryItem.retired_at: None})
                .where(LibraryItem.id == item_id)
                .run()
            )
            await _record(
                "library_item_restored", organisation_id, actor_id, client, kind="feeling"
            )
        else:
            item = LibraryItem(
                organisation=organisation_id, kind="feeling", text=word, created_at=_now()
            )
            item_id = item.id
            await LibraryItem.insert(item).run()
            await _record("library_item_added", organisation_id, actor_id, client, kind="feeling")
    return await feeling(organisation_id, item_id), retired is None


async def prompt(organisation_id: UUID, item_id: UUID) -> PromptAdminRead:
    return _prompt(await _get_item(organisation_id, "prompt", item_id))


async def feeling(organisation_id: UUID, item_id: UUID) -> FeelingAdminRead:
    return _feeling(await _get_item(organisation_id, "feeling", item_id))


async def retire_item(
    organisation_id: UUID, actor_id: UUID, kind: Kind, item_id: UUID, client: Client
) -> None:
    """No longer offered; a prompt's words still show with the entries written to it.
    Retiring a retired item changes nothing."""
    async with _transaction():
        row = await _get_item(organisation_id, kind, item_id)
        if row["retired_at"] is None:
            await (
                LibraryItem.update({LibraryItem.retired_at: _now()})
                .where(LibraryItem.id == item_id)
                .run()
            )
            await _record("library_item_retired", organisation_id, actor_id, client, kind=kind)


async def restore_item(
    organisation_id: UUID, actor_id: UUID, kind: Kind, item_id: UUID, client: Client
) -> None:
    """Offered again, if there is room (and, for a word, it is not in use already)."""
    async with _transaction():
        await lock_organisation(organisation_id)
        row = await _get_item(organisation_id, kind, item_id)
        if row["retired_at"] is not None:
            if kind == "feeling":
                await _check_word_is_new(organisation_id, row["text"])
            await _check_room(organisation_id, kind)
            await (
                LibraryItem.update({LibraryItem.retired_at: None})
                .where(LibraryItem.id == item_id)
                .run()
            )
            await _record("library_item_restored", organisation_id, actor_id, client, kind=kind)


async def _record(
    event: audit.Event,
    organisation_id: UUID,
    actor_id: UUID,
    client: Client,
    name: str | None = None,
    kind: Kind | None = None,
) -> None:
    """A resource's name, or which kind of item: never a prompt's or word's text."""
    detail = {"name": name} if name is not None else {"kind": kind} if kind else {}
    await audit.record(
        event, organisation_id=organisation_id, actor_id=actor_id, client=client, detail=detail
    )
