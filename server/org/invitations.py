"""Invitations: single-use, expiring links that let someone join with set roles."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from uuid import UUID

import segno

from server.accounts import audit, limits
from server.accounts.audit import Client
from server.accounts.schemas import Acceptance, InvitationPreview, Ref, decode_roles, encode_roles
from server.accounts.services import create_person, hash_account_keys
from server.accounts.tables import Invitation
from server.lib.errors import AppError
from server.lib.throttle import Limiter, enforce, exhausted, forgive, too_many
from server.lib.tokens import hash_token, new_token
from server.org.common import not_found, people_refs, still_supervising, supervisors_in, team_in
from server.org.schemas import InvitationCreate, InvitationLink, InvitationRead, InvitationStatus
from server.org.tables import Organisation, Team


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def status_of(row: dict, now: datetime | None = None) -> InvitationStatus:
    now = now or datetime.now(UTC)
    if row["revoked_at"] is not None:
        return "revoked"
    if row["accepted_at"] is not None:
        return "accepted"
    if _aware(row["expires_at"]) <= now:
        return "expired"
    return "pending"


def invitation_link(public_url: str, token: str) -> str:
    # The token rides in the fragment, which browsers never send to the server or its logs.
    return f"{public_url}/join#{token}"


def qr_svg(link: str) -> str:
    """The link as a QR code, in SVG, drawn by segno."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(
        buffer,
        kind="svg",
        xmldecl=False,
        svgns=True,  # a standalone image (e.g. a data: URL) needs the namespace
        scale=4,
        border=2,
        dark="#000",
        light="#fff",
        title="QR code for the invitation link",
    )
    return buffer.getvalue().decode()


_COLUMNS = (
    Invitation.id,
    Invitation.label,
    Invitation.is_worker,
    Invitation.is_supervisor,
    Invitation.is_admin,
    Invitation.team.id.as_alias("team_id"),
    Invitation.team.name.as_alias("team_name"),
    Invitation.supervisor_ids,
    Invitation.created_at,
    Invitation.expires_at,
    Invitation.accepted_at,
    Invitation.revoked_at,
)


def _supervisor_ids(row: dict) -> list[UUID]:
    import json

    value = row["supervisor_ids"]
    if isinstance(value, str):
        value = json.loads(value)
    return [UUID(str(item)) for item in value or []]


async def _read(rows: list[dict]) -> list[InvitationRead]:
    refs = await people_refs(list({i for row in rows for i in _supervisor_ids(row)}))
    return [
        InvitationRead(
            id=row["id"],
            label=row["label"],
            roles=decode_roles(row),
            team=Ref(id=row["team_id"], name=row["team_name"]) if row["team_id"] else None,
            supervisors=[refs[i] for i in _supervisor_ids(row) if i in refs],
            status=status_of(row),
            created_at=row["created_at"],
            expires_at=row["expires_at"],
        )
        for row in rows
    ]


async def list_invitations(organisation_id: UUID) -> list[InvitationRead]:
    rows = await (
        Invitation.select(*_COLUMNS)
        .where(Invitation.organisation == organisation_id)
        .order_by(Invitation.created_at, ascending=False)
    )
    return await _read(rows)


async def _one(organisation_id: UUID, invitation_id: UUID) -> InvitationRead:
    rows = await Invitation.select(*_COLUMNS).where(
        (Invitation.id == invitation_id) & (Invitation.organisation == organisation_id)
    )
    if not rows:
        raise not_found()
    return (await _read(rows))[0]


async def create_invitation(
    organisation_id: UUID,
    actor_id: UUID | None,
    request: InvitationCreate,
    public_url: str,
    days: int,
    client: Client | None = None,
) -> InvitationLink:
    team_id = await team_in(organisation_id, request.team_id)
    supervisor_ids = await supervisors_in(organisation_id, request.supervisor_ids)
    token = new_token()
    invitation = Invitation(
        organisation=organisation_id,
        token_hash=hash_token(token),
        label=" ".join(request.label.split()),
        team=team_id,
        supervisor_ids=[str(i) for i in supervisor_ids],
        created_by=actor_id,
        expires_at=datetime.now(UTC) + timedelta(days=days),
        **encode_roles(list(request.roles)),
    )
    async with Invitation._meta.db.transaction():
        await Invitation.insert(invitation).run()
        await audit.record(
            "invitation_created",
            organisation_id=organisation_id,
            actor_id=actor_id,
            client=client,
            detail={"invitation": str(invitation.id), "roles": sorted(set(request.roles))},
        )
    link = invitation_link(public_url, token)
    read = await _one(organisation_id, invitation.id)
    return InvitationLink(invitation=read, link=link, qr_svg=qr_svg(link))


async def resend_invitation(
    organisation_id: UUID,
    actor_id: UUID,
    invitation_id: UUID,
    public_url: str,
    days: int,
    client: Client,
) -> InvitationLink:
    """A new link (and expiry) for an invitation not yet used; the old link stops working."""
    current = await _one(organisation_id, invitation_id)
    if current.status in ("accepted", "revoked"):
        raise AppError(
            f"This invitation was {current.status}, so it cannot be sent again. "
            "Make a new one instead.",
            status=409,
            code="invitation_closed",
        )
    token = new_token()
    await (
        Invitation.update(
            {
                Invitation.token_hash: hash_token(token),
                Invitation.expires_at: datetime.now(UTC) + timedelta(days=days),
            }
        )
        .where(Invitation.id == invitation_id)
        .run()
    )
    await audit.record(
        "invitation_resent",
        organisation_id=organisation_id,
        actor_id=actor_id,
        client=client,
        detail={"invitation": str(invitation_id)},
    )
    link = invitation_link(public_url, token)
    return InvitationLink(
        invitation=await _one(organisation_id, invitation_id), link=link, qr_svg=qr_svg(link)
    )


