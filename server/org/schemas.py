"""Bodies for setting up an organisation and administering it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from msgspec import Meta, Struct

from server.accounts.schemas import PRINTABLE, NewAccount, PersonRef, Ref, Role, Roles, Token

OrganisationName = Annotated[str, Meta(min_length=1, max_length=120, pattern=PRINTABLE)]
TeamName = Annotated[str, Meta(min_length=1, max_length=80, pattern=PRINTABLE)]
Label = Annotated[str, Meta(max_length=80, pattern=PRINTABLE)]


class SetupRequest(Struct, frozen=True):
    token: Token
    organisation_name: OrganisationName
    teams: Annotated[list[TeamName], Meta(max_length=100)]
    account: NewAccount
    also_worker: bool = True


class SetupLinkState(Struct, frozen=True):
    expires_at: datetime


class OrganisationRead(Struct, frozen=True):
    id: UUID
    name: str
    teams: list[Ref]


class OrganisationUpdate(Struct, frozen=True):
    name: OrganisationName


class TeamWrite(Struct, frozen=True):
    name: TeamName


InvitationStatus = Literal["pending", "accepted", "expired", "revoked"]


class InvitationCreate(Struct, frozen=True):
    roles: Roles
    team_id: UUID | None = None
    supervisor_ids: Annotated[list[UUID], Meta(max_length=20)] = []
    label: Label = ""


class InvitationRead(Struct, frozen=True):
    id: UUID
    label: str
    roles: list[Role]
    team: Ref | None
    supervisors: list[PersonRef]
    status: InvitationStatus
    created_at: datetime
    expires_at: datetime


class InvitationLink(Struct, frozen=True):
    """Shown once: only a hash of the link's token is kept."""

    invitation: InvitationRead
    link: str
    qr_svg: str


class PersonRead(Struct, frozen=True):
    id: UUID
    display_name: str
    email: str
    roles: list[Role]
    team: Ref | None
    supervisors: list[PersonRef]
    active: bool
    created_at: datetime


class PersonUpdate(Struct, frozen=True):
    roles: Roles | None = None
    team_id: UUID | None = None
    clear_team: bool = False


class SupervisorsUpdate(Struct, frozen=True):
    supervisor_ids: Annotated[list[UUID], Meta(max_length=20)]


class AuditRead(Struct, frozen=True):
    id: UUID
    at: datetime
    event: str
    actor: PersonRef | None
    subject: PersonRef | None
    ip: str
    device: str
    detail: dict
