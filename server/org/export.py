"""An organisation's configuration as JSON (``tend export-org``): its name, teams, support
resources, and its own journal prompts and feeling words.

Configuration only: no person's name, email or id, no invitation, nothing anyone wrote or
shared, no figures. Teams are named, not listed with their members, and a resource names
the teams it is for rather than their ids, so the file reads on its own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from msgspec import Struct

from server.lib.errors import AppError
from server.org.tables import Organisation, Team
from server.toolkit.tables import LibraryItem, SupportResource


class TeamConfig(Struct, frozen=True):
    name: str


class ResourceConfig(Struct, frozen=True):
    """``teams`` empty: everyone in the organisation sees it."""

    name: str
    description: str
    phone: str | None
    text: str | None
    web: str | None
    hours: str
    teams: list[str]


class PromptConfig(Struct, frozen=True):
    moment: str | None
    text: str
    retired: bool


class FeelingConfig(Struct, frozen=True):
    word: str
    retired: bool


class OrganisationConfig(Struct, frozen=True):
    name: str
    created_at: datetime
    teams: list[TeamConfig]
    support_resources: list[ResourceConfig]
    prompts: list[PromptConfig]
    feelings: list[FeelingConfig]


class OrganisationExport(Struct, frozen=True):
    format: Literal["tend-organisation"]
    version: int
    exported_at: datetime
    organisations: list[OrganisationConfig]


async def export_organisations(name: str | None = None) -> OrganisationExport:
    """Every organisation on this server, or the one called ``name`` (an ``AppError``
    naming the ones there are if none is)."""
    organisations = await Organisation.select().order_by(Organisation.name, Organisation.id)
    if name is not None:
        chosen = [o for o in organisations if o["name"] == name]
        if not chosen:
            known = ", ".join(repr(o["name"]) for o in organisations) or "none yet"
            raise AppError(f"there is no organisation called {name!r} (organisations: {known})")
        organisations = chosen
    return OrganisationExport(
        format="tend-organisation",
        version=1,
        exported_at=datetime.now(UTC),
        organisations=[await _configuration(row) for row in organisations],
    )


async def _configuration(organisation: dict) -> OrganisationConfig:
    organisation_id = organisation["id"]
    teams = await (
        Team.select(Team.id, Team.name)
        .where(Team.organisation == organisation_id)
        .order_by(Team.name)
    )
    team_names = {str(t["id"]): t["name"] for t in teams}
    resources = await (
        SupportResource.select()
        .where(SupportResource.organisation == organisation_id)
        .order_by(SupportResource.position, SupportResource.created_at, SupportResource.id)
        .output(load_json=True)
    )
    items = await (
        LibraryItem.select()
        .where(LibraryItem.organisation == organisation_id)
        .order_by(LibraryItem.kind, LibraryItem.created_at, LibraryItem.id)
    )
    return OrganisationConfig(
        name=organisation["name"],
        created_at=organisation["created_at"],
        teams=[TeamConfig(name=t["name"]) for t in teams],
        support_resources=[
            ResourceConfig(
                name=r["name"],
                description=r["description"],
                phone=r["phone"],
                text=r["text"],
                web=r["web"],
                hours=r["hours"],
                teams=sorted(team_names[t] for t in r["team_ids"] or [] if t in team_names),
            )
            for r in resources
            # One only for teams that are gone is seen by no one: exported with no teams,
            # it would be shown to everyone.
            if not r["team_ids"] or any(t in team_names for t in r["team_ids"])
        ],
        prompts=[
            PromptConfig(moment=i["moment"], text=i["text"], retired=i["retired_at"] is not None)
            for i in items
            if i["kind"] == "prompt"
        ],
        feelings=[
            FeelingConfig(word=i["text"], retired=i["retired_at"] is not None)
            for i in items
            if i["kind"] == "feeling"
        ],
    )