async def revoke_invitation(
    organisation_id: UUID, actor_id: UUID, invitation_id: UUID, client: Client
) -> InvitationRead:
    current = await _one(organisation_id, invitation_id)
    if current.status == "accepted":
        raise AppError(
            "This invitation has already been used, so there is nothing to revoke.",
            status=409,
            code="invitation_closed",
        )
    if current.status != "revoked":
        await (
            Invitation.update({Invitation.revoked_at: datetime.now(UTC)})
            .where(Invitation.id == invitation_id)
            .run()
        )
        await audit.record(
            "invitation_revoked",
            organisation_id=organisation_id,
            actor_id=actor_id,
            client=client,
            detail={"invitation": str(invitation_id)},
        )
    return await _one(organisation_id, invitation_id)


_CLOSED = {
    "expired": "This invitation has expired. Please ask whoever invited you for a new one.",
    "accepted": "This invitation has already been used. If it was you, sign in instead.",
    "revoked": "This invitation was withdrawn. Please ask whoever invited you about it.",
}


async def _by_token(token: str) -> dict:
    row = (
        await Invitation.select(
            *_COLUMNS,
            Invitation.organisation.id.as_alias("organisation_id"),
            Invitation.token_hash,
        )
        .where(Invitation.token_hash == hash_token(token))
        .first()
    )
    if row is None:
        raise AppError(
            "This invitation link isn't right. Check that you opened the whole link, "
            "or ask for a new one.",
            status=404,
            code="invitation_unknown",
        )
    status = status_of(row)
    if status != "pending":
        raise AppError(_CLOSED[status], status=410, code=f"invitation_{status}")
    return row


async def preview_invitation(token: str, client: Client, limiter: Limiter) -> InvitationPreview:
    await enforce(limiter, limits.LINK_ADDRESS, client.ip)
    row = await _by_token(token)
    # Only wrong links count: a whole team joining from one office address must not
    # use up the allowance meant for guessers.
    await forgive(limiter, limits.LINK_ADDRESS, client.ip)
    organisation = (
        await Organisation.select(Organisation.name)
        .where(Organisation.id == row["organisation_id"])
        .first()
    )
    refs = await people_refs(_supervisor_ids(row))
    return InvitationPreview(
        organisation=organisation["name"],
        roles=decode_roles(row),
        team=row["team_name"],
        supervisors=[ref.display_name for ref in refs.values()],
        expires_at=row["expires_at"],
    )


async def accept_invitation(acceptance: Acceptance, client: Client, limiter: Limiter) -> UUID:
    """Create the account the invitation allows, and use the invitation up."""
    await enforce(limiter, limits.LINK_ADDRESS, client.ip)
    row = await _by_token(acceptance.token)
    invitation_key = f"{limits.EMAIL_TAKEN_PER_INVITATION.name}:{row['id']}"
    counts = await limiter.peek(invitation_key, limits.EMAIL_TAKEN_PER_INVITATION.seconds)
    if exhausted(limits.EMAIL_TAKEN_PER_INVITATION, counts):
        raise too_many(
            limits.EMAIL_TAKEN_PER_INVITATION,
            "This invitation has been tried with several emails that already have accounts. "
            "Please ask whoever invited you for help.",
            counts,
        )
    try:
        person_id = await _accept(row, acceptance, client)
    except AppError as error:
        if error.code == "email_taken":
            await limiter.hit(invitation_key, limits.EMAIL_TAKEN_PER_INVITATION.seconds)
        raise
    await forgive(limiter, limits.LINK_ADDRESS, client.ip)
    return person_id


async def _accept(row: dict, acceptance: Acceptance, client: Client) -> UUID:
    organisation_id = row["organisation_id"]
    hashes = await hash_account_keys(acceptance.account)
    async with Invitation._meta.db.transaction():
        claimed = (
            await Invitation.update({Invitation.accepted_at: datetime.now(UTC)})
            .where(
                (Invitation.id == row["id"])
                & Invitation.accepted_at.is_null()
                & Invitation.revoked_at.is_null()
                & (Invitation.expires_at > datetime.now(UTC))
            )
            .returning(Invitation.id)
            .run()
        )
        if not claimed:
            raise AppError(_CLOSED["accepted"], status=410, code="invitation_accepted")
        team_id = row["team_id"]
        if team_id and not await Team.exists().where(Team.id == team_id):
            team_id = None
        # Whoever has since left or stopped supervising is left out; an admin can add others.
        supervisors = await still_supervising(organisation_id, _supervisor_ids(row))
        person_id = await create_person(
            organisation_id, acceptance.account, hashes, decode_roles(row), team_id, supervisors
        )
        await audit.record(
            "invitation_accepted",
            organisation_id=organisation_id,
            actor_id=person_id,
            subject_id=person_id,
            client=client,
            detail={"invitation": str(row["id"])},
        )
    return person_id
